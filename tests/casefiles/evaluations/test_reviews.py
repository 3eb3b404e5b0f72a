"""好差评: who may review what and when; a bad review opens its rectification."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from casefiles.cases.models import CaseFile, Status
from casefiles.errors import Conflict, Invalid, NotAllowedNow, NotFound, NotPermitted
from casefiles.evaluations import reviews
from casefiles.evaluations.models import Evaluation, Level, Reason, Rectification
from tests.casefiles.conftest import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def concluded(submitted_case):
    CaseFile.objects.filter(pk=submitted_case.pk).update(status=Status.CONCLUDED, concluded_at=timezone.now())
    submitted_case.refresh_from_db()
    return submitted_case


def test_not_before_the_case_is_closed(world, submitted_case):
    with pytest.raises(NotAllowedNow):
        reviews.give(submitted_case, world.applicant, Level.SATISFIED)


def test_the_applicant_reviews_once(world, concluded):
    evaluation = reviews.give(concluded, fresh(world.applicant), Level.VERY_SATISFIED, reasons=[Reason.SLOW], text="很好")
    assert (evaluation.round, evaluation.level, evaluation.reasons, evaluation.department) == (1, 5, [], world.department)
    assert not Rectification.objects.exists()
    with pytest.raises(Conflict):
        reviews.give(concluded, fresh(world.applicant), Level.SATISFIED)


def test_staff_and_strangers_may_not(world, concluded):
    with pytest.raises(NotPermitted):
        reviews.give(concluded, fresh(world.clerk), Level.SATISFIED)
    with pytest.raises(NotFound):
        reviews.give(concluded, fresh(world.stranger), Level.SATISFIED)


def test_a_bad_review_needs_a_reason_and_opens_a_rectification(world, concluded):
    with pytest.raises(Invalid):
        reviews.give(concluded, fresh(world.applicant), Level.DISSATISFIED)
    with pytest.raises(Invalid):
        reviews.give(concluded, fresh(world.applicant), Level.DISSATISFIED, reasons=["nonsense"])
    now = timezone.make_aware(datetime.datetime(2026, 9, 28, 10, 0))  # before 国庆 2026
    evaluation = reviews.give(concluded, fresh(world.applicant), Level.DISSATISFIED, reasons=[Reason.MATERIALS_TWICE],
                              text="补正两次", now=now)
    rectification = evaluation.rectification
    assert rectification.department == world.department and rectification.due > datetime.date(2026, 10, 8)


def test_a_review_is_never_edited_or_deleted(world, concluded):
    evaluation = reviews.give(concluded, fresh(world.applicant), Level.SATISFIED)
    with pytest.raises(Exception), transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).update(level=1)
    with pytest.raises(Exception), transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).delete()
    assert Evaluation.objects.get(pk=evaluation.pk).level == Level.SATISFIED
