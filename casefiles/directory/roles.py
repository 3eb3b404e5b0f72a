"""Who may do what, by role: the groups behind each role and how they are made.

Per department: ``clerk`` (受理), ``reviewer`` (审查), ``decider`` (决定), ``editor`` (编辑), ``lead``
(负责人: assigns the department's cases to their handlers, answers for its supervision).
Global: ``window_clerk`` (综合窗口, accepts for any department) and ``supervisor``
(电子监察, reads everything). Object grants (django-guardian) are made to these groups by
``casefiles.access.permissions``; this module only keeps the groups themselves.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from casefiles.directory.models import Department, DepartmentRole

DEPARTMENT_ROLES = [choice.value for choice in DepartmentRole.Role]

WINDOW_CLERK = "window_clerk"
SUPERVISOR = "supervisor"
GLOBAL_ROLES = {
    WINDOW_CLERK: "综合窗口 (window_clerk)",
    SUPERVISOR: "电子监察 (supervisor)",
}

_ROLE_NAMES_ZH = {"clerk": "受理", "reviewer": "审查", "decider": "决定", "editor": "编辑", "lead": "负责人"}

# Case work happens in the Wagtail admin (the workbench, 办件): these roles must enter it.
# Editors get their admin access with their page grants (cms.editing).
CASE_ROLES = ("clerk", "reviewer", "decider", "lead")


def allow_admin(*groups: Group) -> None:
    """Let ``groups`` into the Wagtail admin (``wagtailadmin.access_admin``); idempotent."""
    permission = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    through = Group.permissions.through
    through.objects.bulk_create(
        [through(group_id=group.pk, permission_id=permission.pk) for group in groups], ignore_conflicts=True
    )


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
    allow_admin(*(groups[role] for role in CASE_ROLES))
    return groups


def ensure_global_groups() -> dict[str, Group]:
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in GLOBAL_ROLES}
    allow_admin(*groups.values())
    return groups


def global_group(role: str) -> Group:
    if role not in GLOBAL_ROLES:
        raise ValueError(f"unknown global role {role!r}")
    group, created = Group.objects.get_or_create(name=role)
    if created:
        allow_admin(group)
    return group


def departments_where(user, role: str):
    """The departments in which ``user`` holds ``role`` through group membership."""
    return Department.objects.filter(roles__role=role, roles__group__user=user).distinct()


def has_global_role(user, role: str) -> bool:
    """Whether ``user`` holds ``role`` (window clerk, supervisor): the global roles they hold are
    read once and kept on the user object for the rest of the request, as their group ids are
    (forgotten with them, ``access.permissions.memberships_changed``)."""
    if not user.is_authenticated:
        return False
    held = user.__dict__.get("_yiwang_global_roles")
    if held is None:
        held = user.__dict__["_yiwang_global_roles"] = frozenset(
            user.groups.filter(name__in=list(GLOBAL_ROLES)).values_list("name", flat=True))
    return role in held


def grant_role(user, department: Department, role: str) -> None:
    user.groups.add(department.group(role))
