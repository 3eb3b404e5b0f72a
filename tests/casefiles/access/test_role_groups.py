"""The department's role groups, kept per process (``permissions.role_groups``)."""

from django.contrib.auth.models import Group

from casefiles.access import permissions
from casefiles.cases.models import CaseGrant
from casefiles.directory.models import DepartmentRole
from tests.casefiles.conftest import submit_application


def test_a_group_linked_anew_gets_the_next_submissions_grants(world):
    submit_application(world, world.applicant, world.enterprise)  # the groups are now known to the process
    assert world.department.pk in permissions._role_groups
    new_clerks = Group.objects.create(name="新的受理组")
    link = DepartmentRole.objects.get(department=world.department, role="clerk")
    link.group = new_clerks
    link.save()  # an administrator links the role to another group
    assert world.department.pk not in permissions._role_groups
    case = submit_application(world, world.applicant, world.enterprise)
    assert CaseGrant.objects.filter(case=case, reason=CaseGrant.Reason.DEPARTMENT, group=new_clerks).exists()


def test_renaming_a_group_forgets_the_groups(world):
    permissions.role_groups(world.department.pk)
    group = world.department.group("clerk")
    group.name = group.name + "（改名）"
    group.save()
    assert permissions._role_groups == {}
    assert permissions.role_groups(world.department.pk)["clerk"].name == group.name


def test_a_change_made_by_another_process_is_seen_within_the_ttl(world, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(permissions.time, "monotonic", lambda: clock[0])
    new_clerks = Group.objects.create(name="另一进程的受理组")
    permissions.role_groups(world.department.pk)
    # Another process relinks the role: no signal reaches this one.
    DepartmentRole.objects.filter(department=world.department, role="clerk").update(group=new_clerks)
    assert permissions.role_groups(world.department.pk)["clerk"].pk != new_clerks.pk
    clock[0] += permissions.ROLE_GROUPS_TTL + 1
    assert permissions.role_groups(world.department.pk)["clerk"].pk == new_clerks.pk
