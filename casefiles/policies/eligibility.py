"""Whether an enterprise meets a policy's eligibility conditions (申报条件), and why.

One rule, written twice on purpose and compared by a test
(``tests/casefiles/policies/test_eligibility.py``): ``judge`` answers for one enterprise and one
condition with its reason (the calculator's page, the enterprise's file), ``Matcher`` answers
for every enterprise at once with bit sets (the daily pass of 免申即享, the pushes to
"whatever matches me"). Both read the facts of ``profiles.Profile``.

A condition's answer is one of:

- ``MET`` from verified data (the registry, licenses, cases, qualifications recorded by a
  department) — ``basis`` "verified";
- ``MET`` from what the enterprise declared, where the condition allows it — ``basis`` "declared";
- ``UNMET``, with the fact that fails it;
- ``UNKNOWN``, with what would settle it (a fact missing, a declaration not yet verified, a
  document a person checks).

Conditions of one kind are alternatives (industry C *or* I65); every kind must be met.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext as _

from cms import industries as gbt4754
from cms.models import PolicyCondition

Kind = PolicyCondition.Kind
Check = PolicyCondition.Check

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
VERIFIED, DECLARED = "verified", "declared"
_RANK = {MET: 2, UNKNOWN: 1, UNMET: 0}


@dataclass(frozen=True)
class Verdict:
    state: str
    basis: str = ""  # "verified" or "declared", for a condition met
    reason: str = ""  # why, as the enterprise reads it
    settle: str = ""  # for an unknown one: what would settle it

    @property
    def met(self) -> bool:
        return self.state == MET


@dataclass
class PolicyResult:
    """A policy against one enterprise's file: each condition with its verdict, and the whole."""

    policy: object
    verdicts: list = field(default_factory=list)  # (condition, Verdict), in the policy's order

    @cached_property
    def by_kind(self) -> dict:
        kinds: dict = {}
        for condition, verdict in self.verdicts:
            best = kinds.get(condition.kind)
            if best is None or _better(verdict, best):
                kinds[condition.kind] = verdict
        return kinds

    @property
    def state(self) -> str:
        kinds = self.by_kind.values()
        if any(v.state == UNMET for v in kinds):
            return UNMET
        if all(v.state == MET for v in kinds):
            return MET
        return UNKNOWN

    @property
    def proven(self) -> bool:
        """Every kind met from verified data alone: what 免申即享 may act on."""
        return all(v.state == MET and v.basis == VERIFIED for v in self.by_kind.values())

    @property
    def declared(self) -> bool:
        """Met, some of it only by what the enterprise declared."""
        return self.state == MET and not self.proven

    @property
    def unknown_count(self) -> int:
        return sum(1 for v in self.by_kind.values() if v.state == UNKNOWN)

    @property
    def unmet_count(self) -> int:
        return sum(1 for v in self.by_kind.values() if v.state == UNMET)


def _better(a: Verdict, b: Verdict) -> bool:
    if _RANK[a.state] != _RANK[b.state]:
        return _RANK[a.state] > _RANK[b.state]
    return a.basis == VERIFIED and b.basis != VERIFIED


# --- the facts' comparisons: shared by judge and the Matcher -------------------------------

def full_years(since: date, on: date) -> int:
    """Whole years from ``since`` to ``on`` (an enterprise founded on 2020-03-01 is 5 on 2025-03-01)."""
    years = on.year - since.year
    if (on.month, on.day) < (since.month, since.day):
        years -= 1
    return years


def in_range(value, minimum, maximum) -> bool:
    value = Decimal(value)
    return (minimum is None or value >= minimum) and (maximum is None or value <= maximum)


def industry_answer(code: str, wanted: str) -> bool | None:
    """True: ``code`` is ``wanted`` or under it; False: it is not; None: ``code`` is too coarse to
    tell (the section is known, the condition names a division of it)."""
    if gbt4754.is_under(code, wanted):
        return True
    if wanted.startswith(code):  # the enterprise's code is an ancestor of the condition's
        return None
    return False


def region_prefix(code: str) -> str:
    """GB/T 2260 as a prefix: 440400 (Zhuhai) → 4404, holding 440402 (Xiangzhou) and the rest."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


# --- one condition, one enterprise ---------------------------------------------------------

def describe(condition) -> str:
    """The condition as the policy states it (``PolicyCondition.describe``)."""
    return condition.describe()


def _facts_verdict(condition, verified, declared, ok, shown, missing_settle, answers=False) -> Verdict:
    """The three checks over a verified and a declared value of one fact. ``answers``: the
    questionnaire's, which stand for what the records would say (met "by your answers")."""
    check = condition.checked_by
    if answers and check == Check.VERIFIED:
        check = Check.DECLARED
    if check == Check.PERSON:
        on_file = verified if verified is not None else declared
        return Verdict(UNKNOWN, reason=_("Checked by a person when you apply.") + (
            " " + _("Your file says %(value)s.") % {"value": shown(on_file)} if on_file is not None else ""),
            settle=_("Bring or upload: %(document)s.") % {"document": condition.document or describe(condition)})
    if verified is not None:
        answer = ok(verified)
        if answer is None:
            return Verdict(UNKNOWN, reason=_("On record: %(value)s, which does not tell.") % {"value": shown(verified)},
                           settle=missing_settle)
        if answer:
            return Verdict(MET, VERIFIED, _("On record: %(value)s.") % {"value": shown(verified)})
        return Verdict(UNMET, reason=_("On record: %(value)s.") % {"value": shown(verified)})
    if declared is not None:
        if check == Check.VERIFIED:
            return Verdict(UNKNOWN, reason=_("You declared %(value)s; this condition is checked against verified "
                                             "data.") % {"value": shown(declared)}, settle=missing_settle)
        answer = ok(declared)
        said = (_("You answered %(value)s.") if answers else _("You declared %(value)s.")) % {"value": shown(declared)}
        if answer:
            return Verdict(MET, DECLARED, said)
        if answer is None:
            return Verdict(UNKNOWN, reason=said, settle=_("Give the industry's class (four digits), not only its "
                                                          "section."))
        return Verdict(UNMET, reason=said)
    if answers:
        return Verdict(UNKNOWN, reason=_("Not answered."), settle=missing_settle)
    return Verdict(UNKNOWN, reason=_("Nothing on record."), settle=missing_settle)


def judge(condition, profile, on: date) -> Verdict:
    """Does the enterprise whose file is ``profile`` meet ``condition`` on ``on``, and why."""
    kind = condition.kind

    def _from_facts(*args):
        return _facts_verdict(*args, answers=not profile.known)

    if kind == Kind.INDUSTRY:
        wanted = condition.industry.code
        return _from_facts(condition, profile.industry_code.verified, profile.industry_code.declared,
                           lambda code: industry_answer(code, wanted), profile.industry_name,
                           _("The registry's industry class, or your declared class, would settle it."))
    if kind == Kind.SCALE:
        return _from_facts(condition, profile.scale.verified, profile.scale.declared,
                           lambda scale: scale == condition.scale, profile.scale_name,
                           _("Your enterprise's scale, declared in your file, would settle it."))
    if kind == Kind.REGION:
        return _from_facts(condition, profile.region_code.verified, profile.region_code.declared,
                           lambda code: code.startswith(region_prefix(condition.region_code)), str,
                           _("The registry's region would settle it."))
    if kind == Kind.YEARS:
        return _from_facts(condition, profile.established_on.verified, profile.established_on.declared,
                           lambda since: in_range(full_years(since, on), condition.minimum, condition.maximum),
                           lambda since: _("established on %(date)s (%(years)d years)") % {
                               "date": since.isoformat(), "years": full_years(since, on)},
                           _("The date of establishment would settle it."))
    if kind == Kind.CAPITAL:
        return _from_facts(condition, profile.registered_capital.verified, profile.registered_capital.declared,
                           lambda capital: in_range(capital, condition.minimum, condition.maximum),
                           lambda capital: _("%(amount)s (10,000 yuan)") % {"amount": f"{Decimal(capital).normalize():f}"},
                           _("The registered capital would settle it."))
    if kind == Kind.EMPLOYEES:
        return _from_facts(condition, profile.employees.verified, profile.employees.declared,
                           lambda count: in_range(count, condition.minimum, condition.maximum),
                           lambda count: _("%(count)d employees") % {"count": count},
                           _("Declare your number of employees in your file."))
    if kind == Kind.LICENSE:
        return _judge_license(condition, profile)
    if kind == Kind.QUALIFICATION:
        return _judge_qualification(condition, profile)
    if kind == Kind.CONCLUDED:
        return _judge_concluded(condition, profile)
    return Verdict(UNKNOWN, reason=_("Checked by a person when you apply."),
                   settle=_("Bring or upload: %(document)s.") % {"document": condition.document or condition.text})


def _judge_license(condition, profile) -> Verdict:
    name = condition.license_type.name
    if condition.checked_by == Check.PERSON:
        return Verdict(UNKNOWN, reason=_("Checked by a person when you apply."),
                       settle=_("Bring or upload: %(document)s.") % {"document": condition.document or name})
    if not profile.known:
        return Verdict(UNKNOWN, reason=_("Licenses are read from your enterprise's file."),
                       settle=_("Sign in and act for your enterprise to check the licenses it holds."))
    held = profile.licenses.get(condition.license_type.code)
    if held:
        return Verdict(MET, VERIFIED, _("Holds %(license)s %(number)s.") % {"license": name, "number": held})
    return Verdict(UNMET, reason=_("No valid %(license)s on record.") % {"license": name})


def _judge_qualification(condition, profile) -> Verdict:
    qualification = condition.qualification
    source = profile.qualifications.get(qualification.code)
    if condition.checked_by == Check.PERSON:
        return Verdict(UNKNOWN, reason=_("Checked by a person when you apply."),
                       settle=_("Bring or upload: %(document)s.") % {"document": condition.document or qualification.name})
    if source == VERIFIED:
        return Verdict(MET, VERIFIED, _("Recognised as %(qualification)s (on record).") % {"qualification": qualification.name})
    if source == DECLARED:
        if condition.checked_by == Check.DECLARED:
            return Verdict(MET, DECLARED, _("You declared you are recognised as %(qualification)s.") % {
                "qualification": qualification.name})
        return Verdict(UNKNOWN, reason=_("You declared it; it is not yet on record."),
                       settle=_("The recognising department's record of it would settle it."))
    return Verdict(UNKNOWN, reason=_("No record of %(qualification)s.") % {"qualification": qualification.name},
                   settle=_("If you are recognised as %(qualification)s, add it to your file with its certificate.") % {
                       "qualification": qualification.name})


def _judge_concluded(condition, profile) -> Verdict:
    if not profile.known:
        return Verdict(UNKNOWN, reason=_("Cases are read from your enterprise's file."),
                       settle=_("Sign in and act for your enterprise to check its cases."))
    number = profile.concluded.get(condition.item_id)
    if number:
        return Verdict(MET, VERIFIED, _("Case %(number)s, approved and concluded.") % {"number": number})
    return Verdict(UNMET, reason=_("No approved and concluded case of this item on record."))


def evaluate(policy, profile, on: date) -> PolicyResult:
    """Every condition of ``policy`` (its ``conditions`` prefetched, in order) against ``profile``."""
    return PolicyResult(policy, [(c, judge(c, profile, on)) for c in policy.condition_list])
