"""恶意差评: the department asks, only a supervisor decides; an upheld exclusion leaves the counts."""

import pytest
from django.utils import timezone

from casefiles.cases.models import CaseFile, Status
from casefiles.errors import Conflict, Invalid, NotPermitted
from casefiles.evaluations import exclusions, reviews
from casefiles.evaluations.models import Evaluation, Level, Reason
from casefiles.journal.models import CaseEvent
from tests.casefiles.conftest import fresh, submit_application

pytestmark = pytest.mark.django_db


def concluded(case):
    CaseFile.objects.filter(pk=case.pk).update(status=Status.CONCLUDED, concluded_at=timezone.now())
    case.refresh_from_db()
    return case


@pytest.fixture
def bad(world, submitted_case):
    return reviews.give(concluded(submitted_case), fresh(world.applicant), Level.VERY_DISSATISFIED,
                        reasons=[Reason.ATTITUDE], text="恶意")


def test_the_department_asks_once(world, bad):
    for outsider in (world.other_clerk, world.applicant, world.reviewer, world.supervisor):
        with pytest.raises(NotPermitted):
            exclusions.request(bad, fresh(outsider), "恶意差评")
    with pytest.raises(Invalid):
        exclusions.request(bad, fresh(world.lead), "")
    exclusion = exclusions.request(bad, fresh(world.clerk), "申请人辱骂工作人员，与办理无关")
    assert exclusion.excluded is None and not exclusions.is_excluded(bad)
    with pytest.raises(Conflict):
        exclusions.request(bad, fresh(world.lead), "再次申请")
    assert list(exclusions.waiting()) == [exclusion]
    assert CaseEvent.objects.filter(case=bad.case, action="exclusion_requested").exists()


def test_a_good_review_is_not_excluded(world, submitted_case):
    good = reviews.give(concluded(submitted_case), fresh(world.applicant), Level.SATISFIED)
    with pytest.raises(Conflict):
        exclusions.request(good, fresh(world.lead), "不想要")


def test_only_a_supervisor_decides_with_a_reason_once(world, bad):
    exclusion = exclusions.request(bad, fresh(world.lead), "与办理无关")
    with pytest.raises(NotPermitted):
        exclusions.decide(exclusion, fresh(world.lead), True, "同意")
    with pytest.raises(Invalid):
        exclusions.decide(exclusion, fresh(world.supervisor), True, " ")
    decided = exclusions.decide(exclusion, fresh(world.supervisor), True, "评价内容与办理事项无关，属恶意差评")
    assert decided.excluded is True and decided.decided_by == world.supervisor
    assert exclusions.is_excluded(bad)
    assert exclusions.public_reason(bad) == "评价内容与办理事项无关，属恶意差评"
    with pytest.raises(Conflict):
        exclusions.decide(exclusion, fresh(world.supervisor), False, "改判")
    assert list(exclusions.waiting()) == []
    assert CaseEvent.objects.filter(case=bad.case, action="exclusion_decided").exists()


def test_counted_leaves_out_only_upheld_exclusions(world, bad):
    other = submit_application(world, world.applicant, world.enterprise)
    rejected = reviews.give(concluded(other), fresh(world.applicant), Level.DISSATISFIED, reasons=[Reason.SLOW])
    third = reviews.give(concluded(submit_application(world, world.applicant, world.enterprise)),
                         fresh(world.applicant), Level.VERY_SATISFIED)
    exclusions.decide(exclusions.request(bad, fresh(world.lead), "恶意"), fresh(world.supervisor), True, "恶意差评")
    exclusions.decide(exclusions.request(rejected, fresh(world.lead), "恶意"), fresh(world.supervisor), False,
                      "评价反映的超时属实")
    assert set(exclusions.counted(Evaluation.objects.all())) == {rejected, third}
    assert exclusions.counted(Evaluation.objects.filter(department=world.department)).count() == 2
    assert exclusions.public_reason(rejected) is None
