"""/api/v1/supervision/: orders and cards, refused as in the other channels."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from casefiles.supervision import cards
from tests.casefiles.conftest import fresh
from tests.casefiles.supervision.conftest import NOW, TODAY, put_in, review_case  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(fresh(user))
    return client


def due(days=3):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_issue_list_detail_and_reply(world, review_case):
    made = api(world.supervisor).post("/api/v1/supervision/orders/", {
        "case": review_case.number, "subject": "请加快审查", "text": "说明延误原因。", "reply_due": due()}, format="json")
    assert made.status_code == 201, made.content
    order = made.json()
    assert (order["case"], order["department"], order["status"]) == (review_case.number, world.department.code, "waiting")
    listed = api(world.clerk).get("/api/v1/supervision/orders/?status=waiting").json()
    assert [row["id"] for row in listed["results"]] == [order["id"]]
    assert api(world.other_clerk).get(f"/api/v1/supervision/orders/{order['id']}/").status_code == 404
    assert api(world.supervisor).post(f"/api/v1/supervision/orders/{order['id']}/reply/", {"text": "x"}).status_code == 403
    replied = api(world.clerk).post(f"/api/v1/supervision/orders/{order['id']}/reply/", {"text": "已督促。"})
    assert replied.status_code == 200 and replied.json()["status"] == "answered"
    assert api(world.lead).post(f"/api/v1/supervision/orders/{order['id']}/reply/", {"text": "y"}).status_code == 409


def test_refusals(world, review_case):
    body = {"department": world.department.code, "subject": "x", "text": "y", "reply_due": due()}
    assert api(world.lead).post("/api/v1/supervision/orders/", body, format="json").status_code == 403
    assert api(world.supervisor).post("/api/v1/supervision/orders/", {**body, "reply_due": due(0)},
                                      format="json").status_code == 400
    assert api(world.supervisor).post("/api/v1/supervision/orders/", {**body, "department": "NOPE"},
                                      format="json").status_code == 404
    assert api(world.applicant).get("/api/v1/supervision/orders/").status_code == 403
    assert api(world.applicant).get("/api/v1/supervision/cards/").status_code == 403


def test_cards(world, review_case):
    put_in(review_case, "red")
    cards.make_cards(TODAY, NOW)
    found = api(world.lead).get("/api/v1/supervision/cards/").json()["results"]
    assert sorted(row["rule"] for row in found) == ["past_promised", "past_statutory"]
    assert api(world.other_clerk).get("/api/v1/supervision/cards/").json()["results"] == []
