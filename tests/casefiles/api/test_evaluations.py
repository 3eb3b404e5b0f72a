"""/api/v1/cases/<number>/evaluation/: 好差评 — the reviews, giving one, the refusals' statuses."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from casefiles.evaluations.models import Evaluation, Rectification
from tests.casefiles.conftest import fresh
from tests.casefiles.evaluations.closing import conclude

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(fresh(user))
    return client


def url(case):
    return f"/api/v1/cases/{case.number}/evaluation/"


def test_the_applicant_reviews_and_the_staff_read_it(world, submitted_case):
    assert api(world.applicant).post(url(submitted_case), {"level": 5}, format="json").status_code == 409
    case = conclude(submitted_case)
    answer = api(world.applicant).get(url(case)).json()
    assert answer == {"reviews": [], "may_review": True, "next_round": 1}
    created = api(world.applicant).post(url(case), {"level": 2, "reasons": ["materials_twice"], "text": "补正两次"},
                                        format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["level"], body["reasons"], body["text"], body["round"], body["rectified"]) == (
        2, ["materials_twice"], "补正两次", 1, False)
    assert body["level_display"] == "Dissatisfied" and body["rectification_due"]
    staff = api(world.clerk).get(url(case)).json()
    assert [r["level"] for r in staff["reviews"]] == [2] and staff["may_review"] is False
    assert api(world.applicant).post(url(case), {"level": 5}, format="json").status_code == 409
    Rectification.objects.update(callback="已回访", callback_at=timezone.now())
    assert api(world.applicant).get(url(case)).json()["next_round"] == 2
    assert api(world.applicant).post(url(case), {"level": 4}, format="json").status_code == 201


def test_the_refusals_keep_their_statuses(world, submitted_case):
    case = conclude(submitted_case)
    assert api(world.stranger).get(url(case)).status_code == 404
    assert api(world.stranger).post(url(case), {"level": 5}, format="json").status_code == 404
    assert api(world.applicant).get("/api/v1/cases/NOPE/evaluation/").status_code == 404
    assert api(world.clerk).post(url(case), {"level": 5}, format="json").status_code == 403
    assert api(world.applicant).post(url(case), {"level": 2}, format="json").status_code == 400  # no reason
    assert api(world.applicant).post(url(case), {"level": 9}, format="json").status_code == 400
    assert api(world.applicant).post(url(case), {"level": 1, "reasons": ["bogus"]}, format="json").status_code == 400
    assert not Evaluation.objects.exists()


def test_the_schema_lists_the_levels_and_reasons():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/cases/{number}/evaluation/"]
    assert {"200", "404"} <= set(operation["get"]["responses"])
    assert {"201", "400", "403", "404", "409"} <= set(operation["post"]["responses"])
    text = str(schema["components"]["schemas"])
    assert "materials_twice" in text and "very_dissatisfied" not in text  # the reasons and levels are enums
