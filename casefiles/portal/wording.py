"""A case as its applicant (or an anonymous look-up) is told about it, in plain words.

What they are told — which status, which events of the journal and with which data, never a
staff member's name nor the steps inside the department — is ``casefiles.access.disclosure``'s to
decide; this module only words it: the journal speaks the workflow's language
(``request_correction``), applicants read sentences.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from casefiles.access import disclosure
from casefiles.cases import states
from casefiles.cases.models import CaseFile, ClockPause, Status

NEXT_STEP = {
    Status.DRAFT: _("Add the materials and submit the application. Everything you upload is kept until you submit."),
    Status.SUBMITTED: _("The department checks your application. Within 5 working days it accepts it or tells you, once, everything that must be corrected."),
    Status.CORRECTION_REQUESTED: _("Correct the materials listed in the correction notice and submit the application again. The time limit does not run meanwhile."),
    Status.ACCEPTED: _("The department handles your application within the promised time limit."),
    Status.UNDER_REVIEW: _("The department is reviewing your application."),
    Status.APPROVED: _("Your application was approved. Download the decision below."),
    Status.DENIED: _("Your application was denied. The decision below gives the reasons and how to appeal."),
    Status.NOT_ACCEPTED: _("Your application was not accepted. The decision below gives the reasons and how to appeal."),
    Status.WITHDRAWN: _("You withdrew this application."),
    Status.CONCLUDED: _("This case is concluded."),
}

# Status badge style: the words carry the meaning, the style only repeats it.
TONE = {
    Status.DRAFT: "muted",
    Status.CORRECTION_REQUESTED: "warn",
    Status.APPROVED: "good",
    Status.CONCLUDED: "good",
}


# While drafting, every upload would be a line; afterwards each one matters.
DRAFTING = {"add_material", "promise_material", "remove_material"}


def status_label(status: str) -> str:
    return disclosure.status_label(status, disclosure.OUTSIDER)


def next_step(status: str) -> str:
    return NEXT_STEP.get(disclosure.outsider_status(status), "")


def tone(status: str) -> str:
    return TONE.get(disclosure.outsider_status(status), "")


def needs_the_applicant(case: CaseFile) -> bool:
    """Whether the applicant has something to do now (shown as 'action needed')."""
    if case.status in states.WITH_THE_APPLICANT:
        return True
    if case.status in states.DEFERRED_SUPPLY:
        return case.materials.filter(is_current=True, deferred=True).exists()
    return False


@dataclass
class Entry:
    sequence: int  # the journal event's
    when: datetime
    text: str
    by: str
    details: list[str] = field(default_factory=list)


def _kind_label(kind: str) -> str:
    try:
        return str(ClockPause.Kind(kind).label)
    except ValueError:
        return kind


def _describe(event, case) -> tuple[str, list[str]]:
    """The sentence for one event as ``disclosure`` tells it, with its details."""
    data = event.data or {}
    action = event.action
    if action == "create":
        return str(_("Application started.")), []
    if action == "submit":
        if event.from_state == Status.CORRECTION_REQUESTED:
            return str(_("Corrected application submitted.")), []
        return str(_("Application submitted.")), []
    if action in ("accept", "deem_accepted"):
        if action == "deem_accepted" or data.get("deemed_accepted"):
            return str(_("Accepted by operation of law: no correction notice came within 5 working days of receipt (Article 32 of the Administrative Licensing Law).")), []
        return str(_("Application accepted.")), []
    if action == "accept_with_deferral":
        text = _("Application accepted with materials to be supplied later (容缺受理), due by %(date)s.") % {
            "date": data.get("deferred_due", "")
        }
        return str(text), []
    if action == "request_correction":
        problems = [
            f"{p.get('material')}: {p.get('problem')}" if p.get("material") else str(p.get("problem", ""))
            for p in data.get("problems", [])
        ]
        return str(_("The department asked you to correct the application (one-time correction notice).")), problems
    if action in ("confirm_non_acceptance", "not_accept"):
        return str(_("Application not accepted.")), [str(_("Reason: %(reason)s") % {"reason": data.get("reason", "")})]
    if action == "start_review":
        return str(_("Review started.")), []
    if action == "approve":
        return str(_("Application approved.")), []
    if action == "confirm_denial":
        return str(_("Application denied.")), [str(_("Reason: %(reason)s") % {"reason": data.get("reason", "")})]
    if action == "conclude":
        return str(_("Case concluded.")), []
    if action == "withdraw":
        return str(_("Application withdrawn.")), []
    if action == "start_special_procedure":
        return str(_("The time limit is paused for: %(kind)s.") % {"kind": _kind_label(data.get("kind", ""))}), []
    if action == "end_special_procedure":
        return str(_("%(kind)s finished: the time limit runs again.") % {"kind": _kind_label(data.get("kind", ""))}), []
    if action == "authorise_agent":
        return str(_("Agent %(agent)s authorised until %(date)s.") % {
            "agent": data.get("agent", ""), "date": str(data.get("valid_until", ""))[:10]}), []
    if action == "revoke_agent":
        return str(_("Authorisation of agent %(agent)s revoked.") % {"agent": data.get("agent", "")}), []
    if action == "agent_expired":
        return str(_("Authorisation of agent %(agent)s expired.") % {"agent": data.get("agent", "")}), []
    if action == "hand_out_results":
        return str(_("Results handed out at the window to %(name)s.") % {"name": data.get("recipient", "")}), [
            str(_("Document issued: %(number)s") % {"number": number}) for number in data.get("notices", [])
        ] + [str(_("License: %(identifier)s") % {"identifier": identifier}) for identifier in data.get("licenses", [])]
    if action == "follow_part":  # a bundle's parent, after one of its parts moved on
        return str(_("Overall status: %(status)s.") % {"status": status_label(event.to_state)}), [str(data.get("item", ""))]
    if action == "add_material":
        if data.get("fulfils_promise"):
            return str(_("Material promised for later supplied: %(material)s.") % {"material": data.get("material", "")}), []
        return str(_("Material supplied: %(material)s.") % {"material": data.get("material", "")}), []
    if action == "promise_material":
        return str(_("Material promised for later (容缺): %(material)s.") % {"material": data.get("material", "")}), []
    if action == "remove_material":
        return str(_("Material removed: %(material)s.") % {"material": data.get("material", "")}), []
    return str(action), []  # a step told to applicants that has no sentence yet: named as it is


def timeline(case: CaseFile) -> list[Entry]:
    """What happened to ``case``, oldest first, in the applicant's words: one entry for each
    event ``disclosure`` tells them of, but the uploads of the draft."""
    entries = []
    for event in disclosure.events(case, disclosure.OUTSIDER):
        if event.action in DRAFTING and event.from_state == Status.DRAFT:
            continue  # the drafting itself is on the draft page: here, what happened to the application
        text, details = _describe(event, case)
        if event.data.get("notice"):
            details.append(str(_("Document issued: %(number)s") % {"number": event.data["notice"]}))
        entries.append(Entry(sequence=event.sequence, when=event.created_at, text=text, by=event.by, details=details))
    return entries
