"""The inbox: a staff member's cases by state, filtered and sorted, a page at a time.

The listing is ``permissions.staff_cases(user, tab's statuses)`` — never wider — narrowed by the filters.
One query reads a page of rows and one counts them; the deadline light of each row is
worked out in Python from the dates on the row (``working_days.light``), so no row costs a
query of its own.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, DateField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.cases import states
from casefiles.cases.models import CaseFile, ClockPause, Status
from casefiles.deadlines import working_days
from cms.models import ServiceItemPage

PAGE_SIZE = 50


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    statuses: tuple[str, ...]  # empty: every state


TABS = (
    Tab("submitted", _("To accept"), (Status.SUBMITTED,)),  # 待受理
    Tab("non_acceptance", _("Non-acceptance to confirm"), (Status.NON_ACCEPTANCE_PENDING,)),  # 待确认不予受理: the deciders'
    Tab("correction", _("Being corrected"), (Status.CORRECTION_REQUESTED,)),  # 补正中
    Tab("review", _("Under review"), states.UNDER_EXAMINATION),  # 审查中
    Tab("denial", _("Denial to confirm"), (Status.DENIAL_PENDING,)),  # 待复核否决
    Tab("decided", _("Decided"), states.DECIDED),  # 已决定
    Tab("closed", _("Closed"), states.CLOSED),  # 已办结
    Tab("all", _("All"), ()),
)
TAB_BY_KEY = {tab.key: tab for tab in TABS}

SORTS = {
    # Nearest promised date first; cases without one (not yet accepted) after them.
    "due": (F("promised_due").asc(nulls_last=True), F("submitted_at").asc(nulls_last=True), "pk"),
    "-due": (F("promised_due").desc(nulls_last=True), F("submitted_at").desc(nulls_last=True), "-pk"),
    "received": (F("submitted_at").asc(nulls_last=True), "pk"),
    "-received": (F("submitted_at").desc(nulls_last=True), "-pk"),
}
SORT_LABELS = {
    "due": _("Promised date, nearest first"),
    "-due": _("Promised date, latest first"),
    "received": _("Received, oldest first"),
    "-received": _("Received, newest first"),
}

# What a row shows, and nothing else (form data and snapshots can be large).
ROW_FIELDS = (
    "number", "item_id", "item_title", "item_code", "applicant_name", "channel", "status", "submitted_at", "created_at",
    "promised_due", "statutory_due", "deadline_provisional", "department__name", "department__short_name",
    "department__code", "is_bundle", "parent_id",
)


def default_tab(user) -> str:
    """Where each role's work waits: clerks accept, reviewers and deciders review."""
    if user.has_perm("casefiles.accept_casefile") or permissions.department_ids(user, ("clerk",)):
        return "submitted"
    if permissions.department_ids(user, ("reviewer", "decider")):
        return "review"
    return "all"


def light_condition(colour: str, today: datetime.date, limits, calendar=None) -> tuple[Q, dict]:
    """The cases ``working_days.light`` gives ``colour`` on ``today``: a condition, and the
    aliases it refers to.

    ``limits``: the promised limits (working days) the items in question may have, since the
    yellow window grows with the limit. Kept in step with ``working_days.light`` by
    tests/casefiles/workbench/test_views.py, which compares the two case by case.
    """
    calendar = calendar or working_days.get_calendar()
    lit = Q(status__in=states.CLOCK_RUNNING)  # a light while the clock runs
    red = Q(statutory_due__lt=today)
    if colour == working_days.Light.RED:
        return lit & red, {}
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
    target = Coalesce("promised_due", "statutory_due")
    yellow = Q(_light_target__lt=F("_light_cutoff"))
    if colour == working_days.Light.YELLOW:
        return lit & ~red & yellow, {"_light_target": target, "_light_cutoff": cutoff}
    green = Q(_light_target__isnull=True) | Q(_light_target__gte=F("_light_cutoff"))
    return lit & ~red & green, {"_light_target": target, "_light_cutoff": cutoff}


def filter_by_light(queryset, colour: str, today=None, calendar=None):
    today = today or timezone.localdate()
    limits = ()
    if colour != working_days.Light.RED:
        limits = set(ServiceItemPage.objects.order_by().values_list("promised_days", flat=True).distinct())
    condition, aliases = light_condition(colour, today, limits, calendar)
    return queryset.alias(**aliases).filter(condition)


def cases(user, *, tab="all", department=None, item=None, status=None, channel=None, received_from=None,
          received_to=None, light=None, sort="due", today=None, calendar=None):
    """The inbox's query: what ``user`` may see, narrowed by the filters given."""
    statuses = TAB_BY_KEY[tab].statuses if tab in TAB_BY_KEY else ()
    queryset = permissions.staff_cases(user, statuses)
    if department is not None:
        queryset = queryset.filter(department_id=department)
    if item is not None:
        queryset = queryset.filter(item_id=item)
    if status:
        queryset = queryset.filter(status=status)
    if channel:
        queryset = queryset.filter(channel=channel)
    # Whole local days, as a range on the column, so an index on it can serve.
    if received_from:
        queryset = queryset.filter(submitted_at__gte=_start_of(received_from))
    if received_to:
        queryset = queryset.filter(submitted_at__lt=_start_of(received_to + datetime.timedelta(days=1)))
    if light:
        queryset = filter_by_light(queryset, light, today, calendar)
    return (
        queryset.select_related("department")
        .only(*ROW_FIELDS)
        .annotate(
            # A subquery rather than a join, so the count query (which drops it) reads the cases alone.
            promised_limit=Subquery(
                ServiceItemPage.objects.filter(pk=OuterRef("item_id")).order_by().values("promised_days")[:1]
            ),
            clock_stopped=Exists(ClockPause.objects.filter(case=OuterRef("pk"), ended_on__isnull=True)),
        )
        .order_by(*SORTS.get(sort, SORTS["due"]))
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Row:
    case: CaseFile
    light: working_days.LightReading | None


def rows(page_of_cases, today=None, calendar=None) -> list[Row]:
    """Each case of a page with its light (open cases only), from the dates already read."""
    today = today or timezone.localdate()
    calendar = calendar or working_days.get_calendar()
    found = []
    for case in page_of_cases:
        reading = None
        if case.status in states.CLOCK_RUNNING:
            reading = working_days.light(case.promised_due, case.statutory_due, today,
                                      limit_working_days=case.promised_limit, calendar=calendar)
        found.append(Row(case, reading))
    return found
