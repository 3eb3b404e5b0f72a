"""The staff home page's figures (工作台): a member of staff's own work, from SQL aggregates only.

``figures(user)`` is the one place they are worked out; the admin's home panel
(``casefiles.workbench.home``) only renders them. For the user's departments (and the parallel
approvals granted to them); supervisors, window clerks and superusers: every department.

- each inbox tab's count (``worklists.tab_counts``: the departments' tallies by status, no case
  counted; the same numbers the inbox's listings count);
- the running cases by light: one query of three filtered counts (``clocks.light_condition``);
- 我的办件: the open cases the user handles a stage of (one count on the handlers' index);
- the cases turning red soonest: running, not red yet, by the date they turn red on (the
  acceptance stage's due date, then the statutory one), ten of them.

Other parts of supervision add their own figures (``add_figures``: the orders waiting, …) and
their own home panels; nothing here stands empty waiting for them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, DateField, F, Q, When
from django.utils import timezone

from casefiles.access import permissions
from casefiles.cases import states
from casefiles.deadlines import working_days
from casefiles.deadlines.working_days import Light
from casefiles.supervision import clocks, worklists
from casefiles.supervision.models import Assignment

SOONEST = 10

# name -> callable(user, today) giving a figure of another part of supervision (see add_figures).
_EXTRA: dict[str, Callable] = {}


def add_figures(name: str, compute: Callable) -> None:
    """Let ``compute(user, today)`` add the figure ``name`` to every ``figures`` (from an app's
    ``ready`` or a hooks module; idempotent)."""
    _EXTRA[name] = compute


@dataclass(frozen=True)
class TabCount:
    tab: worklists.Tab
    count: int


@dataclass(frozen=True)
class Figures:
    today: date
    everything: bool  # every department's (supervision), else the user's departments'
    tabs: list[TabCount]
    lights: dict[str, int]  # red, yellow, green: the running cases in each
    mine: int  # open cases the user handles a stage of
    soonest: list  # cases (with .red_on) turning red soonest
    extra: dict = field(default_factory=dict)


def running(user):
    """The running cases the user's figures are of (the inbox's "all" tab, while the clock runs)."""
    return permissions.staff_cases(user, states.CLOCK_RUNNING)


def light_counts(queryset, today, calendar=None) -> dict[str, int]:
    """How many of ``queryset`` are in each light on ``today``: one query, a filtered count each."""
    limits = clocks.item_limits()
    aliases, counts = {}, {}
    for colour in Light.values:
        condition, more = clocks.light_condition(colour, today, limits, calendar)
        aliases.update(more)
        counts[colour] = Count("pk", filter=condition)
    # Annotated, not aliased: an aggregate reads them from a derived table (one query still).
    found = queryset.order_by().annotate(**aliases).aggregate(**counts)
    return {colour: found[colour] or 0 for colour in Light.values}


def red_on():
    """The date a running case turns red after: its acceptance due date while it waits for
    acceptance (Art. 32), else its statutory due date."""
    accepting = Q(status__in=clocks.ACCEPTANCE_STATUSES, acceptance_due__isnull=False)
    return Case(When(accepting, then=F("acceptance_due")), default=F("statutory_due"), output_field=DateField())


def turning_red(user, today, limit=SOONEST):
    """The running cases not red yet that turn red soonest, nearest first."""
    return list(
        running(user).alias(red_on=red_on()).filter(red_on__gte=today)
        .annotate(red_date=F("red_on")).select_related("department")
        .only("number", "item_title", "applicant_name", "status", "department__name", "department__short_name",
              "promised_due", "statutory_due", "acceptance_due", "item_id", "is_bundle")
        .order_by("red_on", "pk")[:limit]
    )


def my_open_cases(user) -> int:
    """How many open cases ``user`` handles a stage of now."""
    return (Assignment.objects.filter(handler_id=user.pk, until__isnull=True)
            .exclude(case__status__in=states.FINISHED).values("case_id").distinct().count())


def figures(user, today=None, calendar=None) -> Figures:
    today = today or timezone.localdate()
    calendar = calendar or working_days.get_calendar()
    counts = worklists.tab_counts(user)
    return Figures(
        today=today,
        everything=permissions.sees_everything(user),
        tabs=[TabCount(tab, counts[tab.key]) for tab in worklists.TABS],
        lights=light_counts(running(user), today, calendar),
        mine=my_open_cases(user),
        soonest=turning_red(user, today),
        extra={name: compute(user, today) for name, compute in _EXTRA.items()},
    )
