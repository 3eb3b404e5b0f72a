"""The inbox: a staff member's cases by state, filtered and sorted, a page at a time.

The listing is the tab's (``casefiles.supervision.worklists``: ``permissions.staff_cases`` for the
tab's statuses — never wider — or the cases the user handles now, 我的办件), narrowed by the
filters. One query reads a page of rows and one counts them; the light of each row is
``clocks.light_of`` worked out in Python from the dates on the row (the acceptance stage's five
days too), and one query reads the page's handlers (承办人), so no row costs a query of its own.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.cases.models import CaseFile, ClockPause
from casefiles.deadlines import working_days
from casefiles.supervision import clocks, handlers, worklists
from casefiles.supervision.models import Assignment
from cms.models import ServiceItemPage

PAGE_SIZE = 50

Tab = worklists.Tab
MINE = Tab("mine", _("My cases"), ())  # 我的办件: the cases whose stage the user handles now
TABS = (MINE, *worklists.TABS)
TAB_BY_KEY = {tab.key: tab for tab in TABS}
default_tab = worklists.default_tab

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
    "department__code", "is_bundle", "parent_id", "acceptance_due",
)


def cases(user, *, tab="all", department=None, item=None, status=None, channel=None, received_from=None,
          received_to=None, light=None, sort="due", today=None, calendar=None):
    """The inbox's query: what ``user`` may see, narrowed by the filters given."""
    if tab == MINE.key:
        mine = Assignment.objects.filter(handler_id=user.pk, until__isnull=True).values("case_id")
        queryset = worklists.listing(user, TAB_BY_KEY["all"]).filter(pk__in=mine)
    else:
        queryset = worklists.listing(user, TAB_BY_KEY.get(tab, TAB_BY_KEY["all"]))
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
        queryset = clocks.filter_by_light(queryset, light, today, calendar)
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
    stage: str | None  # the stage the case is in (None: with the applicant, decided, closed)
    handler: Assignment | None  # that stage's handler now (None with a stage: unassigned, claimable)


def rows(page_of_cases, today=None, calendar=None) -> list[Row]:
    """Each case of a page with its light (open cases only), from the dates already read, and
    the handler of the stage it is in (one query for the page)."""
    today = today or timezone.localdate()
    calendar = calendar or working_days.get_calendar()
    page_of_cases = list(page_of_cases)
    held = handlers.current_by_case([case.pk for case in page_of_cases])
    found = []
    for case in page_of_cases:
        reading = clocks.light_of(case, today, limit_working_days=case.promised_limit, calendar=calendar)
        stage = None if case.is_bundle else clocks.stage_of(case.status)
        handler = held.get(case.pk, {}).get(stage) if stage else None
        found.append(Row(case, reading, stage, handler))
    return found
