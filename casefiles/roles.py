"""Who may do what, by role: the groups behind each role and how they are made.

Per department: ``clerk`` (受理), ``reviewer`` (审查), ``decider`` (决定), ``editor`` (编辑).
Global: ``window_clerk`` (综合窗口, accepts for any department) and ``supervisor``
(电子监察, reads everything). Object grants (django-guardian) are made to these groups by
``casefiles.permissions``; this module only keeps the groups themselves.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Department, DepartmentRole

DEPARTMENT_ROLES = [choice.value for choice in DepartmentRole.Role]

WINDOW_CLERK = "window_clerk"
SUPERVISOR = "supervisor"
GLOBAL_ROLES = {
    WINDOW_CLERK: "综合窗口 (window_clerk)",
    SUPERVISOR: "电子监察 (supervisor)",
}

_ROLE_NAMES_ZH = {"clerk": "受理", "reviewer": "审查", "decider": "决定", "editor": "编辑"}


def department_group_name(department: Department, role: str) -> str:
    return f"{department.name}·{_ROLE_NAMES_ZH[role]} [{department.code}:{role}]"


@transaction.atomic
def ensure_department_groups(department: Department) -> dict[str, Group]:
    """Create (or rename after a department rename) the four role groups of ``department``."""
    existing = {link.role: link for link in DepartmentRole.objects.filter(department=department).select_related("group")}
    groups = {}
    for role in DEPARTMENT_ROLES:
        name = department_group_name(department, role)
        link = existing.get(role)
        if link is None:
            group, _created = Group.objects.get_or_create(name=name)
            DepartmentRole.objects.create(department=department, role=role, group=group)
        else:
            group = link.group
            if group.name != name:
                group.name = name
                group.save(update_fields=["name"])
        groups[role] = group
    return groups


def ensure_global_groups() -> dict[str, Group]:
    return {role: Group.objects.get_or_create(name=role)[0] for role in GLOBAL_ROLES}


def global_group(role: str) -> Group:
    if role not in GLOBAL_ROLES:
        raise ValueError(f"unknown global role {role!r}")
    return Group.objects.get_or_create(name=role)[0]


def departments_where(user, role: str):
    """The departments in which ``user`` holds ``role`` through group membership."""
    return Department.objects.filter(roles__role=role, roles__group__user=user).distinct()


def has_global_role(user, role: str) -> bool:
    return user.is_authenticated and user.groups.filter(name=role).exists()


def grant_role(user, department: Department, role: str) -> None:
    user.groups.add(department.group(role))
