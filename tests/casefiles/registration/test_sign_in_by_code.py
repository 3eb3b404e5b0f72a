"""Sign-in by a code texted to the mobile number (allauth's login by code), limited per number
and per client address like every limiter of the site: HTTP 429 with ``Retry-After``."""

import pytest

from tests.casefiles.registration.conftest import (
    MOBILE, code_in, confirm_sign_in_code, page_text, request_sign_in_code, texts_to,
)

pytestmark = pytest.mark.django_db


def signed_in(client):
    return client.session.get("_auth_user_id")


def test_a_citizen_signs_in_with_the_code_texted_to_her_mobile(client, citizen, outbox):
    answer = request_sign_in_code(client)
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/code/confirm/"
    page = client.get(answer["Location"])
    assert page.status_code == 200 and MOBILE in page_text(page)
    answer = confirm_sign_in_code(client, code_in(outbox, MOBILE))
    assert answer.status_code == 302 and signed_in(client) == str(citizen.user_id)


def test_the_sign_in_page_links_registration_sms_sign_in_and_the_reset(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    text = page_text(client.get("/accounts/login/"))
    assert "一网通办" in text and "Wagtail" not in text
    for link in ("/accounts/signup/", "/accounts/login/code/", "/accounts/password/reset/sms/"):
        assert f'href="{link}' in text


def test_an_unknown_number_gets_the_same_page_and_a_text_saying_so(client, citizen, outbox):
    def seen(mobile):
        answer = request_sign_in_code(client, mobile)
        page = client.get(answer["Location"])
        client.cookies.clear()
        return answer.status_code, answer["Location"], page_text(page).replace(mobile, "<number>").splitlines()

    assert seen(MOBILE) == seen("13500135000")
    assert code_in(outbox, "13500135000") is None and "no account" in texts_to(outbox, "13500135000")[0]


def test_one_text_a_minute_to_a_number(client, citizen, outbox):
    assert request_sign_in_code(client).status_code == 302
    client.cookies.clear()
    again = request_sign_in_code(client)
    assert again.status_code == 429 and 0 < int(again["Retry-After"]) <= 60
    assert "Too many text messages" in page_text(again) and f'value="{MOBILE}"' in page_text(again)
    assert len(texts_to(outbox, MOBILE)) == 1


def test_twenty_texts_an_hour_from_an_address(client, outbox):
    def ask(number, **extra):
        client.cookies.clear()  # a fresh visitor each time, as a script would be
        return client.post("/accounts/login/code/", {"phone": number}, **extra)

    numbers = [f"1350013{i:04d}" for i in range(21)]
    answers = [ask(number) for number in numbers]
    assert [a.status_code for a in answers] == [302] * 20 + [429]
    assert {a["Location"] for a in answers[:20]} == {"/accounts/login/code/confirm/"}
    assert len(outbox) == 20
    assert ask("13600136000", REMOTE_ADDR="198.51.100.7").status_code == 302  # the address is limited


def test_allauths_page_wide_limit_answers_with_the_sites_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    statuses = [client.post("/accounts/signup/", {"name": "x"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = client.post("/accounts/signup/", {"name": "x"})
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Too many requests" in page_text(refused) and 'class="site-header"' in page_text(refused)
