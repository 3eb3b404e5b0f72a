"""找回密码: "Forgot your password?" texts a code to the mobile number; with the right code the
person sets a new password and is signed in. The page answers alike whether or not the number
has an account; staff keep allauth's reset by e-mail."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from tests.casefiles.registration.conftest import (
    MOBILE, PASSWORD, code_in, confirm_reset_code, page_text, request_reset_code, texts_to,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xiangzhou-2028-autumn"


def signed_in(client):
    return client.session.get("_auth_user_id")


def set_password(client, password=NEW_PASSWORD, again=None):
    return client.post("/accounts/password/reset/sms/new/", {"password1": password, "password2": again or password})


def test_forgot_your_password_resets_it_by_sms(client, citizen, outbox):
    login_page = page_text(client.get("/accounts/login/"))
    assert 'href="/accounts/password/reset/sms/"' in login_page

    answer = request_reset_code(client)
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password/reset/sms/code/"
    assert MOBILE in page_text(client.get(answer["Location"]))
    assert "reset your password" in texts_to(outbox, MOBILE)[-1]

    answer = confirm_reset_code(client, code_in(outbox, MOBILE))
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password/reset/sms/new/"
    weak = set_password(client, "123")
    assert weak.status_code == 200 and "too short" in page_text(weak)
    answer = set_password(client)
    assert answer.status_code == 302 and signed_in(client) == str(citizen.user_id)

    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"login": MOBILE, "password": PASSWORD}).status_code == 200  # the old: no
    assert client.post("/accounts/login/", {"login": MOBILE, "password": NEW_PASSWORD}).status_code == 302


def test_the_code_is_good_once_and_the_reset_closes(client, citizen, outbox):
    request_reset_code(client)
    code = code_in(outbox, MOBILE)
    confirm_reset_code(client, code)
    set_password(client)
    client.post("/accounts/logout/")
    assert confirm_reset_code(client, code)["Location"] == "/accounts/password/reset/sms/"
    assert set_password(client, "Another-2029-winter")["Location"] == "/accounts/password/reset/sms/"


def test_the_new_password_waits_for_the_right_code(client, citizen, outbox):
    request_reset_code(client)
    assert set_password(client)["Location"] == "/accounts/password/reset/sms/code/"
    code = code_in(outbox, MOBILE)
    assert confirm_reset_code(client, "000000" if code != "000000" else "111111").status_code == 200
    assert set_password(client)["Location"] == "/accounts/password/reset/sms/code/"


def test_the_code_expires_after_five_minutes(client, citizen, outbox):
    with freeze_time(timezone.now()) as clock:
        request_reset_code(client)
        clock.tick(datetime.timedelta(minutes=5, seconds=5))
        answer = confirm_reset_code(client, code_in(outbox, MOBILE))
    assert answer["Location"] == "/accounts/password/reset/sms/" and not signed_in(client)


def test_an_unknown_number_gets_the_same_pages_and_a_text_saying_so(client, citizen, outbox):
    def seen(mobile):
        answer = request_reset_code(client, mobile)
        page = client.get(answer["Location"])
        guessed = confirm_reset_code(client, "123456")
        client.cookies.clear()
        return [answer.status_code, answer["Location"], guessed.status_code,
                *(page_text(p).replace(mobile, "<number>").splitlines() for p in (page, guessed))]

    assert seen(MOBILE) == seen("13500135000")
    assert code_in(outbox, "13500135000") is None
    text = texts_to(outbox, "13500135000")[0]
    assert "no account" in text and "reset the password" in text


def test_a_malformed_number_is_refused_on_the_form(client, outbox):
    answer = request_reset_code(client, "0756-12345")
    assert answer.status_code == 200 and "11 digits" in page_text(answer) and outbox == []


def test_one_reset_text_a_minute_to_a_number(client, citizen, outbox):
    request_reset_code(client)
    client.cookies.clear()
    again = request_reset_code(client)
    assert again.status_code == 429 and int(again["Retry-After"]) > 0 and len(texts_to(outbox, MOBILE)) == 1


def test_staff_keep_the_reset_by_email(client, make_user):
    make_user("clerk", email="clerk@example.gov.cn", is_staff=True)
    page = page_text(client.get("/accounts/password/reset/sms/"))
    assert 'href="/accounts/password/reset/"' in page
    answer = client.post("/accounts/password/reset/", {"email": "clerk@example.gov.cn"})
    assert answer.status_code == 302 and len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
