"""The anonymous progress look-up, and the rate limiter it shares with license verification."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from casefiles.handling import applications, workflow
from casefiles.notices import documents
from config import ratelimit


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def look_up(client, number, code, **extra):
    return client.get(reverse("casefiles:progress"), {"number": number, "code": code}, **extra)


def answer(response) -> str:
    """The page's answer box (result or not-found), whitespace folded."""
    body = response.content.decode()
    match = re.search(r'<section class="result".*?</section>', body, re.S) or re.search(
        r'<div class="error-box" role="alert" id="not-found">.*?</div>', body, re.S
    )
    return re.sub(r"\s+", " ", match.group(0)) if match else ""


def test_the_right_code_shows_status_item_department_and_dates_only(world, client, submitted_case):
    case = submitted_case
    workflow.perform(case, "accept", world.clerk)
    case.refresh_from_db()
    response = look_up(client, case.number, case.verification_code)
    assert response.status_code == 200
    shown = answer(response)
    assert "Accepted" in shown and case.item_title in shown and world.department.name in shown
    assert case.promised_due.isoformat() in shown
    body = response.content.decode()
    assert case.applicant_name and case.applicant_code and case.contact_name
    for private in (case.applicant_name, case.applicant_code, case.contact_name,
                    "食品经营许可申请书.pdf", "营业执照.pdf", world.clerk.username):
        assert private not in body, private
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "no-referrer"


def test_the_code_is_read_forgivingly(world, client, submitted_case):
    code = submitted_case.verification_code
    spaced = f" {code[:4].lower()} {code[4:].lower()} "
    assert "Submitted" in answer(look_up(client, f" {submitted_case.number} ", spaced))


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(world, client, submitted_case):
    wrong_code = look_up(client, submitted_case.number, "ZZZZZZZZ" if submitted_case.verification_code != "ZZZZZZZZ" else "YYYYYYYY")
    unknown = look_up(client, "440400209901010000001", submitted_case.verification_code)
    assert wrong_code.status_code == unknown.status_code == 200
    assert answer(wrong_code) == answer(unknown) != ""
    assert "No case matches" in answer(unknown)
    assert submitted_case.item_title not in wrong_code.content.decode()


def test_a_draft_is_not_found(world, client):
    draft = applications.start(world.applicant, world.item, world.enterprise)
    assert "No case matches" in answer(look_up(client, draft.number, draft.verification_code))


def test_the_link_on_every_notice_opens_the_answer(world, client, submitted_case):
    url = urlsplit(documents.progress_url(submitted_case))
    response = client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200 and submitted_case.item_title in answer(response)


def test_empty_look_ups_are_not_counted_and_both_fields_are_needed(world, client):
    for _ in range(15):
        assert client.get(reverse("casefiles:progress")).status_code == 200
    for _ in range(15):
        empty = client.get(reverse("casefiles:progress"), {"number": "", "code": ""})
        assert empty.status_code == 200 and 'id="id_number_error"' in empty.content.decode()
    response = client.get(reverse("casefiles:progress"), {"number": "440400202601010000001"})
    assert response.status_code == 200
    assert 'id="id_code_error"' in response.content.decode()
    assert 'aria-describedby="id_code_helptext id_code_error"' in response.content.decode()


def test_look_ups_are_rate_limited_per_client_address(world, client, submitted_case):
    number, code = submitted_case.number, submitted_case.verification_code
    for attempt in range(10):
        assert look_up(client, number, f"WRONG{attempt:03d}", REMOTE_ADDR="203.0.113.7").status_code == 200
    refused = look_up(client, number, code, REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    body = refused.content.decode()
    assert "Too many look-ups from your address." in body
    assert submitted_case.item_title not in body  # not even the right code gets through
    # Another address is counted on its own; a forged X-Forwarded-For changes nothing.
    assert look_up(client, number, code, REMOTE_ADDR="198.51.100.2").status_code == 200
    forged = look_up(client, number, code, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert forged.status_code == 429


# --- config/ratelimit.py -----------------------------------------------------------------------

def test_hit_counts_within_a_window_and_starts_again_in_the_next():
    start = 1_800_000_000.0  # a multiple of 60
    assert all(ratelimit.hit("test:window", 3, 60, now=start + i) for i in range(3))
    assert not ratelimit.hit("test:window", 3, 60, now=start + 30)
    assert ratelimit.hit("test:other-key", 3, 60, now=start + 30)
    assert ratelimit.hit("test:window", 3, 60, now=start + 60)
    assert ratelimit.retry_after(60, now=start + 45) == 15


def test_behind_a_proxy_clients_are_told_apart_by_forwarded_for(world, client, submitted_case, settings):
    settings.YIWANG_TRUSTED_PROXIES = 1
    number = submitted_case.number
    for attempt in range(10):
        look_up(client, number, f"X{attempt}", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert look_up(client, number, "X", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert look_up(client, number, "X", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
