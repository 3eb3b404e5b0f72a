"""A clock for every stage (办理环节时限): the light of a case, and of each of its stages.

- **acceptance** (受理): five working days from receipt (行政许可法 Art. 32, ``acceptance_due``,
  set on submission); its light is the case's until the case is accepted;
- **review** (审查): from acceptance, the guide's ``review_days`` (blank: ``REVIEW_SHARE`` of the
  promised limit, at least one day), stopped by the case's special procedures as its due dates are;
- **decision** (决定): the promised date of the case (blank: ``decision_days`` after the review's).

``light_of`` is the one rule of a case's light, everywhere it is shown (inbox, case page,
dashboard, alerts); ``light_condition`` states the same rule as a query, for filters, counts and
the supervision pass, and tests compare the two case by case.
"""

import math
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Case, CharField, DateField, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from casefiles.cases import states
from casefiles.cases.models import ClockPause, Status
from casefiles.deadlines import working_days
from casefiles.deadlines.working_days import Light
from casefiles.supervision.models import Stage
from cms.models import ServiceItemPage

ART32_WORKING_DAYS = 5  # 行政许可法 Art. 32: the acceptance stage

DEFAULT_SETTINGS = {
    # Without the guide's review_days: this share of the promised limit is the review's …
    "REVIEW_SHARE": 0.6,
    # … and without a promised limit at all, these many working days for each stage.
    "REVIEW_DAYS": 10,
    "DECISION_DAYS": 5,
    # The supervision pass (alerts.run): alerts by SMS too, and the daily digest from this hour (local time).
    "SMS_ALERTS": False,
    "DIGEST_HOUR": 8,
}

# The statuses of each stage: whose work the case is while it is in them.
ACCEPTANCE_STATUSES = (Status.SUBMITTED, Status.NON_ACCEPTANCE_PENDING)
REVIEW_STATUSES = (Status.ACCEPTED, Status.UNDER_REVIEW)
DECISION_STATUSES = (Status.DENIAL_PENDING,)
STAGE_OF_STATUS = {
    **{status: Stage.ACCEPTANCE for status in ACCEPTANCE_STATUSES},
    **{status: Stage.REVIEW for status in REVIEW_STATUSES},
    **{status: Stage.DECISION for status in DECISION_STATUSES},
}
# The stages that are still ahead of (or at) a case in each status: its handlers to name now.
STAGES_AHEAD = {
    **{status: (Stage.ACCEPTANCE, Stage.REVIEW, Stage.DECISION) for status in ACCEPTANCE_STATUSES},
    **{status: (Stage.REVIEW, Stage.DECISION) for status in REVIEW_STATUSES},
    **{status: (Stage.DECISION,) for status in DECISION_STATUSES},
}


def supervision_settings() -> dict:
    """``settings.YIWANG_SUPERVISION`` over the defaults above."""
    return {**DEFAULT_SETTINGS, **getattr(settings, "YIWANG_SUPERVISION", {})}


def stage_of(status: str) -> Stage | None:
    """The stage a case in ``status`` is in (None: with the applicant, decided or closed)."""
    return STAGE_OF_STATUS.get(status)


def light_of(case, today=None, *, limit_working_days=None, calendar=None) -> working_days.LightReading | None:
    """The supervision light of ``case`` (None once the clock has stopped for good).

    In the acceptance stage the five days of Art. 32 are both its target and its limit; after
    acceptance the promised and statutory dates are (``working_days.light``).
    ``limit_working_days``: the item's promised limit, if the caller has read it.
    """
    if case.status not in states.CLOCK_RUNNING:
        return None
    if case.status in ACCEPTANCE_STATUSES and case.acceptance_due is not None:
        return working_days.light(case.acceptance_due, case.acceptance_due, today,
                                  limit_working_days=ART32_WORKING_DAYS, calendar=calendar)
    return working_days.light(case.promised_due, case.statutory_due, today,
                              limit_working_days=limit_working_days, calendar=calendar)


def light_condition(colour: str, today: date, limits, calendar=None) -> tuple[Q, dict]:
    """The cases ``light_of`` gives ``colour`` on ``today``: a condition, and the aliases it
    refers to (``queryset.alias(**aliases).filter(condition)``).

    ``limits``: the promised limits (working days) the items in question may have, since the
    yellow window grows with the limit. Kept in step with ``light_of`` by
    tests/casefiles/supervision/test_clocks.py, which compares the two case by case.
    """
    calendar = calendar or working_days.get_calendar()
    lit = Q(status__in=states.CLOCK_RUNNING)  # a light while the clock runs
    accepting = Q(status__in=ACCEPTANCE_STATUSES, acceptance_due__isnull=False)
    # acceptance: red after its due date, yellow within the window of a five-day limit
    acceptance_red = accepting & Q(acceptance_due__lt=today)
    acceptance_cutoff = calendar.add_working_days(today, working_days.warning_window(ART32_WORKING_DAYS) + 1)
    acceptance_yellow = accepting & ~Q(acceptance_due__lt=today) & Q(acceptance_due__lt=acceptance_cutoff)
    acceptance_green = accepting & Q(acceptance_due__gte=acceptance_cutoff)
    later = lit & ~accepting
    red = later & Q(statutory_due__lt=today)
    if colour == Light.RED:
        return acceptance_red | red, {}
    # Yellow while at most `window` working days remain: the target falls before the
    # (window + 1)-th working day after today (or has already passed).
    cutoffs = {}
    for limit in limits:
        window = working_days.warning_window(limit)
        cutoffs.setdefault(calendar.add_working_days(today, window + 1), []).append(limit)
    default_cutoff = calendar.add_working_days(today, working_days.warning_window(None) + 1)
    # Items by their limit through a subquery on the (small) item table: no join on the cases.
    cutoff = Case(
        *[When(item_id__in=ServiceItemPage.objects.filter(promised_days__in=[v for v in values if v is not None])
               .values("pk"), then=Value(day))
          for day, values in cutoffs.items() if any(v is not None for v in values)],
        default=Value(default_cutoff),
        output_field=DateField(),
    )
    aliases = {"_light_target": Coalesce("promised_due", "statutory_due"), "_light_cutoff": cutoff}
    not_red = later & ~Q(statutory_due__lt=today)
    if colour == Light.YELLOW:
        return acceptance_yellow | (not_red & Q(_light_target__lt=F("_light_cutoff"))), aliases
    green = Q(_light_target__isnull=True) | Q(_light_target__gte=F("_light_cutoff"))
    return acceptance_green | (not_red & green), aliases


def light_expression(today: date, calendar=None) -> tuple[Case, dict]:
    """``light_of`` as one SQL expression giving "red", "yellow" or "green" for each running
    case, and the aliases it refers to (``queryset.alias(**aliases).annotate(light=expression)``)."""
    limits = item_limits()
    red, _none = light_condition(Light.RED, today, (), calendar)
    yellow, aliases = light_condition(Light.YELLOW, today, limits, calendar)
    expression = Case(When(red, then=Value(Light.RED.value)), When(yellow, then=Value(Light.YELLOW.value)),
                      default=Value(Light.GREEN.value), output_field=CharField())
    return expression, aliases


def item_limits() -> set:
    """The promised limits the items have: what ``light_condition`` needs for its windows."""
    return set(ServiceItemPage.objects.order_by().values_list("promised_days", flat=True).distinct())


def filter_by_light(queryset, colour: str, today=None, calendar=None):
    """``queryset`` narrowed to the cases in ``colour`` on ``today``."""
    today = today or timezone.localdate()
    limits = item_limits() if colour != Light.RED else ()
    condition, aliases = light_condition(colour, today, limits, calendar)
    return queryset.alias(**aliases).filter(condition)


# --- each stage's clock ---------------------------------------------------------------------

@dataclass(frozen=True)
class StageClock:
    stage: Stage
    started: date | None  # None: not reached yet
    due: date | None
    done: bool
    light: working_days.LightReading | None  # the running stage's only


def stage_limits(item) -> tuple[int, int]:
    """The review and decision stages' limits (working days) for ``item``."""
    conf = supervision_settings()
    promised = item.promised_days
    review = item.review_days
    if review is None:
        review = max(1, math.ceil(promised * float(conf["REVIEW_SHARE"]))) if promised else int(conf["REVIEW_DAYS"])
    decision = item.decision_days
    if decision is None:
        decision = max(promised - review, 1) if promised else int(conf["DECISION_DAYS"])
    return review, decision


def stage_clocks(case, today=None, calendar=None) -> list[StageClock]:
    """The three stages of ``case`` with their start, due date, whether done, and the light of
    the one running now. A special procedure (Art. 45) stops the review's and decision's clocks."""
    today = today or timezone.localdate()
    calendar = calendar or working_days.get_calendar()
    current = stage_of(case.status)
    ahead = STAGES_AHEAD.get(case.status, ())
    review_days, decision_days = stage_limits(case.item)
    received = timezone.localdate(case.submitted_at) if case.submitted_at else None
    accepted = timezone.localdate(case.accepted_at) if case.accepted_at else None
    review_due = None
    if accepted:
        pauses = [(p.started_on, p.ended_on, p.reason) for p in case.pauses.exclude(kind=ClockPause.Kind.CORRECTION)]
        review_due = working_days.compute_deadline(accepted, review_days, pauses, calendar=calendar, today=today).due_date
    decision_due = case.promised_due or (calendar.add_working_days(review_due, decision_days) if review_due else None)
    review_started = accepted
    decision_started = review_due if accepted else None
    clocks = []
    for stage, started, due in ((Stage.ACCEPTANCE, received, case.acceptance_due),
                                (Stage.REVIEW, review_started, review_due),
                                (Stage.DECISION, decision_started, decision_due)):
        running = stage == current
        reading = None
        if running:
            if stage == Stage.ACCEPTANCE:
                reading = light_of(case, today, calendar=calendar)
            else:
                reading = working_days.light(due, case.statutory_due, today,
                                             limit_working_days=review_days if stage == Stage.REVIEW else decision_days,
                                             calendar=calendar)
        done = started is not None and stage not in ahead and case.status != Status.CORRECTION_REQUESTED
        if case.status in states.CLOSED and stage not in ahead and started is None:
            done = False
        clocks.append(StageClock(stage, started, due, done, reading))
    return clocks
