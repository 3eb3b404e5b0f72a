"""少填: what an application's form starts with, and where each value came from.

In this order, for each field: the source the guide names for it — the applicant's record
(an enterprise's name, USCC, legal representative and address; a person's name and identity
number) or a field of a valid electronic license the applicant holds — and otherwise the value
the applicant gave in their latest earlier application of the same item. Each value says where
it came from; a locked field keeps its source's value whatever is sent (``storing.save``).

Values are checked as the field checks them: one that would not pass (an old application's
choice the form no longer offers, say) is not offered.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casefiles.cases.models import CaseFile
from casefiles.directory import protected
from casefiles.directory.models import Enterprise
from casefiles.forms import validation
from casefiles.forms.definition import Form
from casefiles.licenses.models import License

LICENSE_ATTRIBUTES = {"number", "holder_name", "issuer_name"}


@dataclass(frozen=True)
class Prefilled:
    value: object
    source: str  # "profile", "license", "earlier"
    label: str  # where it came from, as the applicant reads it
    locked: bool = False
    reference: str = ""  # the license's identifier, or the earlier case's number


def profile_value(applicant, source: str):
    is_enterprise = isinstance(applicant, Enterprise)
    if source == "applicant.name":
        return applicant.name
    if source == "applicant.code":
        return applicant.uscc if is_enterprise else applicant.id_number
    scope, _dot, attribute = source.partition(".")
    if (scope == "enterprise") != is_enterprise or scope not in ("enterprise", "person"):
        return None
    if attribute not in ("legal_representative", "address", "phone"):
        return None
    return getattr(applicant, attribute, None) or None


def valid_licenses(applicant, today=None):
    """The applicant's valid licenses, newest first (by the digest of their code)."""
    today = today or timezone.localdate()
    code = applicant.uscc if isinstance(applicant, Enterprise) else applicant.id_number
    return (License.objects.filter(protected.matches("holder_code", code), status=License.Status.VALID)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .select_related("license_type").order_by("-issue_date", "-pk"))


def _license_value(license, key):
    if key in LICENSE_ATTRIBUTES:
        return getattr(license, key)
    return (license.data or {}).get(key)


def _earlier_case(applicant, item_code, exclude_pk=None):
    cases = CaseFile.objects.filter(item_code=item_code, submitted_at__isnull=False)
    cases = cases.filter(enterprise=applicant) if isinstance(applicant, Enterprise) else cases.filter(person=applicant)
    if exclude_pk:
        cases = cases.exclude(pk=exclude_pk)
    return cases.only("number", "form_data", "submitted_at").order_by("-submitted_at", "-pk").first()


def _checks(field, value, today) -> bool:
    try:
        validation.clean_value(field, value, today=today, partial=True)
    except validation.BadValue:
        return False
    return True


def prefill(form: Form, applicant, *, item_code: str = "", exclude_case=None, today=None) -> dict[str, Prefilled]:
    """Every value the form can start with for ``applicant``, by field key."""
    today = today or timezone.localdate()
    found: dict[str, Prefilled] = {}
    licenses = None
    earlier = None
    for field in form:
        if field.type == "commitment":
            continue  # signed by the applicant, each time
        value, where = None, None
        if field.prefill == "license" and field.prefill_license_type:
            if licenses is None:
                licenses = list(valid_licenses(applicant, today))
            held = next((lic for lic in licenses if lic.license_type.code == field.prefill_license_type), None)
            if held is not None:
                value = _license_value(held, field.prefill_license_field or field.key)
                where = Prefilled(None, "license", _("From your %(license)s (%(number)s)") % {
                    "license": held.license_type.name, "number": held.number}, field.locked, held.identifier)
        elif field.prefill:
            value = profile_value(applicant, field.prefill)
            label = _("From your enterprise's record") if isinstance(applicant, Enterprise) else _("From your record")
            where = Prefilled(None, "profile", label, field.locked)
        if value in (None, "", []) and item_code:
            if earlier is None:
                earlier = _earlier_case(applicant, item_code, exclude_case.pk if exclude_case is not None else None) or False
            if earlier and field.key in (earlier.form_data or {}):
                value = earlier.form_data[field.key]
                where = Prefilled(None, "earlier", _("From your application %(number)s") % {"number": earlier.number},
                                  False, earlier.number)
        if value in (None, "", []) or where is None or not _checks(field, value, today):
            continue
        found[field.key] = Prefilled(value, where.source, where.label, where.locked and where.source != "earlier",
                                     where.reference)
    return found


def values(prefilled: dict[str, Prefilled]) -> dict:
    return {key: p.value for key, p in prefilled.items()}
