"""What the directory tells search: the supervisor group oversees, departments go by their names."""

from casefiles.directory import roles, search_hooks
from search import hooks, presentation, trimming


def test_the_supervisor_group_is_the_oversight_principal(db):
    supervisors = roles.global_group(roles.SUPERVISOR)
    assert search_hooks.oversight_principals() == [trimming.group_principal(supervisors.pk)]
    assert trimming.oversight_principals() == [trimming.group_principal(supervisors.pk)]


def test_departments_are_shown_by_name(department):
    assert hooks.department_labels([department.code, "NOPE"]) == {department.code: department.name}
    assert presentation.department_names({department.code}) == {department.code: "珠海市市场监督管理局"}
