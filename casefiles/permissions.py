"""Who may see and act on a case, and why. Every grant goes through here with its reason.

Guardian (direct foreign-key tables) is the authority on a single case: ``can(user, perm,
case)``. Listings do not ask guardian row by row — at millions of cases that walks the
grant tables — they follow the data the grants were made from (the case's department, its
applicant, the CaseGrant rows of parallel approvals and agents): ``visible_cases(user)``.
tests/casefiles/test_permissions.py proves the two agree.

Roles and what they may do on a case of their department:
- clerk: view, accept (受理, 补正, 不予受理, 办结)
- reviewer: view, review (审查, 特别程序)
- decider: view, review, decide (决定, 否决确认; a decider may also do what a reviewer does)
- applicant (the enterprise's members group, or the person's user): view, apply (提交,
  补正, 撤回)
Global (model-level permissions on the group, see migration 0006): ``window_clerk`` may view
and accept any case; ``supervisor`` may view every case.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from . import roles
from .models import CaseFile, CaseFileGroupObjectPermission, CaseFileUserObjectPermission, CaseGrant, Department, Status

DEPARTMENT_ROLE_PERMISSIONS = {
    "clerk": ["view_casefile", "accept_casefile"],
    "reviewer": ["view_casefile", "review_casefile"],
    "decider": ["view_casefile", "review_casefile", "decide_casefile"],
}
APPLICANT_PERMISSIONS = ["view_casefile", "apply_casefile"]
GLOBAL_ROLE_PERMISSIONS = {
    roles.WINDOW_CLERK: ["view_casefile", "accept_casefile"],
    roles.SUPERVISOR: ["view_casefile"],
}

_permission_cache: dict[str, Permission] = {}


def _permission(codename: str) -> Permission:
    if codename not in _permission_cache:
        _permission_cache[codename] = Permission.objects.get(content_type__app_label="casefiles", codename=codename)
    return _permission_cache[codename]


def can(user, codename: str, case: CaseFile) -> bool:
    """Whether ``user`` holds ``codename`` on ``case``: a global role (window clerk,
    supervisor — never on a draft) or guardian's grant on this very case."""
    if user is None or not user.is_active:
        return False
    if case.status != Status.DRAFT and user.has_perm(f"casefiles.{codename}"):
        return True
    return user.has_perm(f"casefiles.{codename}", case)


def grant(case: CaseFile, reason: str, codenames: list[str], *, group: Group | None = None, user=None) -> CaseGrant:
    """Record why, then give guardian's object permissions (one query for all of them)."""
    if (group is None) == (user is None):
        raise ValueError("grant to exactly one group or one user")
    record = CaseGrant.objects.create(case=case, reason=reason, group=group, user=user, permissions=codenames)
    if group is not None:
        existing = set(
            CaseFileGroupObjectPermission.objects.filter(content_object=case, group=group).values_list(
                "permission__codename", flat=True
            )
        )
        CaseFileGroupObjectPermission.objects.bulk_create(
            [CaseFileGroupObjectPermission(content_object=case, group=group, permission=_permission(c))
             for c in codenames if c not in existing]
        )
    else:
        existing = set(
            CaseFileUserObjectPermission.objects.filter(content_object=case, user=user).values_list(
                "permission__codename", flat=True
            )
        )
        CaseFileUserObjectPermission.objects.bulk_create(
            [CaseFileUserObjectPermission(content_object=case, user=user, permission=_permission(c))
             for c in codenames if c not in existing]
        )
    return record


def revoke(case: CaseFile, reason: str, *, group: Group | None = None, user=None) -> int:
    """Remove the grants ``reason`` made (to ``group`` or ``user`` if given), keeping any a
    still-valid reason also needs."""
    records = CaseGrant.objects.filter(case=case, reason=reason)
    if group is not None:
        records = records.filter(group=group)
    if user is not None:
        records = records.filter(user=user)
    removed = 0
    with transaction.atomic():
        for record in list(records):
            record.delete()
            still_needed = set()
            for other in CaseGrant.objects.filter(case=case, group=record.group, user=record.user):
                still_needed.update(other.permissions)
            gone = [c for c in record.permissions if c not in still_needed]
            if record.group_id:
                removed += CaseFileGroupObjectPermission.objects.filter(
                    content_object=case, group_id=record.group_id, permission__codename__in=gone
                ).delete()[0]
            else:
                removed += CaseFileUserObjectPermission.objects.filter(
                    content_object=case, user_id=record.user_id, permission__codename__in=gone
                ).delete()[0]
    return removed


def grant_department(case: CaseFile, department: Department, reason: str = CaseGrant.Reason.DEPARTMENT) -> None:
    groups = {link.role: link.group for link in department.roles.select_related("group")}
    for role, codenames in DEPARTMENT_ROLE_PERMISSIONS.items():
        grant(case, reason, codenames, group=groups[role])


def grant_applicant(case: CaseFile) -> None:
    if case.enterprise_id:
        grant(case, CaseGrant.Reason.APPLICANT, APPLICANT_PERMISSIONS, group=case.enterprise.members_group)
    elif case.person.user_id:
        grant(case, CaseGrant.Reason.APPLICANT, APPLICANT_PERMISSIONS, user=case.person.user)


def grant_on_submission(case: CaseFile) -> None:
    """The department's roles join the case when it is first submitted."""
    if not CaseGrant.objects.filter(case=case, reason=CaseGrant.Reason.DEPARTMENT).exists():
        grant_department(case, case.department)


# --- listings --------------------------------------------------------------------------

def _group_ids(user) -> list[int]:
    cache = getattr(user, "_yiwang_group_ids", None)
    if cache is None:
        cache = list(user.groups.values_list("pk", flat=True))
        user._yiwang_group_ids = cache
    return cache


def sees_everything(user) -> bool:
    """Superusers, supervisors and window clerks: model-level view permission, every
    department's submitted cases (drafts are never anyone's but the applicant's)."""
    return user.is_superuser or user.has_perm("casefiles.view_casefile")


def department_ids(user, roles_=("clerk", "reviewer", "decider")) -> list[int]:
    from .models import DepartmentRole

    return list(
        DepartmentRole.objects.filter(group_id__in=_group_ids(user), role__in=roles_)
        .values_list("department_id", flat=True)
        .distinct()
    )


def staff_cases(user):
    """The cases a staff member handles: their departments' cases and parallel grants."""
    if not user.is_authenticated:
        return CaseFile.objects.none()
    if sees_everything(user):
        return CaseFile.objects.exclude(status=Status.DRAFT)
    condition = Q(department_id__in=department_ids(user))
    grant_case_ids = CaseGrant.objects.filter(
        reason__in=[CaseGrant.Reason.PARALLEL], group_id__in=_group_ids(user)
    ).values("case_id")
    condition |= Q(pk__in=grant_case_ids)
    # Drafts stay the applicant's own: the department is granted the case when it is submitted.
    return CaseFile.objects.filter(condition).exclude(status=Status.DRAFT)


def applicant_cases(user):
    """我的办件: the cases of the user's enterprises and of the user as a person."""
    if not user.is_authenticated:
        return CaseFile.objects.none()
    from .models import Enterprise

    enterprise_ids = list(Enterprise.objects.filter(members_group_id__in=_group_ids(user)).values_list("pk", flat=True))
    condition = Q(enterprise_id__in=enterprise_ids) | Q(person__user=user)
    agent_case_ids = CaseGrant.objects.filter(reason=CaseGrant.Reason.AGENT, user=user).values("case_id")
    condition |= Q(pk__in=agent_case_ids)
    return CaseFile.objects.filter(condition)


def visible_cases(user):
    """Every case ``user`` may view — the listing counterpart of ``can(user, 'view_casefile', case)``."""
    if not user.is_authenticated:
        return CaseFile.objects.none()
    return CaseFile.objects.filter(Q(pk__in=staff_cases(user).values("pk")) | Q(pk__in=applicant_cases(user).values("pk")))
