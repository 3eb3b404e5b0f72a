"""Who among the staff sees which issued licenses, and who sees the 用证率 report.

Supervisors (电子监察) and superusers see every license; the clerks, reviewers and deciders
of a department see the licenses it issued. Changing a license's status is
``licenses.may_manage`` (the issuing department's deciders), asked again by every action.
"""

from django.db.models import Q

from casefiles.access import permissions
from casefiles.directory import protected, roles
from casefiles.licenses.models import License


def sees_all(user) -> bool:
    return user.is_active and (user.is_superuser or roles.has_global_role(user, roles.SUPERVISOR))


def issued_licenses(user):
    if not user.is_authenticated or not user.is_active:
        return License.objects.none()
    licenses = License.objects.select_related("license_type", "issuer")
    if sees_all(user):
        return licenses
    return licenses.filter(issuer_id__in=permissions.department_ids(user))


def visible_licenses(user):
    """What a license's staff page shows: the licenses the user's departments issued, and those
    used in place of a material (免提交) in their departments' cases."""
    if not user.is_authenticated or not user.is_active:
        return License.objects.none()
    licenses = License.objects.select_related("license_type", "issuer")
    if sees_all(user):
        return licenses
    departments = permissions.department_ids(user)
    return licenses.filter(Q(issuer_id__in=departments) | Q(uses__case__department_id__in=departments)).distinct()


def issued_by_case(user, case) -> list[License]:
    """Every license ``case`` issued, each with ``staff_may_open``: whether ``user`` may open
    its staff page (``visible_licenses``), so the case page links those only."""
    licenses = list(case.licenses.select_related("license_type").order_by("pk"))
    visible = set(visible_licenses(user).filter(pk__in=[license.pk for license in licenses]).values_list("pk", flat=True)) \
        if is_license_staff(user) else set()
    for license in licenses:
        license.staff_may_open = license.pk in visible
    return licenses


def is_license_staff(user) -> bool:
    return sees_all(user) or (user.is_authenticated and user.is_active and bool(permissions.department_ids(user)))


def may_see_usage(user) -> bool:
    """The 用证率 report is supervision's: supervisors and superusers."""
    return sees_all(user)


def search(licenses, text: str):
    text = str(text or "").strip()
    if not text:
        return licenses
    return licenses.filter(
        Q(number__icontains=text) | Q(holder_name__icontains=text) | protected.matches("holder_code", text)
        | Q(identifier__icontains=text.upper())
    )
