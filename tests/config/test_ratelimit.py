"""Every limiter counts per client address, and a page and the API for one action share a count
(config/ratelimit.py, casefiles/api/throttles.py, config/signin.py)."""

import itertools

import pytest

IDENTIFIER = "1.2.156.3005.2.11100000000013338W025.11440400MB2C9136XA.20250000001.001.7"
LIMIT = 3


def progress_page(client, i, **extra):
    return client.get("/progress/", {"number": f"4404002026{i:010d}", "code": "AAAAAAAA"}, **extra)


def progress_api(client, i, **extra):
    return client.get("/api/v1/progress/", {"number": f"4404002026{i:010d}", "code": "AAAAAAAA"}, **extra)


def verify_page(client, i, **extra):
    return client.get("/licenses/verify/", {"identifier": IDENTIFIER, "holder_code": f"91440400MA55L8Q{i:03d}"}, **extra)


def verify_api(client, i, **extra):
    return client.get(f"/api/v1/licenses/{IDENTIFIER}/verify/", {"holder_code": f"91440400MA55L8Q{i:03d}"}, **extra)


def sign_in_page(client, i, **extra):
    return client.post("/accounts/login/", {"login": f"nobody-{i}", "password": "guess"}, **extra)


def admin_sign_in(client, i, **extra):
    return client.post("/admin/login/", {"username": f"nobody-{i}", "password": "guess"}, **extra)


def token(client, i, **extra):
    return client.post("/api/v1/auth/token/", {"username": f"nobody-{i}", "password": "guess"},
                       content_type="application/json", **extra)


LIMITERS = {"progress-page": progress_page, "progress-api": progress_api, "verify-page": verify_page,
            "verify-api": verify_api, "sign-in": sign_in_page, "admin-sign-in": admin_sign_in, "token": token}
SHARED = [("progress", progress_page, progress_api), ("license-verify", verify_page, verify_api)]


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.YIWANG_RATE_LIMITS = {"progress": (LIMIT, 60), "license-verify": (LIMIT, 60)}
    # The sign-in limits per address: a different name every time, so no account lock comes first.
    settings.YIWANG_SIGNIN_LIMITS = {"ACCOUNT_FAILURES": 100, "ADDRESS_FAILURES": LIMIT, "PERIOD": 900, "LOCK": 900}


def forged_headers(i):
    address = f"198.51.100.{i}"
    return {"HTTP_X_FORWARDED_FOR": address, "HTTP_X_REAL_IP": address, "HTTP_FORWARDED": f"for={address}",
            "HTTP_TRUE_CLIENT_IP": address, "HTTP_CLIENT_IP": address, "HTTP_X_CLIENT_IP": address}


@pytest.mark.django_db
@pytest.mark.parametrize("limiter", LIMITERS)
def test_no_header_fools_a_limiter(client, limiter):
    ask = LIMITERS[limiter]
    answers = [ask(client, i, REMOTE_ADDR="203.0.113.9", **forged_headers(i)).status_code for i in range(LIMIT + 1)]
    assert 429 not in answers[:LIMIT] and answers[LIMIT] == 429
    assert ask(client, 99, REMOTE_ADDR="203.0.113.10").status_code != 429  # another client is counted apart


@pytest.mark.django_db
@pytest.mark.parametrize("limiter", LIMITERS)
def test_behind_a_proxy_the_address_it_appended_counts(client, settings, limiter):
    settings.YIWANG_TRUSTED_PROXIES = 1
    ask = LIMITERS[limiter]
    # The part left of the proxy's entry is the client's to write: changing it changes nothing.
    answers = [ask(client, i, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9").status_code
               for i in range(LIMIT + 1)]
    assert 429 not in answers[:LIMIT] and answers[LIMIT] == 429
    # Another client behind the same proxy is counted apart.
    assert ask(client, 99, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code != 429


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "page", "api"), SHARED, ids=[action for action, *_ in SHARED])
def test_the_page_and_the_api_add_up_to_one_count(client, action, page, api):
    ways = itertools.cycle([page, api])
    answers = [next(ways)(client, i).status_code for i in range(LIMIT)]
    assert 429 not in answers
    assert page(client, LIMIT).status_code == 429
    refused = api(client, LIMIT + 1)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"  # the API's error shape


@pytest.mark.django_db
def test_the_sign_in_pages_and_the_token_add_up_to_one_count(client):
    answers = [way(client, i).status_code for i, way in enumerate([sign_in_page, admin_sign_in, token])]
    assert 429 not in answers
    assert all(way(client, 9).status_code == 429 for way in (sign_in_page, admin_sign_in, token))
