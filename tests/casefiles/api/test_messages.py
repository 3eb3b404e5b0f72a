"""/api/v1/messages/: the caller's own inbox — listing, the unread count, marking read."""

import pytest
from rest_framework.test import APIClient

from casefiles.handling import workflow
from casefiles.notifications import messages
from tests.casefiles.conftest import fresh

Kind = messages.Kind


def api(user=None, **extra):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", **extra)
    if user is not None:
        client.force_authenticate(fresh(user))
    return client


def test_the_list_is_ones_own_newest_first_with_the_case_and_its_page(world, submitted_case):
    workflow.perform(submitted_case, "accept", world.clerk)
    messages.post([world.stranger], Kind.SYSTEM, "别人的", "")
    answer = api(world.applicant).get("/api/v1/messages/")
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert answer.json()["count"] == 2
    newest = results[0]
    assert newest["title"].endswith("已受理") and newest["kind"] == "case" and newest["kind_display"] == "Case update"
    assert newest["case"] == submitted_case.number and newest["link"] == f"/my/cases/{submitted_case.number}/"
    assert newest["url"] == f"http://testserver/my/cases/{submitted_case.number}/"
    assert newest["read_at"] is None and newest["is_read"] is False
    assert all(m["title"] != "别人的" for m in results)


def test_the_list_filters_by_unread_and_kind(world):
    read, = messages.post([world.applicant], Kind.CASE, "已读", "")
    messages.post([world.applicant], Kind.CASE, "未读", "")
    messages.post([world.applicant], Kind.POLICY, "政策", "")
    messages.mark_read(world.applicant, [read.pk])
    client = api(world.applicant)

    def titles(**query):
        return [m["title"] for m in client.get("/api/v1/messages/", query).json()["results"]]

    assert titles(unread=1) == ["政策", "未读"]
    assert titles(kind="case") == ["未读", "已读"]
    assert titles(unread=1, kind="case") == ["未读"]
    refused = client.get("/api/v1/messages/", {"kind": "gossip"})
    assert refused.status_code == 400 and refused.json()["kind"] == ["There is no such kind of message."]
    assert client.get("/api/v1/messages/", {"unread": "perhaps"}).status_code == 400


def test_the_unread_count_and_marking_one_read(world):
    message, = messages.post([world.applicant], Kind.SYSTEM, "一", "")
    messages.post([world.applicant], Kind.SYSTEM, "二", "")
    client = api(world.applicant)
    assert client.get("/api/v1/messages/unread-count/").json() == {"unread": 2}
    answer = client.post(f"/api/v1/messages/{message.pk}/read/")
    assert answer.status_code == 200 and answer.json()["is_read"] is True and answer.json()["read_at"]
    first_read = answer.json()["read_at"]
    assert client.post(f"/api/v1/messages/{message.pk}/read/").json()["read_at"] == first_read  # read once, when it was
    assert client.get("/api/v1/messages/unread-count/").json() == {"unread": 1}


def test_someone_elses_message_is_not_found_like_a_missing_one(world):
    theirs, = messages.post([world.stranger], Kind.SYSTEM, "别人的", "")
    client = api(world.applicant)
    someone_elses = client.post(f"/api/v1/messages/{theirs.pk}/read/")
    missing = client.post(f"/api/v1/messages/{theirs.pk + 1000}/read/")
    assert someone_elses.status_code == missing.status_code == 404
    assert someone_elses.json() == missing.json() == {"detail": "No such message.", "messages": ["No such message."],
                                                      "code": "not_found"}
    assert messages.unread_count(world.stranger) == 1


def test_read_all_marks_ones_own(world):
    messages.post([world.applicant, world.stranger], Kind.SYSTEM, "一", "")
    messages.post([world.applicant], Kind.SYSTEM, "二", "")
    answer = api(world.applicant).post("/api/v1/messages/read-all/")
    assert answer.status_code == 200 and answer.json() == {"marked": 2, "unread": 0}
    assert messages.unread_count(world.stranger) == 1


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/messages/"), ("get", "/api/v1/messages/unread-count/"),
    ("post", "/api/v1/messages/1/read/"), ("post", "/api/v1/messages/read-all/"),
])
def test_a_caller_who_is_not_signed_in_is_refused(world, method, path):
    answer = getattr(api(), method)(path)
    assert answer.status_code in (401, 403) and answer.json()["code"] == "not_authenticated"


def test_a_browser_session_needs_its_csrf_token_to_mark_read(world):
    message, = messages.post([world.applicant], Kind.SYSTEM, "一", "")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.applicant)
    assert client.post(f"/api/v1/messages/{message.pk}/read/").status_code == 403
    assert client.post("/api/v1/messages/read-all/").status_code == 403
    assert messages.unread_count(world.applicant) == 1


def test_a_token_marks_read_as_its_user(world):
    from rest_framework.authtoken.models import Token

    message, = messages.post([world.applicant], Kind.SYSTEM, "一", "")
    token = Token.objects.create(user=world.applicant)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.post(f"/api/v1/messages/{message.pk}/read/").status_code == 200
    assert messages.unread_count(world.applicant) == 0
