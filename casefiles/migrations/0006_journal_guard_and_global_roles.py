from django.db import migrations

from casefiles.migrations._vendor_sql import run_sql_per_vendor

GLOBAL_ROLE_PERMISSIONS = {
    "window_clerk": ["view_casefile", "accept_casefile"],
    "supervisor": ["view_casefile"],
}

# The journal is append-only in the database too, not only in the ORM: a trigger refuses
# UPDATE (and on PostgreSQL DELETE; TRUNCATE, which test teardown uses, is not a row event).
# SQLite empties tables with DELETE, so there deletion is left to the ORM guard and to
# `manage.py audit verify`, which catches a removed event as surely as an edited one.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER casefiles_caseevent_no_update BEFORE UPDATE ON casefiles_caseevent
       BEGIN SELECT RAISE(ABORT, 'the case journal is append-only'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS casefiles_caseevent_no_update;",
    "DROP TRIGGER IF EXISTS casefiles_caseevent_no_delete;",
]
POSTGRES_TRIGGER = """
CREATE OR REPLACE FUNCTION casefiles_caseevent_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the case journal is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER casefiles_caseevent_append_only BEFORE UPDATE OR DELETE ON casefiles_caseevent
FOR EACH ROW EXECUTE FUNCTION casefiles_caseevent_append_only();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS casefiles_caseevent_append_only ON casefiles_caseevent;
DROP FUNCTION IF EXISTS casefiles_caseevent_append_only();
"""


PERMISSION_NAMES = {
    "view_casefile": "Can view case file",
    "accept_casefile": "Accept, correct or refuse the case",
}


def global_role_permissions(apps, schema_editor):
    # Permissions are normally created after migrate; these groups need two of them now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="casefiles", model="casefile")
    for name, codenames in GLOBAL_ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": PERMISSION_NAMES[codename]}
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("casefiles", "0005_case_files")]
    operations = [
        run_sql_per_vendor({"sqlite": SQLITE_TRIGGERS, "postgresql": [POSTGRES_TRIGGER]},
                           {"sqlite": SQLITE_DROP, "postgresql": [POSTGRES_DROP]}),
        migrations.RunPython(global_role_permissions, migrations.RunPython.noop),
    ]
