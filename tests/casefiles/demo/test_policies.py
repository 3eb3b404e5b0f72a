"""The demo's 惠企政策: every policy with conditions, the enterprises' files, a subscription told of
its matches, one 免申即享 benefit confirmed and awaiting payout, one invitation; loaded twice, once."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from casefiles.cases.models import Channel, Status
from casefiles.demo.policies import GECHUANG, HAIWAN, HIGH_TECH_AWARD, JINWAN, load_policies
from casefiles.directory.models import Enterprise
from casefiles.notifications.models import Message
from casefiles.policies import calculator
from casefiles.policies.models import Benefit, Declaration, PolicyPush, QualificationHeld, Subscription
from cms.models import PolicyCondition, PolicyPage


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """load_demo once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded_demo, db):
    return None


def test_every_demo_policy_has_conditions_of_many_kinds_and_checks(demo):
    policies = PolicyPage.objects.live()
    assert all(policy.conditions.exists() for policy in policies)
    conditions = PolicyCondition.objects.filter(policy__in=policies)
    assert set(conditions.values_list("kind", flat=True)) == set(PolicyCondition.Kind.values)
    assert set(conditions.values_list("checked_by", flat=True)) == set(PolicyCondition.Check.values)
    for condition in conditions:
        condition.full_clean(exclude=["policy"])  # as the editor's form would check it
    assert conditions.filter(kind="industry", industry__code__in=["I", "C", "H"]).exists()
    with_items = policies.exclude(application_item=None)
    assert with_items.count() >= 8
    assert all(p.application_item.live for p in with_items)
    award = policies.get(document_number=HIGH_TECH_AWARD)
    assert award.free_to_enjoy and award.application_item.item_type == "benefit" and award.benefit_amount == 300000


def test_the_enterprises_files_hold_registry_facts_qualifications_and_declarations(demo):
    gechuang = Enterprise.objects.get(uscc=GECHUANG)
    assert gechuang.industry_code == "C3912" and gechuang.established_on and gechuang.registered_capital == 500
    held = set(QualificationHeld.objects.filter(enterprise=gechuang).values_list("qualification__name", "source"))
    assert ("高新技术企业", "verified") in held and ("专精特新中小企业", "declared") in held
    assert Declaration.objects.get(enterprise=gechuang).employees == 86
    assert all(len(code) == 5 for code in Enterprise.objects.values_list("industry_code", flat=True))  # classes


def test_the_calculator_ranks_what_the_records_prove_first(demo):
    results = calculator.for_enterprise(Enterprise.objects.get(uscc=GECHUANG))
    assert results[0].proven
    titles = [r.policy.document_number for r in results if r.proven]
    assert HIGH_TECH_AWARD in titles
    assert any(r.state == "unmet" for r in results) and any(r.state == "unknown" for r in results)
    catering = calculator.for_enterprise(Enterprise.objects.get(uscc=HAIWAN))
    assert "珠文广旅体规〔2024〕1号" in [r.policy.document_number for r in catering if r.proven]  # by its food license


def test_the_award_is_confirmed_and_awaits_payout_and_another_enterprise_is_invited(demo):
    award = Benefit.objects.select_related("case").get(policy__document_number=HIGH_TECH_AWARD,
                                                       enterprise__uscc=GECHUANG)
    assert award.status == Benefit.Status.CONFIRMED and award.payout_due and award.acted_by.username == "enterprise1"
    assert award.case.channel == Channel.EX_OFFICIO and award.case.status == Status.UNDER_REVIEW
    assert award.case.department.code == "GXQ"
    assert award.case.events.filter(action="confirm_benefit").exists()
    invited = Benefit.objects.get(policy__document_number=HIGH_TECH_AWARD, enterprise__uscc=JINWAN)
    assert invited.status == Benefit.Status.INVITED and invited.case is None
    assert Message.objects.filter(recipient__username="enterprise3", title__contains="珠海高新区").exists()


def test_the_subscribers_were_told_of_their_matches_once(demo):
    mine = Subscription.objects.get(user__username="enterprise1")
    assert mine.matches_me and mine.enterprise.uscc == GECHUANG
    pushed = PolicyPush.objects.filter(user__username="enterprise1")
    assert pushed.exists()
    assert pushed.count() == pushed.values("policy").distinct().count()
    assert PolicyPush.objects.filter(user__username="enterprise2").exists()


def test_loading_the_policies_again_changes_nothing(demo):
    def state():
        return (list(Benefit.objects.order_by("pk").values_list("pk", "status", "case_id", "payout_due")),
                list(QualificationHeld.objects.order_by("pk").values_list("pk", "recorded_at")),
                list(Declaration.objects.order_by("pk").values_list("pk", "updated_at")),
                Subscription.objects.count(), PolicyPush.objects.count(), Message.objects.count())

    before = state()
    counts = load_policies()
    assert (counts["files"], counts["subscriptions"], counts["pushes"], counts["offered"], counts["invited"],
            counts["confirmed"]) == (0, 0, 0, 0, 0, 0)
    call_command("load_demo", stdout=io.StringIO())
    assert state() == before
