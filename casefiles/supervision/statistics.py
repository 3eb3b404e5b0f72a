"""统计: 电子监察's figures, by SQL aggregates over the cases' columns, the tallies and the journal.

No figure loads cases: each is one or two ``GROUP BY`` queries returning a row per department,
item, channel or month; only the working days need Python, per *distinct* (accepted date,
decided date) pair, which are few (bench: some thousands over years, whatever the cases).

What is counted (every figure):

- **the cases**: submitted cases (``submitted_at`` set), counted by the local date they were
  submitted; a period ``start``–``end`` takes those submitted on those days, both included.
  A bundle's parent (一件事, ``is_bundle``) is not a case of its own: its parts are counted, each
  in its own department;
- **departments**: ``None`` every department, else those listed (``scope`` says which a user may ask for).

The figures (each function returns plain rows, ``NamedTuple`` s, which the page, the CSV/XLSX
export and the API all read; ``FIGURES`` names them with their columns):

- 办件量 / 受理量 / 办结量 (``volumes``): cases submitted, of them accepted (``accepted_at`` set,
  by operation of law too), of them decided (``decided_at`` set: approved or denied);
- 按期办结率 (``on_time``): of the decided cases with a promised date, those decided on or
  before it — the local date of ``decided_at`` ≤ ``promised_due`` — ÷ the decided cases with a
  promised date;
- 逾期率 (``overdue``): cases past their statutory date — decided after it (the local date of
  ``decided_at`` > ``statutory_due``), or still running (``CLOCK_RUNNING``) with ``statutory_due``
  before ``today`` — ÷ the cases with a statutory date that are decided or still running;
- 退件率 (``returns``): cases not accepted (ending ``not_accepted``) and cases sent back for
  correction (补正: at least one ``request_correction`` in their journal), a case that is both
  counted once, ÷ the cases submitted;
- 办理用时 (``working_days``): for decided cases, the working days from the local date of
  acceptance to that of decision (the working-day calendar's ``working_days_between``: the day of
  acceptance not counted, pauses included) against the item's promised limit (承诺时限);
- 用证率 (``license_use``): of the cases eligible for a license instead of a material (the
  rule of ``casefiles.licenses.reuse.eligible_cases``), those that used one;
- 在办 (``current``): the cases now in each group of statuses, from the tallies (the state now:
  the period does not apply).

Components above this one add their figures with ``add_figure`` at start-up (好差评's
满意度 and 整改按期率: ``casefiles.evaluations.hooks``); this module imports none of them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.cases import states, tallies
from casefiles.cases.models import CaseFile, Channel, Status
from casefiles.deadlines import working_days as calendar
from casefiles.directory import roles
from casefiles.directory.models import Department
from casefiles.errors import NotPermitted
from casefiles.journal.models import CaseEvent
from casefiles.licenses import reuse
from casefiles.licenses.models import LicenseUse

CORRECTION_ACTION = "request_correction"  # the workflow's step: 补正告知
PUBLIC_MONTHS = 12
PUBLIC_CACHE_SECONDS = 300


# --- what is asked ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """A period of submission dates (both included; None: open) and departments (None: all)."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    departments: tuple[int, ...] | None = None


def may_see(user) -> bool:
    """Supervisors, superusers and departments' leads (负责人) see statistics."""
    return _sees_all(user) or (user.is_authenticated and user.is_active
                               and bool(permissions.department_ids(user, ("lead",))))


def _sees_all(user) -> bool:
    return user.is_authenticated and user.is_active and (
        user.is_superuser or roles.has_global_role(user, roles.SUPERVISOR))


def scope(user, departments=None) -> tuple[int, ...] | None:
    """The departments ``user`` may see figures of, narrowed to ``departments`` if asked (None:
    every department). Supervisors and superusers: all; a lead: their own department(s); asking
    for another department, or anyone else asking at all: ``NotPermitted``."""
    asked = tuple(sorted({int(d) for d in departments})) if departments else None
    if _sees_all(user):
        return asked
    own = tuple(permissions.department_ids(user, ("lead",))) if user.is_authenticated and user.is_active else ()
    if not own:
        raise NotPermitted(_("Statistics are for supervisors and the departments' leads."))
    if asked is None:
        return own
    if not set(asked) <= set(own):
        raise NotPermitted(_("You may see the statistics of your own department only."))
    return asked


def departments_for(user):
    """The departments ``user`` may choose among, by name."""
    found = Department.objects.order_by("code")
    if not _sees_all(user):
        found = found.filter(pk__in=permissions.department_ids(user, ("lead",)))
    return found


def _zone():
    return timezone.get_default_timezone()


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=_zone())


def counted_cases(filters: Filters):
    """The cases every figure counts (see the module's docstring): a queryset, never evaluated here.

    The period is a range of ``submitted_at`` (local midnights), so an index on it can serve it."""
    cases = CaseFile.objects.order_by().filter(submitted_at__isnull=False, is_bundle=False)
    if filters.start:
        cases = cases.filter(submitted_at__gte=_midnight(filters.start))
    if filters.end:
        cases = cases.filter(submitted_at__lt=_midnight(filters.end + datetime.timedelta(days=1)))
    if filters.departments is not None:
        cases = cases.filter(department_id__in=list(filters.departments))
    return cases


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _department_names(ids) -> dict[int, str]:
    return dict(Department.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def _month(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, _zone()) if timezone.is_aware(value) else value
    return value.strftime("%Y-%m")


# --- 办件量 / 受理量 / 办结量 ----------------------------------------------------------------------

class VolumeRow(NamedTuple):
    key: str
    label: str
    submitted: int  # 办件量
    accepted: int  # 受理量
    decided: int  # 办结量


VOLUMES = dict(submitted=Count("pk"), accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
               decided=Count("pk", filter=Q(decided_at__isnull=False)))


def volumes_by_department(filters: Filters, today=None) -> list[VolumeRow]:
    rows = counted_cases(filters).values("department_id").annotate(**VOLUMES)
    names = _department_names(row["department_id"] for row in rows)
    return sorted((VolumeRow(str(r["department_id"]), names.get(r["department_id"], "?"), r["submitted"], r["accepted"],
                             r["decided"]) for r in rows), key=lambda row: (-row.submitted, row.label))


def volumes_by_item(filters: Filters, today=None) -> list[VolumeRow]:
    rows = counted_cases(filters).values("item_id").annotate(title=Max("item_title"), **VOLUMES)
    return sorted((VolumeRow(str(r["item_id"]), r["title"], r["submitted"], r["accepted"], r["decided"]) for r in rows),
                  key=lambda row: (-row.submitted, row.label))


def volumes_by_channel(filters: Filters, today=None) -> list[VolumeRow]:
    rows = {r["channel"]: r for r in counted_cases(filters).values("channel").annotate(**VOLUMES)}
    return [VolumeRow(channel.value, str(channel.label), rows[channel]["submitted"], rows[channel]["accepted"],
                      rows[channel]["decided"]) for channel in Channel if channel in rows]


def volumes_by_month(filters: Filters, today=None) -> list[VolumeRow]:
    """By the month of submission, every month of the period shown (empty ones with zeros)."""
    rows = (counted_cases(filters).annotate(month=TruncMonth("submitted_at", tzinfo=_zone()))
            .values("month").annotate(**VOLUMES))
    found = {_month(r["month"]): r for r in rows}
    months = _months_between(filters.start, filters.end, found)
    return [VolumeRow(m, m, found[m]["submitted"] if m in found else 0, found[m]["accepted"] if m in found else 0,
                      found[m]["decided"] if m in found else 0) for m in months]


def _months_between(start, end, found) -> list[str]:
    if not found and not (start and end):
        return []
    first = start.strftime("%Y-%m") if start else min(found)
    last = end.strftime("%Y-%m") if end else max(found)
    if found:
        first, last = min(first, min(found)), max(last, max(found))
    months, (year, month) = [], (int(first[:4]), int(first[5:]))
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --- 按期办结率 ------------------------------------------------------------------------------------

class OnTimeRow(NamedTuple):
    key: str
    label: str
    decided: int  # decided, with a promised date
    on_time: int  # of them, decided on or before it
    rate: float | None  # 按期办结率: on_time ÷ decided


def _decided_on():
    return TruncDate("decided_at", tzinfo=_zone())


def _on_time_rows(filters: Filters, group: str):
    return (counted_cases(filters).filter(decided_at__isnull=False, promised_due__isnull=False)
            .annotate(decided_on=_decided_on()).values(group)
            .annotate(decided=Count("pk"), on_time=Count("pk", filter=Q(decided_on__lte=F("promised_due")))))


def on_time(filters: Filters, today=None) -> list[OnTimeRow]:
    """按期办结率 per department, with a total row (key ``""``) last."""
    rows = list(_on_time_rows(filters, "department_id"))
    names = _department_names(r["department_id"] for r in rows)
    result = sorted((OnTimeRow(str(r["department_id"]), names.get(r["department_id"], "?"), r["decided"], r["on_time"],
                               _share(r["on_time"], r["decided"])) for r in rows), key=lambda row: row.label)
    decided, timely = sum(r.decided for r in result), sum(r.on_time for r in result)
    return [*result, OnTimeRow("", str(_("All departments")), decided, timely, _share(timely, decided))]


# --- 逾期率 ----------------------------------------------------------------------------------------

class OverdueRow(NamedTuple):
    key: str
    label: str
    counted: int  # with a statutory date, decided or still running
    decided_late: int  # decided after the statutory date
    open_overdue: int  # still running, the statutory date passed
    rate: float | None  # 逾期率: (decided_late + open_overdue) ÷ counted


def overdue(filters: Filters, today=None) -> list[OverdueRow]:
    """逾期率 per department (``today``: the day whose past statutory dates make open cases overdue)."""
    today = today or timezone.localdate()
    decided = Q(decided_at__isnull=False)
    running = Q(status__in=list(states.CLOCK_RUNNING), decided_at__isnull=True)
    rows = list(counted_cases(filters).filter(decided | running, statutory_due__isnull=False)
                .annotate(decided_on=_decided_on()).values("department_id")
                .annotate(counted=Count("pk"),
                          decided_late=Count("pk", filter=decided & Q(decided_on__gt=F("statutory_due"))),
                          open_overdue=Count("pk", filter=running & Q(statutory_due__lt=today))))
    names = _department_names(r["department_id"] for r in rows)
    result = sorted((OverdueRow(str(r["department_id"]), names.get(r["department_id"], "?"), r["counted"],
                                r["decided_late"], r["open_overdue"],
                                _share(r["decided_late"] + r["open_overdue"], r["counted"])) for r in rows),
                    key=lambda row: row.label)
    total = [sum(getattr(r, f) for r in result) for f in ("counted", "decided_late", "open_overdue")]
    return [*result, OverdueRow("", str(_("All departments")), *total, _share(total[1] + total[2], total[0]))]


# --- 退件率 ----------------------------------------------------------------------------------------

class ReturnRow(NamedTuple):
    key: str
    label: str
    submitted: int
    not_accepted: int  # ended not accepted (不予受理)
    returned: int  # sent back for correction at least once (补正)
    either: int  # not accepted or sent back, each case once
    rate: float | None  # 退件率: either ÷ submitted


def returns(filters: Filters, today=None) -> list[ReturnRow]:
    """退件率 per department: the journal tells which cases were sent back for correction."""
    corrected = Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), action=CORRECTION_ACTION))
    not_accepted = Q(status=Status.NOT_ACCEPTED)
    rows = list(counted_cases(filters).annotate(corrected=corrected).values("department_id").annotate(
        submitted=Count("pk"), not_accepted=Count("pk", filter=not_accepted),
        returned=Count("pk", filter=Q(corrected=True)), either=Count("pk", filter=not_accepted | Q(corrected=True))))
    names = _department_names(r["department_id"] for r in rows)
    result = sorted((ReturnRow(str(r["department_id"]), names.get(r["department_id"], "?"), r["submitted"],
                               r["not_accepted"], r["returned"], r["either"], _share(r["either"], r["submitted"]))
                     for r in rows), key=lambda row: row.label)
    total = [sum(getattr(r, f) for r in result) for f in ("submitted", "not_accepted", "returned", "either")]
    return [*result, ReturnRow("", str(_("All departments")), *total, _share(total[3], total[0]))]


# --- 办理用时: working days used against promised ------------------------------------------------

class WorkingDaysRow(NamedTuple):
    key: str
    label: str
    decided: int  # decided cases, accepted first
    average_used: float | None  # working days from acceptance to decision, on average
    average_promised: float | None  # the items' promised limits, on average (cases without one left out)
    within_promised: int  # cases that used no more working days than promised


def working_days(filters: Filters, today=None) -> list[WorkingDaysRow]:
    """Grouped in SQL per (department, accepted date, decided date, promised limit); each
    distinct pair converted once with the calendar and weighted by its count."""
    work_calendar = calendar.get_calendar()
    pairs = (counted_cases(filters).filter(decided_at__isnull=False, accepted_at__isnull=False)
             .annotate(accepted_on=TruncDate("accepted_at", tzinfo=_zone()), decided_on=_decided_on(),
                       promised=F("item__promised_days"))
             .values_list("department_id", "accepted_on", "decided_on", "promised").annotate(cases=Count("pk")))
    sums: dict[int, list] = {}
    for department, accepted_on, decided_on, promised, cases in pairs:
        used = work_calendar.working_days_between(_as_date(accepted_on), _as_date(decided_on))
        row = sums.setdefault(department, [0, 0, 0, 0, 0])  # cases, used, cases with a promise, promised, within
        row[0] += cases
        row[1] += used * cases
        if promised is not None:
            row[2] += cases
            row[3] += promised * cases
            row[4] += cases if used <= promised else 0
    names = _department_names(sums)

    def made(key, label, cases, used, promising, promised, within):
        return WorkingDaysRow(key, label, cases, round(used / cases, 1) if cases else None,
                              round(promised / promising, 1) if promising else None, within)

    result = sorted((made(str(pk), names.get(pk, "?"), *row) for pk, row in sums.items()), key=lambda row: row.label)
    total = [sum(row[i] for row in sums.values()) for i in range(5)]
    return [*result, made("", str(_("All departments")), *total)]


def _as_date(value) -> datetime.date:
    if isinstance(value, str):  # SQLite hands back the text
        return datetime.date.fromisoformat(value)
    return value


# --- 用证率 ---------------------------------------------------------------------------------------

class LicenseUseRow(NamedTuple):
    key: str
    label: str
    eligible: int  # cases whose item accepts a license for a material
    used: int  # of them, those that used one (免提交)
    rate: float | None  # 用证率: used ÷ eligible
    target: float  # the department's target (casefiles.licenses.reuse)


def license_use(filters: Filters, today=None) -> list[LicenseUseRow]:
    """用证率 per department: ``reuse.eligible_cases``'s rule, counted in SQL and within the filters."""
    eligible = reuse.eligible_cases(filters.start, filters.end).filter(
        pk__in=counted_cases(filters).values("pk")).order_by()
    used = Exists(LicenseUse.objects.filter(case_id=OuterRef("pk")))
    rows = list(eligible.annotate(used=used).values("department_id")
                .annotate(eligible=Count("pk"), used_count=Count("pk", filter=Q(used=True))))
    names = _department_names(r["department_id"] for r in rows)
    target = reuse.TARGET_DEPARTMENT
    result = sorted((LicenseUseRow(str(r["department_id"]), names.get(r["department_id"], "?"), r["eligible"],
                                   r["used_count"], _share(r["used_count"], r["eligible"]), target) for r in rows),
                    key=lambda row: row.label)
    total_eligible, total_used = sum(r.eligible for r in result), sum(r.used for r in result)
    return [*result, LicenseUseRow("", str(_("All departments")), total_eligible, total_used,
                                   _share(total_used, total_eligible), target)]


# --- 在办: the state now, from the tallies -------------------------------------------------------

class CurrentRow(NamedTuple):
    key: str
    label: str
    running: int  # 在办: the clock running
    decided: int  # decided, not yet concluded
    closed: int  # concluded, not accepted or withdrawn


def current(filters: Filters, today=None) -> list[CurrentRow]:
    """The cases now in each group of statuses per department, read from the tallies (件数), not
    counted: the period does not apply. Bundle parents are in the tallies, and so in these."""
    sums: dict[int, list[int]] = {}
    groups = (states.CLOCK_RUNNING, states.DECIDED, states.CLOSED)
    for (department, status), cases in tallies.current().items():
        if filters.departments is not None and department not in filters.departments:
            continue
        for i, group in enumerate(groups):
            if status in group:
                sums.setdefault(department, [0, 0, 0])[i] += cases
    names = _department_names(sums)
    return sorted((CurrentRow(str(pk), names.get(pk, "?"), *row) for pk, row in sums.items()), key=lambda r: r.label)


# --- the figures, named ---------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str = "count"  # count, rate (a share 0–1), days, text


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    compute: Callable
    columns: tuple[Column, ...]
    chart: str  # bar, line
    series: tuple[str, ...]  # the columns the chart draws
    note: str = ""

    def rows(self, filters: Filters, today=None) -> list:
        return self.compute(filters, today=today)


_VOLUME_COLUMNS = (Column("submitted", _("Cases (办件量)")), Column("accepted", _("Accepted (受理量)")),
                   Column("decided", _("Decided (办结量)")))

FIGURES: dict[str, Figure] = {figure.name: figure for figure in (
    Figure("volumes-by-department", _("Volumes by department"), volumes_by_department,
           (Column("label", _("Department"), "text"), *_VOLUME_COLUMNS), "bar", ("submitted", "accepted", "decided")),
    Figure("volumes-by-item", _("Volumes by service item"), volumes_by_item,
           (Column("label", _("Service item"), "text"), *_VOLUME_COLUMNS), "bar", ("submitted", "accepted", "decided")),
    Figure("volumes-by-channel", _("Volumes by channel"), volumes_by_channel,
           (Column("label", _("Channel"), "text"), *_VOLUME_COLUMNS), "bar", ("submitted", "accepted", "decided")),
    Figure("volumes-by-month", _("Volumes by month"), volumes_by_month,
           (Column("label", _("Month submitted"), "text"), *_VOLUME_COLUMNS), "line", ("submitted", "accepted", "decided")),
    Figure("on-time", _("On-time rate (按期办结率)"), on_time,
           (Column("label", _("Department"), "text"), Column("decided", _("Decided with a promised date")),
            Column("on_time", _("Decided on time")), Column("rate", _("On-time rate (按期办结率)"), "rate")),
           "bar", ("rate",),
           _("Decided cases decided on or before their promised date (the local date of the decision), "
             "÷ decided cases with a promised date.")),
    Figure("overdue", _("Overdue rate (逾期率)"), overdue,
           (Column("label", _("Department"), "text"), Column("counted", _("Decided or running, with a statutory date")),
            Column("decided_late", _("Decided after the statutory date")),
            Column("open_overdue", _("Running past the statutory date")), Column("rate", _("Overdue rate (逾期率)"), "rate")),
           "bar", ("rate",),
           _("Cases decided after their statutory date plus running cases past it, ÷ the cases with a statutory "
             "date that are decided or still running.")),
    Figure("returns", _("Return rate (退件率)"), returns,
           (Column("label", _("Department"), "text"), Column("submitted", _("Cases (办件量)")),
            Column("not_accepted", _("Not accepted (不予受理)")), Column("returned", _("Sent back for correction (补正)")),
            Column("either", _("Not accepted or sent back")), Column("rate", _("Return rate (退件率)"), "rate")),
           "bar", ("rate",),
           _("Cases not accepted or sent back for correction at least once (a case that is both counted once), "
             "÷ the cases submitted.")),
    Figure("working-days", _("Working days used against promised"), working_days,
           (Column("label", _("Department"), "text"), Column("decided", _("Decided cases")),
            Column("average_used", _("Working days used, on average"), "days"),
            Column("average_promised", _("Working days promised, on average"), "days"),
            Column("within_promised", _("Within the promised days"))),
           "bar", ("average_used", "average_promised"),
           _("Working days from the day of acceptance to the day of decision (pauses included), against the "
             "item's promised limit.")),
    Figure("license-use", _("License reuse (用证率)"), license_use,
           (Column("label", _("Department"), "text"), Column("eligible", _("Eligible cases")),
            Column("used", _("Used a license")), Column("rate", _("License reuse (用证率)"), "rate")),
           "bar", ("rate",),
           _("Of the cases whose item accepts an electronic license in place of a material, those that used one.")),
    Figure("current", _("Cases now, by state"), current,
           (Column("label", _("Department"), "text"), Column("running", _("Running (在办)")),
            Column("decided", _("Decided, not concluded")), Column("closed", _("Closed"))),
           "bar", ("running", "decided", "closed"),
           _("The state now, from the tallies: the period does not apply.")),
)}


def add_figure(added: Figure) -> None:
    """A component above this one adds a figure (from its hooks, at start-up): the page, the
    exports and the API show it after those above. Adding one of the same name again replaces it."""
    FIGURES[added.name] = added


def figure(name: str) -> Figure | None:
    return FIGURES.get(name)


def figures_for(user, filters: Filters, names=None, today=None) -> list[tuple[Figure, list]]:
    """Every figure (or those named) for ``user``: ``filters.departments`` narrowed by ``scope``."""
    filters = Filters(filters.start, filters.end, scope(user, filters.departments))
    return [(FIGURES[name], FIGURES[name].rows(filters, today=today)) for name in (names or FIGURES)]


def as_dict(row) -> dict:
    return row._asdict()


# --- 办件公示: the public figures ------------------------------------------------------------------

class PublicRow(NamedTuple):
    department: str
    month: str  # YYYY-MM, of submission
    submitted: int  # 办件量
    decided: int  # of them decided, with a promised date
    on_time: int  # of them on time
    rate: float | None  # 按期办结率


def public_months(today=None, months: int = PUBLIC_MONTHS) -> tuple[datetime.date, datetime.date]:
    """The first day of the month ``months - 1`` before ``today``'s, and ``today``."""
    today = today or timezone.localdate()
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1), today


def public_figures(today=None) -> list[PublicRow]:
    """Each active department's cases by month of submission over the last 12 months, with the
    on-time rate: counts only, no case and no person named. Cached for a few minutes."""
    today = today or timezone.localdate()
    key = f"yiwang:public-figures:{today.isoformat()}"
    rows = cache.get(key)
    if rows is None:
        rows = _public_figures(today)
        cache.set(key, rows, PUBLIC_CACHE_SECONDS)
    return rows


def _public_figures(today) -> list[PublicRow]:
    start, end = public_months(today)
    cases = counted_cases(Filters(start, end)).filter(department__is_active=True).annotate(
        month=TruncMonth("submitted_at", tzinfo=_zone()), decided_on=_decided_on())
    timely = Q(decided_at__isnull=False, promised_due__isnull=False)
    found = cases.values("department_id", "month").annotate(
        submitted=Count("pk"), decided=Count("pk", filter=timely),
        on_time=Count("pk", filter=timely & Q(decided_on__lte=F("promised_due"))))
    by_pair = {(r["department_id"], _month(r["month"])): r for r in found}
    names = _department_names({department for department, _m in by_pair})
    months = _months_between(start, end, {})
    rows = []
    for department in sorted(names, key=lambda pk: names[pk]):
        for month in months:
            r = by_pair.get((department, month), {"submitted": 0, "decided": 0, "on_time": 0})
            rows.append(PublicRow(names[department], month, r["submitted"], r["decided"], r["on_time"],
                                  _share(r["on_time"], r["decided"])))
    return rows


# --- what a chart draws: the same rows as the table beside it -----------------------------------

def chart_value(value, kind: str):
    """A cell as the chart draws it and the table shows it: a share in per cent (one decimal)."""
    if value is None:
        return None
    return round(value * 100, 1) if kind == "rate" else value


def chart_data(figure: Figure, rows) -> dict:
    """The chart of ``figure`` over ``rows`` (the total row, key ``""``, left out): categories and
    one series per column drawn, in the JSON the page's script hands to ECharts."""
    shown = [row for row in rows if row.key != ""]
    columns = {column.name: column for column in figure.columns}
    return {
        "figure": figure.name,
        "title": str(figure.title),
        "chart": figure.chart,
        "percent": all(columns[name].kind == "rate" for name in figure.series),
        "categories": [row.label for row in shown],
        "series": [{"key": name, "name": str(columns[name].label),
                    "data": [chart_value(getattr(row, name), columns[name].kind) for row in shown]}
                   for name in figure.series],
    }


def public_chart_data(rows: list[PublicRow]) -> dict:
    """办件公示's chart: the months along, one series of cases per department."""
    months = sorted({row.month for row in rows})
    departments = list(dict.fromkeys(row.department for row in rows))
    counts = {(row.department, row.month): row.submitted for row in rows}
    return {
        "figure": "public", "title": str(_("Cases by month")), "chart": "bar", "percent": False, "stack": True,
        "categories": months,
        "series": [{"key": name, "name": name, "data": [counts.get((name, month), 0) for month in months]}
                   for name in departments],
    }
