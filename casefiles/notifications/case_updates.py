"""A case's change of state, posted to its applicant's inboxes (站内消息), in the transaction of
the step (``hooks.py`` registers ``post_status_change`` on the workflow).

Who hears it (``audience``): the applicant's users — the person's user, or every member of the
enterprise — and the agents whose authorisation reaches the case at that moment (帮办代办).
Staff hear nothing of it: their work tells them.

What they hear is what the portal tells the applicant: only the steps
``casefiles.access.disclosure`` tells outsiders of (a proposal to refuse, its overturning, a
material's review say nothing), with only the data disclosed for them, in the sentences of the
case page's timeline (``casefiles.handling.actions``), the status as the applicant reads it; every
resident identity number in the text masked. The text is written in the site's language, as the
email is.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casefiles.access import disclosure
from casefiles.access.models import Authorisation
from casefiles.cases.models import Status
from casefiles.directory.models import Person
from casefiles.handling import actions
from casefiles.notifications import messages
from casefiles.notifications.models import BODY_CHARS


def audience(case, now=None) -> list:
    """The active users told of ``case``'s changes: its applicant's users and the agents in force on it (one query).

    The users are found by their ids, the union of the agents' and the applicant's (the members
    of the enterprise's group, the person's user), each read by its index: a condition on the
    user table or-ed over joins would scan every user."""
    now = now or timezone.now()
    user_model = get_user_model()
    ids = Authorisation.objects.filter(
        case_id__in=[case.pk] + ([case.parent_id] if case.parent_id else []), revoked_at__isnull=True,
        valid_from__lte=now, valid_until__gt=now,
    ).order_by().values("agent_id")
    if case.enterprise_id:
        ids = ids.union(user_model.groups.through.objects.filter(group__enterprise=case.enterprise_id).order_by().values("user_id"))
    elif case.person_id:
        ids = ids.union(Person.objects.filter(pk=case.person_id, user__isnull=False).order_by().values("user_id"))
    return list(user_model.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def case_path(case) -> str:
    """The applicant's page of ``case`` (the portal's ``casefiles:case``)."""
    return reverse("casefiles:case", kwargs={"number": case.number})


def _details(told) -> list[str]:
    data = told.data
    lines = []
    if told.action == "request_correction":
        lines += [f"{p.get('material')}: {p.get('problem')}" if p.get("material") else str(p.get("problem", ""))
                  for p in data.get("problems", [])]
    if data.get("reason"):
        lines.append(_("Reason: %(reason)s") % {"reason": data["reason"]})
    if data.get("notice"):
        lines.append(_("Document issued: %(number)s") % {"number": data["notice"]})
    if data.get("license"):
        lines.append(_("License: %(identifier)s") % {"identifier": data["license"]})
    return lines


def _sentence(told) -> str:
    say, data = actions.applicant_sentence, told.data
    if told.action == "submit":
        return say("submit", variant=told.from_state == Status.CORRECTION_REQUESTED)
    if told.action == "accept":
        return say("accept", variant=bool(data.get("deemed_accepted")))
    if told.action == "accept_with_deferral":
        return say("accept_with_deferral", date=data.get("deferred_due", ""))
    return say(told.action)


def wording(case, told) -> tuple[str, str]:
    """(title, text) of the message for ``told`` (an event as ``disclosure`` tells it to outsiders)."""
    title = _("Case %(number)s: %(status)s") % {
        "number": case.number, "status": disclosure.status_label(case.status, disclosure.OUTSIDER)}
    lines = [_sentence(told), *_details(told), f"{case.item_title} · {case.applicant_name}"]
    body = disclosure.redact("\n".join(str(line) for line in lines))[0]
    if len(body) > BODY_CHARS:  # a correction notice of a hundred long problems: the case page lists them all
        body = body[:BODY_CHARS - 1] + "…"
    return disclosure.redact(title)[0], body


def post_status_change(ctx, event) -> list:
    """The workflow's ``on_recorded`` hook: the step's message to the applicant's side, in its transaction."""
    told = disclosure.disclose(event, ctx.case, disclosure.OUTSIDER)
    if told is None or event.from_state == event.to_state:
        return []  # deliberation inside the department is not announced
    recipients = audience(ctx.case, ctx.now)
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title, body = wording(ctx.case, told)
    return messages.post(recipients, messages.Kind.CASE, title, body, link=case_path(ctx.case), case=ctx.case)
