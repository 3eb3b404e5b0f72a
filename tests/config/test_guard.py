"""Odd input is refused at the door, by one middleware (config/guard.py)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config import guard

NUL, SURROGATE = "\x00", "\ud800"


def deep(levels: int, inner="1") -> str:
    return "[" * levels + inner + "]" * levels


# --- the depth, measured without recursion ------------------------------------------------------

@pytest.mark.parametrize(("text", "limit", "too_deep"), [
    (deep(64), 64, False),
    (deep(65), 64, True),
    (deep(10_000), 64, True),
    ('{"a": ' * 65 + "1" + "}" * 65, 64, True),
    (json.dumps({"text": "[" * 1000, "list": ["{" * 1000]}), 2, False),  # brackets in strings are text
    (json.dumps(["\"[[[", "\\", "\\\"[[["]) + deep(3), 3, False),  # escaped quotes and backslashes
    ("[]" * 100_000, 1, False),  # wide, not deep
    ("]" + "[" * 100, 64, False),  # a parser stops at the first character
    ('"unterminated [[[[', 2, True),  # an unterminated string: the count says more, never less
])
def test_the_depth_of_json(text, limit, too_deep):
    assert guard.json_too_deep(text, limit) is too_deep


# --- over HTTP ----------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/my/cases/%00/", "/licenses/shared/x%00y/", "/search%00/", "/static/%00.css"])
def test_a_nul_in_a_path_names_no_page(client, path):
    answer = client.get(path)
    assert answer.status_code == 404
    assert "text/html" in answer["Content-Type"]  # the site's own 404 page


@pytest.mark.django_db
def test_under_the_api_the_refusal_is_in_the_apis_shape(client):
    answer = client.get("/api/v1/cases/%00/")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    answer = client.get("/api/v1/activities/proposal/", {"activity": NUL})
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_characters" and answer.json()["messages"] == [answer.json()["detail"]]


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [
    {"QUERY_STRING": "q=%00"},
    {"QUERY_STRING": "%00=1"},
    {"HTTP_COOKIE": 'sessionid="\\000abcdefghijklmnop"'},  # a cookie's octal escape decodes to NUL
    {"HTTP_AUTHORIZATION": f"Token {NUL}"},
], ids=["query-value", "query-key", "cookie", "header"])
def test_a_nul_in_the_query_cookies_or_headers_is_refused(client, extra):
    assert client.get("/search/", **extra).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("body", [
    {"username": f"a{NUL}b", "password": "x"},
    {f"user{NUL}name": "a", "password": "x"},
    {"username": "a", "password": "x", "form_data": {"nested": [f"{SURROGATE}"]}},
    {"username": "a", "password": "x", "form_data": {SURROGATE: 1}},
], ids=["nul-value", "nul-key", "surrogate-value", "surrogate-key"])
def test_json_with_characters_no_database_takes_is_refused(client, body):
    text = json.dumps(body)  # ensure_ascii: "\u0000" and "\ud800" travel as escapes
    answer = client.post("/api/v1/auth/token/", text, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_characters"


@pytest.mark.django_db
def test_json_nested_too_deep_is_refused_before_any_parser(client):
    answer = client.post("/api/v1/auth/token/", deep(10_000), content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "too_deep"
    assert client.post("/api/v1/auth/token/", '{"a": ' * 10_000, content_type="application/json").status_code == 400


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_as_too_large(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = json.dumps({"username": "a" * 2000, "password": "x"})
    answer = client.post("/api/v1/auth/token/", big, content_type="application/json")
    assert answer.status_code == 413 and answer.json()["code"] == "too_large"
    assert client.post("/accounts/login/", {"login": "a" * 2000, "password": "x"}).status_code == 413


@pytest.mark.django_db
def test_json_that_is_not_json_is_left_to_the_apis_own_words(client):
    answer = client.post("/api/v1/auth/token/", '{"username": ', content_type="application/json")
    assert answer.status_code == 400 and "JSON" in answer.json()["detail"]
    broken = client.post("/api/v1/auth/token/", b'{"username": "\xed\xa0\x80"}', content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "invalid_body"


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [{"username": f"a{NUL}"}, {f"a{NUL}": "x"}], ids=["value", "name"])
def test_a_nul_in_a_form_field_is_refused(client, fields):
    assert client.post("/accounts/login/", fields).status_code == 400
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert client.post("/accounts/login/", {**fields, "file": upload}).status_code == 400  # multipart too


@pytest.mark.django_db
def test_a_files_contents_may_hold_anything(client):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\x00\x00\xed\xa0\x80\x00", content_type="application/pdf")
    answer = client.post("/accounts/login/", {"login": "a", "password": "b", "file": upload})
    assert answer.status_code == 200  # the form again: a wrong password, not a refusal


@pytest.mark.django_db
def test_an_address_longer_than_the_servers_take_is_refused(client):
    assert client.get("/search/", {"q": "x" * 5000}).status_code == 414
    assert client.get("/search/", {"q": "x" * 3000}).status_code == 200
    assert client.get("/api/v1/cases/" + "x" * 5000 + "/").json()["code"] == "too_long"
