"""整改: the rectification a bad review opens — its working-day deadline and its steps.

A bad first review (不满意, 非常不满意) opens one for the department that handled the service,
due ``RECTIFICATION_WORKING_DAYS`` (15, ``YIWANG_EVALUATIONS``) working days after the review,
counted by the deadline engine (China's holidays and 调休; provisional where the year's schedule
is not entered yet). The department records what it did, then its call-back to the applicant
(回访); after the call-back the applicant may review again (round 2, ``reviews.give``).

- **Who**: the department's staff (its lead, clerks, reviewers, deciders) or a superuser record
  the action and the call-back; the lead names the handler (``assign``).
- **Action**: required text; it may be corrected until the call-back, each change journaled.
- **Call-back**: after the action, once; the applicant's users are told by message (站内消息)
  that they may review again, with the link to the case's portal page.
- **Light**: supervision's rule (``working_days.light``) with the due date as both dates —
  yellow near it, red past it; none once called back. ``sweep_lights`` (run by the supervision
  pass, registered from ``hooks.py``) tells the handler, the department's leads and the
  supervisors once per change to yellow or red (``Rectification.light`` keeps the last one).

Every step is in the case's journal (``rectification_*``) when the review is of a case.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from casefiles.access import permissions
from casefiles.deadlines import working_days
from casefiles.deadlines.working_days import Light
from casefiles.errors import Conflict, Invalid, NotPermitted
from casefiles.evaluations.models import Rectification
from casefiles.journal import records
from casefiles.notifications import case_updates, messages
from casefiles.supervision import people

STAFF_ROLES = people.MEMBER_ROLES  # the department's staff: every case role and the lead
TEXT_CHARS = 5000
ALERTED = (Light.YELLOW, Light.RED)

OPEN, ACTED, CALLED_BACK = "open", "acted", "called_back"
STATUS_LABELS = {
    OPEN: pgettext_lazy("rectification", "Open"),  # 待整改
    ACTED: pgettext_lazy("rectification", "Rectified, call-back due"),  # 已整改，待回访
    CALLED_BACK: pgettext_lazy("rectification", "Called back"),  # 已回访
}

DEFAULT_SETTINGS = {"RECTIFICATION_WORKING_DAYS": 15}


def evaluation_settings() -> dict:
    """``settings.YIWANG_EVALUATIONS`` over the defaults above."""
    return {**DEFAULT_SETTINGS, **getattr(settings, "YIWANG_EVALUATIONS", {})}


def deadline(opened_on, calendar=None) -> working_days.Deadline:
    """The rectification's due date for one opened on ``opened_on``."""
    days = int(evaluation_settings()["RECTIFICATION_WORKING_DAYS"])
    return working_days.compute_deadline(opened_on, days, (), calendar=calendar)


def open_for(evaluation, now=None) -> Rectification:
    """The rectification of a bad review (in the caller's transaction); the case's journal says so."""
    now = now or timezone.now()
    due = deadline(timezone.localdate(now))
    rectification = Rectification.objects.create(
        evaluation=evaluation, department=evaluation.department, opened_at=now, due=due.due_date,
        due_provisional=due.provisional)
    if evaluation.case_id:
        case = evaluation.case
        records.record(case, "rectification_opened", None, from_state=case.status, to_state=case.status,
                       data={"evaluation": evaluation.pk, "due": due.due_date.isoformat()})
    return rectification


# --- who may ------------------------------------------------------------------------------------

def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def may_act(user, rectification) -> bool:
    """The department's staff (lead, clerk, reviewer, decider) or a superuser."""
    return _active(user) and (user.is_superuser
                              or rectification.department_id in permissions.department_ids(user, STAFF_ROLES))


def may_assign(user, rectification) -> bool:
    """The department's lead (or a superuser) names the handler."""
    return _active(user) and (user.is_superuser
                              or rectification.department_id in permissions.department_ids(user, ("lead",)))


# --- where it stands ----------------------------------------------------------------------------

def status(rectification) -> str:
    """``OPEN`` (nothing recorded), ``ACTED`` (the action recorded, no call-back yet), ``CALLED_BACK``."""
    if rectification.callback_at is not None:
        return CALLED_BACK
    return ACTED if rectification.acted_at is not None else OPEN


def status_label(rectification) -> str:
    return str(STATUS_LABELS[status(rectification)])


def limit_working_days() -> int:
    return int(evaluation_settings()["RECTIFICATION_WORKING_DAYS"])


def light_of(rectification, today: date | None = None, calendar=None):
    """The light (``working_days.LightReading``) of an open rectification on ``today``: yellow
    within the warning window before its due date, red after it; None once called back."""
    if rectification.callback_at is not None:
        return None
    return working_days.light(rectification.due, rectification.due, today or timezone.localdate(),
                              limit_working_days=limit_working_days(), calendar=calendar)


def colour_of(rectification, today: date | None = None, calendar=None) -> str:
    """The light's colour (``Light``), "" once called back."""
    reading = light_of(rectification, today, calendar)
    return reading.light if reading is not None else ""


def on_time(rectification) -> bool | None:
    """Called back by its due date (True), after it (False); None while open."""
    if rectification.callback_at is None:
        return None
    return timezone.localdate(rectification.callback_at) <= rectification.due


def history(rectification):
    """The rectification's events in its case's journal (and the review's), oldest first."""
    evaluation = rectification.evaluation
    if not evaluation.case_id:
        return []
    return [event for event in evaluation.case.events.order_by("sequence", "pk").select_related("actor")
            if event.action.startswith(("rectification_", "exclusion_"))
            and (event.data or {}).get("evaluation") == evaluation.pk]


# --- the steps ----------------------------------------------------------------------------------

def _text(value, missing) -> str:
    text = str(value or "").strip()
    if not text:
        raise Invalid(missing)
    if "\x00" in text:
        raise Invalid(gettext_lazy("The text cannot contain a NUL character."))
    if len(text) > TEXT_CHARS:
        raise Invalid(gettext_lazy("The text is at most %(count)d characters long.") % {"count": TEXT_CHARS})
    return text


def _locked(rectification) -> Rectification:
    return (Rectification.objects.select_for_update(of=("self",))
            .select_related("evaluation__case", "department").get(pk=rectification.pk))


def _journal(rectification, action, user, comment="", data=None):
    evaluation = rectification.evaluation
    if evaluation.case_id:
        case = evaluation.case
        records.record(case, action, user, from_state=case.status, to_state=case.status, comment=comment,
                       data={"evaluation": evaluation.pk, **(data or {})})


def _not_staff():
    return NotPermitted(gettext_lazy("Only the staff of the department that handled the service rectify it."))


def record_action(rectification, user, text, *, now=None) -> Rectification:
    """What the department did about the bad review; may be corrected until the call-back
    (each version journaled)."""
    if not may_act(user, rectification):
        raise _not_staff()
    text = _text(text, gettext_lazy("Say what the department did about the review."))
    now = now or timezone.now()
    with transaction.atomic():
        rectification = _locked(rectification)
        if rectification.callback_at is not None:
            raise Conflict(gettext_lazy("The applicant has been called back: the rectification is closed."))
        updated = rectification.acted_at is not None
        rectification.action, rectification.acted_by, rectification.acted_at = text, user, now
        rectification.save(update_fields=["action", "acted_by", "acted_at"])
        _journal(rectification, "rectification_recorded", user, comment=text, data={"updated": updated})
    return rectification


def record_callback(rectification, user, text, *, now=None) -> Rectification:
    """The call-back to the applicant (回访), after the action, once; the applicant is told
    that they may review the service again."""
    if not may_act(user, rectification):
        raise _not_staff()
    text = _text(text, gettext_lazy("Say what the applicant was told in the call-back."))
    now = now or timezone.now()
    with transaction.atomic():
        rectification = _locked(rectification)
        if rectification.callback_at is not None:
            raise Conflict(gettext_lazy("The applicant has been called back already."))
        if rectification.acted_at is None:
            raise Conflict(gettext_lazy("Record what was done before the call-back."))
        rectification.callback, rectification.callback_by, rectification.callback_at = text, user, now
        rectification.light = ""
        rectification.save(update_fields=["callback", "callback_by", "callback_at", "light"])
        _journal(rectification, "rectification_called_back", user, comment=text)
        _tell_applicant(rectification, now)
    return rectification


def _tell_applicant(rectification, now) -> list:
    case = rectification.evaluation.case
    if case is None:
        return []  # a window visit: nobody to write to
    recipients = case_updates.audience(case, now)
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Case %(number)s: you may review the service again") % {"number": case.number}
        body = "\n".join([
            _("The department called you back about your review and says what it did."),
            _("You may now review the service again (好差评) on the case's page."),
            case.item_title,
        ])
    return messages.post(recipients, messages.Kind.REMINDER, title, body, link=case_updates.case_path(case),
                         case=case)


def assign(rectification, handler, by, *, now=None) -> Rectification:
    """The department's lead names the rectification's handler (one of the department's staff)."""
    if not may_assign(by, rectification):
        raise NotPermitted(gettext_lazy("Only the department's lead assigns the rectification."))
    if handler is None or not handler.is_active or not (
            handler.is_superuser or rectification.department_id in permissions.department_ids(handler, STAFF_ROLES)):
        raise Invalid(gettext_lazy("The handler must be a member of the department's staff."))
    now = now or timezone.now()
    with transaction.atomic():
        rectification = _locked(rectification)
        if rectification.callback_at is not None:
            raise Conflict(gettext_lazy("The applicant has been called back: the rectification is closed."))
        rectification.handler = handler
        rectification.save(update_fields=["handler"])
        _journal(rectification, "rectification_assigned", by, data={"handler": handler.get_username()})
    return rectification


def staff_of(rectification):
    """The users who may handle ``rectification`` (for the lead's choice), by name."""
    ids = people.members_of([rectification.department_id], STAFF_ROLES)[rectification.department_id]
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username")


# --- the lights' alerts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    rectification: Rectification
    before: str
    after: str


def review_link(rectification) -> str:
    """The workbench's page of the review (a path; "" if the workbench is not mounted)."""
    try:
        return reverse("evaluations_admin:review", args=[rectification.evaluation_id])
    except NoReverseMatch:
        return ""


def _alert_words(rectification, light) -> tuple[str, str]:
    """No personal data: the case number, the item, the department, the dates."""
    evaluation = rectification.evaluation
    what = evaluation.case.number if evaluation.case_id else _("window visit")
    if light == Light.RED:
        title = _("Red light: the rectification of the bad review of %(what)s is past its due date") % {"what": what}
    else:
        title = _("Yellow light: the rectification of the bad review of %(what)s is due soon") % {"what": what}
    lines = [_("Department: %(department)s") % {"department": rectification.department.name}]
    if evaluation.case_id:
        lines.append(_("Service item: %(item)s") % {"item": evaluation.case.item_title})
    lines.append(_("Rectification due: %(date)s") % {"date": rectification.due.isoformat()})
    return str(title), "\n".join(str(line) for line in lines)


def sweep_lights(today: date | None = None, now: datetime | None = None) -> int:
    """Record each open rectification's change of light; tell each change to yellow or red,
    once, to its handler, the department's leads and the supervisors (kind ALERT). Returns how
    many were told. Two passes at once: the rows one holds, the other skips."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    calendar = working_days.get_calendar()
    told = []
    with transaction.atomic():
        found = Rectification.objects.filter(callback_at__isnull=True).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            found = found.select_for_update(skip_locked=True, of=("self",))
        changes = []
        for rectification in found.select_related("evaluation__case", "department"):
            after = colour_of(rectification, today, calendar)
            before = rectification.light or Light.GREEN
            if after != before:
                changes.append(Change(rectification, before, after))
        for change in changes:
            Rectification.objects.filter(pk=change.rectification.pk).update(light=change.after)
        told = [change for change in changes if change.after in ALERTED]
        if told:
            leads = people.members_of({c.rectification.department_id for c in told})
            supervisors = people.supervisor_ids()
            to = {c.rectification.pk: ({c.rectification.handler_id} - {None}) | leads[c.rectification.department_id]
                  | supervisors for c in told}
            users = people.users(set().union(*to.values()))
            with translation.override(settings.LANGUAGE_CODE):
                posts = [([users[pk] for pk in sorted(to[c.rectification.pk]) if pk in users and users[pk].is_active],
                          *_alert_words(c.rectification, c.after), review_link(c.rectification),
                          c.rectification.evaluation.case) for c in told]
            messages.post_many(messages.Kind.ALERT, posts)
    return len(told)
