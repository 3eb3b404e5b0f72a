from django.core import mail

from casefiles.handling import workflow


def test_the_applicant_hears_decisions_not_deliberations(world, submitted_case, django_capture_on_commit_callbacks):
    submitted_case.contact_email = "owner@example.org"
    submitted_case.save(update_fields=["contact_email"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(submitted_case, "accept", world.clerk)
        workflow.perform(submitted_case, "start_review", world.reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(submitted_case, "propose_denial", world.reviewer, reason="材料存疑")
        workflow.perform(submitted_case, "overturn_denial", world.decider)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(submitted_case, "approve", world.decider)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "owner@example.org" in message.to and submitted_case.number in message.subject
    assert "材料存疑" not in message.body


def test_a_refusal_is_announced_once_confirmed_in_the_words_the_applicant_is_told(
        world, submitted_case, django_capture_on_commit_callbacks):
    from django.utils import translation

    submitted_case.contact_email = "owner@example.org"
    submitted_case.save(update_fields=["contact_email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(submitted_case, "propose_non_acceptance", world.window, reason="材料存疑")
        workflow.perform(submitted_case, "overturn_non_acceptance", world.decider)
        workflow.perform(submitted_case, "propose_non_acceptance", world.clerk, reason="不属于本机关职权范围")
    assert mail.outbox == []
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        workflow.perform(submitted_case, "confirm_non_acceptance", world.decider)
    assert len(mail.outbox) == 1
    assert "材料存疑" not in mail.outbox[0].body
    assert submitted_case.notices.get().number in mail.outbox[0].body
