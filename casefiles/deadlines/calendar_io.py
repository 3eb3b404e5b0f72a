"""Entering a year's holiday schedule from a file, and describing a year.

The State Council publishes next year's schedule (国务院办公厅关于 YYYY 年部分节假日安排的通知)
around November or December. An administrator enters it in the admin (Working-day calendar)
or from a file: ``manage.py calendar import FILE`` calls ``import_calendar_file``.

JSON — one year, the whole schedule::

    {
      "year": 2027,
      "source": "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕…号）",
      "source_url": "https://www.gov.cn/…",              (optional)
      "note": "…",                                          (optional)
      "holidays": [{"name": "元旦", "dates": ["2027-01-01"]},
                   {"name": "国庆节", "dates": ["2027-10-01/2027-10-07"]}],
      "workdays": [{"name": "国庆节", "dates": ["2027-09-26", "2027-10-09"]}]
    }

(``docs/calendar-2027.example.json`` has the shape, with invented dates and an ``"example"``
key that makes the import refuse it.) ``holidays`` are every day off of each holiday period,
weekend days included; ``workdays`` are the Saturdays and Sundays worked instead (调休上班). A date is ``YYYY-MM-DD`` or an
inclusive range ``YYYY-MM-DD/YYYY-MM-DD``.

CSV — one day a row, with a header; UTF-8 (with or without BOM) or GB18030 as Excel saves it::

    date,kind,name
    2027-01-01,holiday,元旦
    2027-09-26,workday,国庆节

``kind`` is ``holiday`` (or 放假 / 休) or ``workday`` (or 上班 / 班). The year is that of the
dates (or ``year=``); the notice is given with ``source=`` (``--source``).

Every problem in a file is reported at once, and a file with any problem changes nothing.
Importing a year replaces all its days in one transaction and marks it official.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casefiles.deadlines.models import FIRST_YEAR, LAST_YEAR, CalendarDay, CalendarYear, check_schedule
from casefiles.deadlines.working_days import WorkCalendar

HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY.value, CalendarDay.Kind.WORKDAY.value
KIND_WORDS = {"holiday": HOLIDAY, "放假": HOLIDAY, "休": HOLIDAY, "workday": WORKDAY, "上班": WORKDAY, "班": WORKDAY}
JSON_KEYS = {"year", "source", "source_url", "note", "holidays", "workdays", "example"}
NAME_LENGTH = CalendarDay._meta.get_field("name").max_length
SOURCE_LENGTH = CalendarYear._meta.get_field("source").max_length


class CalendarFileError(ValueError):
    """A schedule that cannot be entered; ``problems`` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class YearSchedule:
    year: int
    source: str
    days: tuple[tuple[date, str, str], ...]  # (date, kind, name), in date order
    source_url: str = ""
    note: str = ""

    def dates(self, kind):
        return [day for day, day_kind, _name in self.days if day_kind == kind]


@dataclass(frozen=True)
class ImportReport:
    year: int
    holidays: int
    workdays: int
    replaced: int  # days the year had before

    def __str__(self):
        return _(
            "%(year)s entered: %(holidays)s holidays, %(workdays)s make-up working days (replacing %(replaced)s days)."
        ) % {"year": self.year, "holidays": self.holidays, "workdays": self.workdays, "replaced": self.replaced}


def _parse_dates(text, where, problems):
    """One ``YYYY-MM-DD`` or an inclusive ``YYYY-MM-DD/YYYY-MM-DD`` range."""
    if not isinstance(text, str):
        problems.append(_("%(where)s: %(value)r is not a date written YYYY-MM-DD.") % {"where": where, "value": text})
        return []
    parts = text.strip().split("/")
    try:
        if len(parts) > 2:
            raise ValueError
        first, last = date.fromisoformat(parts[0].strip()), date.fromisoformat(parts[-1].strip())
    except ValueError:
        problems.append(_("%(where)s: %(value)r is not a date written YYYY-MM-DD (or a range FIRST/LAST).") % {
            "where": where, "value": text})
        return []
    if last < first:
        problems.append(_("%(where)s: the range %(value)r ends before it starts.") % {"where": where, "value": text})
        return []
    if (last - first).days > 31:
        problems.append(_("%(where)s: the range %(value)r is longer than a month.") % {"where": where, "value": text})
        return []
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _check(schedule_year, source, days, problems, source_url="", note=""):
    is_year = isinstance(schedule_year, int) and not isinstance(schedule_year, bool)
    if not is_year or not FIRST_YEAR <= schedule_year <= LAST_YEAR:
        problems.append(_("The year must be a number from %(first)s to %(last)s, not %(value)r.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR, "value": schedule_year})
        raise CalendarFileError(problems)
    if not isinstance(source, str) or not source.strip():
        problems.append(_("Name the notice the schedule comes from (source), e.g. 国务院办公厅关于%(year)s年部分节假日安排的通知.") % {
            "year": schedule_year})
    elif len(source.strip()) > SOURCE_LENGTH:
        problems.append(_("The source is longer than %(length)s characters.") % {"length": SOURCE_LENGTH})
    for day, _kind, name in days:
        if len(name) > NAME_LENGTH:
            problems.append(_("%(date)s: the name %(name)r is longer than %(length)s characters.") % {
                "date": day.isoformat(), "name": name, "length": NAME_LENGTH})
    problems.extend(message for _day, message in check_schedule(schedule_year, days))
    if problems:
        raise CalendarFileError(problems)
    return YearSchedule(
        year=schedule_year, source=source.strip(), days=tuple(sorted(days)),
        source_url=(source_url or "").strip(), note=(note or "").strip(),
    )


def parse_json(text, *, source=None, source_url=None):
    """A ``YearSchedule`` from the JSON format above; ``source``/``source_url`` override the file's."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CalendarFileError([_("The file is not valid JSON: %(error)s.") % {"error": error}]) from None
    if not isinstance(data, dict):
        raise CalendarFileError([_("The file must hold one JSON object with year, source, holidays and workdays.")])
    problems = []
    if "example" in data:
        # docs/calendar-2027.example.json: invented dates must never become a year's calendar.
        problems.append(_("This is an example file with invented dates, not a State Council schedule: "
                          "enter the real notice's dates and remove the \"example\" key."))
    unknown = sorted(set(data) - JSON_KEYS)
    if unknown:
        problems.append(_("Unknown keys: %(keys)s (expected: %(expected)s).") % {
            "keys": ", ".join(unknown), "expected": ", ".join(sorted(JSON_KEYS))})
    days = []
    for key, kind in (("holidays", HOLIDAY), ("workdays", WORKDAY)):
        groups = data.get(key, [])
        if not isinstance(groups, list):
            problems.append(_("%(key)s must be a list of {\"name\": …, \"dates\": […]}.") % {"key": key})
            continue
        for i, group in enumerate(groups):
            where = f"{key}[{i}]"
            if not isinstance(group, dict) or set(group) != {"name", "dates"}:
                problems.append(_("%(where)s must be {\"name\": …, \"dates\": […]}.") % {"where": where})
                continue
            name = group["name"].strip() if isinstance(group["name"], str) else ""
            if not name:
                problems.append(_("%(where)s has no name (such as 春节 or 国庆节).") % {"where": where})
                continue
            if not isinstance(group["dates"], list) or not group["dates"]:
                problems.append(_("%(where)s (%(name)s) must list its dates.") % {"where": where, "name": name})
                continue
            for j, value in enumerate(group["dates"]):
                days += [(day, kind, name) for day in _parse_dates(value, f"{where}.dates[{j}]", problems)]
    return _check(
        data.get("year"), source or data.get("source"), days, problems,
        source_url=source_url or data.get("source_url", ""), note=data.get("note", ""),
    )


def parse_csv(text, *, year=None, source=None, source_url=None):
    """A ``YearSchedule`` from the CSV format above."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if header[:3] != ["date", "kind", "name"]:
        raise CalendarFileError([_("The first line must be the header date,kind,name.")])
    reader.fieldnames = header
    problems, days = [], []
    for row in reader:
        where = _("line %(line)s") % {"line": reader.line_num}
        kind = KIND_WORDS.get((row.get("kind") or "").strip().lower())
        name = (row.get("name") or "").strip()
        if kind is None:
            problems.append(_("%(where)s: the kind must be holiday or workday, not %(value)r.") % {
                "where": where, "value": row.get("kind")})
            continue
        days += [(day, kind, name) for day in _parse_dates(row.get("date"), where, problems)]
    if not days and not problems:
        problems.append(_("The file lists no days."))
    if year is None:
        years = sorted({day.year for day, _kind, _name in days})
        year = years[0] if len(years) == 1 else None
        if len(years) > 1:
            problems.append(_("The dates span several years (%(years)s): import one year per file.") % {
                "years": ", ".join(map(str, years))})
            raise CalendarFileError(problems)
    return _check(year, source, days, problems, source_url=source_url)


def _decode(raw):
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise CalendarFileError([_("The file is neither UTF-8 nor GB18030 text.")]) from None


def read_schedule(path, *, year=None, source=None, source_url=None):
    """A ``YearSchedule`` from a ``.json`` or ``.csv`` file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise CalendarFileError([_("%(file)s: the file name must end in .json or .csv.") % {"file": path.name}])
    try:
        text = _decode(path.read_bytes())
    except OSError as error:
        message = _("%(file)s cannot be read: %(error)s.") % {"file": path, "error": error.strerror}
        raise CalendarFileError([message]) from None
    if suffix == ".json":
        schedule = parse_json(text, source=source, source_url=source_url)
        if year is not None and year != schedule.year:
            message = _("The file is for %(found)s, not %(year)s.") % {"found": schedule.year, "year": year}
            raise CalendarFileError([message])
        return schedule
    return parse_csv(text, year=year, source=source, source_url=source_url)


def import_schedule(schedule, *, user=None):
    """Replace the year's days by the schedule's, and mark the year official, atomically."""
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=schedule.year).first()
        replaced = 0
        if calendar_year is None:
            calendar_year = CalendarYear(year=schedule.year)
        else:
            replaced, _deleted = CalendarDay.objects.filter(calendar_year=calendar_year).delete()
        calendar_year.status = CalendarYear.Status.OFFICIAL
        calendar_year.source = schedule.source
        calendar_year.source_url = schedule.source_url
        calendar_year.note = schedule.note
        calendar_year.entered_at = timezone.now()
        calendar_year.entered_by = user
        # The new changed_at and calendar_year_entered (sent on commit) reach other
        # processes only once the days below are in place too.
        calendar_year.save()
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, date=day, kind=kind, name=name)
            for day, kind, name in schedule.days
        )
    return ImportReport(schedule.year, len(schedule.dates(HOLIDAY)), len(schedule.dates(WORKDAY)), replaced)


def import_calendar_file(path, *, user=None, year=None, source=None, source_url=None):
    """Read, check and import a schedule file; raises ``CalendarFileError`` and writes nothing on any problem."""
    return import_schedule(read_schedule(path, year=year, source=source, source_url=source_url), user=user)


def year_report(year):
    """A plain-text account of one year: its status, notice, day count and every exception."""
    calendar_year = CalendarYear.objects.filter(year=year).select_related("entered_by").first()
    if calendar_year is None:
        return _("%(year)s is not entered: deadlines reaching into %(year)s are counted with weekends only "
                 "and flagged provisional until its schedule is imported.") % {"year": year}
    days = list(calendar_year.days.order_by("date"))
    year_calendar = WorkCalendar(
        holidays=[d.date for d in days if d.kind == HOLIDAY],
        workdays=[d.date for d in days if d.kind == WORKDAY],
        years=[year],
    )
    working = year_calendar.working_days_between(date(year - 1, 12, 31), date(year, 12, 31))
    lines = [f"{year} · {calendar_year.get_status_display()}"]
    lines.append(_("Notice: %(source)s") % {"source": calendar_year.source})
    if calendar_year.source_url:
        lines.append(_("Address: %(url)s") % {"url": calendar_year.source_url})
    if calendar_year.entered_at:
        lines.append(_("Entered: %(when)s by %(who)s") % {
            "when": timezone.localtime(calendar_year.entered_at).strftime("%Y-%m-%d %H:%M"),
            "who": calendar_year.entered_by or _("data migration or command")})
    if not calendar_year.is_official:
        lines.append(_("This year is a draft: its days are not used for deadlines until it is official."))
    lines.append(_("Working days in %(year)s: %(count)s") % {"year": year, "count": working})
    for day in days:
        lines.append(f"{day.date.isoformat()} {date_format(day.date, 'D'):<4} {day.get_kind_display()}  {day.name}")
    return "\n".join(lines)
