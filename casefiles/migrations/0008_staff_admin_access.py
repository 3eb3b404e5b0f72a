from django.db import migrations

# Kept in step with casefiles.directory.roles (CASE_ROLES, GLOBAL_ROLES); migrations must not import app code.
CASE_ROLES = ["clerk", "reviewer", "decider"]
GLOBAL_ROLES = ["window_clerk", "supervisor"]


def allow_staff_into_admin(apps, schema_editor):
    """The staff workbench (办件) lives in the Wagtail admin: every case role may enter it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    DepartmentRole = apps.get_model("casefiles", "DepartmentRole")
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group_ids = set(DepartmentRole.objects.filter(role__in=CASE_ROLES).values_list("group_id", flat=True))
    group_ids |= set(Group.objects.filter(name__in=GLOBAL_ROLES).values_list("pk", flat=True))
    for group in Group.objects.filter(pk__in=group_ids):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("casefiles", "0007_electronic_licenses"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [migrations.RunPython(allow_staff_into_admin, migrations.RunPython.noop)]
