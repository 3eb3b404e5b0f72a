"""催评: one reminder, three working days after a case closed (国庆 2026 in between), none after a review."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from casefiles.evaluations import reminders, reviews
from casefiles.evaluations.models import Level, Reminder
from casefiles.handling import workflow
from casefiles.notifications.models import Message
from tests.casefiles.evaluations.closing import conclude

pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


SEP_30 = datetime.date(2026, 9, 30)  # a Wednesday; 1–7 October are holidays, Saturday 10 October is worked (调休)


def test_three_working_days_after_conclusion_across_the_holiday_once(world, submitted_case):
    case = conclude(submitted_case, at(SEP_30))
    for day in (datetime.date(2026, 10, 3), datetime.date(2026, 10, 8), datetime.date(2026, 10, 9)):
        assert reminders.send_due(today=day, now=at(day)) == 0, day
    assert reminders.send_due(today=datetime.date(2026, 10, 10), now=at(datetime.date(2026, 10, 10))) == 1
    message = Message.objects.get(kind=Message.Kind.REMINDER)
    assert (message.recipient, message.case, message.link) == (world.applicant, case, f"/my/cases/{case.number}/")
    assert case.item_title in message.title
    assert Reminder.objects.get().case == case
    later = datetime.date(2026, 10, 12)
    assert reminders.send_due(today=later, now=at(later)) == 0  # once
    assert Message.objects.filter(kind=Message.Kind.REMINDER).count() == 1


def test_none_after_a_review(world, submitted_case):
    case = conclude(submitted_case, timezone.now() - datetime.timedelta(days=10))
    reviews.give(case, world.applicant, Level.SATISFIED)
    assert reminders.send_due() == 0
    assert not Message.objects.filter(kind=Message.Kind.REMINDER).exists() and not Reminder.objects.exists()


def test_a_withdrawn_case_counts_from_its_withdrawal_and_the_tick_sends(world, submitted_case):
    workflow.perform(submitted_case, "withdraw", world.applicant)
    assert reminders.send_due() == 0  # withdrawn just now
    call_command("casefiles", "tick")  # nothing due yet either
    week = timezone.now() + datetime.timedelta(days=7)
    assert reminders.send_due(today=timezone.localdate(week), now=week) == 1
    assert Reminder.objects.get().case == submitted_case


def test_long_closed_cases_are_left_alone(world, submitted_case):
    conclude(submitted_case, timezone.now() - datetime.timedelta(days=200))
    assert reminders.send_due() == 0
