"""一企一档: what the system knows of an enterprise and from where, what it declared of itself,
and the facts the eligibility conditions read.

Verified: the registry's record (``Enterprise``: industry class, scale, region, date of
establishment, registered capital), its valid electronic licenses, its approved and concluded
cases, the qualifications a department recorded. Declared: the enterprise's ``Declaration`` and
the qualifications it added itself — always shown as declared, and a condition checked "from
verified data" never takes them.

``file_of`` builds one enterprise's file (the calculator, the file's page); ``from_answers`` a
file from the anonymous questionnaire (everything declared, no licenses nor cases); ``files``
every enterprise's at once, for the daily pass (``matching``).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casefiles.cases.models import Status
from casefiles.directory.models import Department, Enterprise
from casefiles.errors import Invalid, NotPermitted
from casefiles.journal.models import CaseEvent
from casefiles.licenses.models import License
from casefiles.policies.models import Declaration, Qualification, QualificationHeld, Source
from cms.models import Industry

VERIFIED, DECLARED = Source.VERIFIED.value, Source.DECLARED.value


@dataclass(frozen=True)
class Fact:
    verified: object = None
    declared: object = None

    @property
    def value(self):
        return self.verified if self.verified is not None else self.declared

    @property
    def source(self) -> str:
        if self.verified is not None:
            return VERIFIED
        return DECLARED if self.declared is not None else ""


@dataclass
class Profile:
    enterprise: Enterprise | None = None
    industry_code: Fact = field(default_factory=Fact)
    scale: Fact = field(default_factory=Fact)
    region_code: Fact = field(default_factory=Fact)
    established_on: Fact = field(default_factory=Fact)
    registered_capital: Fact = field(default_factory=Fact)
    employees: Fact = field(default_factory=Fact)
    licenses: dict = field(default_factory=dict)  # license type code -> certificate number (valid ones)
    qualifications: dict = field(default_factory=dict)  # qualification code -> "verified" | "declared"
    concluded: dict = field(default_factory=dict)  # item (page) id -> case number, approved and concluded

    @property
    def known(self) -> bool:
        """A file of a registered enterprise (not the questionnaire's answers)."""
        return self.enterprise is not None

    @staticmethod
    def industry_name(code) -> str:
        name = industry_names().get(code)
        return f"{code} {name}" if name else code

    @staticmethod
    def scale_name(code) -> str:
        return str(dict(Enterprise.Scale.choices).get(code, code))


_INDUSTRY_NAMES: dict = {}


def industry_names() -> dict:
    """GB/T 4754's names by code, read once per process (the table changes with a migration or
    ``manage.py industries load``, after which the processes are restarted)."""
    if not _INDUSTRY_NAMES:
        _INDUSTRY_NAMES.update(Industry.objects.values_list("code", "name"))
    return _INDUSTRY_NAMES


def _or_none(value):
    return value if value not in ("", None) else None


def _registry(enterprise) -> dict:
    return {
        "industry_code": enterprise.industry_code or enterprise.industry or None,
        "scale": _or_none(enterprise.scale),
        "region_code": _or_none(enterprise.region_code),
        "established_on": enterprise.established_on,
        "registered_capital": enterprise.registered_capital,
    }


def _declared(declaration) -> dict:
    if declaration is None:
        return {}
    return {
        "industry_code": _or_none(declaration.industry_code),
        "scale": _or_none(declaration.scale),
        "established_on": declaration.established_on,
        "registered_capital": declaration.registered_capital,
        "employees": declaration.employees,
    }


def _facts(registry: dict, declared: dict) -> dict:
    names = ("industry_code", "scale", "region_code", "established_on", "registered_capital", "employees")
    return {name: Fact(registry.get(name), declared.get(name)) for name in names}


def valid_licenses(enterprise_ids, on: date, types=None):
    """(enterprise id, license type code, number) of the valid licenses the enterprises hold."""
    found = (License.objects.filter(enterprise_id__in=enterprise_ids, status=License.Status.VALID)
             .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on), valid_from__lte=on))
    if types is not None:
        found = found.filter(license_type__code__in=types)
    return found.values_list("enterprise_id", "license_type__code", "number")


def qualifications_held(enterprise_ids, on: date):
    """(enterprise id, qualification code, source) of the qualifications in force."""
    return (QualificationHeld.objects.filter(enterprise_id__in=enterprise_ids)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
            .values_list("enterprise_id", "qualification__code", "source"))


def concluded_cases(enterprise_ids, items=None):
    """(enterprise id, item id, case number) of the approved and concluded cases."""
    found = CaseEvent.objects.filter(action="approve", case__status=Status.CONCLUDED,
                                     case__enterprise_id__in=enterprise_ids)
    if items is not None:
        found = found.filter(case__item_id__in=items)
    return found.values_list("case__enterprise_id", "case__item_id", "case__number")


def file_of(enterprise, on: date | None = None) -> Profile:
    """The enterprise's file (一企一档) as the conditions read it."""
    on = on or timezone.localdate()
    declaration = Declaration.objects.filter(enterprise=enterprise).first()
    profile = Profile(enterprise, **_facts(_registry(enterprise), _declared(declaration)))
    ids = [enterprise.pk]
    profile.licenses = {code: number for _e, code, number in valid_licenses(ids, on)}
    for _e, code, source in qualifications_held(ids, on):
        if profile.qualifications.get(code) != VERIFIED:
            profile.qualifications[code] = source
    profile.concluded = {item: number for _e, item, number in concluded_cases(ids)}
    return profile


# --- the questionnaire ----------------------------------------------------------------------

QUESTIONS = ("industry_code", "scale", "region_code", "established_on", "registered_capital", "employees",
             "qualifications")


def from_answers(answers: dict) -> Profile:
    """A file from the calculator's questionnaire: every fact declared; nothing of licenses or
    cases (those need the enterprise's own file). Refuses (``Invalid``) what cannot be read."""
    errors = []
    industry = str(answers.get("industry_code") or "").strip().upper()[:5]
    if industry and not Industry.objects.filter(code=industry).exists():
        errors.append(_("There is no such industry code."))
    scale = str(answers.get("scale") or "").strip()
    if scale and scale not in Enterprise.Scale.values:
        errors.append(_("There is no such scale."))
    region = str(answers.get("region_code") or "").strip()
    if region and not (region.isdigit() and len(region) == 6):
        errors.append(_("A region is six digits (GB/T 2260)."))
    established = answers.get("established_on") or None
    if isinstance(established, str):
        try:
            established = date.fromisoformat(established.strip())
        except ValueError:
            errors.append(_("Give the date of establishment as YYYY-MM-DD."))
            established = None
    capital = _number(answers.get("registered_capital"), errors, _("The registered capital is a number."))
    employees = _number(answers.get("employees"), errors, _("The number of employees is a whole number."), whole=True)
    codes = answers.get("qualifications") or []
    if isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, (list, tuple)) or len(codes) > 50:
        errors.append(_("Choose the qualifications from the list."))
        codes = []
    known = set(Qualification.objects.filter(code__in=[str(c)[:40] for c in codes]).values_list("code", flat=True))
    if errors:
        raise Invalid(*errors)
    declared = {"industry_code": industry or None, "scale": scale or None, "region_code": region or None,
                "established_on": established, "registered_capital": capital, "employees": employees}
    profile = Profile(None, **{name: Fact(None, value) for name, value in declared.items()})
    profile.qualifications = {code: DECLARED for code in known}
    return profile


def _number(value, errors, message, whole=False):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors.append(message)
        return None
    if not number.is_finite() or number < 0 or number > Decimal("1e12") or (whole and number != number.to_integral()):
        errors.append(message)
        return None
    return int(number) if whole else number


# --- declaring --------------------------------------------------------------------------------

DECLARABLE = ("employees", "industry_code", "scale", "established_on", "registered_capital", "annual_revenue")


def declare(enterprise, user, values: dict) -> Declaration:
    """The enterprise's members say what the registry does not (自主申报); checked as the
    questionnaire checks, kept as declared. Who may is the caller's check (a member)."""
    read = from_answers({k: v for k, v in values.items() if k in QUESTIONS})  # the same checks
    errors = []
    revenue = _number(values.get("annual_revenue"), errors, _("The revenue is a number."))
    if errors:
        raise Invalid(*errors)
    with transaction.atomic():
        declaration, _created = Declaration.objects.select_for_update().get_or_create(enterprise=enterprise)
        declaration.employees = read.employees.declared
        declaration.industry_code = read.industry_code.declared or ""
        declaration.scale = read.scale.declared or ""
        declaration.established_on = read.established_on.declared
        declaration.registered_capital = read.registered_capital.declared
        declaration.annual_revenue = revenue
        declaration.updated_by = user
        declaration.save()
    return declaration


def declare_qualification(enterprise, user, code, *, certificate_number="", valid_until=None) -> QualificationHeld:
    qualification = Qualification.objects.filter(code=str(code)[:40]).first()
    if qualification is None:
        raise Invalid(_("Choose the qualifications from the list."))
    held, _created = QualificationHeld.objects.update_or_create(
        enterprise=enterprise, qualification=qualification, source=Source.DECLARED,
        defaults={"certificate_number": str(certificate_number)[:60], "valid_until": valid_until, "recorded_by": user})
    return held


def record_qualification(enterprise, user, code, *, certificate_number="", valid_until=None) -> QualificationHeld:
    """A department records a qualification it recognised: verified from now on."""
    qualification = Qualification.objects.filter(code=str(code)[:40]).first()
    if qualification is None:
        raise Invalid(_("Choose the qualifications from the list."))
    held, _created = QualificationHeld.objects.update_or_create(
        enterprise=enterprise, qualification=qualification, source=Source.VERIFIED,
        defaults={"certificate_number": str(certificate_number)[:60], "valid_until": valid_until, "recorded_by": user})
    return held


# --- who records a verified qualification (资质认定) -------------------------------------------------

RECORDING_ROLES = ("clerk", "decider", "lead")


def recording_departments(user):
    """The departments in which ``user`` may record qualifications: a clerk, decider or lead there."""
    if not user.is_authenticated or not user.is_active:
        return Department.objects.none()
    return Department.objects.filter(roles__role__in=RECORDING_ROLES, roles__group__user=user).distinct()


def may_record_qualifications(user) -> bool:
    return recording_departments(user).exists()


def recordable(user):
    """The qualifications ``user`` may record: those recognised by one of their departments, and
    those that name no recognising department."""
    departments = recording_departments(user)
    if not departments.exists():
        return Qualification.objects.none()
    return Qualification.objects.filter(Q(recognised_by__isnull=True) | Q(recognised_by__in=departments))


def record_verified(user, enterprise, code, *, certificate_number="", valid_until=None) -> QualificationHeld:
    """``record_qualification`` by a department's staff: refused (``NotPermitted``) to anyone else,
    and for a qualification another department recognises."""
    if not may_record_qualifications(user):
        raise NotPermitted(_("Only a department's staff record qualifications."))
    if not recordable(user).filter(code=str(code)[:40]).exists():
        if Qualification.objects.filter(code=str(code)[:40]).exists():
            raise NotPermitted(_("This qualification is recognised by another department."))
        raise Invalid(_("Choose the qualifications from the list."))
    return record_qualification(enterprise, user, code, certificate_number=certificate_number, valid_until=valid_until)


def recently_recorded(user, limit=50):
    """The verified qualifications most recently recorded, of those ``user`` may record."""
    return (QualificationHeld.objects.filter(source=Source.VERIFIED, qualification__in=recordable(user))
            .select_related("enterprise", "qualification", "recorded_by").order_by("-recorded_at", "-pk")[:limit])
