from django.core import mail
from django.test import override_settings

from casefiles.handling import workflow
from casefiles.notifications import emails
from config import siteurl


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


@override_settings(SITE_URL="")
def test_the_email_queued_by_a_request_links_to_its_host_even_from_a_worker(
        world, submitted_case, django_capture_on_commit_callbacks, monkeypatch):
    submitted_case.contact_email = "owner@example.org"
    submitted_case.save(update_fields=["contact_email"])
    queued, task = [], emails.send_state_change
    monkeypatch.setattr(emails, "send_state_change", type("Queue", (), {
        "enqueue": staticmethod(lambda *args, **kwargs: queued.append((args, kwargs)))}))
    with siteurl.using("http://testserver:8123"), django_capture_on_commit_callbacks(execute=True):
        workflow.perform(submitted_case, "accept", world.clerk)
    (args, kwargs), = queued
    assert kwargs == {"base_url": "http://testserver:8123"}
    mail.outbox.clear()
    task.call(*args, **kwargs)  # as the worker runs it, outside the request
    assert "http://testserver:8123/progress/?" in mail.outbox[0].body
