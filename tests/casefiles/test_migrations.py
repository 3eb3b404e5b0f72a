"""The components moved code, not data: a database at the migration head of before the move
upgrades with ``migrate`` alone — same tables, nothing copied, its rows read by the moved models."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casefiles.directory.models import Department, Enterprise
from casefiles.demo.directory import demo_uscc

# The tables of the case-file models at migration 0017 (the head when the components were made).
TABLES_AT_0017 = {
    "casefiles_activity", "casefiles_authorisation", "casefiles_calendarday", "casefiles_calendaryear",
    "casefiles_caseevent", "casefiles_casefile", "casefiles_casefilegroupobjectpermission",
    "casefiles_casefileuserobjectpermission", "casefiles_casegrant", "casefiles_casenumbercounter",
    "casefiles_casetally", "casefiles_clockpause", "casefiles_department", "casefiles_departmentrole",
    "casefiles_enterprise", "casefiles_license", "casefiles_licenseevent", "casefiles_licenseshare",
    "casefiles_licensetype", "casefiles_licenseuse", "casefiles_material", "casefiles_notice",
    "casefiles_person", "casefiles_signingkey",
}
HEAD_BEFORE_THE_MOVE = ("casefiles", "0017_non_acceptance_pending")
# The tables added since, each by a migration of its own.
TABLES_ADDED = {
    "casefiles_verification", "casefiles_verificationevent",  # 0018_real_name_levels
    "casefiles_message",  # 0019_messages: the message centre (站内消息)
    "casefiles_membership", "casefiles_invitation", "casefiles_joinrequest",  # 0020_enterprise_members
    "casefiles_roster", "casefiles_memberevent",
}


def test_every_model_keeps_its_table(db):
    tables = {model._meta.db_table for model in apps.get_app_config("casefiles").get_models()}
    assert tables == TABLES_AT_0017 | TABLES_ADDED
    assert TABLES_AT_0017 <= set(connection.introspection.table_names())


def test_the_models_need_no_migration(db):
    call_command("makemigrations", "casefiles", "--check", "--dry-run", verbosity=0)  # SystemExit(1) if they did


# Serialized, as every transactional test here: the next test finds the rows the migrations made.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_from_before_the_move_migrates_forward_keeping_its_rows():
    executor = MigrationExecutor(connection)
    executor.migrate([("casefiles", "0016_notices_rendered_after_commit")])
    old = executor.loader.project_state(("casefiles", "0016_notices_rendered_after_commit")).apps
    department = old.get_model("casefiles", "Department").objects.create(code="zh-test", name="迁移测试局", region_code="440400")
    members = old.get_model("auth", "Group").objects.create(name="迁移测试有限公司 members")
    old.get_model("casefiles", "Enterprise").objects.create(
        uscc=demo_uscc("91440400MA4UM8K21"), name="迁移测试有限公司", members_group=members,
    )

    executor = MigrationExecutor(connection)
    executor.migrate([HEAD_BEFORE_THE_MOVE])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # and on through the migrations that came after it
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # and on, through what came after the move
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []  # at the head: nothing left to run

    assert Department.objects.get(pk=department.pk).name == "迁移测试局"
    assert Enterprise.objects.get(uscc=demo_uscc("91440400MA4UM8K21")).name == "迁移测试有限公司"
