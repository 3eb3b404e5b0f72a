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
from casefiles.handling import actions
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
    if states.allows("prepare_materials", case.status):
        return True
    if states.allows("supply_promised", case.status):
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
    """The sentence for one event as ``disclosure`` tells it, with its details; the sentences
    themselves are the registry's (``casefiles.handling.actions``)."""
    data = event.data or {}
    action = event.action
    say = actions.applicant_sentence
    if action == "submit":
        return say(action, variant=event.from_state == Status.CORRECTION_REQUESTED), []
    if action == "accept":
        return say(action, variant=bool(data.get("deemed_accepted"))), []
    if action == "accept_with_deferral":
        return say(action, date=data.get("deferred_due", "")), []
    if action == "instant_approval":  # 秒批: approved at submission, or not, with the conditions
        return say(action, variant=data.get("outcome") != "approved"), [
            f"{'✓' if rule.get('met') else '✗'} {rule.get('label', '')}" for rule in data.get("rules", [])]
    if action == "request_correction":
        problems = [
            f"{p.get('material')}: {p.get('problem')}" if p.get("material") else str(p.get("problem", ""))
            for p in data.get("problems", [])
        ]
        return say(action), problems
    if action in ("confirm_non_acceptance", "not_accept", "confirm_denial"):
        return say(action), [str(_("Reason: %(reason)s") % {"reason": data.get("reason", "")})]
    if action in ("start_special_procedure", "end_special_procedure"):
        return say(action, kind=_kind_label(data.get("kind", ""))), []
    if action == "authorise_agent":
        return say(action, agent=data.get("agent", ""), date=str(data.get("valid_until", ""))[:10]), []
    if action in ("revoke_agent", "agent_expired"):
        return say(action, agent=data.get("agent", "")), []
    if action == "hand_out_results":
        return say(action, name=data.get("recipient", "")), [
            str(_("Document issued: %(number)s") % {"number": number}) for number in data.get("notices", [])
        ] + [str(_("License: %(identifier)s") % {"identifier": identifier}) for identifier in data.get("licenses", [])]
    if action == "follow_part":  # a bundle's parent, after one of its parts moved on
        return say(action, status=status_label(event.to_state)), [str(data.get("item", ""))]
    if action == "add_material":
        return say(action, variant=bool(data.get("fulfils_promise")), material=data.get("material", "")), []
    if action in ("promise_material", "remove_material"):
        return say(action, material=data.get("material", "")), []
    # The others are one sentence each; a step told to applicants that has no sentence yet is named as it is.
    return say(action), []


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
