"""0020_enterprise_members: the users in an enterprise's members group become its members, as handlers."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casefiles.demo.directory import demo_uscc

BEFORE = ("casefiles", "0017_non_acceptance_pending")
AFTER = ("casefiles", "0020_enterprise_members")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_group_members_become_handlers_and_nobody_an_administrator():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state(BEFORE).apps
    group = old.get_model("auth", "Group").objects.create(name="enterprise:migration-test")
    user = old.get_model("auth", "User").objects.create(username="member-before-roles")
    user.groups.add(group)
    enterprise = old.get_model("casefiles", "Enterprise").objects.create(
        uscc=demo_uscc("91440400MA4UM8K21"), name="迁移测试有限公司", legal_representative="某人", region_code="440400",
        members_group=group)

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state(AFTER).apps
    memberships = new.get_model("casefiles", "Membership").objects.filter(enterprise_id=enterprise.pk)
    assert list(memberships.values_list("user_id", "role")) == [(user.pk, "handler")]
    assert new.get_model("casefiles", "Roster").objects.get(enterprise_id=enterprise.pk).uscc == enterprise.uscc

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
