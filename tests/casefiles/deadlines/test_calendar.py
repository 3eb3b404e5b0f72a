"""The working-day calendar in the database: the seeded years, entering a year, the admin."""

import json
import time
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from casefiles.deadlines.calendar_io import (
    CalendarFileError,
    import_calendar_file,
    parse_csv,
    parse_json,
    year_report,
)
from casefiles.deadlines.models import CalendarDay, CalendarYear
from casefiles.deadlines.working_days import compute_deadline, get_calendar

D = date.fromisoformat
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "calendar-2027.example.json"


@pytest.fixture(autouse=True)
def english():
    # The messages are checked in their English source form, whatever the catalog says.
    with translation.override("en"):
        yield


def schedule_2027(**changes):
    """The example file's content, made importable (without its "example" key)."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    del data["example"]
    data["source"] = "国务院办公厅关于2027年部分节假日安排的通知（测试数据）"
    data.update(changes)
    return data


@pytest.fixture
def write(tmp_path):
    def write(name, content, encoding="utf-8"):
        path = tmp_path / name
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        path.write_bytes(text.encode(encoding))
        return path

    return write


def snapshot():
    return sorted(CalendarDay.objects.values_list("date", "kind", "name", "calendar_year__year"))


# --- The seeded years ---------------------------------------------------------------------


def test_the_migration_enters_every_year_the_package_knows(db):
    years = CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL)
    assert sorted(years.values_list("year", flat=True)) == list(range(2004, 2027))
    assert CalendarDay.objects.filter(kind="holiday").count() == len(chinese_calendar.holidays)
    assert CalendarDay.objects.filter(kind="workday").count() == len(chinese_calendar.workdays)
    assert CalendarYear.objects.get(year=2026).source == "国务院办公厅关于2026年部分节假日安排的通知"


def test_the_2026_spring_festival_is_seeded_with_its_chinese_name(db):
    spring = CalendarDay.objects.filter(date__range=(D("2026-02-01"), D("2026-03-01")))
    assert {(d.date, d.kind) for d in spring} == (
        {(date(2026, 2, day), "holiday") for day in range(15, 24)}
        | {(D("2026-02-14"), "workday"), (D("2026-02-28"), "workday")}
    )
    assert {d.name for d in spring} == {"春节"}


# --- Importing a year ---------------------------------------------------------------------


def test_the_import_command_enters_a_year(db, write, django_user_model, capsys):
    admin = django_user_model.objects.create_user("calendar-admin")
    path = write("2027.json", schedule_2027())
    call_command("calendar", "import", str(path), user="calendar-admin")
    year = CalendarYear.objects.get(year=2027)
    assert year.status == CalendarYear.Status.OFFICIAL
    assert year.entered_by == admin and year.entered_at is not None
    assert year.days.filter(kind="holiday").count() == 29  # ranges expanded
    assert year.days.get(date=D("2027-10-09")).kind == "workday"
    assert "2027" in capsys.readouterr().out
    calendar = get_calendar()
    assert calendar.known(D("2027-06-01"))
    assert not calendar.is_working_day(D("2027-02-08"))  # a Monday of the example's 春节
    assert calendar.is_working_day(D("2027-01-31"))  # a Sunday worked


def test_importing_a_year_again_replaces_its_days(db, write):
    import_calendar_file(write("2027.json", schedule_2027()))
    second = schedule_2027(holidays=[{"name": "元旦", "dates": ["2027-01-01"]}], workdays=[])
    report = import_calendar_file(write("2027-corrected.json", second))
    assert report.replaced == 35
    assert list(CalendarYear.objects.get(year=2027).days.values_list("date", flat=True)) == [D("2027-01-01")]


def test_an_invalid_file_is_refused_with_every_reason_and_changes_nothing(db, write):
    before = snapshot()
    bad = schedule_2027(
        holidays=[
            {"name": "元旦", "dates": ["2027-01-01", "2026-12-31"]},  # not in 2027
            {"name": "国庆节", "dates": ["2027-10-01/2027-10-07", "2027-13-01"]},  # no such date
        ],
        workdays=[
            {"name": "国庆节", "dates": ["2027-10-07"]},  # also a holiday, and a Thursday
        ],
    )
    path = write("2027.json", bad)
    with pytest.raises(CommandError) as refused:
        call_command("calendar", "import", str(path))
    message = str(refused.value)
    assert "nothing imported" in message
    assert "2026-12-31 is not in 2027" in message
    assert "'2027-13-01' is not a date" in message
    assert "2027-10-07 is listed both as a holiday and as a working day" in message
    assert "Saturday or Sunday" in message
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert snapshot() == before


def test_a_refused_file_leaves_an_entered_year_as_it_was(db, write):
    before = snapshot()
    backwards = {"year": 2026, "source": "更正", "holidays": [{"name": "元旦", "dates": ["2026-01-05/2026-01-04"]}]}
    path = write("2026.json", backwards)
    with pytest.raises(CalendarFileError, match="ends before it starts"):
        import_calendar_file(path)
    assert snapshot() == before


@pytest.mark.parametrize(
    "content, expected",
    [
        ("{not json", "not valid JSON"),
        ([2027], "one JSON object"),
        ({"year": 2027, "source": "x", "holidays": [{"name": "元旦", "dates": ["2027-01-01"]}], "holiday": []},
         "Unknown keys: holiday"),
        ({"year": 1999, "source": "x", "holidays": []}, "from 2000 to 2100"),
        ({"year": 2027, "holidays": [{"name": "元旦", "dates": ["2027-01-01"]}]}, "Name the notice"),
        ({"year": 2027, "source": "x", "holidays": []}, "names no holiday"),
        ({"year": 2027, "source": "x", "holidays": [{"name": "", "dates": ["2027-01-01"]}]}, "has no name"),
        ({"year": 2027, "source": "x", "holidays": [{"name": "元旦", "dates": ["2027-01-01", "2027-01-01"]}]},
         "listed twice"),
    ],
)
def test_json_problems_are_named(content, expected):
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    with pytest.raises(CalendarFileError) as refused:
        parse_json(text)
    assert expected in str(refused.value)


def test_the_example_file_is_valid_but_refused_as_an_example(db):
    with pytest.raises(CalendarFileError, match="example file"):
        import_calendar_file(EXAMPLE)
    assert not CalendarYear.objects.filter(year=2027).exists()
    # Everything but the marker is a well-formed schedule.
    assert parse_json(json.dumps(schedule_2027())).year == 2027


CSV = """date,kind,name
2027-01-01,holiday,元旦
2027-10-01/2027-10-07,放假,国庆节
2027-09-26,workday,国庆节
2027-10-09,上班,国庆节
"""


def test_a_csv_file_imports_with_its_source_given(db, write):
    path = write("2027.csv", CSV, encoding="gb18030")  # as Excel on a Chinese Windows saves it
    call_command("calendar", "import", str(path), source="国务院办公厅关于2027年部分节假日安排的通知")
    year = CalendarYear.objects.get(year=2027)
    assert year.days.count() == 10
    assert year.days.get(date=D("2027-10-05")).name == "国庆节"


def test_a_csv_file_needs_a_source_and_one_year(db):
    with pytest.raises(CalendarFileError, match="Name the notice"):
        parse_csv(CSV)
    with pytest.raises(CalendarFileError, match="span several years"):
        parse_csv(CSV + "2028-01-01,holiday,元旦\n", source="x")
    with pytest.raises(CalendarFileError, match="header"):
        parse_csv("2027-01-01,holiday,元旦\n", source="x")
    with pytest.raises(CalendarFileError, match="holiday or workday"):
        parse_csv("date,kind,name\n2027-01-01,rest,元旦\n", source="x")


def test_other_files_are_refused(db, write):
    with pytest.raises(CommandError, match=r"\.json or \.csv"):
        call_command("calendar", "import", str(write("2027.txt", "")))


def test_show_prints_a_year_and_says_when_one_is_missing(db, capsys):
    call_command("calendar", "show", "2026")
    out = capsys.readouterr().out
    assert "国务院办公厅关于2026年部分节假日安排的通知" in out
    assert "248" in out  # working days in 2026
    assert "2026-02-14" in out and "春节" in out
    assert "2027 is not entered" in year_report(2027)


# --- The calendar follows the database ----------------------------------------------------


def test_the_cached_calendar_sees_changes(db):
    assert get_calendar().is_working_day(D("2026-03-02"))
    year = CalendarYear.objects.get(year=2026)
    day = CalendarDay.objects.create(calendar_year=year, date=D("2026-03-02"), kind="holiday", name="测试")
    assert not get_calendar().is_working_day(D("2026-03-02"))
    day.delete()
    assert get_calendar().is_working_day(D("2026-03-02"))


def test_the_calendar_kept_per_process_sees_another_processs_change_once_old(db, django_assert_num_queries):
    from unittest import mock

    from casefiles.deadlines import working_days

    assert get_calendar().is_working_day(D("2026-03-02"))
    with django_assert_num_queries(0):  # kept: not even its version is asked
        assert get_calendar().is_working_day(D("2026-03-02"))
    # Another process enters a day: no signal here, only its rows (and the year's changed_at).
    year = CalendarYear.objects.get(year=2026)
    CalendarDay.objects.bulk_create([CalendarDay(calendar_year=year, date=D("2026-03-02"), kind="holiday", name="测试")])
    CalendarYear.objects.filter(pk=year.pk).update(changed_at=year.changed_at + timedelta(seconds=1))
    try:
        assert get_calendar().is_working_day(D("2026-03-02"))  # kept a little longer …
        later = time.monotonic() + working_days.CALENDAR_TTL + 1
        with mock.patch.object(working_days.time, "monotonic", return_value=later):
            assert not get_calendar().is_working_day(D("2026-03-02"))  # … then asked again
    finally:
        working_days._cache = None  # the rows go with the test's transaction, unsignalled: so must what was kept


def test_a_change_in_a_transaction_rolled_back_is_forgotten(db):
    from django.db import transaction

    assert get_calendar().is_working_day(D("2026-03-02"))
    year = CalendarYear.objects.get(year=2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        CalendarDay.objects.create(calendar_year=year, date=D("2026-03-02"), kind="holiday", name="测试")
        assert not get_calendar().is_working_day(D("2026-03-02"))  # as it is inside the change
        raise RuntimeError("rolled back")
    assert get_calendar().is_working_day(D("2026-03-02"))


def test_a_draft_year_is_not_used_for_deadlines(db):
    year = CalendarYear.objects.create(year=2027, source="草稿", status=CalendarYear.Status.DRAFT)
    CalendarDay.objects.create(calendar_year=year, date=D("2027-01-01"), kind="holiday", name="元旦")
    assert get_calendar().is_working_day(D("2027-01-01"))
    assert compute_deadline(D("2026-12-30"), 5).provisional
    year.status = CalendarYear.Status.OFFICIAL
    year.save()
    assert not get_calendar().is_working_day(D("2027-01-01"))


def test_a_day_outside_its_year_or_a_weekday_worked_is_invalid(db):
    year = CalendarYear.objects.get(year=2026)
    with pytest.raises(Exception, match="not in 2026"):
        CalendarDay(calendar_year=year, date=D("2027-01-01"), kind="holiday", name="元旦").full_clean()
    with pytest.raises(Exception, match="Saturday or Sunday"):
        CalendarDay(calendar_year=year, date=D("2026-03-03"), kind="workday", name="测试").full_clean()


# --- The admin ----------------------------------------------------------------------------


def year_form(year, days, status="official"):
    return nested_form_data({
        "year": str(year), "status": status, "source": f"国务院办公厅关于{year}年部分节假日安排的通知",
        "source_url": "", "note": "",
        "days": inline_formset([{"date": d, "kind": kind, "name": name} for d, kind, name in days]),
    })


def test_an_administrator_enters_a_year_in_the_admin(client, db, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(admin)
    listing = client.get("/admin/calendar/", {"q": "2026"})
    assert listing.status_code == 200
    assert "国务院办公厅关于2026年部分节假日安排的通知" in listing.content.decode()
    response = client.post("/admin/calendar/new/", year_form(2027, [
        ("2027-01-01", "holiday", "元旦"), ("2027-09-26", "workday", "国庆节"),
    ]))
    assert response.status_code == 302, response.content.decode()[:3000]
    year = CalendarYear.objects.get(year=2027)
    assert year.entered_by == admin
    assert sorted(year.days.values_list("date", "kind")) == [(D("2027-01-01"), "holiday"), (D("2027-09-26"), "workday")]
    assert not get_calendar().is_working_day(D("2027-01-01"))
    edit = client.get(f"/admin/calendar/edit/{year.pk}/")
    assert edit.status_code == 200 and "国庆节" in edit.content.decode()


def test_the_admin_refuses_a_weekday_marked_as_worked(client, db, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-for-tests-only"))
    response = client.post("/admin/calendar/new/", year_form(2027, [
        ("2027-01-01", "holiday", "元旦"), ("2027-09-27", "workday", "国庆节"),  # a Monday
    ]))
    assert response.status_code == 200
    rows = response.context["form"].formsets["days"].forms
    assert not rows[0].errors
    assert "date" in rows[1].errors
    assert not CalendarYear.objects.filter(year=2027).exists()
