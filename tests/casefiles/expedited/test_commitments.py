import datetime

import pytest
from freezegun import freeze_time
from django.urls import reverse

from casefiles import errors
from casefiles.deadlines import working_days
from casefiles.expedited import commitments
from casefiles.expedited.models import PostApprovalCheck
from casefiles.handling import workflow
from casefiles.licenses.models import License
from casefiles.notifications.models import Message
from tests.casefiles.expedited.conftest import file

# A Wednesday, with no holiday in the next ten working days.
NOW = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def accepted(world, commitment_item):
    with freeze_time(NOW):
        case = file(world, {"area": 30, "commitment": True})
        workflow.perform(case, "accept", world.clerk)
    case.refresh_from_db()
    return case


def test_acceptance_decides_and_opens_the_check_due_in_working_days(world, accepted):
    assert accepted.status == "approved"
    license = License.objects.get(source_case=accepted)
    assert license.status == "valid"
    approve = accepted.events.get(action="approve")
    assert approve.actor is None and "clerk" in approve.comment  # the system, on the clerk's acceptance
    assert set(accepted.notices.values_list("kind", flat=True)) == {"acceptance", "approval"}
    check = PostApprovalCheck.objects.get(case=accepted)
    assert check.status == "open" and check.department == world.department
    assert check.due == working_days.get_calendar().add_working_days(NOW.date(), 10)
    assert check.due == datetime.date(2026, 3, 18)  # ten working days on, two weekends between


def test_without_verification_days_the_check_is_due_in_30_working_days(world, commitment_item):
    from cms.models import ServiceItemPage

    item = ServiceItemPage.objects.get(pk=world.item.pk)
    item.verification_days = None
    item.save_revision().publish()
    world.item = ServiceItemPage.objects.get(pk=item.pk)
    with freeze_time(NOW):
        case = file(world, {"area": 30, "commitment": True})
        workflow.perform(case, "accept", world.clerk)
    assert PostApprovalCheck.objects.get(case=case).due == working_days.get_calendar().add_working_days(NOW.date(), 30)


def test_finding_the_commitment_false_revokes_journals_and_tells_the_applicant(world, accepted):
    check = PostApprovalCheck.objects.get(case=accepted)
    commitments.find_false(check, world.decider, "现场核查：经营场所面积实为120平方米，与承诺不符。")
    check.refresh_from_db()
    assert check.status == "false_commitment" and check.checked_by == world.decider and check.checked_at
    license = License.objects.get(source_case=accepted)
    assert license.status == "revoked"
    assert license.events.filter(action="revoke").exists()
    event = accepted.events.get(action="commitment_false")
    assert event.actor == world.decider and event.data["licenses"] == [license.identifier]
    notice = accepted.notices.get(kind="revocation")
    assert event.data["notice"] == notice.number and "撤" in notice.number
    assert notice.content["title"] == "撤销行政许可决定书" and "120" in notice.content["reason"]
    assert Message.objects.filter(recipient=world.applicant, case=accepted, title__contains="revoked").exists() or \
        Message.objects.filter(recipient=world.applicant, case=accepted, body__contains="120").exists()
    with pytest.raises(errors.NotAllowedNow):  # recorded once
        commitments.confirm(check, world.decider, "again")


def test_the_revocation_notice_renders(world, accepted):
    from casefiles.notices import documents

    check = PostApprovalCheck.objects.get(case=accepted)
    commitments.find_false(check, world.clerk, "承诺不实")
    notice = accepted.notices.get(kind="revocation")
    assert documents.render(accepted, notice.kind, notice.number, notice.content)[:4] == b"%PDF"


def test_confirming_closes_the_check(world, accepted):
    check = PostApprovalCheck.objects.get(case=accepted)
    commitments.confirm(check, world.clerk, "现场核查属实。")
    check.refresh_from_db()
    assert check.status == "confirmed" and check.finding == "现场核查属实。"
    assert License.objects.get(source_case=accepted).status == "valid"
    assert accepted.events.filter(action="commitment_confirmed").exists()
    assert not commitments.checks_for(world.clerk).exists()


def test_a_finding_is_needed(world, accepted):
    check = PostApprovalCheck.objects.get(case=accepted)
    with pytest.raises(errors.GuardFailed):
        commitments.confirm(check, world.clerk, "  ")
    check.refresh_from_db()
    assert check.is_open


def test_a_reviewer_may_not_check_and_a_stranger_does_not_see_it(world, accepted, client):
    check = PostApprovalCheck.objects.get(case=accepted)
    with pytest.raises(errors.NotPermitted):
        commitments.confirm(check, world.reviewer, "ok")
    url = reverse("casefiles_workbench:check", args=[accepted.number])
    for who, status in (("other_clerk", 404), ("reviewer", 403)):
        client.force_login(getattr(world, who))
        assert client.get(url).status_code == status, who
        assert client.post(url, {"outcome": "confirmed", "finding": "ok"}).status_code == status, who
    client.force_login(world.stranger)  # no staff at all: the admin sends them to sign in, as on every workbench page
    response = client.post(url, {"outcome": "confirmed", "finding": "ok"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(world.other_clerk)
    assert accepted.number not in client.get(reverse("casefiles_workbench:checks")).content.decode()
    check.refresh_from_db()
    assert check.is_open


def test_the_workbench_lists_open_checks_overdue_marked_and_records_the_outcome(world, accepted, client):
    client.force_login(world.decider)
    with freeze_time(datetime.datetime(2026, 4, 1, 10, tzinfo=NOW.tzinfo)):
        page = client.get(reverse("casefiles_workbench:checks")).content.decode()
        assert accepted.number in page and "2026-03-18" in page and "wb-overdue" in page
        case_page = client.get(reverse("casefiles_workbench:case", args=[accepted.number])).content.decode()
        assert "post-approval-check" in case_page
    url = reverse("casefiles_workbench:check", args=[accepted.number])
    response = client.post(url, {"outcome": "false_commitment", "finding": "承诺不实"})
    assert response.status_code == 302
    assert License.objects.get(source_case=accepted).status == "revoked"
    assert f'href="{url}"' not in client.get(reverse("casefiles_workbench:checks")).content.decode()


def test_acceptance_with_a_license_that_cannot_be_issued_stays_accepted(world, commitment_item):
    world.department.uscc = ""
    world.department.save()
    case = file(world, {"area": 30, "commitment": True})
    workflow.perform(case, "accept", world.clerk)
    case.refresh_from_db()
    assert case.status == "accepted" and case.decided_at is None
    assert not PostApprovalCheck.objects.filter(case=case).exists()
    assert case.events.get(action="decide_on_commitment").data["reasons"]
