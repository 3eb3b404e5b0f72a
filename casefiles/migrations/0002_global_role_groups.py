from django.db import migrations

# Kept in step with casefiles.directory.roles.GLOBAL_ROLES; migrations must not import app code.
GLOBAL_ROLES = ["window_clerk", "supervisor"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GLOBAL_ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("casefiles", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
