"""评价器: a window visit rated once by its token, on a page needing no sign-in; old tokens refused."""

import datetime

import pytest
from django.utils import timezone

from casefiles.errors import Conflict, NotFound, NotPermitted
from casefiles.evaluations import window
from casefiles.evaluations.models import Evaluation, Level, Reason, Rectification

pytestmark = pytest.mark.django_db


def test_a_window_clerk_or_the_departments_clerk_opens_a_visit(world, submitted_case):
    visit = window.open_visit(world.window, world.other_department, submitted_case)
    assert len(visit.token) == 43 and visit.case == submitted_case and visit.clerk == world.window
    assert window.open_visit(world.clerk, world.department).department == world.department
    assert window.open_visit(world.window, world.department).token != visit.token
    for stranger, department in ((world.applicant, world.department), (world.clerk, world.other_department),
                                 (world.reviewer, world.department)):
        with pytest.raises(NotPermitted):
            window.open_visit(stranger, department)
    assert list(window.departments_for(world.clerk)) == [world.department]


def test_the_visit_is_rated_once_with_no_user(world):
    visit = window.open_visit(world.clerk, world.department)
    rating = window.rate(visit.token, Level.VERY_DISSATISFIED, [Reason.ATTITUDE], "态度差")
    assert (rating.visit, rating.by, rating.department, rating.channel) == (visit, None, world.department, "window")
    assert Rectification.objects.get().evaluation == rating  # a bad rating opens its rectification
    with pytest.raises(Conflict):
        window.rate(visit.token, Level.SATISFIED)
    assert Evaluation.objects.count() == 1
    assert window.rating_of(window.visit_for(visit.token)) == rating


def test_an_expired_or_unknown_token_is_refused(world):
    now = timezone.now()
    visit = window.open_visit(world.window, world.department, now=now - datetime.timedelta(hours=2, minutes=1))
    with pytest.raises(NotFound):
        window.rate(visit.token, Level.SATISFIED, now=now)
    with pytest.raises(NotFound):
        window.rate("not-a-token", Level.SATISFIED)
    fresh = window.open_visit(world.window, world.department, now=now - datetime.timedelta(hours=1, minutes=59))
    assert window.rate(fresh.token, Level.SATISFIED, now=now).level == Level.SATISFIED
