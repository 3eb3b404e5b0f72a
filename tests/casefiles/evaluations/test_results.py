"""好差评's public results: every count equal to one made here on the same reviews, on the guide
page, 办件公示 (no personal data) and the statistics."""

import datetime
import io
import secrets
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from freezegun import freeze_time

from casefiles.cases.models import CaseFile, Status
from casefiles.evaluations import rectifications, results, reviews
from casefiles.evaluations.models import (
    BAD_LEVELS, SATISFIED_LEVELS, Evaluation, Exclusion, Level, Reason, Rectification, WindowVisit,
)
from casefiles.supervision import statistics
from casefiles.supervision.statistics import Filters
from tests.casefiles.conftest import fresh

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Asia/Shanghai")
NOW = "2026-12-03 02:00:00"  # UTC: 10:00 in Zhuhai
TODAY = datetime.date(2026, 12, 3)
START = datetime.date(2026, 1, 1)  # the last 12 months: from the first of the month eleven months back


def at(day: str, time: str = "10:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=ZONE)


# Window-visit reviews: (department "a"/"b", item "a"/"b"/None, level, given (local), exclusion).
# exclusion: None none asked, True upheld (left out), False refused (counted), "pending" (counted).
SPEC = [
    ("a", "a", Level.VERY_SATISFIED, at("2026-11-02"), None),
    ("a", "a", Level.VERY_SATISFIED, at("2026-03-15"), None),
    ("a", "a", Level.SATISFIED, at("2026-06-01"), None),
    ("a", "a", Level.FAIRLY_SATISFIED, at("2026-07-07"), False),
    ("a", "a", Level.VERY_DISSATISFIED, at("2026-08-08"), True),  # malicious: left out
    ("a", "a", Level.DISSATISFIED, at("2026-01-01", "00:30"), "pending"),  # the first day, local
    ("a", "a", Level.SATISFIED, at("2025-12-31", "23:30"), None),  # the day before the 12 months
    ("a", "a", Level.VERY_SATISFIED, at("2025-11-20"), None),  # older than 12 months
    ("a", None, Level.SATISFIED, at("2026-10-10"), None),  # a visit with no item: the department's only
    ("b", "b", Level.VERY_DISSATISFIED, at("2026-09-01"), None),
    ("b", "b", Level.SATISFIED, at("2026-09-02"), None),
    ("b", "b", Level.FAIRLY_SATISFIED, at("2026-11-30"), None),
]


@pytest.fixture
def reviewed(bundle_world):
    """``SPEC`` as window visits' reviews (bad ones opening their rectifications), and the
    enterprise's case of item "a": reviewed 不满意, rectified, called back, reviewed 满意 again."""
    w = bundle_world
    w.departments = {"a": w.department, "b": w.other_department}
    w.items = {"a": w.item, "b": w.item2, None: None}
    for dept, item, level, given, exclusion in SPEC:
        visit = WindowVisit.objects.create(department=w.departments[dept], clerk=w.window,
                                           token=secrets.token_urlsafe(32), opened_at=given)
        evaluation = Evaluation.objects.create(visit=visit, department=w.departments[dept], item=w.items[item],
                                               level=level, channel="window", created_at=given)
        if level in BAD_LEVELS:
            rectifications.open_for(evaluation, now=given)
        if exclusion is not None:
            decided = exclusion != "pending"
            Exclusion.objects.create(evaluation=evaluation, requested_by=w.lead, requested_at=given, grounds="部门认为系刷评",
                                     decided_by=w.supervisor if decided else None, decided_at=given if decided else None,
                                     excluded=exclusion if decided else None, decision="理由" if decided else "")
    from tests.casefiles.conftest import submit_application

    w.case = submit_application(w, w.applicant, w.enterprise)
    CaseFile.objects.filter(pk=w.case.pk).update(status=Status.CONCLUDED, concluded_at=at("2026-10-12"))
    first = reviews.give(w.case, fresh(w.applicant), Level.DISSATISFIED, reasons=[Reason.SLOW], text="太慢",
                         now=at("2026-10-13"))
    # The department's steps, recorded on the rectification (its functions are another module's)
    Rectification.objects.filter(evaluation=first).update(action="已约谈承办人", acted_at=at("2026-10-20"),
                                                          callback="已回访", callback_at=at("2026-10-21"))
    reviews.give(w.case, fresh(w.applicant), Level.SATISFIED, now=at("2026-10-22"))
    return w


def expected(dept=None, item="any", start=START, end=TODAY) -> dict:
    """The count made here: SPEC's reviews in the period, not excluded, plus the case's latest review."""
    levels = [level for d, i, level, given, exclusion in SPEC
              if start <= given.date() <= end and exclusion is not True
              and (dept is None or d == dept) and (item == "any" or i == item)]
    if start <= datetime.date(2026, 10, 22) <= end and dept in (None, "a") and item in ("any", "a"):
        levels.append(Level.SATISFIED)  # the case's second review, in place of its first
    counts = {name: levels.count(level) for name, level in results.LEVEL_FIELDS}
    total = len(levels)
    satisfied = sum(1 for level in levels if level in SATISFIED_LEVELS)
    return {**counts, "total": total, "rate": round(satisfied / total, 4) if total else None,
            "bad": sum(1 for level in levels if level in BAD_LEVELS)}


def as_counts(row) -> dict:
    return {name: getattr(row, name) for name in (*dict(results.LEVEL_FIELDS), "total", "rate", "bad")}


@freeze_time(NOW)
def test_counts_per_item_and_department_equal_a_count_made_here(reviewed):
    w = reviewed
    assert results.last_months(TODAY) == (START, TODAY) == statistics.public_months(TODAY)
    assert as_counts(results.for_item(w.item.pk, START, TODAY)) == expected(item="a")
    assert as_counts(results.for_item(w.item2.pk, START, TODAY)) == expected(item="b")
    assert as_counts(results.for_department(w.department.pk, START, TODAY)) == expected("a")
    rows = {row.key: row for row in results.by_department(START, TODAY)}
    assert as_counts(rows[str(w.department.pk)]) == expected("a")
    assert as_counts(rows[str(w.other_department.pk)]) == expected("b")
    # what the count says, in numbers: the excluded, the older and the replaced reviews left out
    a = expected("a")
    assert (a["very_satisfied"], a["satisfied"], a["fairly_satisfied"], a["dissatisfied"],
            a["very_dissatisfied"], a["total"]) == (2, 3, 1, 1, 0, 7)
    assert a["rate"] == round(6 / 7, 4) and a["bad"] == 1


@freeze_time(NOW)
def test_a_second_review_replaces_the_first_and_a_visit_counts_once(reviewed):
    w = reviewed
    counted = results.counted(START, TODAY).filter(case=w.case)
    assert list(counted.values_list("round", "level")) == [(2, Level.SATISFIED)]
    # a period ending before the second review counts the first
    before = results.counted(START, datetime.date(2026, 10, 21)).filter(case=w.case)
    assert list(before.values_list("round", "level")) == [(1, Level.DISSATISFIED)]
    assert as_counts(results.for_item(w.item.pk, START, datetime.date(2026, 10, 21)))["dissatisfied"] == 2


@freeze_time(NOW)
def test_rectification_on_time_counts_the_due_and_the_called_back(reviewed):
    w = reviewed
    # Department a: the case's (called back before its due date) and the pending exclusion's (due in
    # January, never called back); the upheld one left out. Department b: opened 1 September, due
    # before today, never called back.
    rows = {row.key: row for row in results.rectification_on_time(START, TODAY, today=TODAY)}
    a, b, total = rows[str(w.department.pk)], rows[str(w.other_department.pk)], rows[""]
    assert (a.due, a.on_time, a.rate) == (2, 1, 0.5)
    assert (b.due, b.on_time, b.rate) == (1, 0, 0.0)
    assert (total.due, total.on_time) == (3, 1)
    # b's rectification, seen on a day before its due date: not due yet, not counted
    b_due = Rectification.objects.get(department=w.other_department).due
    early = {row.key: row for row in results.rectification_on_time(START, TODAY, today=b_due)}
    assert str(w.other_department.pk) not in early


@freeze_time(NOW)
def test_the_guide_page_shows_the_items_and_the_departments_figures(reviewed, client):
    w = reviewed
    html = client.get(w.item.url).content.decode()
    assert "好差评：近12个月" in html
    section = html[html.index('id="evaluations-table"'):]
    section = section[:section.index("</table>")]
    item, department = expected(item="a"), expected("a")
    for label, name in (("非常满意", "very_satisfied"), ("满意", "satisfied"), ("基本满意", "fairly_satisfied"),
                        ("不满意", "dissatisfied"), ("非常不满意", "very_dissatisfied")):
        assert f'<th scope="row">{label}</th><td>{item[name]}</td><td>{department[name]}</td>' in section
    assert f"<td>{round(item['rate'] * 100, 1)}%</td><td>{round(department['rate'] * 100, 1)}%</td>" in section
    other = client.get(w.item2.url).content.decode()
    assert f"<td>{round(expected(item='b')['rate'] * 100, 1)}%</td>" in other


@freeze_time(NOW)
def test_the_public_figures_show_each_departments_reviews_without_personal_data(reviewed, client):
    w = reviewed
    rows = {row.key: row for row in results.public_by_department(TODAY)}
    assert as_counts(rows[str(w.department.pk)]) == expected("a")
    assert as_counts(rows[""]) == expected()
    html = client.get(reverse("casefiles:public_figures")).content.decode()
    assert 'data-figure="public-satisfaction"' in html and 'id="table-public-satisfaction"' in html
    table = html[html.index('id="table-public-satisfaction"'):]
    table = table[:table.index("</table>")]
    b = expected("b")
    assert (f'<th scope="row">{w.other_department.name}</th><td>0</td><td>{b["satisfied"]}</td>'
            f'<td>{b["fairly_satisfied"]}</td><td>0</td><td>{b["very_dissatisfied"]}</td><td>{b["total"]}</td>'
            f'<td>{round(b["rate"] * 100, 1)}%</td>') in table
    for personal in (w.enterprise.name, w.enterprise.uscc, w.case.number, "林晓燕", "太慢", "已回访", "部门认为系刷评"):
        assert personal not in html
    # the upheld exclusion is published with the supervisor's reason (and nothing of the review's words)
    excluded = html[html.index('id="excluded-reviews"'):]
    assert w.department.name in excluded[:excluded.index("</table>")] and "<td>理由</td>" in excluded


@freeze_time(NOW)
def test_statistics_figures_equal_the_counts_within_the_period_and_departments(reviewed, client):
    w = reviewed
    period = Filters(datetime.date(2026, 6, 1), datetime.date(2026, 11, 30))
    figures = dict(statistics.figures_for(w.supervisor, period, names=["satisfaction", "rectification-on-time"],
                                          today=TODAY))
    rows = {row.key: row for row in figures[statistics.FIGURES["satisfaction"]]}
    assert as_counts(rows[str(w.department.pk)]) == expected("a", start=period.start, end=period.end)
    assert as_counts(rows[""]) == expected(start=period.start, end=period.end)
    timely = {row.key: row for row in figures[statistics.FIGURES["rectification-on-time"]]}
    assert (timely[str(w.department.pk)].due, timely[str(w.department.pk)].on_time) == (1, 1)  # the case's only
    # a lead sees their own department only
    [(_figure, own)] = statistics.figures_for(w.lead, period, names=["satisfaction"])
    assert {row.key for row in own} == {str(w.department.pk), ""}

    client.force_login(w.supervisor)
    response = client.get("/admin/supervision/statistics/", {"start": "2026-06-01", "end": "2026-11-30", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    body = {row[0]: row[1:] for row in book["satisfaction"].iter_rows(min_row=2, values_only=True)}
    b = expected("b", start=period.start, end=period.end)
    assert body[w.other_department.name] == (0, b["satisfied"], b["fairly_satisfied"], 0, b["very_dissatisfied"],
                                             b["total"], b["rate"], b["bad"])
    api = client.get("/api/v1/statistics/satisfaction/", {"from": "2026-06-01", "to": "2026-11-30"})
    assert api.status_code == 200
    assert {r["key"]: r["total"] for r in api.json()["rows"]}[str(w.department.pk)] == expected(
        "a", start=period.start, end=period.end)["total"]


def test_no_review_shows_dashes_not_a_rate(world, client):
    with freeze_time(NOW):
        assert results.for_item(world.item.pk).rate is None
        html = client.get(world.item.url).content.decode()
    assert "好差评：近12个月" in html and "<td>—</td><td>—</td>" in html
