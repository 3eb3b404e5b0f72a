"""电子监察's tests: a case under review whose dates put it in the light asked for, on a fixed day."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from casefiles.cases.models import CaseFile, Status
from casefiles.supervision.models import Assignment, Stage

TODAY = date(2026, 3, 10)  # a Tuesday, no holiday near
NOW = timezone.make_aware(datetime.combine(TODAY, time(9, 30)))


def put_in(case, light, today=TODAY):
    """``case`` under review, its dates giving it ``light`` on ``today``."""
    dates = {
        "green": (today + timedelta(days=30), today + timedelta(days=40)),
        "yellow": (today, today + timedelta(days=20)),
        "red": (today - timedelta(days=10), today - timedelta(days=1)),
    }[light]
    CaseFile.objects.filter(pk=case.pk).update(status=Status.UNDER_REVIEW, accepted_at=NOW - timedelta(days=20),
                                               promised_due=dates[0], statutory_due=dates[1])
    case.refresh_from_db()
    return case


@pytest.fixture
def review_case(world, submitted_case):
    """The submitted case under review (green), its review handled by the world's reviewer."""
    put_in(submitted_case, "green")
    Assignment.objects.create(case=submitted_case, stage=Stage.REVIEW, handler=world.reviewer,
                              how=Assignment.How.ASSIGNED, by=world.lead, since=NOW - timedelta(days=5))
    return submitted_case
