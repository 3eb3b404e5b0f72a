"""好差评's results: the counts the guide pages, 办件公示 and the statistics publish.

What is counted (one rule everywhere):

- **a review** by the **local date it was given** (Asia/Shanghai); a period ``start``–``end``
  takes both days. The public figures take the last 12 months (``last_months``: the first day
  of the month eleven months back, to today — 办件公示's period, ``statistics.public_months``);
- **each case once**: a case's second review (round 2, after the call-back) **replaces** its
  first — the first is left out when the case has a round 2 given by the period's end, and the
  round 2 is counted by its own date. A window visit's review counts once;
- **not a review whose exclusion was upheld** (``Exclusion.excluded`` True: a supervisor
  decided it malicious): ``leave_out_excluded``, the one place that says so;
- per item (``Evaluation.item``) or per department (``Evaluation.department``, the one that
  handled the service): the counts per level (five), the total, the **satisfaction rate**
  (满意度) = (非常满意 + 满意 + 基本满意) ÷ total, as the national 好差评 practice has it, and
  the bad reviews (差评: 不满意, 非常不满意);
- **rectification on time** (整改按期率): of the rectifications opened by the counted bad
  reviews given in the period, those *due* — their due date passed (before ``today``) or
  already called back — and of them those **called back on or before the due date** (the local
  date of ``callback_at``). A rectification still within its time is not counted yet.

SQL aggregates only (``COUNT … FILTER``, ``GROUP BY``): no review is loaded.
"""

import datetime
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.directory.models import Department
from casefiles.evaluations import exclusions
from casefiles.evaluations.models import BAD_LEVELS, SATISFIED_LEVELS, Evaluation, Level, Rectification
from casefiles.supervision import statistics

PUBLIC_CACHE_SECONDS = statistics.PUBLIC_CACHE_SECONDS
# The columns of the five levels, best first, as the rows below name them.
LEVEL_FIELDS = (
    ("very_satisfied", Level.VERY_SATISFIED),
    ("satisfied", Level.SATISFIED),
    ("fairly_satisfied", Level.FAIRLY_SATISFIED),
    ("dissatisfied", Level.DISSATISFIED),
    ("very_dissatisfied", Level.VERY_DISSATISFIED),
)


class Satisfaction(NamedTuple):
    key: str  # the department's or item's id; "": the total row
    label: str
    very_satisfied: int  # 非常满意
    satisfied: int  # 满意
    fairly_satisfied: int  # 基本满意
    dissatisfied: int  # 不满意
    very_dissatisfied: int  # 非常不满意
    total: int
    rate: float | None  # 满意度: the three satisfied levels ÷ total (None: no review)
    bad: int  # 差评: the two lowest levels

    def levels(self) -> list[tuple[Level, int]]:
        """Each level with its count, best first (for a page's table)."""
        return [(level, getattr(self, name)) for name, level in LEVEL_FIELDS]

    @property
    def percent(self) -> float | None:
        """The satisfaction rate in per cent, one decimal, as pages show it."""
        return None if self.rate is None else round(self.rate * 100, 1)


class RectificationRow(NamedTuple):
    key: str
    label: str
    due: int  # rectifications due: their date passed, or called back already
    on_time: int  # of them, called back on or before the due date
    rate: float | None  # 整改按期率: on_time ÷ due


# --- which reviews ---------------------------------------------------------------------------

def leave_out_excluded(reviews):
    """``reviews`` without those whose exclusion a supervisor upheld (``exclusions.counted``)."""
    return exclusions.counted(reviews)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def counted(start=None, end=None, departments=None):
    """The reviews counted (the module's rule) given from ``start`` to ``end`` (local dates, both
    included; None: open) in ``departments`` (None: all): a queryset, never evaluated here."""
    reviews = Evaluation.objects.order_by()
    later = Evaluation.objects.filter(case_id=OuterRef("case_id"), round__gt=OuterRef("round"))
    if start:
        reviews = reviews.filter(created_at__gte=_midnight(start))
    if end:
        until = _midnight(end + datetime.timedelta(days=1))
        reviews = reviews.filter(created_at__lt=until)
        later = later.filter(created_at__lt=until)
    if departments is not None:
        reviews = reviews.filter(department_id__in=list(departments))
    # A visit's review has no case: ``case_id = NULL`` matches nothing, so it is never replaced.
    return leave_out_excluded(reviews.filter(~Exists(later)))


LEVEL_COUNTS = {name: Count("pk", filter=Q(level=level)) for name, level in LEVEL_FIELDS}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _row(key, label, counts: dict) -> Satisfaction:
    levels = [counts.get(name) or 0 for name, _level in LEVEL_FIELDS]
    total = sum(levels)
    satisfied = sum(n for (_name, level), n in zip(LEVEL_FIELDS, levels, strict=True) if level in SATISFIED_LEVELS)
    bad = sum(n for (_name, level), n in zip(LEVEL_FIELDS, levels, strict=True) if level in BAD_LEVELS)
    return Satisfaction(str(key), str(label), *levels, total, _share(satisfied, total), bad)


def _total(rows, label=None) -> Satisfaction:
    return _row("", label or _("All departments"), {name: sum(getattr(r, name) for r in rows)
                                                     for name, _level in LEVEL_FIELDS})


def _department_names(ids) -> dict[int, str]:
    return dict(Department.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


# --- per item, per department ----------------------------------------------------------------

def by_department(start=None, end=None, departments=None, active_only=False) -> list[Satisfaction]:
    """A row per department with counted reviews, by name."""
    reviews = counted(start, end, departments)
    if active_only:
        reviews = reviews.filter(department__is_active=True)
    rows = list(reviews.values("department_id").annotate(**LEVEL_COUNTS))
    names = _department_names(r["department_id"] for r in rows)
    return sorted((_row(r["department_id"], names.get(r["department_id"], "?"), r) for r in rows),
                  key=lambda row: row.label)


def for_item(item_id, start=None, end=None) -> Satisfaction:
    """One item's counts (zeros when it has no review)."""
    found = counted(start, end).filter(item_id=item_id).aggregate(**LEVEL_COUNTS)
    return _row(item_id, "", found)


def for_department(department_id, start=None, end=None) -> Satisfaction:
    found = counted(start, end, (department_id,)).aggregate(**LEVEL_COUNTS)
    return _row(department_id, "", found)


def last_months(today=None) -> tuple[datetime.date, datetime.date]:
    """The public period, as 办件公示 takes it: the first day of the month eleven months before
    ``today``'s, and ``today``."""
    return statistics.public_months(today or timezone.localdate())


def for_guide(item_id, department_id, today=None) -> dict:
    """What a guide page shows: its item's and its department's counts over the last 12 months."""
    start, end = last_months(today)
    item = for_item(item_id, start, end)
    department = for_department(department_id, start, end) if department_id else _row("", "", {})
    return {"start": start, "end": end, "item": item, "department": department,
            "levels": [(level.label, getattr(item, name), getattr(department, name)) for name, level in LEVEL_FIELDS]}


def public_by_department(today=None) -> list[Satisfaction]:
    """办件公示's rows: each active department's counts over the last 12 months and a total row
    (key ``""``) last. Counts only, no review and no person. Cached for a few minutes."""
    today = today or timezone.localdate()
    key = f"yiwang:public-satisfaction:{today.isoformat()}"
    rows = cache.get(key)
    if rows is None:
        start, end = last_months(today)
        found = by_department(start, end, active_only=True)
        rows = [*found, _total(found)] if found else []
        cache.set(key, rows, PUBLIC_CACHE_SECONDS)
    return rows


# --- 整改按期率 ----------------------------------------------------------------------------------

def rectifications_due(start=None, end=None, departments=None, today=None):
    """The rectifications of the counted bad reviews given in the period that are due by
    ``today`` (their date passed, or called back already), with ``called_back_on``."""
    today = today or timezone.localdate()
    reviews = leave_out_excluded(Evaluation.objects.order_by())
    if start:
        reviews = reviews.filter(created_at__gte=_midnight(start))
    if end:
        reviews = reviews.filter(created_at__lt=_midnight(end + datetime.timedelta(days=1)))
    found = Rectification.objects.order_by().filter(evaluation__in=reviews.values("pk")).filter(
        Q(due__lt=today) | Q(callback_at__isnull=False))
    if departments is not None:
        found = found.filter(department_id__in=list(departments))
    return found.annotate(called_back_on=TruncDate("callback_at", tzinfo=timezone.get_default_timezone()))


def rectification_on_time(start=None, end=None, departments=None, today=None) -> list[RectificationRow]:
    """整改按期率 per department, a total row (key ``""``) last."""
    rows = list(rectifications_due(start, end, departments, today).values("department_id").annotate(
        due_count=Count("pk"), on_time=Count("pk", filter=Q(called_back_on__lte=F("due")))))
    names = _department_names(r["department_id"] for r in rows)
    result = sorted((RectificationRow(str(r["department_id"]), names.get(r["department_id"], "?"), r["due_count"],
                                      r["on_time"], _share(r["on_time"], r["due_count"])) for r in rows),
                    key=lambda row: row.label)
    due, timely = sum(r.due for r in result), sum(r.on_time for r in result)
    return [*result, RectificationRow("", str(_("All departments")), due, timely, _share(timely, due))]


# --- the statistics' figures (registered by hooks.register_statistics) ---------------------------

def satisfaction_figure(filters: statistics.Filters, today=None) -> list[Satisfaction]:
    """满意度 per department for the statistics page: the period is of the reviews' dates."""
    rows = by_department(filters.start, filters.end, filters.departments)
    return [*rows, _total(rows)]


def rectification_figure(filters: statistics.Filters, today=None) -> list[RectificationRow]:
    return rectification_on_time(filters.start, filters.end, filters.departments, today)


def chart_data(rows: list[Satisfaction]) -> dict:
    """办件公示's chart of the reviews: a bar per department, stacked by level (the table's numbers)."""
    shown = [row for row in rows if row.key != ""]
    return {
        "figure": "public-satisfaction", "title": str(_("Reviews by level (好差评)")), "chart": "bar",
        "percent": False, "stack": True, "categories": [row.label for row in shown],
        "series": [{"key": name, "name": str(level.label), "data": [getattr(row, name) for row in shown]}
                   for name, level in LEVEL_FIELDS],
    }
