"""好差评's pages in the admin: the reviews each sees, a review with its rectification and the
exclusion forms, the rectification archive and its CSV, the requests waiting, the menu."""

import datetime

import pytest
from django.utils import timezone

from casefiles.cases.models import CaseFile, Status
from casefiles.evaluations import exclusions, rectifications, reviews
from casefiles.evaluations.models import Level, Reason
from tests.casefiles.conftest import fresh, submit_application

pytestmark = pytest.mark.django_db

GIVEN = timezone.make_aware(datetime.datetime(2026, 9, 28, 10, 0))


def concluded(case):
    CaseFile.objects.filter(pk=case.pk).update(status=Status.CONCLUDED, concluded_at=timezone.now())
    case.refresh_from_db()
    return case


@pytest.fixture
def bad(world, submitted_case):
    return reviews.give(concluded(submitted_case), fresh(world.applicant), Level.DISSATISFIED,
                        reasons=[Reason.MATERIALS_TWICE], text="=补正两次", now=GIVEN)


def test_staff_see_their_departments_reviews_without_the_applicant(world, bad, client):
    client.force_login(world.clerk)
    page = client.get("/admin/evaluations/").content.decode()
    assert bad.case.number in page and "不满意" in page and "多次要求补交材料" in page
    assert world.enterprise.name not in page and "applicant" not in page
    detail = client.get(f"/admin/evaluations/{bad.pk}/").content.decode()
    assert "2026-10-23" in detail and world.enterprise.name not in detail
    client.force_login(world.other_clerk)
    assert bad.case.number not in client.get("/admin/evaluations/").content.decode()
    assert client.get(f"/admin/evaluations/{bad.pk}/").status_code == 404
    client.force_login(world.applicant)
    assert client.get("/admin/evaluations/").status_code in (302, 403)


def test_the_filters(world, bad, client):
    good = reviews.give(concluded(submit_application(world, world.applicant, world.enterprise)),
                        fresh(world.applicant), Level.VERY_SATISFIED)
    client.force_login(world.supervisor)
    page = client.get("/admin/evaluations/?bad_only=on").content.decode()
    assert bad.case.number in page and good.case.number not in page
    page = client.get(f"/admin/evaluations/?level=5&department={world.department.pk}").content.decode()
    assert good.case.number in page and bad.case.number not in page
    assert bad.case.number not in client.get("/admin/evaluations/?since=2026-10-01").content.decode()
    assert client.get("/admin/evaluations/?level=9").status_code == 400


def test_the_department_rectifies_and_calls_back_on_the_page(world, bad, client):
    client.force_login(world.lead)
    url = f"/admin/evaluations/{bad.pk}/"
    assert client.post(url, {"form": "callback", "callback-text": "回访"}).status_code == 403  # no form yet
    assert client.post(url, {"form": "assign", "assign-handler": world.reviewer.pk}).status_code == 302
    assert client.post(url, {"form": "action", "action-text": ""}).status_code == 400
    assert client.post(url, {"form": "action", "action-text": "已约谈承办人"}).status_code == 302
    assert client.post(url, {"form": "callback", "callback-text": "已电话回访"}).status_code == 302
    page = client.get(url).content.decode()
    assert "已约谈承办人" in page and "已电话回访" in page and "已回访" in page
    assert 'id="rectification-history"' in page
    client.force_login(world.other_clerk)
    assert client.post(url, {"form": "action", "action-text": "x"}).status_code == 404


def test_the_exclusion_asked_by_the_department_decided_by_a_supervisor(world, bad, client):
    url = f"/admin/evaluations/{bad.pk}/"
    client.force_login(world.clerk)
    assert client.post(url, {"form": "exclude", "exclude-text": "辱骂工作人员"}).status_code == 302
    assert client.post(url, {"form": "decide", "decide-excluded": "yes", "decide-reason": "x"}).status_code == 403
    client.force_login(world.supervisor)
    waiting = client.get("/admin/evaluations/exclusions/").content.decode()
    assert bad.case.number in waiting and "辱骂工作人员" in waiting
    assert client.post(url, {"form": "decide", "decide-excluded": "yes", "decide-reason": "属恶意差评"}).status_code == 302
    assert exclusions.public_reason(bad) == "属恶意差评"
    assert bad.case.number not in client.get("/admin/evaluations/exclusions/").content.decode()
    client.force_login(world.lead)
    assert client.get("/admin/evaluations/exclusions/").status_code == 302  # Wagtail: not yours, back to the dashboard


def test_the_archive_and_its_csv(world, bad, client):
    rectification = bad.rectification
    rectifications.record_action(rectification, fresh(world.clerk), "已修订指南")
    rectifications.record_callback(rectification, fresh(world.clerk), "已回访", now=GIVEN + datetime.timedelta(days=7))
    reviews.give(bad.case, fresh(world.applicant), Level.SATISFIED)
    client.force_login(world.lead)
    page = client.get("/admin/evaluations/archive/").content.decode()
    assert bad.case.number in page and "已修订指南" in page and "满意" in page
    response = client.get("/admin/evaluations/archive/?format=csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    rows = text.strip().splitlines()
    assert len(rows) == 2 and bad.case.number in rows[1] and "'=补正两次" in rows[1]
    assert "按期" in rows[1] and "满意" in rows[1]
    client.force_login(world.other_clerk)
    assert bad.case.number not in client.get("/admin/evaluations/archive/").content.decode()


def test_the_menu(world, bad, client):
    client.force_login(world.supervisor)
    page = client.get("/admin/").content.decode()
    assert "/admin/evaluations/" in page and "/admin/evaluations/exclusions/" in page
    client.force_login(world.clerk)
    page = client.get("/admin/").content.decode()
    assert "/admin/evaluations/archive/" in page and "/admin/evaluations/exclusions/" not in page
