"""Whom supervision tells: a case's handlers now (open ``Assignment`` rows), a department's
leads (负责人) and the supervisors (电子监察) — active users only, each asked in one query for
many cases or departments at once."""

from collections import defaultdict

from django.contrib.auth import get_user_model

from casefiles.access import permissions
from casefiles.directory import roles
from casefiles.directory.models import Department, DepartmentRole
from casefiles.supervision import handlers

# The members of a department who answer its orders (督办): every case role.
MEMBER_ROLES = ("lead", "clerk", "reviewer", "decider")


def handlers_of(case_ids) -> dict[int, set[int]]:
    """Case id → the (active) user ids handling one of its stages now (``handlers.handlers_now``)."""
    found = defaultdict(set)
    for case_id, user_ids in handlers.handlers_now(case_ids, active_only=True).items():
        found[case_id].update(user_ids)
    return found


def members_of(department_ids, roles_=("lead",)) -> dict[int, set[int]]:
    """Department id → the user ids holding one of ``roles_`` in it (its leads by default)."""
    found = defaultdict(set)
    for department_id, user_id in DepartmentRole.objects.filter(
            department_id__in=list(department_ids), role__in=roles_,
            group__user__is_active=True).values_list("department_id", "group__user"):
        found[department_id].add(user_id)
    return found


def supervisor_ids() -> set[int]:
    group = roles.global_group(roles.SUPERVISOR)
    return set(group.user_set.filter(is_active=True).values_list("pk", flat=True))


def is_supervisor(user) -> bool:
    """A supervisor (电子监察) or a superuser: sees and orders every department."""
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_superuser or roles.has_global_role(user, roles.SUPERVISOR)))


def users(ids) -> dict[int, object]:
    return get_user_model().objects.in_bulk(list(ids))


def may_see_supervision(user) -> bool:
    """Supervisors, superusers and the staff of a department see its orders and cards."""
    return bool(user and user.is_authenticated and user.is_active
                and (is_supervisor(user) or permissions.department_ids(user, MEMBER_ROLES)))


def departments_seen(user):
    """The departments whose orders and cards ``user`` sees (supervisors: every active one)."""
    if is_supervisor(user):
        return Department.objects.filter(is_active=True).order_by("code")
    return Department.objects.filter(pk__in=permissions.department_ids(user, MEMBER_ROLES)).order_by("code")
