"""Each kind of condition met, unmet and unknown, from verified data, declarations or a person;
the industry hierarchy; and the bit-set matcher answering exactly as the judge does."""

import datetime
import itertools
from decimal import Decimal

import pytest

from casefiles.licenses import lifecycle
from casefiles.licenses.models import LicenseType
from casefiles.policies import eligibility, matching, profiles
from casefiles.policies.eligibility import MET, UNKNOWN, UNMET
from casefiles.policies.models import Declaration, Qualification, QualificationHeld
from cms.models import Industry, PolicyCondition

from .conftest import TODAY, enterprise

pytestmark = pytest.mark.django_db


def condition(kind, checked_by="verified", **values):
    if "industry" in values and isinstance(values["industry"], str):
        values["industry"] = Industry.objects.get(code=values["industry"])
    return PolicyCondition(kind=kind, checked_by=checked_by, **values)


def file(**facts):
    """A file with ``name=(verified, declared)`` facts."""
    profile = profiles.Profile(enterprise=object())  # a registered enterprise's file
    for name, (verified, declared) in facts.items():
        setattr(profile, name, profiles.Fact(verified, declared))
    return profile


def state(cond, profile):
    verdict = eligibility.judge(cond, profile, TODAY)
    return verdict.state, verdict.basis


# --- the industry hierarchy (GB/T 4754) --------------------------------------------------------

def test_a_condition_on_a_division_matches_its_classes_and_not_its_neighbours():
    on_division = condition("industry", industry="H62")
    assert state(on_division, file(industry_code=("H6210", None))) == (MET, "verified")  # 正餐服务 under 餐饮业
    assert state(on_division, file(industry_code=("H6110", None)))[0] == UNMET  # 旅游饭店: 住宿业, H61
    assert state(condition("industry", industry="H"), file(industry_code=("H6210", None)))[0] == MET


def test_an_enterprise_known_only_by_its_section_is_unknown_for_a_division_and_told_what_settles_it():
    verdict = eligibility.judge(condition("industry", industry="H62"), file(industry_code=("H", None)), TODAY)
    assert verdict.state == UNKNOWN and verdict.settle
    assert state(condition("industry", industry="C39"), file(industry_code=("H", None)))[0] == UNMET


# --- each kind: met, unmet, unknown ------------------------------------------------------------

@pytest.mark.parametrize("cond, met, unmet, unknown", [
    (lambda: condition("scale", scale="micro"), ("micro", None), ("large", None), (None, None)),
    (lambda: condition("region", region_code="440400"), ("440402", None), ("440103", None), (None, None)),
    (lambda: condition("years", minimum=Decimal("2")), (datetime.date(2020, 1, 1), None),
     (datetime.date(2025, 12, 1), None), (None, None)),
    (lambda: condition("capital", maximum=Decimal("100")), (Decimal("50"), None), (Decimal("500"), None),
     (None, None)),
])
def test_each_registry_fact_met_unmet_and_unknown(cond, met, unmet, unknown):
    cond = cond()
    name = {"scale": "scale", "region": "region_code", "years": "established_on", "capital": "registered_capital"}[cond.kind]
    assert state(cond, file(**{name: met})) == (MET, "verified")
    assert state(cond, file(**{name: unmet}))[0] == UNMET
    verdict = eligibility.judge(cond, file(**{name: unknown}), TODAY)
    assert verdict.state == UNKNOWN and verdict.settle


def test_years_are_whole_years_to_the_day():
    at_least_two = condition("years", minimum=Decimal("2"))
    assert state(at_least_two, file(established_on=(datetime.date(2024, 6, 15), None)))[0] == MET  # two years today
    assert state(at_least_two, file(established_on=(datetime.date(2024, 6, 16), None)))[0] == UNMET  # tomorrow


def test_a_declared_value_counts_only_where_the_condition_lets_it():
    declared_micro = file(scale=(None, "micro"))
    assert state(condition("scale", "declared", scale="micro"), declared_micro) == (MET, "declared")
    verdict = eligibility.judge(condition("scale", "verified", scale="micro"), declared_micro, TODAY)
    assert verdict.state == UNKNOWN and ("Micro" in verdict.reason or "微型" in verdict.reason)
    # the registry's value wins over the declaration
    assert state(condition("scale", "declared", scale="micro"), file(scale=("large", "micro")))[0] == UNMET


def test_employees_are_declared_and_unknown_until_they_are():
    at_least_ten = condition("employees", "declared", minimum=Decimal("10"))
    assert state(at_least_ten, file(employees=(None, 12))) == (MET, "declared")
    assert state(at_least_ten, file(employees=(None, 3)))[0] == UNMET
    verdict = eligibility.judge(at_least_ten, file(), TODAY)
    assert verdict.state == UNKNOWN and verdict.settle


def test_a_check_by_a_person_is_unknown_and_names_the_document():
    verdict = eligibility.judge(condition("free", "person", text="上年度未发生重大安全事故", document="安全生产情况说明"),
                                file(), TODAY)
    assert verdict.state == UNKNOWN and "安全生产情况说明" in verdict.settle
    by_person = eligibility.judge(condition("scale", "person", scale="micro", document="企业划型证明"),
                                  file(scale=("micro", None)), TODAY)
    assert by_person.state == UNKNOWN and "企业划型证明" in by_person.settle


def test_licenses_qualifications_and_concluded_cases(world, held_license):
    w = world
    high_tech = Qualification.objects.create(code="high-tech", name="高新技术企业")
    holds = condition("license", license_type=w.business_license_type)
    recognised = condition("qualification", qualification=high_tech)
    recognised_declared = condition("qualification", "declared", qualification=high_tech)
    mine = profiles.file_of(w.enterprise, TODAY)
    other = profiles.file_of(w.other_enterprise, TODAY)
    assert state(holds, mine) == (MET, "verified") and state(holds, other)[0] == UNMET
    assert state(recognised, mine)[0] == UNKNOWN  # no record: a certificate would settle it
    profiles.declare_qualification(w.enterprise, w.applicant, "high-tech")
    mine = profiles.file_of(w.enterprise, TODAY)
    assert state(recognised, mine)[0] == UNKNOWN and state(recognised_declared, mine) == (MET, "declared")
    profiles.record_qualification(w.enterprise, w.decider, "high-tech")
    assert state(recognised, profiles.file_of(w.enterprise, TODAY)) == (MET, "verified")
    concluded = condition("concluded", item=w.item)
    assert state(concluded, mine)[0] == UNMET


def test_the_questionnaire_knows_no_licenses_and_refuses_what_it_cannot_read(world):
    from casefiles.errors import Invalid

    answers = profiles.from_answers({"industry_code": "h6210", "scale": "micro", "employees": "8"})
    assert answers.industry_code.declared == "H6210" and answers.employees.declared == 8
    assert state(condition("license", license_type=LicenseType.objects.create(
        code="L1", name="营业执照", issuing_department=world.department)), answers)[0] == UNKNOWN
    for bad in ({"industry_code": "Z99"}, {"employees": "2.5"}, {"registered_capital": "lots"},
                {"established_on": "2020-13-01"}, {"region_code": "4404"}, {"scale": "giant"}):
        with pytest.raises(Invalid):
            profiles.from_answers(bad)


def test_alternatives_of_one_kind_and_all_kinds_together(policy_world):
    w = policy_world
    from casefiles.policies import calculator

    result = next(r for r in calculator.for_enterprise(w.enterprise, TODAY) if r.policy.pk == w.catering.pk)
    assert result.proven and result.state == MET
    other = next(r for r in calculator.for_enterprise(w.other_enterprise, TODAY) if r.policy.pk == w.catering.pk)
    assert other.state == UNMET  # software, small, eleven years old


# --- the matcher answers as the judge does -------------------------------------------------------

def _population(world):
    high_tech = Qualification.objects.create(code="high-tech", name="高新技术企业")
    facts = itertools.product(["H6210", "H", "C3911", ""], ["micro", "large", ""],
                              [datetime.date(2025, 1, 1), datetime.date(2010, 1, 1), None])
    made = []
    for n, (code, scale, since) in enumerate(facts):
        stem = f"91440400MA{n:05d}QJ"
        made.append(enterprise(f"企业{n}", stem, industry_code=code, scale=scale, established_on=since,
                               registered_capital=Decimal(10 * n) if n % 3 else None,
                               region_code="440402" if n % 4 else "440103"))
    for n, found in enumerate(made):
        if n % 2:
            Declaration.objects.create(enterprise=found, industry_code="H6220" if n % 3 else "",
                                       scale="micro" if n % 4 == 1 else "small", employees=n if n % 5 else None,
                                       established_on=datetime.date(2023, 5, 5), registered_capital=Decimal(n))
        if n % 3 == 0:
            QualificationHeld.objects.create(enterprise=found, qualification=high_tech,
                                             source="verified" if n % 2 else "declared")
    return made, high_tech


def test_the_matcher_gives_every_enterprise_the_judges_answer_for_every_condition(world, held_license):
    made, high_tech = _population(world)
    made += [world.enterprise, world.other_enterprise]
    conditions = []
    for check in ("verified", "declared", "person"):
        conditions += [
            condition("industry", check, industry="H62"), condition("industry", check, industry="H"),
            condition("industry", check, industry="C39"), condition("scale", check, scale="micro"),
            condition("years", check, minimum=Decimal("2"), maximum=Decimal("10")),
            condition("capital", check, minimum=Decimal("30")), condition("qualification", check, qualification=high_tech),
        ]
    conditions += [condition("region", region_code="440400"), condition("region", "person", region_code="440400"),
                   condition("employees", "declared", minimum=Decimal("4.5")),
                   condition("employees", "declared", maximum=Decimal("7")),
                   condition("license", license_type=world.business_license_type),
                   condition("concluded", item=world.item), condition("free", "person", text="其他", document="说明")]
    matcher = matching.Matcher(TODAY)
    files = {e.pk: profiles.file_of(e, TODAY) for e in made}
    for cond in conditions:
        verified, met, possible = (set(matcher.enterprise_ids(mask)) for mask in matcher.condition(cond))
        for pk, profile in files.items():
            verdict = eligibility.judge(cond, profile, TODAY)
            told = (cond.kind, cond.checked_by, pk, verdict)
            assert (pk in verified) == (verdict.met and verdict.basis == "verified"), told
            assert (pk in met) == verdict.met, told
            assert (pk in possible) == (verdict.state != UNMET), told
