"""免申即享: found from verified data only, opened by the system once, confirmed or declined, paid out."""

from decimal import Decimal

import pytest

from casefiles.cases.models import Channel, Status
from casefiles.errors import Conflict, NotFound
from casefiles.policies import benefits
from casefiles.policies.models import Benefit, Declaration

from .conftest import TODAY, enterprise


def test_the_pass_opens_a_case_for_the_enterprise_proven_eligible_and_never_twice(policy_world):
    w = policy_world
    done = benefits.find(TODAY)
    assert done["offered"] == 1
    benefit = Benefit.objects.get(policy=w.catering)
    assert benefit.enterprise == w.enterprise and benefit.status == Benefit.Status.OFFERED
    case = benefit.case
    assert case.status == Status.ACCEPTED and case.channel == Channel.EX_OFFICIO and case.submitted_by is None
    assert case.events.filter(action="open_ex_officio", actor__isnull=True).exists()
    assert case.notices.filter(kind="benefit_offer").exists()
    assert benefits.find(TODAY)["offered"] == 0
    assert Benefit.objects.filter(policy=w.catering).count() == 1


def test_an_enterprise_eligible_only_by_declaration_is_invited_not_given_a_case(policy_world):
    w = policy_world
    # the registry knows its industry and age, not its scale: only its declaration says micro
    declared = enterprise("珠海小馆餐饮店", "92440400MA5XYW12A", industry_code="H6220",
                          established_on=TODAY.replace(year=2025))
    Declaration.objects.create(enterprise=declared, scale="micro")
    benefits.find(TODAY)
    invited = Benefit.objects.get(policy=w.catering, enterprise=declared)
    assert invited.status == Benefit.Status.INVITED and invited.case is None


def test_confirm_then_payout_concludes_the_case(policy_world):
    w = policy_world
    benefits.find(TODAY)
    benefit = Benefit.objects.get(policy=w.catering)
    with pytest.raises(NotFound):
        benefits.confirm(benefit, w.stranger)
    benefit = benefits.confirm(benefit, w.applicant)
    assert benefit.status == Benefit.Status.CONFIRMED and benefit.payout_due > TODAY
    with pytest.raises(Conflict):
        benefits.confirm(benefit, w.applicant)
    benefit = benefits.record_payout(benefit, w.decider, amount="3000", reference="ZF20260615001")
    assert benefit.status == Benefit.Status.PAID and benefit.paid_amount == Decimal("3000.00")
    benefit.case.refresh_from_db()
    assert benefit.case.status == Status.CONCLUDED
    approval = benefit.case.notices.get(kind="approval")
    assert approval.content["title"] == "行政给付决定书"


def test_a_declined_benefit_is_not_offered_again(policy_world):
    w = policy_world
    benefits.find(TODAY)
    benefit = benefits.decline(Benefit.objects.get(policy=w.catering), w.applicant, "暂不需要")
    assert benefit.status == Benefit.Status.DECLINED
    benefit.case.refresh_from_db()
    assert benefit.case.status == Status.WITHDRAWN
    assert benefits.find(TODAY) == {"offered": 0, "invited": 0}


def test_the_statistics_count_offers_and_payouts_on_time(policy_world):
    from casefiles.supervision import statistics

    w = policy_world
    benefits.find(TODAY)
    benefit = benefits.confirm(Benefit.objects.get(policy=w.catering), w.applicant)
    benefits.record_payout(benefit, w.decider, amount="2500", reference="ZF1")
    rows = statistics.figure("benefits").rows(statistics.Filters(), today=TODAY)
    mine, total = rows
    assert (mine.label, mine.offered, mine.confirmed, mine.paid, mine.paid_on_time, mine.amount, mine.rate) == (
        w.department.name, 1, 1, 1, 1, 2500, 1.0)
    assert total.key == "" and total.paid == 1
