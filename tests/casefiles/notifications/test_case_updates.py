"""A case's changes of state reach its applicant's inboxes, in the step's transaction, in the
words the applicant is told them."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from casefiles.agents import authorisations as agents
from casefiles.demo.directory import demo_resident_id
from casefiles.handling import workflow
from casefiles.notifications import messages
from casefiles.notifications.models import Message
from tests.casefiles.conftest import pdf_upload, submit_application


def titles(user):
    return [m.title for m in messages.inbox(user)]


def test_acceptance_is_posted_to_every_member_of_the_enterprise_and_no_staff(world, submitted_case, django_user_model):
    colleague = django_user_model.objects.create_user("colleague")
    world.enterprise.add_member(colleague)
    gone = django_user_model.objects.create_user("gone", is_active=False)
    world.enterprise.add_member(gone)
    workflow.perform(submitted_case, "accept", world.clerk)
    for member in (world.applicant, colleague):
        message = messages.inbox(member).first()
        assert message.kind == Message.Kind.CASE and message.case == submitted_case
        assert message.link == f"/my/cases/{submitted_case.number}/"
        assert message.title == f"办件 {submitted_case.number}：已受理"
        assert "已受理申请。" in message.body and "食品经营许可" in message.body
        assert submitted_case.notices.get().number in message.body
    # The submission was posted to the member who submitted (the colleague joined after it).
    assert messages.unread_count(world.applicant) == 2 and messages.unread_count(colleague) == 1
    for outsider in (gone, world.clerk, world.reviewer, world.window, world.supervisor, world.stranger):
        assert messages.unread_count(outsider) == 0


def test_a_persons_case_is_posted_to_their_user(world):
    case = submit_application(world, world.citizen, world.person)
    workflow.perform(case, "accept", world.clerk)
    assert len(titles(world.citizen)) == 2
    assert messages.unread_count(world.applicant) == 0


def test_an_agent_in_force_hears_of_the_case_and_one_revoked_no_longer(world, submitted_case, django_user_model):
    helper = django_user_model.objects.create_user("helper")
    authorisation = agents.authorise(submitted_case, world.applicant, helper, pdf_upload("授权委托书.pdf"),
                                     valid_until=timezone.now() + datetime.timedelta(days=7))
    workflow.perform(submitted_case, "accept", world.clerk)
    assert messages.unread_count(helper) == 1
    agents.revoke(authorisation, world.applicant)
    workflow.perform(submitted_case, "start_review", world.reviewer)
    assert messages.unread_count(helper) == 1
    assert messages.unread_count(world.applicant) == 3


def test_deliberation_is_not_posted_and_a_decision_is_in_the_applicants_words(world, submitted_case):
    workflow.perform(submitted_case, "accept", world.clerk, comment="内部备注：材料齐全")
    workflow.perform(submitted_case, "start_review", world.reviewer)
    before = messages.unread_count(world.applicant)
    workflow.perform(submitted_case, "propose_denial", world.reviewer, reason="场地面积不足")
    workflow.perform(submitted_case, "overturn_denial", world.decider)
    workflow.perform(submitted_case, "propose_denial", world.reviewer, reason="场地面积不足")
    assert messages.unread_count(world.applicant) == before
    workflow.perform(submitted_case, "confirm_denial", world.decider)
    denial = messages.inbox(world.applicant).first()
    assert denial.title.endswith("不予许可")
    assert "理由：场地面积不足" in denial.body  # the reason is written into the decision the applicant receives
    bodies = "".join(m.body for m in messages.inbox(world.applicant))
    assert "内部备注" not in bodies and "reviewer" not in bodies and "decider" not in bodies


def test_a_correction_lists_the_problems_with_identity_numbers_masked(world, submitted_case):
    number = demo_resident_id("44040219900101123")
    workflow.perform(submitted_case, "request_correction", world.clerk,
                     problems=[{"material": "营业执照", "problem": f"法定代表人身份证号 {number} 与执照不符"}])
    message = messages.inbox(world.applicant).first()
    assert "营业执照: 法定代表人身份证号" in message.body
    assert number not in message.body and f"{number[:4]}**********{number[-4:]}" in message.body
    assert message.title.endswith("需要补正")


def test_a_step_that_rolls_back_leaves_no_message(world, submitted_case):
    def later_hook_fails(ctx, event):
        raise RuntimeError("a hook after ours failed")

    # The workflow's table holds the list itself: the hook goes into it, and out again.
    hooks = workflow._recorded
    hooks.append(later_hook_fails)
    try:
        with pytest.raises(RuntimeError):
            workflow.perform(submitted_case, "accept", world.clerk)
    finally:
        hooks.remove(later_hook_fails)
    assert not Message.objects.filter(case=submitted_case, title__contains="已受理").exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        submitted_case.refresh_from_db()
        workflow.perform(submitted_case, "accept", world.clerk)
        raise RuntimeError("the request failed after the step")
    assert not Message.objects.filter(case=submitted_case, title__contains="已受理").exists()


def test_the_message_is_written_in_the_sites_language(world, submitted_case):
    from django.utils import translation

    with translation.override("en"):
        workflow.perform(submitted_case, "accept", world.clerk)
    assert messages.inbox(world.applicant).first().title.endswith("已受理")


def test_each_part_of_a_bundle_posts_its_own_steps(bundle_world):
    from tests.casefiles.conftest import submit_bundle

    parent = submit_bundle(bundle_world)
    parts = list(parent.children.order_by("pk"))
    posted = list(messages.inbox(bundle_world.applicant))
    assert sorted(m.case_id for m in posted) == [part.pk for part in parts]
    assert {m.link for m in posted} == {f"/my/cases/{part.number}/" for part in parts}
