"""Identity numbers and mobile numbers encrypted at rest (个人信息保护法; docs/personal-data.md).

The columns become tokens (casefiles.directory.protected), each one that is looked up gets its
digest column, the rows are encrypted in batches, and the unique constraint and the index that
were on the plain columns move to the digests. Undone, the rows are decrypted again (with the
keys of the settings: unapply before removing a key).

On SQLite altering a column remakes its table, which loses its triggers, and cannot be renamed
while another table's trigger names it: the triggers of 0013 (the case's status on its grants)
and 0014 (the tallies) are dropped first and made again last, in either direction.
"""

import importlib

from django.db import migrations, models

import casefiles.directory.identifiers
import casefiles.directory.protected
from casefiles.directory import protected

PROTECTED = ["Person", "CaseFile", "License", "Notice", "Invitation"]


def _sqlite_case_triggers():
    drop, create = [], []
    for name in ("0013_grant_case_status", "0014_case_tallies"):
        module = importlib.import_module(f"casefiles.migrations.{name}")
        drop += module.SQLITE_DROP
        create += module.SQLITE_TRIGGERS
    return drop, create


def _on_sqlite(pick):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":  # PostgreSQL alters a column in place
            for statement in pick(_sqlite_case_triggers()):
                schema_editor.execute(statement)
    return run


drop_case_triggers = _on_sqlite(lambda found: found[0])
make_case_triggers = _on_sqlite(lambda found: found[0] + found[1])


def encrypt_rows(apps, schema_editor):
    for name in PROTECTED:
        protected.rewrite(apps.get_model("casefiles", name), batch_size=500)


def decrypt_rows(apps, schema_editor):
    for name in PROTECTED:
        protected.write_plain(apps.get_model("casefiles", name), batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('casefiles', '0020_enterprise_members'),
    ]

    operations = [
        # On SQLite the triggers that name the case file go while its table is remade (and, unapplied,
        # come back last).
        migrations.RunPython(drop_case_triggers, make_case_triggers),
        migrations.RemoveIndex(
            model_name='license',
            name='license_reuse',
        ),
        migrations.AddField(
            model_name='casefile',
            name='applicant_code_hash',
            field=casefiles.directory.protected.DigestField(db_index=True, of='applicant_code'),
        ),
        migrations.AddField(
            model_name='invitation',
            name='mobile_hash',
            field=casefiles.directory.protected.DigestField(of='mobile'),
        ),
        migrations.AddField(
            model_name='license',
            name='holder_code_hash',
            field=casefiles.directory.protected.DigestField(of='holder_code'),
        ),
        # Unique once every row has its digest (below).
        migrations.AddField(
            model_name='person',
            name='id_number_hash',
            field=casefiles.directory.protected.DigestField(of='id_number'),
        ),
        migrations.AddField(
            model_name='person',
            name='phone_hash',
            field=casefiles.directory.protected.DigestField(db_index=True, of='phone'),
        ),
        migrations.AlterField(
            model_name='casefile',
            name='applicant_code',
            field=casefiles.directory.protected.EncryptedTextField(help_text='USCC or resident identity number', max_length=18, verbose_name="applicant's code"),
        ),
        migrations.AlterField(
            model_name='casefile',
            name='contact_phone',
            field=casefiles.directory.protected.EncryptedTextField(blank=True, max_length=40, verbose_name='contact phone'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='mobile',
            field=casefiles.directory.protected.EncryptedTextField(max_length=20, verbose_name='mobile phone'),
        ),
        migrations.AlterField(
            model_name='license',
            name='holder_code',
            field=casefiles.directory.protected.EncryptedTextField(max_length=18, verbose_name="holder's code"),
        ),
        migrations.AlterField(
            model_name='notice',
            name='content',
            field=casefiles.directory.protected.EncryptedJSONField(default=dict, verbose_name='content'),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number',
            field=casefiles.directory.protected.EncryptedTextField(error_messages={'unique': 'A person with this resident identity number is registered already.'}, max_length=18, validators=[casefiles.directory.identifiers.resident_id_validator], verbose_name='resident identity number'),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone',
            field=casefiles.directory.protected.EncryptedTextField(blank=True, max_length=40, verbose_name='phone'),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
        migrations.AlterField(
            model_name='person',
            name='id_number_hash',
            field=casefiles.directory.protected.DigestField(of='id_number', unique=True),
        ),
        migrations.AddIndex(
            model_name='license',
            index=models.Index(fields=['license_type', 'holder_code_hash', 'status'], name='license_reuse'),
        ),
        migrations.RunPython(make_case_triggers, drop_case_triggers),
    ]
