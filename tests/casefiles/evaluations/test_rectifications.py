"""整改: the deadline over 国庆 2026, who records the action and the call-back, the second
review after it, the lead's assignment, the light and its alerts once per change."""

import datetime

import pytest
from django.utils import timezone

from casefiles.cases.models import CaseFile, Status
from casefiles.errors import Conflict, Invalid, NotPermitted
from casefiles.evaluations import rectifications, reviews
from casefiles.evaluations.models import Level, Reason
from casefiles.journal.models import CaseEvent
from casefiles.notifications.models import Message
from casefiles.supervision import alerts
from tests.casefiles.conftest import fresh

pytestmark = pytest.mark.django_db

GIVEN = timezone.make_aware(datetime.datetime(2026, 9, 28, 10, 0))  # Monday, before 国庆 2026


@pytest.fixture
def concluded(submitted_case):
    CaseFile.objects.filter(pk=submitted_case.pk).update(status=Status.CONCLUDED, concluded_at=timezone.now())
    submitted_case.refresh_from_db()
    return submitted_case


@pytest.fixture
def bad(world, concluded):
    evaluation = reviews.give(concluded, fresh(world.applicant), Level.DISSATISFIED, reasons=[Reason.SLOW],
                              text="太慢", now=GIVEN)
    return evaluation.rectification


def test_the_deadline_counts_fifteen_working_days_over_national_day_2026(bad):
    # 9-29, 9-30 (2 days); 10-1 … 10-7 国庆 off; 10-8, 10-9, Saturday 10-10 (调休, worked),
    # 10-12 … 10-16, 10-19 … 10-23: the fifteenth working day is Friday 2026-10-23.
    assert bad.due == datetime.date(2026, 10, 23)
    assert not bad.due_provisional
    assert rectifications.deadline(datetime.date(2026, 9, 28)).due_date == datetime.date(2026, 10, 23)


def test_the_deadline_is_configurable(settings):
    settings.YIWANG_EVALUATIONS = {"RECTIFICATION_WORKING_DAYS": 5}
    # 9-29, 9-30, 10-8, 10-9, 10-10 (调休)
    assert rectifications.deadline(datetime.date(2026, 9, 28)).due_date == datetime.date(2026, 10, 10)


def test_only_the_departments_staff_record_the_action(world, bad):
    for outsider in (world.other_clerk, world.applicant, world.window, world.supervisor):
        with pytest.raises(NotPermitted):
            rectifications.record_action(bad, fresh(outsider), "已整改")
    with pytest.raises(Invalid):
        rectifications.record_action(bad, fresh(world.clerk), "  ")
    assert rectifications.status(bad) == rectifications.OPEN
    done = rectifications.record_action(bad, fresh(world.reviewer), "已约谈承办人")
    assert (done.action, done.acted_by, rectifications.status(done)) == ("已约谈承办人", world.reviewer, rectifications.ACTED)
    done = rectifications.record_action(bad, fresh(world.lead), "已约谈承办人，并修订办事指南")
    assert done.action == "已约谈承办人，并修订办事指南"
    recorded = CaseEvent.objects.filter(case=bad.evaluation.case, action="rectification_recorded")
    assert [e.comment for e in recorded.order_by("sequence")] == ["已约谈承办人", "已约谈承办人，并修订办事指南"]


def test_the_call_back_after_the_action_then_the_second_review(world, bad):
    case = bad.evaluation.case
    with pytest.raises(Conflict):
        rectifications.record_callback(bad, fresh(world.clerk), "已电话回访")  # nothing done yet
    with pytest.raises(Conflict):  # no second review before the call-back
        reviews.give(case, fresh(world.applicant), Level.SATISFIED)
    rectifications.record_action(bad, fresh(world.clerk), "已整改")
    with pytest.raises(NotPermitted):
        rectifications.record_callback(bad, fresh(world.other_clerk), "已电话回访")
    done = rectifications.record_callback(bad, fresh(world.decider), "已电话回访，申请人认可")
    assert rectifications.status(done) == rectifications.CALLED_BACK
    assert done.callback_by == world.decider and rectifications.light_of(done) is None
    told = Message.objects.get(recipient=world.applicant, kind=Message.Kind.REMINDER)
    assert told.link == f"/my/cases/{case.number}/" and case.number in told.title
    with pytest.raises(Conflict):
        rectifications.record_callback(done, fresh(world.decider), "再次回访")
    with pytest.raises(Conflict):
        rectifications.record_action(done, fresh(world.clerk), "改一改")
    second = reviews.give(case, fresh(world.applicant), Level.SATISFIED)
    assert second.round == 2
    assert [e.action for e in rectifications.history(done)] == [
        "rectification_opened", "rectification_recorded", "rectification_called_back"]


def test_the_lead_assigns_a_member_of_staff(world, bad):
    with pytest.raises(NotPermitted):
        rectifications.assign(bad, world.clerk, fresh(world.clerk))
    with pytest.raises(Invalid):
        rectifications.assign(bad, world.other_clerk, fresh(world.lead))
    done = rectifications.assign(bad, world.reviewer, fresh(world.lead))
    assert done.handler == world.reviewer
    assert CaseEvent.objects.filter(case=bad.evaluation.case, action="rectification_assigned").exists()


def test_the_light_yellow_near_red_past_the_due_date(bad):
    assert rectifications.colour_of(bad, datetime.date(2026, 10, 12)) == "green"
    assert rectifications.colour_of(bad, datetime.date(2026, 10, 20)) == "yellow"  # 3 working days left
    assert rectifications.colour_of(bad, datetime.date(2026, 10, 23)) == "yellow"  # the due date itself
    assert rectifications.colour_of(bad, datetime.date(2026, 10, 26)) == "red"


def test_the_pass_alerts_once_per_change(world, bad):
    rectifications.assign(bad, world.reviewer, fresh(world.lead))
    now = timezone.now()

    def alerted():
        return sorted(Message.objects.filter(kind=Message.Kind.ALERT).values_list("recipient__username", flat=True))

    assert alerts.run(datetime.date(2026, 10, 12), now)["rectifications"] == 0
    assert alerted() == []
    assert alerts.run(datetime.date(2026, 10, 20), now)["rectifications"] == 1
    assert alerted() == ["lead", "reviewer", "supervisor"]
    assert alerts.run(datetime.date(2026, 10, 21), now)["rectifications"] == 0  # still yellow: told already
    assert alerts.run(datetime.date(2026, 10, 26), now)["rectifications"] == 1  # red
    assert len(alerted()) == 6
    red = Message.objects.filter(kind=Message.Kind.ALERT, recipient=world.lead).order_by("pk").last()
    assert bad.evaluation.case.number in red.title and "2026-10-23" in red.body
    assert world.enterprise.name not in red.body
    assert alerts.run(datetime.date(2026, 10, 27), now)["rectifications"] == 0
    rectifications.record_action(bad, fresh(world.clerk), "已整改")
    rectifications.record_callback(bad, fresh(world.clerk), "已回访")
    assert alerts.run(datetime.date(2026, 10, 28), now)["rectifications"] == 0
    assert len(alerted()) == 6
