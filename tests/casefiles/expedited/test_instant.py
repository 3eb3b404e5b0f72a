from django.urls import reverse

from casefiles.expedited import instant
from casefiles.licenses.models import License
from casefiles.portal import wording
from tests.casefiles.expedited.conftest import AREA_RULE, LICENSE_RULE, file


def actions(case):
    return list(case.events.order_by("sequence").values_list("action", flat=True))


def test_an_application_meeting_every_rule_is_approved_at_submission(world, instant_item, holds_business_license):
    case = file(world, {"area": 30})
    assert case.status == "approved"
    license = License.objects.get(source_case=case)
    assert license.status == "valid" and license.license_type.name == "食品经营许可证"
    assert actions(case)[-5:] == ["submit", "instant_approval", "accept", "start_review", "approve"]
    judged = case.events.get(action="instant_approval")
    assert judged.actor is None and judged.data["outcome"] == "approved"
    assert judged.data["rules"] == [{"label": AREA_RULE, "met": True}, {"label": LICENSE_RULE, "met": True}]
    assert case.events.get(action="approve").data["license"] == license.identifier
    assert set(case.notices.values_list("kind", flat=True)) == {"acceptance", "approval"}
    # the applicant's page says it was approved instantly
    told = [entry.text for entry in wording.timeline(case)]
    assert any("秒批" in str(text) or "instantly" in str(text) for text in told)


def test_one_failing_rule_leaves_the_case_submitted_with_the_reason_for_the_clerk(world, client, instant_item,
                                                                                    holds_business_license):
    case = file(world, {"area": 80})
    assert case.status == "submitted"
    assert not License.objects.filter(source_case=case).exists()
    judged = case.events.get(action="instant_approval")
    assert judged.data["outcome"] == "not_met"
    assert judged.data["rules"] == [{"label": AREA_RULE, "met": False}, {"label": LICENSE_RULE, "met": True}]
    assert len(judged.data["reasons"]) == 1 and "80" in judged.data["reasons"][0]
    client.force_login(world.clerk)
    page = client.get(reverse("casefiles_workbench:case", args=[case.number])).content.decode()
    assert "not-applied" in page and AREA_RULE in page and "80" in page


def test_without_the_license_the_rule_fails(world, instant_item):
    case = file(world, {"area": 30})
    assert case.status == "submitted"
    assert [o.met for o in instant.evaluate(case)] == [True, False]
    assert "营业执照" in instant.not_applied(case)[0]


def test_a_refused_approval_leaves_the_case_submitted_and_journaled(world, instant_item, holds_business_license):
    world.department.uscc = ""  # the issuer has no code to sign with: the license cannot be issued
    world.department.save()
    case = file(world, {"area": 30})
    assert case.status == "submitted" and case.accepted_at is None and case.decided_at is None
    assert not case.notices.exists() and not License.objects.filter(source_case=case).exists()
    assert actions(case)[-2:] == ["submit", "instant_approval"]
    judged = case.events.get(action="instant_approval")
    assert judged.data["outcome"] == "refused" and judged.data["reasons"]
    assert instant.not_applied(case) == judged.data["reasons"]


def test_an_item_without_instant_approval_is_not_judged(world, submitted_case):
    assert instant.rules(submitted_case) == []
    assert not submitted_case.events.filter(action="instant_approval").exists()


def test_the_real_name_level_rule(world, instant_item, holds_business_license):
    from cms.models import ServiceItemPage

    item = ServiceItemPage.objects.get(pk=world.item.pk)
    item.instant_rules = [("level", {"level": "in_person", "label": "线下核验实名"})]
    item.save_revision().publish()
    world.item = ServiceItemPage.objects.get(pk=item.pk)
    case = file(world, {"area": 30})
    assert case.status == "submitted"
    (outcome,) = instant.evaluate(case)
    assert not outcome.met and outcome.label == "线下核验实名"
