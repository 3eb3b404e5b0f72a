"""/api/v1/evaluations/: the reviews staff see, a rectification's action and call-back, the
request to exclude and its decision — refused with the same statuses as the workbench."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from casefiles.cases.models import CaseFile, Status
from casefiles.evaluations import reviews
from casefiles.evaluations.models import Level, Reason
from tests.casefiles.conftest import fresh, submit_application

pytestmark = pytest.mark.django_db

GIVEN = timezone.make_aware(datetime.datetime(2026, 9, 28, 10, 0))


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(fresh(user))
    return client


def concluded(case):
    CaseFile.objects.filter(pk=case.pk).update(status=Status.CONCLUDED, concluded_at=timezone.now())
    case.refresh_from_db()
    return case


@pytest.fixture
def bad(world, submitted_case):
    return reviews.give(concluded(submitted_case), fresh(world.applicant), Level.DISSATISFIED,
                        reasons=[Reason.SLOW], text="太慢", now=GIVEN)


def test_the_list_each_sees(world, bad):
    good = reviews.give(concluded(submit_application(world, world.applicant, world.enterprise)),
                        fresh(world.applicant), Level.SATISFIED)
    listed = api(world.clerk).get("/api/v1/evaluations/").json()["results"]
    assert {row["id"] for row in listed} == {bad.pk, good.pk}
    row = next(r for r in listed if r["id"] == bad.pk)
    assert (row["case"], row["level"], row["rectification"], row["excluded"]) == (bad.case.number, 2, "open", False)
    assert "by" not in row and world.enterprise.name not in str(listed)
    assert [r["id"] for r in api(world.supervisor).get("/api/v1/evaluations/?bad_only=true").json()["results"]] == [bad.pk]
    assert api(world.other_clerk).get("/api/v1/evaluations/").json()["results"] == []
    assert api(world.applicant).get("/api/v1/evaluations/").status_code == 403
    assert api(world.clerk).get("/api/v1/evaluations/?level=9").status_code == 400


def test_the_rectification_action_and_call_back(world, bad):
    url = f"/api/v1/evaluations/{bad.pk}/rectification/"
    got = api(world.clerk).get(url).json()
    assert (got["due"], got["status"]) == ("2026-10-23", "open")
    assert api(world.other_clerk).get(url).status_code == 404
    assert api(world.clerk).post(url + "callback/", {"text": "回访"}).status_code == 409  # nothing done yet
    assert api(world.supervisor).post(url + "action/", {"text": "x"}).status_code == 403
    assert api(world.clerk).post(url + "action/", {"text": ""}).status_code == 400
    acted = api(world.clerk).post(url + "action/", {"text": "已整改"})
    assert acted.status_code == 200 and acted.json()["status"] == "acted"
    called = api(world.lead).post(url + "callback/", {"text": "已回访"})
    assert called.status_code == 200 and called.json()["status"] == "called_back" and called.json()["light"] == ""
    assert api(world.lead).post(url + "callback/", {"text": "again"}).status_code == 409
    assert reviews.give(bad.case, fresh(world.applicant), Level.SATISFIED).round == 2


def test_the_exclusion_request_and_decision(world, bad):
    url = f"/api/v1/evaluations/{bad.pk}/exclusion/"
    assert api(world.lead).post(url + "decide/", {"excluded": True, "reason": "x"}).status_code == 404  # none asked
    assert api(world.reviewer).post(url, {"grounds": "恶意"}).status_code == 403
    made = api(world.lead).post(url, {"grounds": "恶意"})
    assert made.status_code == 201 and made.json()["status"] == "waiting"
    assert api(world.lead).post(url, {"grounds": "again"}).status_code == 409
    assert api(world.lead).post(url + "decide/", {"excluded": True, "reason": "x"}).status_code == 403
    decided = api(world.supervisor).post(url + "decide/", {"excluded": True, "reason": "属恶意差评"}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "excluded"
    assert api(world.supervisor).post(url + "decide/", {"excluded": False, "reason": "y"}).status_code == 409
    assert api(world.clerk).get("/api/v1/evaluations/").json()["results"][0]["excluded"] is True
