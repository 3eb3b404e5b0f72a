"""Sign-in guessing is locked per account name and per address, on every way in (config/signin.py)."""

import re

import pytest
from django.contrib.auth import authenticate
from rest_framework.authtoken.models import Token

from config import signin

PASSWORD = "pw-for-tests-only"
FAILURES = 3
LOCK = 600


def site(client, name, password, **extra):
    return client.post("/accounts/login/", {"login": name, "password": password}, **extra)


def admin(client, name, password, **extra):
    return client.post("/admin/login/", {"username": name, "password": password}, **extra)


def token(client, name, password, **extra):
    return client.post("/api/v1/auth/token/", {"username": name, "password": password},
                       content_type="application/json", **extra)


WAYS_IN = {"site": site, "admin": admin, "token": token}
SIGNED_IN = {"site": 302, "admin": 302, "token": 200}
WRONG = {"site": 200, "admin": 200, "token": 400}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.99"}  # the other name's attempts come from their own address


@pytest.fixture(autouse=True)
def limits(settings):
    settings.YIWANG_SIGNIN_LIMITS = {"ACCOUNT_FAILURES": FAILURES, "ADDRESS_FAILURES": 5, "PERIOD": 900, "LOCK": LOCK}


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", is_staff=True)


def text_of(answer) -> str:
    """What the person sees, without what differs on every answer (the CSRF token, the name typed)."""
    body = re.sub(r"\b[A-Za-z0-9]{64}\b", "", answer.content.decode())  # CSRF tokens, in the form and the admin's script
    return re.sub(r'value="(clerk|ghost)"', "", body)


@pytest.mark.parametrize("way", WAYS_IN)
def test_an_account_is_locked_after_too_many_wrong_passwords_even_against_the_right_one(client, clerk, way):
    sign_in = WAYS_IN[way]
    assert [sign_in(client, "clerk", f"guess-{i}").status_code for i in range(FAILURES)] == [WRONG[way]] * FAILURES
    locked = sign_in(client, "clerk", PASSWORD)
    assert locked.status_code == 429 and int(locked["Retry-After"]) == LOCK
    assert "登录失败次数过多，请 10 分钟后再试。" in locked.content.decode()
    assert "_auth_user_id" not in client.session and not Token.objects.exists()
    # From another address too: the account is locked, not the address.
    assert sign_in(client, "clerk", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429


@pytest.mark.parametrize("way", WAYS_IN)
def test_the_lock_ends_when_it_says(client, clerk, way, limiter_clock):
    sign_in = WAYS_IN[way]
    for i in range(FAILURES):
        sign_in(client, "clerk", f"guess-{i}")
    limiter_clock.now += LOCK - 60
    assert sign_in(client, "clerk", "still-guessing").status_code == 429  # refused, and not counted
    limiter_clock.now += 60
    assert sign_in(client, "clerk", PASSWORD).status_code == SIGNED_IN[way]


def test_one_lock_for_every_way_in(client, clerk):
    site(client, "clerk", "guess-1")
    admin(client, "clerk", "guess-2")
    token(client, "clerk", "guess-3")
    assert [way(client, "clerk", PASSWORD).status_code for way in WAYS_IN.values()] == [429, 429, 429]


def test_names_differing_in_case_share_a_lock(client, clerk):
    for i, name in enumerate(["Clerk", "CLERK", " clerk"]):
        site(client, name, f"guess-{i}")
    assert site(client, "clerk", PASSWORD).status_code == 429


@pytest.mark.parametrize("way", ["site", "admin"])
def test_the_answers_do_not_tell_which_names_exist(client, clerk, way, settings):
    settings.LANGUAGE_CODE = "en"
    sign_in = WAYS_IN[way]
    for i in range(FAILURES):
        existing, missing = sign_in(client, "clerk", f"guess-{i}"), sign_in(client, "ghost", f"guess-{i}", **ELSEWHERE)
        assert existing.status_code == missing.status_code == 200
        assert text_of(existing) == text_of(missing)
    existing, missing = sign_in(client, "clerk", PASSWORD), sign_in(client, "ghost", PASSWORD, **ELSEWHERE)
    assert existing.status_code == missing.status_code == 429
    assert text_of(existing) == text_of(missing)
    assert "Too many failed sign-in attempts. Please try again in 10 minutes." in text_of(existing)


def test_the_api_does_not_tell_which_names_exist(client, clerk):
    for i in range(FAILURES):
        assert token(client, "clerk", f"guess-{i}").json() == token(client, "ghost", f"guess-{i}", **ELSEWHERE).json()
    existing, missing = token(client, "clerk", PASSWORD), token(client, "ghost", PASSWORD, **ELSEWHERE)
    assert existing.status_code == missing.status_code == 429
    assert existing.json() == missing.json()
    assert existing.json()["code"] == "throttled"


def test_an_address_guessing_many_accounts_is_locked_and_its_own_sign_in_does_not_reset_it(client, make_user):
    make_user("mine")
    victims = [make_user(f"victim-{i}").username for i in range(5)]
    for i, victim in enumerate(victims[:4]):
        assert site(client, victim, "Password1").status_code == 200
        if i == 1:
            assert site(client, "mine", PASSWORD).status_code == 302  # signing in to one's own account …
            client.logout()
    assert site(client, victims[4], "Password1").status_code == 200  # … did not wipe the count: the 5th
    assert site(client, "mine", PASSWORD).status_code == 429  # the address is locked, for every name
    assert site(client, "mine", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302  # another is not


def test_authenticate_without_a_request_is_not_limited(clerk):
    """Commands and a test client's login() name no client: nothing to count."""
    for i in range(FAILURES + 1):
        assert authenticate(username="clerk", password=f"guess-{i}") is None
    assert authenticate(username="clerk", password=PASSWORD) == clerk


def test_the_message_counts_whole_minutes():
    assert signin.message(1) == signin.message(60)
    assert "2" in signin.message(61)


@pytest.mark.parametrize("next_page", ["abc", "/admin/pages/", "https://elsewhere.example/"])
def test_a_signed_in_editor_asking_for_the_admins_sign_in_page_goes_on(client, make_user, next_page):
    client.force_login(make_user("editor", is_superuser=True, is_staff=True))
    answer = client.get("/admin/login/", {"next": next_page})
    assert answer.status_code == 302
    assert answer["Location"] in {next_page, "/admin/"} and "elsewhere" not in answer["Location"]
