from django.core import mail

from casefiles import workflow


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
