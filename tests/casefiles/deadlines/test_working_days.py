"""Working-day arithmetic, deadlines with pauses, provisional years and the supervision lights.

The 2026 dates are those of the State Council's schedule as the chinesecalendar package
records it (and the data migration seeds): 春节 15–23 February with make-up working days on
Saturday 14 and Saturday 28 February; 中秋 25–27 September; 国庆节 1–7 October with make-up
working days on Sunday 20 September and Saturday 10 October; 清明 4–6 April.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from casefiles.deadlines.calendar_io import YearSchedule, import_schedule
from casefiles.deadlines.working_days import (
    DeadlineFields,
    Light,
    Pause,
    WorkCalendar,
    calendar_year_entered,
    compute_deadline,
    get_calendar,
    light,
    recompute_provisional,
    warning_window,
)

D = date.fromisoformat


@pytest.fixture
def calendar(db):
    return get_calendar()


# --- The calendar -------------------------------------------------------------------------


def test_spring_festival_2026_with_its_make_up_saturdays(calendar):
    assert calendar.is_working_day(D("2026-02-13"))  # Friday before
    assert calendar.is_working_day(D("2026-02-14"))  # Saturday, worked (调休上班)
    for day in range(15, 24):
        assert not calendar.is_working_day(date(2026, 2, day)), f"2026-02-{day} is 春节"
    assert calendar.name(D("2026-02-17")) == "春节"
    assert calendar.is_working_day(D("2026-02-24"))
    assert calendar.is_working_day(D("2026-02-28"))  # Saturday, worked
    assert not calendar.is_working_day(D("2026-03-01"))  # plain Sunday


def test_national_day_2026(calendar):
    assert calendar.is_working_day(D("2026-09-20"))  # Sunday, worked
    assert not calendar.is_working_day(D("2026-09-25"))  # 中秋, a Friday
    assert all(not calendar.is_working_day(date(2026, 10, day)) for day in range(1, 8))
    assert calendar.is_working_day(D("2026-10-08"))
    assert calendar.is_working_day(D("2026-10-10"))  # Saturday, worked


def test_the_calendar_agrees_with_the_state_council_schedules_day_by_day(calendar):
    day = D("2020-01-01")
    while day <= D("2026-12-31"):
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert calendar.working_days_between(D("2025-12-31"), D("2026-12-31")) == 248
    assert len(chinese_calendar.get_workdays(D("2026-01-01"), D("2026-12-31"))) == 248


def test_the_day_of_acceptance_does_not_count(calendar):
    # Friday 13 February 2026: the next working day is the make-up Saturday.
    assert calendar.add_working_days(D("2026-02-13"), 1) == D("2026-02-14")
    assert calendar.add_working_days(D("2026-02-13"), 2) == D("2026-02-24")
    assert calendar.add_working_days(D("2026-02-13"), 0) == D("2026-02-13")
    # Accepted on a holiday: the count still starts the next day.
    assert calendar.add_working_days(D("2026-02-16"), 1) == D("2026-02-24")
    with pytest.raises(ValueError):
        calendar.add_working_days(D("2026-02-13"), -1)


def test_working_days_between_counts_after_the_first_day_through_the_last(calendar):
    assert calendar.working_days_between(D("2026-02-13"), D("2026-02-24")) == 2
    assert calendar.working_days_between(D("2026-02-24"), D("2026-02-13")) == -2
    assert calendar.working_days_between(D("2026-02-14"), D("2026-02-14")) == 0
    # 27 September – 9 October 2026: 28, 29, 30 September, 8 and 9 October.
    assert calendar.working_days_between(D("2026-09-27"), D("2026-10-09")) == 5


def test_years_that_are_entered_are_known(calendar):
    assert calendar.known(D("2026-12-31"))
    assert calendar.known(D("2004-01-01"))
    assert not calendar.known(D("2027-01-01"))


# --- Deadlines ----------------------------------------------------------------------------


def test_a_twenty_day_limit_across_the_spring_festival(calendar):
    deadline = compute_deadline(D("2026-02-10"), 20, calendar=calendar, today=D("2026-02-10"))
    # 11–14 Feb (the 14th a make-up Saturday), 24–28 Feb (the 28th too), then March.
    assert deadline.due_date == D("2026-03-16")
    assert deadline.due_date == chinese_calendar.find_workday(20, D("2026-02-10"))
    assert not deadline.provisional
    assert deadline.paused_days == 0
    # Counting weekends only would have given 10 March.
    assert WorkCalendar().add_working_days(D("2026-02-10"), 20) == D("2026-03-10")


def test_a_ten_day_limit_across_national_day(calendar):
    deadline = compute_deadline(D("2026-09-18"), 10, calendar=calendar)
    # 20 (Sun, worked), 21–24, 28–30 September, 8 and 9 October.
    assert deadline.due_date == D("2026-10-09")


def test_a_correction_pause_moves_the_due_date_by_the_paused_working_days(calendar):
    start = D("2026-03-02")
    plain = compute_deadline(start, 20, calendar=calendar)
    assert plain.due_date == D("2026-03-30")
    correction = Pause(D("2026-03-10"), D("2026-03-16"), "补正")  # Tue–Mon: 5 working days
    deadline = compute_deadline(start, 20, [correction], calendar=calendar)
    assert deadline.paused_days == 5
    assert deadline.due_date == calendar.add_working_days(start, 25)
    # 31 March – 3 April, then 清明 (4–6 April, a Monday among them): due Tuesday 7 April.
    assert deadline.due_date == D("2026-04-07")


def test_a_special_procedure_and_a_correction_that_overlap_count_once(calendar):
    start = D("2026-03-02")
    pauses = [
        (D("2026-03-10"), D("2026-03-16"), "补正"),
        (D("2026-03-13"), D("2026-03-18"), "检测"),  # overlaps: together 10–18 March
    ]
    deadline = compute_deadline(start, 20, pauses, calendar=calendar)
    assert deadline.paused_days == 7
    assert deadline.due_date == calendar.add_working_days(start, 27)


def test_a_pause_over_a_holiday_only_takes_out_its_working_days(calendar):
    start = D("2026-02-02")
    expert_review = Pause(D("2026-02-12"), D("2026-02-25"), "专家评审")
    deadline = compute_deadline(start, 20, [expert_review], calendar=calendar)
    # 12, 13, 14 (make-up Saturday), 24, 25 February.
    assert deadline.paused_days == 5
    assert deadline.due_date == calendar.add_working_days(start, 25)


def test_pauses_before_acceptance_or_after_the_due_date_change_nothing(calendar):
    start = D("2026-03-02")
    plain = compute_deadline(start, 20, calendar=calendar)
    late = compute_deadline(start, 20, [(D("2026-03-31"), D("2026-04-10"), "听证")], calendar=calendar)
    early = compute_deadline(start, 20, [(D("2026-02-20"), D("2026-03-02"), "补正")], calendar=calendar)
    assert late.due_date == early.due_date == plain.due_date
    assert late.paused_days == early.paused_days == 0


def test_a_pause_cannot_end_before_it_starts(calendar):
    with pytest.raises(ValueError):
        compute_deadline(D("2026-03-02"), 20, [(D("2026-03-10"), D("2026-03-09"), "补正")], calendar=calendar)


def test_elapsed_and_remaining_working_days(calendar):
    start = D("2026-03-02")
    deadline = compute_deadline(start, 20, [(D("2026-03-10"), D("2026-03-16"), "补正")], calendar=calendar)
    assert deadline.elapsed_working_days(start) == 0
    assert deadline.elapsed_working_days(D("2026-03-09")) == 5  # 3–6 and 9 March
    assert deadline.elapsed_working_days(D("2026-03-16")) == 5  # clock stopped
    assert deadline.elapsed_working_days(D("2026-03-17")) == 6
    assert deadline.remaining_working_days(D("2026-03-17")) == 14
    assert deadline.remaining_working_days(deadline.due_date) == 0
    assert not deadline.is_overdue(deadline.due_date)
    assert deadline.remaining_working_days(D("2026-04-08")) == -1
    assert deadline.is_overdue(D("2026-04-08"))


def test_an_open_pause_stops_the_clock_now(calendar):
    start = D("2026-03-02")
    correction = (D("2026-03-10"), None, "补正")
    monday = compute_deadline(start, 20, [correction], calendar=calendar, today=D("2026-03-16"))
    friday = compute_deadline(start, 20, [correction], calendar=calendar, today=D("2026-03-20"))
    assert monday.clock_stopped and friday.clock_stopped
    # Five working days ran before the pause; fifteen remain, however long it stays open.
    assert monday.remaining_working_days(D("2026-03-16")) == 15
    assert friday.remaining_working_days(D("2026-03-20")) == 15
    assert monday.due_date == calendar.add_working_days(D("2026-03-16"), 15)
    assert friday.due_date == calendar.add_working_days(D("2026-03-20"), 15)
    assert calendar.working_days_between(monday.due_date, friday.due_date) == 4


def test_an_open_pause_that_has_not_begun_leaves_the_clock_running(calendar):
    deadline = compute_deadline(D("2026-03-02"), 5, [(D("2026-04-01"), None, "检验")], calendar=calendar,
                                today=D("2026-03-03"))
    assert not deadline.clock_stopped
    assert deadline.due_date == D("2026-03-09")


def test_a_deadline_reaching_into_an_unentered_year_is_provisional_until_it_is_entered(
    calendar, django_capture_on_commit_callbacks
):
    start = D("2026-12-15")
    deadline = compute_deadline(start, 20, calendar=calendar)
    assert deadline.provisional
    assert deadline.unknown_years == {2027}
    # Weekends only in 2027: 12 working days left in December, then 1, 4–8, 11, 12 January.
    assert deadline.due_date == D("2027-01-12")

    case = SimpleNamespace(accepted_on=start, limit=20, pauses=[], due_date=deadline.due_date, provisional=True)
    entered = []

    def remember(sender, year, **kwargs):
        entered.append(year)

    calendar_year_entered.connect(remember)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_schedule(YearSchedule(
                year=2027, source="国务院办公厅关于2027年部分节假日安排的通知（测试）",
                days=((D("2027-01-01"), "holiday", "元旦"), (D("2027-01-02"), "holiday", "元旦"),
                      (D("2027-01-03"), "holiday", "元旦")),
            ))
    finally:
        calendar_year_entered.disconnect(remember)
    assert entered == [2027]

    fields = DeadlineFields(start="accepted_on", working_days="limit")
    changed = recompute_provisional([case], fields=fields)
    assert changed == [case]
    assert case.due_date == D("2027-01-13")  # 1 January is 元旦 now
    assert case.provisional is False
    # Recomputing again finds nothing left to change.
    assert recompute_provisional([case], fields=fields) == []
    assert not compute_deadline(start, 20).provisional


def test_a_deadline_within_entered_years_is_not_provisional_even_if_today_is_later(calendar):
    deadline = compute_deadline(D("2026-11-02"), 20, calendar=calendar)
    assert not deadline.provisional
    assert deadline.remaining_working_days(D("2027-01-04")) < 0


def test_a_stand_alone_calendar_counts_weekends_only_outside_its_years():
    calendar = WorkCalendar(holidays=[D("2031-01-01")], years=[2031])
    assert not calendar.is_working_day(D("2031-01-01"))
    assert calendar.is_working_day(D("2032-01-01"))  # a Thursday; 2032 not entered
    assert compute_deadline(D("2030-12-31"), 1, calendar=calendar).due_date == D("2031-01-02")
    assert compute_deadline(D("2030-12-31"), 1, calendar=calendar).unknown_years == frozenset()
    assert compute_deadline(D("2031-12-31"), 1, calendar=calendar).unknown_years == {2032}


# --- Lights -------------------------------------------------------------------------------


def test_the_warning_window_is_the_wider_of_days_and_share(settings):
    assert warning_window() == 2
    assert warning_window(5) == 2
    assert warning_window(20) == 4
    assert warning_window(11) == 3  # ceil(2.2)
    settings.YIWANG_DEADLINES = {"YELLOW_WORKING_DAYS": 5}
    assert warning_window(20) == 5  # the share keeps its default


def test_lights_at_their_thresholds(calendar):
    # Accepted Monday 2 March 2026, promised 5 working days (9 March), statutory 20 (30 March).
    promised, statutory = D("2026-03-09"), D("2026-03-30")

    def colour(today):
        return light(promised, statutory, today, limit_working_days=5, calendar=calendar).light

    assert colour(D("2026-03-03")) == Light.GREEN  # 4 working days left
    assert colour(D("2026-03-04")) == Light.GREEN  # 3 left
    assert colour(D("2026-03-05")) == Light.YELLOW  # 2 left: the window
    assert colour(D("2026-03-09")) == Light.YELLOW  # the promised date
    assert colour(D("2026-03-10")) == Light.YELLOW  # past promised, before statutory
    assert colour(D("2026-03-30")) == Light.YELLOW  # the statutory date itself is still on time
    assert colour(D("2026-03-31")) == Light.RED

    reading = light(promised, statutory, D("2026-03-31"), calendar=calendar)
    assert "2026-03-30" in str(reading.reason)
    reading = light(promised, statutory, D("2026-03-04"), calendar=calendar)
    assert reading.remaining_working_days == 3


def test_the_share_of_a_long_limit_widens_the_window(calendar):
    # Promised 20 working days from 2 March: 30 March; the window is 4 working days.
    promised = D("2026-03-30")
    assert light(promised, None, D("2026-03-23"), limit_working_days=20, calendar=calendar).light == Light.GREEN
    assert light(promised, None, D("2026-03-24"), limit_working_days=20, calendar=calendar).light == Light.YELLOW
    assert light(promised, None, D("2026-03-24"), calendar=calendar).light == Light.GREEN


def test_lights_count_working_days_not_calendar_days(calendar):
    # Friday 13 February 2026, promised 24 February: only the 14th lies between.
    reading = light(D("2026-02-24"), D("2026-03-16"), D("2026-02-13"), calendar=calendar)
    assert reading.remaining_working_days == 2
    assert reading.light == Light.YELLOW


def test_light_without_a_promised_date_uses_the_statutory_one_and_without_either_is_green(calendar):
    assert light(None, D("2026-03-30"), D("2026-03-27"), calendar=calendar).light == Light.YELLOW
    assert light(None, D("2026-03-30"), D("2026-03-20"), calendar=calendar).light == Light.GREEN
    assert light(None, None, D("2026-03-20"), calendar=calendar).light == Light.GREEN


def test_thresholds_come_from_settings(calendar, settings):
    settings.YIWANG_DEADLINES = {"YELLOW_WORKING_DAYS": 4, "YELLOW_SHARE_OF_LIMIT": 0}
    assert light(D("2026-03-09"), D("2026-03-30"), D("2026-03-03"), calendar=calendar).light == Light.YELLOW


def test_a_stopped_clock_keeps_its_light(calendar):
    start, correction = D("2026-03-02"), (D("2026-03-04"), None, "补正")
    readings = []
    for today in (D("2026-03-04"), D("2026-03-18"), D("2026-04-15")):
        promised = compute_deadline(start, 5, [correction], calendar=calendar, today=today)
        statutory = compute_deadline(start, 20, [correction], calendar=calendar, today=today)
        readings.append(light(promised.due_date, statutory.due_date, today, limit_working_days=5, calendar=calendar))
    assert {reading.light for reading in readings} == {Light.GREEN}
    assert {reading.remaining_working_days for reading in readings} == {4}


# --- Properties ---------------------------------------------------------------------------

# The package's own data, counted the same way the database calendar is: no database needed.
PACKAGE = WorkCalendar(
    holidays=chinese_calendar.holidays, workdays=chinese_calendar.workdays, years=range(2004, 2027)
)
days = st.dates(min_value=D("2003-06-01"), max_value=D("2028-06-30"))
limits = st.integers(min_value=0, max_value=120)


@given(days, st.integers(min_value=1, max_value=120))
def test_the_nth_working_day_is_a_working_day(start, n):
    assert PACKAGE.is_working_day(PACKAGE.add_working_days(start, n))


@given(days, limits)
def test_working_days_between_inverts_add_working_days(start, n):
    assert PACKAGE.working_days_between(start, PACKAGE.add_working_days(start, n)) == n


@given(days, limits)
def test_add_working_days_grows_with_n(start, n):
    assert PACKAGE.add_working_days(start, n) < PACKAGE.add_working_days(start, n + 1)


@given(days, st.integers(min_value=0, max_value=400))
def test_working_days_between_matches_a_day_by_day_count(a, length):
    b = a + timedelta(days=length)
    counted = sum(PACKAGE.is_working_day(a + timedelta(days=i)) for i in range(1, length + 1))
    assert PACKAGE.working_days_between(a, b) == counted


@given(days, limits, st.lists(st.tuples(st.integers(0, 200), st.integers(0, 30)), max_size=4))
@hypothesis_settings(max_examples=200)
def test_pauses_move_the_due_date_by_exactly_the_paused_working_days(start, n, raw_pauses):
    pauses = [(start + timedelta(days=offset), start + timedelta(days=offset + length), "检测")
              for offset, length in raw_pauses]
    deadline = compute_deadline(start, n, pauses, calendar=PACKAGE, today=start)
    assert deadline.due_date == PACKAGE.add_working_days(start, n + deadline.paused_days)
    assert deadline.remaining_working_days(deadline.due_date) == 0
    assert deadline.provisional == any(
        not PACKAGE.known(start + timedelta(days=i)) for i in range(1, (deadline.due_date - start).days + 1)
    )
