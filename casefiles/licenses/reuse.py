"""免提交: an electronic license the applicant holds used in place of a material, and the 用证率 report.

A guide's material may name the license types that replace it (``MaterialRequirement.license_types``).
When a draft is started, every such material for which the applicant holds a usable license
(valid, not past its end date) is supplied by it (``use_held_licenses``, called by each channel
right after ``applications.start``); the applicant may switch to uploading (``stop_using``) and
back (``use_license``) while the application is with them. A ``LicenseUse`` counts as
supplying the material (``casefiles.materials.requirements.missing_requirements``); whether
the license is still good is asked again at submission (``licenses_in_use_are_valid``, a
named guard of the workflow), by its status now — the use itself is kept either way.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.access import permissions
from casefiles.cases import states
from casefiles.cases.models import CaseFile
from casefiles.directory import protected
from casefiles.directory.models import Department
from casefiles.errors import Conflict, Invalid, NotPermitted
from casefiles.journal import records, transactions
from casefiles.licenses import wallet
from casefiles.licenses.models import License, LicenseUse
from casefiles.materials import requirements
from cms.models import MaterialRequirement

# The live status of a license as a slot shows it (wallet.current_status's values).
STATUS_LABELS = {
    License.Status.VALID: pgettext_lazy("license status", "valid"),
    License.Status.SUSPENDED: pgettext_lazy("license status", "suspended"),
    License.Status.REVOKED: pgettext_lazy("license status", "revoked"),
    License.Status.EXPIRED: pgettext_lazy("license status", "expired"),
    License.Status.SUPERSEDED: pgettext_lazy("license status", "replaced by a newer version"),
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def _usable(case, today=None):
    """The applicant's licenses that may stand in for a material today: valid and not past their end."""
    today = today or timezone.localdate()
    return (License.objects.filter(protected.matches("holder_code", case.applicant_code), status=License.Status.VALID)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .select_related("license_type").order_by("-issue_date", "-pk"))


def usable_licenses(case, requirement, today=None):
    """The applicant's valid licenses that the guide accepts in place of ``requirement``."""
    return _usable(case, today).filter(license_type__in=requirement.license_types.all())


def _accepted_types(case) -> dict:
    """{requirement: set of license type ids} for the case's item's materials that accept a license."""
    through = MaterialRequirement.license_types.through
    accepted = {}
    for requirement_id, type_id in through.objects.filter(materialrequirement__page_id=case.item_id).values_list(
            "materialrequirement_id", "licensetype_id"):
        accepted.setdefault(requirement_id, set()).add(type_id)
    return accepted


@dataclass
class Offer:
    """One material that accepts a license: the applicant's usable licenses for it and the use in force."""
    requirement: object  # cms.MaterialRequirement
    licenses: list = field(default_factory=list)  # usable now, newest first
    use: LicenseUse | None = None

    @property
    def in_use(self) -> License | None:
        return self.use.license if self.use is not None else None

    @property
    def in_use_status(self) -> str:
        return wallet.current_status(self.use.license) if self.use is not None else ""

    @property
    def in_use_status_label(self) -> str:
        return status_label(self.in_use_status) if self.use is not None else ""

    @property
    def in_use_is_valid(self) -> bool:
        return self.in_use_status == License.Status.VALID


def offers(case, today=None) -> list[Offer]:
    """Per material of the case's item that accepts a license type: the applicant's usable
    licenses of those types and the use chosen, if any — the licenses in one query for the case."""
    accepted = _accepted_types(case)
    if not accepted:
        return []
    all_types = set().union(*accepted.values())
    held = list(_usable(case, today).filter(license_type_id__in=all_types).select_related("issuer"))
    uses = {use.requirement_id: use for use in
            case.license_uses.select_related("license__license_type", "license__issuer").order_by("used_at", "pk")}
    found = []
    for requirement in case.item.material_requirements.filter(pk__in=accepted):
        types = accepted[requirement.pk]
        found.append(Offer(requirement, [lic for lic in held if lic.license_type_id in types], uses.get(requirement.pk)))
    return found


def _may_change(case, user) -> CaseFile:
    if not permissions.can(user, "apply_casefile", case) and not permissions.can(user, "accept_casefile", case):
        raise NotPermitted(_("You may not change this application."))
    fresh = CaseFile.objects.select_for_update().get(pk=case.pk)  # judged by the state it is written in
    if not states.allows("use_license", fresh.status):
        raise Conflict(_("Materials cannot be changed now."))
    return fresh


def _record_use(case, requirement, license, user) -> LicenseUse:
    case.license_uses.filter(requirement=requirement).exclude(license=license).delete()  # one license per material
    use, created = LicenseUse.objects.get_or_create(
        case=case, requirement=requirement, license=license, defaults={"requirement_name": requirement.name, "user": user}
    )
    if created:
        records.record(case, "use_license", user, from_state=case.status, to_state=case.status,
                       data={"material": requirement.name, "license": license.identifier})
    return use


@transaction.atomic
def use_license(case, requirement, license, user) -> LicenseUse:
    """Supply ``requirement`` by ``license`` (replacing another license chosen for it), journaled."""
    fresh = _may_change(case, user)
    if requirement.page_id != case.item_id:
        raise Invalid(_("That material is not one this item asks for."))
    if not usable_licenses(case, requirement).filter(pk=license.pk).exists():
        raise Invalid(_("This license cannot stand in for that material."))
    return _record_use(fresh, requirement, license, user)


@transaction.atomic
def stop_using(case, requirement, user) -> bool:
    """The applicant uploads ``requirement`` after all: the license no longer stands in for it.
    Returns whether a use was removed."""
    fresh = _may_change(case, user)
    uses = list(case.license_uses.filter(requirement=requirement).select_related("license"))
    if not uses:
        return False
    for use in uses:
        records.record(fresh, "stop_using_license", user, from_state=fresh.status, to_state=fresh.status,
                       data={"material": use.requirement_name, "license": use.license.identifier})
    case.license_uses.filter(requirement=requirement).delete()
    return True


def use_held_licenses(case, user) -> list[LicenseUse]:
    """Chosen by default when held: each material that accepts a license the applicant holds is
    supplied by the newest such license (a material already supplied by one keeps it). In a
    transaction of its own — or, in ``one_transaction`` (an application submitted in one go), a
    part of that one, without a savepoint."""
    if not permissions.can(user, "apply_casefile", case) and not permissions.can(user, "accept_casefile", case):
        return []
    with transactions.atomic():
        fresh = CaseFile.objects.select_for_update().get(pk=case.pk)
        if not states.allows("use_license", fresh.status):
            return []
        return [_record_use(fresh, offer.requirement, offer.licenses[0], user)
                for offer in offers(fresh) if offer.licenses and offer.use is None]


def licenses_in_use_are_valid(ctx):
    """The submit guard: each license chosen in place of a material must still be valid now."""
    today = timezone.localdate(ctx.now) if getattr(ctx, "now", None) else timezone.localdate()
    problems = []
    for use in requirements.license_uses(ctx):  # read once for the step: the materials' guard asks too
        status = wallet.current_status(use.license, today)
        if status != License.Status.VALID:
            problems.append(_(
                "%(material)s: the license %(license)s chosen for it is %(status)s now. Upload the material "
                "or choose another license."
            ) % {"material": use.requirement_name, "license": str(use.license), "status": status_label(status)})
    return " ".join(str(p) for p in problems) or None


# --- the 用证率 report --------------------------------------------------------------------

TARGET_DEPARTMENT = 0.40
TARGET_DISTRICT = 0.50


@dataclass(frozen=True)
class UsageRow:
    key: str
    label: str
    eligible: int
    used: int
    target: float

    @property
    def share(self) -> float:
        return self.used / self.eligible if self.eligible else 0.0

    @property
    def meets_target(self) -> bool:
        return self.eligible > 0 and self.share >= self.target


def eligible_cases(start=None, end=None):
    """Submitted cases whose item accepts a license for at least one material (by submission date, inclusive)."""
    eligible_items = MaterialRequirement.objects.filter(license_types__isnull=False).values("page_id")
    cases = CaseFile.objects.filter(item_id__in=eligible_items, submitted_at__isnull=False)
    if start:
        cases = cases.filter(submitted_at__date__gte=start)
    if end:
        cases = cases.filter(submitted_at__date__lte=end)
    return cases


def usage_report(start=None, end=None) -> dict:
    """Per department and per district: the share of eligible cases that used a license.

    A case is eligible when its item accepts a license for at least one material; it used one
    when it has at least one ``LicenseUse``. Counted by the date it was submitted.
    """
    cases = eligible_cases(start, end)
    used_ids = set(LicenseUse.objects.filter(case__in=cases).values_list("case_id", flat=True))
    per_department, per_district = {}, {}
    names = dict(Department.objects.values_list("pk", "name"))
    for case_id, department_id, region in cases.values_list("pk", "department_id", "department__region_code"):
        used = case_id in used_ids
        row = per_department.setdefault(department_id, [0, 0])
        row[0] += 1
        row[1] += used
        district = per_district.setdefault((region or "")[:6], [0, 0])
        district[0] += 1
        district[1] += used
    return {
        "departments": [UsageRow(str(pk), names.get(pk, "?"), e, u, TARGET_DEPARTMENT) for pk, (e, u) in sorted(per_department.items())],
        "districts": [UsageRow(code, code, e, u, TARGET_DISTRICT) for code, (e, u) in sorted(per_district.items())],
        "total": UsageRow("", "", sum(e for e, _u in per_department.values()), len(used_ids), TARGET_DEPARTMENT),
    }


def monthly_trend(months: int = 12, today=None) -> list[UsageRow]:
    """The last ``months`` calendar months up to ``today``'s, oldest first: eligible and used cases
    by the month they were submitted (key ``YYYY-MM``)."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _i in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    keys = []
    month = first
    while month <= today:
        keys.append(month.strftime("%Y-%m"))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    counts = {key: [0, 0] for key in keys}
    cases = eligible_cases(start=first, end=today)
    used_ids = set(LicenseUse.objects.filter(case__in=cases).values_list("case_id", flat=True))
    for case_id, submitted_at in cases.values_list("pk", "submitted_at"):
        key = timezone.localtime(submitted_at).strftime("%Y-%m")
        if key in counts:
            counts[key][0] += 1
            counts[key][1] += case_id in used_ids
    return [UsageRow(key, key, e, u, TARGET_DEPARTMENT) for key, (e, u) in counts.items()]
