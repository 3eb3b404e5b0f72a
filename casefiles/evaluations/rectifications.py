"""整改: the rectification a bad review opens — its working-day deadline and its steps.

A bad first review (不满意, 非常不满意) opens one for the department that handled the service,
due ``RECTIFICATION_WORKING_DAYS`` (15, ``YIWANG_EVALUATIONS``) working days after the review,
counted by the deadline engine (China's holidays and 调休; provisional where the year's schedule
is not entered yet). The department records what it did, then its call-back to the applicant
(回访); after the call-back the applicant may review again (round 2, ``reviews.give``).
"""

from django.conf import settings
from django.utils import timezone

from casefiles.deadlines import working_days
from casefiles.evaluations.models import Rectification
from casefiles.journal import records

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
