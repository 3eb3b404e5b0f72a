"""Journal keys of their own, and the license journal.

- Case events say which journal key sealed them (``key_id``; blank for those already written,
  sealed with the key derived from SECRET_KEY: casefiles.journal.records verifies them with it).
- Cases and licenses keep a seal over their journal's head, made here with the configured
  ``YIWANG_JOURNAL_KEY`` (after a rotation, the next event or ``manage.py audit checkpoint``).
- License events become a hash chain like the case journal: the events already there are
  numbered in the order they were written and sealed now — before this they had no seal, so
  this is the first point from which they are tamper-evident.
- The database refuses UPDATE and DELETE on license events, and on SQLite now DELETE on case
  events too (PostgreSQL has refused it since 0006).

The sealing uses casefiles.journal.records's functions on the historical rows: the canonical form they
compute is what every later verification recomputes, so it cannot change without this.
"""

import django.utils.timezone
from django.db import migrations, models

from casefiles.migrations._vendor_sql import run_sql_per_vendor

SQLITE_TRIGGERS = [
    """CREATE TRIGGER casefiles_caseevent_no_delete BEFORE DELETE ON casefiles_caseevent
       BEGIN SELECT RAISE(ABORT, 'the case journal is append-only'); END;""",
    """CREATE TRIGGER casefiles_licenseevent_no_update BEFORE UPDATE ON casefiles_licenseevent
       BEGIN SELECT RAISE(ABORT, 'the license journal is append-only'); END;""",
    """CREATE TRIGGER casefiles_licenseevent_no_delete BEFORE DELETE ON casefiles_licenseevent
       BEGIN SELECT RAISE(ABORT, 'the license journal is append-only'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS casefiles_caseevent_no_delete;",
    "DROP TRIGGER IF EXISTS casefiles_licenseevent_no_update;",
    "DROP TRIGGER IF EXISTS casefiles_licenseevent_no_delete;",
]
POSTGRES_TRIGGER = """
CREATE OR REPLACE FUNCTION casefiles_licenseevent_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the license journal is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER casefiles_licenseevent_append_only BEFORE UPDATE OR DELETE ON casefiles_licenseevent
FOR EACH ROW EXECUTE FUNCTION casefiles_licenseevent_append_only();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS casefiles_licenseevent_append_only ON casefiles_licenseevent;
DROP FUNCTION IF EXISTS casefiles_licenseevent_append_only();
"""


def seal_existing(apps, schema_editor):
    from casefiles.journal import records

    ring = None
    License = apps.get_model("casefiles", "License")
    LicenseEvent = apps.get_model("casefiles", "LicenseEvent")
    CaseFile = apps.get_model("casefiles", "CaseFile")

    for license in License.objects.order_by("pk").iterator(chunk_size=500):
        ring = ring or records.keyring()
        head = ""
        events = LicenseEvent.objects.filter(license_id=license.pk).order_by("created_at", "pk")
        for sequence, event in enumerate(events, start=1):
            event.sequence, event.prev_hash, event.key_id = sequence, head, ring.current.id
            event.hash = head = records.seal(records.named("license"), event, license.identifier, ring.current)
            LicenseEvent.objects.filter(pk=event.pk).update(
                sequence=sequence, prev_hash=event.prev_hash, hash=event.hash, key_id=event.key_id
            )
        length = events.count()
        License.objects.filter(pk=license.pk).update(
            journal_head=head, journal_length=length,
            journal_seal=records.head_seal(records.named("license"), license.identifier, length, head, ring.current),
        )
    for case in CaseFile.objects.only("pk", "number", "journal_head", "journal_length").order_by("pk").iterator(chunk_size=500):
        ring = ring or records.keyring()
        CaseFile.objects.filter(pk=case.pk).update(
            journal_seal=records.head_seal(records.CASES, case.number, case.journal_length, case.journal_head, ring.current)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("casefiles", "0014_case_tallies"),
    ]

    operations = [
        # ADD COLUMN, not Django's SQLite way of rebuilding the table, which would drop the
        # triggers on these two tables (0006, 0013, 0014) and trip those that name them.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL("ALTER TABLE casefiles_caseevent ADD COLUMN key_id varchar(16) NOT NULL DEFAULT ''",
                                  "ALTER TABLE casefiles_caseevent DROP COLUMN key_id"),
                migrations.RunSQL("ALTER TABLE casefiles_casefile ADD COLUMN journal_seal varchar(64) NOT NULL DEFAULT ''",
                                  "ALTER TABLE casefiles_casefile DROP COLUMN journal_seal"),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="caseevent",
                    name="key_id",
                    field=models.CharField(blank=True, max_length=16),
                ),
                migrations.AddField(
                    model_name="casefile",
                    name="journal_seal",
                    field=models.CharField(blank=True, editable=False, max_length=64),
                ),
            ],
        ),
        migrations.AddField(
            model_name="license",
            name="journal_head",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="license",
            name="journal_length",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="license",
            name="journal_seal",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="licenseevent",
            name="sequence",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="licenseevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="licenseevent",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="licenseevent",
            name="key_id",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AlterField(
            model_name="licenseevent",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="licenseevent",
            options={"ordering": ["license", "sequence"]},
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="licenseevent",
            constraint=models.UniqueConstraint(fields=("license", "sequence"), name="one_license_event_per_sequence"),
        ),
        run_sql_per_vendor({"sqlite": SQLITE_TRIGGERS, "postgresql": [POSTGRES_TRIGGER]},
                           {"sqlite": SQLITE_DROP, "postgresql": [POSTGRES_DROP]}),
    ]
