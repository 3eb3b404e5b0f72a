"""Working days, deadlines with pauses, and the supervision lights (电子监察).

The law
-------
- 行政许可法 (Administrative Licensing Law) Art. 42–44 set the time limits of a licence
  decision in days: a decision within 20 days of acceptance, extendable once by 10 with the
  approval of the head of the agency (Art. 42); 20 days for a lower level's preliminary
  review (Art. 43); the licence issued within 10 days of the decision (Art. 44). Art. 82
  says these days are working days (工作日), public holidays not included.
- Art. 45: the time needed for a hearing, tendering, auction, inspection, testing,
  quarantine, appraisal or expert review (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审)
  is not counted in those limits. Yiwang likewise stops the clock while the applicant
  corrects the application (补正) at the agency's request. Both are *pauses* here.
- 民法典 (Civil Code) Art. 201: a period counted in days starts the day after the event, so
  the day of acceptance does not count. Art. 203: a period whose last day is a holiday ends
  on the first day after it; counting working days only, the last day is always one.

So: **the n-th working day after acceptance** is the due date, and the clock does not run
on the working days inside a pause. A year whose State Council schedule is not entered
(``CalendarYear`` official) is counted with weekends only, and every deadline that needs it
is flagged *provisional* until the year is entered (``recompute_provisional``).

Nothing here touches a request: views, tasks and commands call these functions.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casefiles.deadlines.models import CalendarDay, CalendarYear, calendar_year_entered

__all__ = [
    "Deadline",
    "DeadlineFields",
    "Light",
    "LightReading",
    "Pause",
    "WorkCalendar",
    "calendar_year_entered",
    "compute_deadline",
    "deadline_settings",
    "get_calendar",
    "light",
    "recompute_provisional",
    "warning_window",
]

ONE_DAY = timedelta(days=1)

DEFAULT_SETTINGS = {
    # Yellow once at most this many working days remain before the promised date …
    "YELLOW_WORKING_DAYS": 2,
    # … or at most this share of the promised limit, whichever window is wider.
    "YELLOW_SHARE_OF_LIMIT": 0.2,
}


def deadline_settings():
    """``settings.YIWANG_DEADLINES`` over the defaults above."""
    return {**DEFAULT_SETTINGS, **getattr(settings, "YIWANG_DEADLINES", {})}


def _weekdays_through(day):
    """How many Mondays–Fridays there are from 0001-01-01 (a Monday) through ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _count_in(sorted_days, after, through):
    """How many of ``sorted_days`` lie in (after, through]."""
    return bisect_right(sorted_days, through) - bisect_right(sorted_days, after)


class WorkCalendar:
    """Which days are working days: Monday–Friday, except the exceptions of entered years.

    Build it with ``get_calendar()`` (the database, cached) or directly from sets of dates
    (tests, previews). Only official years contribute exceptions; any other year is counted
    with weekends only and ``known()`` is False for its dates.
    """

    def __init__(self, holidays=(), workdays=(), years=(), names=None):
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.years = frozenset(years)
        self.names = dict(names or {})
        # Only these two move a count away from the plain weekday count.
        self._weekday_holidays = sorted(d for d in self.holidays if d.weekday() < 5)
        self._weekend_workdays = sorted(d for d in self.workdays if d.weekday() >= 5)

    @classmethod
    def from_database(cls):
        years = set(CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL).values_list("year", flat=True))
        holidays, workdays, names = [], [], {}
        rows = CalendarDay.objects.filter(calendar_year__year__in=years).values_list("date", "kind", "name")
        for day, kind, name in rows:
            (workdays if kind == CalendarDay.Kind.WORKDAY else holidays).append(day)
            names[day] = name
        return cls(holidays, workdays, years, names)

    def __repr__(self):
        return f"<WorkCalendar years={sorted(self.years)}>"

    def known(self, day):
        """Whether the State Council's schedule of ``day``'s year is entered."""
        return day.year in self.years

    def unknown_years(self, after, through):
        """The years not entered among those of the days in (after, through]."""
        if through <= after:
            return frozenset()
        return frozenset(y for y in range((after + ONE_DAY).year, through.year + 1) if y not in self.years)

    def is_working_day(self, day):
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def name(self, day):
        """The holiday a day belongs to (春节 …), or "" for an ordinary day."""
        return self.names.get(day, "")

    def add_working_days(self, start, n):
        """The n-th working day after ``start``: the day a period of n working days ends.

        ``start`` itself never counts (民法典 Art. 201), whether or not it is a working day:
        a case accepted on Friday 13 February 2026 with a 1-working-day limit is due on
        Saturday 14 February (a make-up working day). ``n == 0`` returns ``start``.
        """
        if n < 0:
            raise ValueError("n must be zero or more working days")
        day = start
        while n:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, a, b):
        """How many working days lie in (a, b]: after ``a``, up to and including ``b``.

        The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n)) == n``.
        Negative when ``b`` is before ``a``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        return (
            _weekdays_through(b) - _weekdays_through(a)
            - _count_in(self._weekday_holidays, a, b)
            + _count_in(self._weekend_workdays, a, b)
        )


# The calendar, kept per process: every submission and acceptance asks for it, and it changes
# only when an administrator enters or edits a year (a few times a year). A change saved in this
# process forgets it at once (the signals below); one made by another process is seen once what is
# kept is CALENDAR_TTL seconds old, when one small query (a row per year) tells whether a year or
# a day changed. Inside the transaction that changes it the calendar is read anew at every call,
# and forgotten once that transaction is over, committed or rolled back.
CALENDAR_TTL = 60.0
_cache: tuple[float, tuple, WorkCalendar] | None = None  # (when the version was read, the version, the calendar)
_changing = None  # the outermost atomic block of the transaction in this process that changed it, until it ends


def _calendar_version():
    return tuple(CalendarYear.objects.order_by("year").values_list("year", "status", "changed_at"))


def get_calendar():
    """The calendar in the database, kept for the process (see CALENDAR_TTL) and rebuilt only
    when a year or a day has changed. Code that computes many deadlines at once gets the
    calendar once and passes it along."""
    global _cache, _changing
    if _changing is not None:
        if _changing in transaction.get_connection().atomic_blocks:  # changed in this transaction: as it is now
            return WorkCalendar.from_database()
        _changing = _cache = None  # that transaction is over: whatever it was, read again
    now = time.monotonic()
    cached = _cache
    if cached is not None and 0 <= now - cached[0] <= CALENDAR_TTL:  # (a clock that went back: ask)
        return cached[2]
    # Version first: a change landing between the two reads costs one more rebuild, never
    # a stale calendar kept under a new version.
    version = _calendar_version()
    if cached is not None and cached[1] == version:
        _cache = (now, version, cached[2])
        return cached[2]
    calendar = WorkCalendar.from_database()
    _cache = (now, version, calendar)
    return calendar


def forget_calendar(**_kwargs) -> None:
    """A year or a day was saved or deleted in this process: read the calendar again."""
    global _cache, _changing
    _cache = None
    connection = transaction.get_connection()
    if connection.in_atomic_block and (_changing is None or _changing not in connection.atomic_blocks):
        _changing = connection.atomic_blocks[0]


for _model in (CalendarYear, CalendarDay):
    post_save.connect(forget_calendar, sender=_model, dispatch_uid=f"calendar_{_model.__name__}_saved")
    post_delete.connect(forget_calendar, sender=_model, dispatch_uid=f"calendar_{_model.__name__}_deleted")


# --- Deadlines ----------------------------------------------------------------------------


class Pause(NamedTuple):
    """A stretch during which the clock does not run.

    ``start`` is the day the clock stopped (the 补正 notice, the order for testing …), ``end``
    the day the cause ended (materials supplied, report received), both paused; the clock
    runs again the day after ``end``. ``end`` None: the pause is open, the clock stopped now.
    """

    start: date
    end: date | None = None
    reason: str = ""

    def span(self, today):
        """The closed span of days this pause covers, an open pause lasting through ``today``."""
        return self.start, self.end if self.end is not None else max(self.start, today)


def _as_pauses(pauses):
    found = []
    for pause in pauses:
        pause = pause if isinstance(pause, Pause) else Pause(*pause)
        if pause.end is not None and pause.end < pause.start:
            raise ValueError(f"a pause cannot end ({pause.end}) before it starts ({pause.start})")
        found.append(pause)
    return tuple(sorted(found, key=lambda p: p.start))


def _merged_spans(pauses, today):
    """The pauses' spans, overlapping and touching ones merged, in order."""
    merged = []
    for start, end in sorted(p.span(today) for p in pauses):
        if merged and start <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Deadline:
    """A deadline of ``working_days`` working days from ``start_date``, pauses left out.

    - ``due_date``: the day the last working day of the limit falls on; the case is on time
      if decided by the end of it.
    - ``paused_days``: the working days up to the due date that the pauses took out; the
      due date is exactly that many working days later than without them.
    - ``clock_stopped``: a pause is open. The due date then assumes the clock runs again the
      day after ``as_of``; it moves every day the pause stays open, so store the remaining
      working days rather than the date, and recompute when the pause closes.
    - ``provisional``: some day up to the due date lies in a year whose schedule is not
      entered (``unknown_years``); weekends-only counting was used there.
    """

    start_date: date
    working_days: int
    pauses: tuple[Pause, ...]
    due_date: date
    paused_days: int
    clock_stopped: bool
    unknown_years: frozenset[int]
    as_of: date
    calendar: WorkCalendar = field(repr=False, compare=False)

    @property
    def provisional(self):
        return bool(self.unknown_years)

    def elapsed_working_days(self, today=None):
        """The working days the clock has run from the day after acceptance through ``today``."""
        today = today or timezone.localdate()
        if today <= self.start_date:
            return 0
        elapsed = self.calendar.working_days_between(self.start_date, today)
        for first, last in _merged_spans(self.pauses, today):
            after, through = max(first - ONE_DAY, self.start_date), min(last, today)
            if through > after:
                elapsed -= self.calendar.working_days_between(after, through)
        return elapsed

    def remaining_working_days(self, today=None):
        """Working days left after ``today``: 0 on the due date, negative once it has passed."""
        return self.working_days - self.elapsed_working_days(today)

    def is_overdue(self, today=None):
        return (today or timezone.localdate()) > self.due_date


def compute_deadline(start_date, working_days, pauses=(), *, calendar=None, today=None):
    """The deadline of ``working_days`` working days counted from the day after ``start_date``.

    ``pauses``: ``Pause`` or ``(start, end_or_None[, reason])`` tuples — 补正 (correction by
    the applicant) and the special procedures of 行政许可法 Art. 45 (检验, 检测, 检疫, 鉴定,
    专家评审, 听证 …). Working days inside a pause do not count; pauses may overlap; days of a
    pause on or before ``start_date`` are ignored, and a pause that starts after the limit has
    run out does not revive it. An extension under Art. 42 is a new computation with the
    extra days added to ``working_days``.
    """
    if working_days < 0:
        raise ValueError("working_days must be zero or more")
    calendar = calendar or get_calendar()
    today = today or timezone.localdate()
    pauses = _as_pauses(pauses)
    spans = _merged_spans(pauses, today)
    day, counted, paused = start_date, 0, 0
    while counted < working_days:
        day += ONE_DAY
        if not calendar.is_working_day(day):
            continue
        if any(first <= day <= last for first, last in spans):
            paused += 1
        else:
            counted += 1
    open_before_due = any(p.end is None and p.start <= day for p in pauses)
    return Deadline(
        start_date=start_date,
        working_days=working_days,
        pauses=pauses,
        due_date=day,
        paused_days=paused,
        clock_stopped=open_before_due,
        unknown_years=calendar.unknown_years(start_date, day),
        as_of=today,
        calendar=calendar,
    )


# --- Lights (电子监察) --------------------------------------------------------------------


class Light(models.TextChoices):
    GREEN = "green", _("Green: on time")
    YELLOW = "yellow", _("Yellow: the promised date is near or passed")
    RED = "red", _("Red: past the statutory deadline")


@dataclass(frozen=True)
class LightReading:
    light: Light
    reason: str
    # Working days after today up to the promised date (the statutory one if none was
    # promised): 0 on that date, negative after it; None when there is no date at all.
    remaining_working_days: int | None


def warning_window(limit_working_days=None):
    """How many working days before the promised date a case turns yellow.

    ``max(YELLOW_WORKING_DAYS, ceil(YELLOW_SHARE_OF_LIMIT × limit))`` from
    ``settings.YIWANG_DEADLINES``: with the defaults (2, 0.2), 2 for a 5-day limit, 4 for a
    20-day one. Without a limit, ``YELLOW_WORKING_DAYS``.
    """
    conf = deadline_settings()
    window = int(conf["YELLOW_WORKING_DAYS"])
    if limit_working_days:
        window = max(window, math.ceil(limit_working_days * float(conf["YELLOW_SHARE_OF_LIMIT"])))
    return window


def light(promised_due, statutory_due, today=None, *, limit_working_days=None, calendar=None):
    """The supervision light of a case still open on ``today``.

    - **red**: ``today`` is after the statutory due date — the law's limit is broken. The
      statutory due date itself is still on time (the period ends at midnight, 民法典 Art. 203).
    - **yellow**: not red, and ``today`` is after the promised due date (承诺时限, shorter than
      the statutory one) or at most ``warning_window(limit_working_days)`` working days remain
      before it (0 remain on the promised date itself).
    - **green**: otherwise.

    Either date may be None: without a promised date the statutory one is the target; with
    neither the case is green. ``limit_working_days`` is the promised limit, for the share
    part of the window. Dates come from ``compute_deadline``: while a pause is open, its due
    date keeps moving with the clock stopped, so the light does not change.
    """
    today = today or timezone.localdate()
    calendar = calendar or get_calendar()
    target = promised_due or statutory_due
    remaining = calendar.working_days_between(today, target) if target else None
    if statutory_due is not None and today > statutory_due:
        reason = _("Past the statutory deadline of %(date)s.") % {"date": statutory_due.isoformat()}
        return LightReading(Light.RED, reason, remaining)
    if target is None:
        return LightReading(Light.GREEN, _("No time limit applies."), None)
    if today > target:
        reason = _("Past the promised date of %(date)s; the statutory deadline is %(statutory)s.") % {
            "date": target.isoformat(),
            "statutory": statutory_due.isoformat() if statutory_due else "—",
        }
        return LightReading(Light.YELLOW, reason, remaining)
    if remaining == 0:
        reason = _("The promised date is today (%(date)s).") % {"date": target.isoformat()}
    else:
        reason = ngettext(
            "%(remaining)s working day left before the promised date of %(date)s.",
            "%(remaining)s working days left before the promised date of %(date)s.",
            remaining,
        ) % {"remaining": remaining, "date": target.isoformat()}
    colour = Light.YELLOW if remaining <= warning_window(limit_working_days) else Light.GREEN
    return LightReading(colour, reason, remaining)


# --- Provisional deadlines ----------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineFields:
    """Where ``recompute_provisional`` finds a deadline's inputs and puts its results on an object.

    ``pauses`` may name an attribute or a method returning ``Pause``-like tuples.
    """

    start: str = "start_date"
    working_days: str = "working_days"
    pauses: str = "pauses"
    due: str = "due_date"
    provisional: str = "provisional"


def recompute_provisional(items: Iterable, *, fields=DeadlineFields(), calendar=None, today=None):
    """Recompute the deadlines of ``items`` that are flagged provisional; return those that changed.

    Each item carries a start date, a number of working days, its pauses, a due date and a
    provisional flag under the attribute names in ``fields``. Items whose flag is set get
    their due date and flag recomputed against ``calendar`` (the database's by default);
    the function sets them on the item and returns the items where either changed, for the
    caller to save (``Model.objects.bulk_update(changed, [fields.due, fields.provisional])``).

    A case with a promised and a statutory deadline calls it once for each, with two
    ``DeadlineFields``. Call it from a receiver of ``calendar_year_entered``, which the
    calendar sends when a year's schedule is entered.
    """
    calendar = calendar or get_calendar()
    changed = []
    for item in items:
        if not getattr(item, fields.provisional):
            continue
        pauses = getattr(item, fields.pauses)
        pauses = pauses() if callable(pauses) else pauses
        result = compute_deadline(
            getattr(item, fields.start), getattr(item, fields.working_days), pauses or (),
            calendar=calendar, today=today,
        )
        if getattr(item, fields.due) != result.due_date or not result.provisional:
            setattr(item, fields.due, result.due_date)
            setattr(item, fields.provisional, result.provisional)
            changed.append(item)
    return changed
