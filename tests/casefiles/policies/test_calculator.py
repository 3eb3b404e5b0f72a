"""政策计算器: ranked results with every condition's reason, from the file or the questionnaire."""

from decimal import Decimal

from casefiles.policies import calculator
from casefiles.policies.eligibility import MET, UNKNOWN, UNMET

from .conftest import TODAY


def test_the_enterprise_sees_proven_policies_first_and_unmet_ones_last(policy_world):
    w = policy_world
    results = calculator.for_enterprise(w.enterprise, TODAY)
    assert [r.policy.pk for r in results] == [w.catering.pk, w.innovation.pk]
    first, last = results
    assert first.proven and all(v.reason for _c, v in first.verdicts)
    assert last.state == UNMET and last.unmet_count == 1  # catering is not software
    assert calculator.matched(results) == [first]


def test_unknowns_rank_after_the_met_and_fewer_unknowns_first(policy_world):
    w = policy_world
    open_to_all = w.make_policy("稳岗留工补助", [{"kind": "employees", "checked_by": "declared", "minimum": Decimal("1")}],
                                amount=Decimal("500"), number="珠人社〔2026〕3号")
    results = calculator.for_answers({"industry_code": "I6513", "scale": "small"}, TODAY)
    states = {r.policy.pk: (r.state, r.unknown_count) for r in results}
    assert states[open_to_all.pk] == (UNKNOWN, 1)
    assert states[w.innovation.pk] == (UNKNOWN, 2)  # employees and qualification unknown
    assert states[w.catering.pk][0] == UNMET
    assert [r.policy.pk for r in results] == [open_to_all.pk, w.innovation.pk, w.catering.pk]
    with_answers = calculator.for_answers({"industry_code": "I6513", "employees": "12"}, TODAY)
    assert next(r for r in with_answers if r.policy.pk == open_to_all.pk).state == MET


def test_a_policy_out_of_force_is_not_calculated(policy_world):
    w = policy_world
    w.catering.expiry_date = TODAY.replace(month=1, day=1)
    w.catering.effective_date = TODAY.replace(year=2025)
    w.catering.save_revision().publish()
    assert w.catering.pk not in [r.policy.pk for r in calculator.for_enterprise(w.enterprise, TODAY)]
