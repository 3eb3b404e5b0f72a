"""Telling applicants what happened: an email on every change of state they are told of
(``casefiles.access.disclosure``), in the words they are told it.

Sent by a background task (django-tasks: in-process by default, a worker at scale) after the
transition's transaction commits, so a slow mail server never holds up a clerk.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from casefiles.access import disclosure
from casefiles.cases.models import CaseFile
from casefiles.journal.models import CaseEvent
from casefiles.notices.documents import progress_url
from config import siteurl

logger = logging.getLogger(__name__)

# Receipt of a submission confirms the case number and the verification code (the key to
# the anonymous progress look-up); every other change uses the general message.
TEMPLATES = {"submit": "casefiles/email/submitted"}


def recipients(case) -> list[str]:
    addresses = []
    if case.contact_email:
        addresses.append(case.contact_email)
    if case.submitted_by_id and case.submitted_by.email:
        addresses.append(case.submitted_by.email)
    if case.person_id and case.person.user_id and case.person.user.email:
        addresses.append(case.person.user.email)
    return sorted(set(addresses))


@task()
def send_state_change(case_pk: int, event_pk: int, base_url: str | None = None) -> int:
    with siteurl.using(base_url):  # the links of the request that queued it
        return _send_state_change(case_pk, event_pk)


def _send_state_change(case_pk: int, event_pk: int) -> int:
    case = CaseFile.objects.select_related("submitted_by", "person__user", "department").get(pk=case_pk)  # the receipt names the department
    event = CaseEvent.objects.get(pk=event_pk)
    to = recipients(case)
    # Deliberation inside the department is not announced: the applicant hears of what they are told.
    if not to or not disclosure.told_to_outsiders(event):
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"case": case, "event": event, "progress_url": progress_url(case), "site_url": siteurl.base_url(),
                   "status": disclosure.status_label(case.status, disclosure.OUTSIDER)}
        template = TEMPLATES.get(event.action, "casefiles/email/state_changed")
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    return send_mail(subject, body, None, to)


def state_changed(case_pk: int, event_pk: int) -> None:
    try:
        send_state_change.enqueue(case_pk, event_pk, base_url=siteurl.captured())
    except Exception:  # a lost email never undoes a lawful step; it is logged for follow-up
        logger.exception("could not send the state-change email for case %s", case_pk)
