"""The Content-Security-Policy: on every page, no inline script anywhere, nonces for our own styles."""

import re

import pytest
from django.urls import reverse

from tests.casefiles.conftest import submitted_case, world  # noqa: F401  (the case-file tests' small world)


def policy(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_no_script_may_be_injected(directives):
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no nonce to steal
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'self'"]


def inline_scripts(html: str) -> list[str]:
    """<script> elements without src that a browser would run (JSON data blocks do not run)."""
    found = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    return [attrs for attrs in found if "application/json" not in attrs]


@pytest.fixture
def public_urls(world):  # noqa: F811
    return ["/", world.item.url, "/search/?q=食品", "/progress/", "/accounts/login/", "/api/v1/docs/",
            "/licenses/verify/", "/healthz"]


def test_every_public_page_has_a_policy_that_stops_injected_scripts(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_script_may_be_injected(policy(response))
        if response["Content-Type"].startswith("text/html"):
            assert inline_scripts(response.content.decode()) == [], url


def test_our_inline_styles_carry_the_nonce_the_policy_names(client, world):  # noqa: F811
    client.force_login(world.applicant)
    response = client.get(reverse("casefiles:my_cases"))
    nonce = re.search(r"<style nonce=\"([^\"]+)\">", response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]
    assert "'unsafe-inline'" not in policy(response)["style-src"]
    assert client.get(reverse("casefiles:my_cases")).content.decode().count(nonce) == 0  # one per response


def test_the_swagger_ui_loads_its_start_up_script_from_our_own_url(client, db):
    page = client.get("/api/v1/docs/").content.decode()
    assert inline_scripts(page) == []
    script = re.search(r'<script src="(/api/v1/docs/\?[^"]*script[^"]*)"', page).group(1).replace("&amp;", "&")
    answer = client.get(script)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/javascript")


def test_the_workbench_runs_no_inline_script_wagtails_own_editors_may(client, world, submitted_case):  # noqa: F811
    from django.contrib.auth import get_user_model

    client.force_login(world.clerk)
    for url in [reverse("casefiles_workbench:inbox"), reverse("casefiles_workbench:case", args=[submitted_case.number])]:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        assert_no_script_may_be_injected(directives)
        assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
        assert inline_scripts(response.content.decode()) == [], url
    client.force_login(get_user_model().objects.create_superuser("admin", password="pw-for-tests-only"))
    editor = client.get(f"/admin/pages/{world.item.pk}/edit/")
    assert editor.status_code == 200
    assert policy(editor)["script-src"] == ["'self'", "'unsafe-inline'"]  # wagtail/wagtail#12940


def test_a_page_with_a_nonce_is_never_shared_by_the_page_cache(client, rf, world):  # noqa: F811
    """A nonce is one response's: a cached copy would hand it to every later visitor."""
    from cms import caching
    from config.csp import YiwangCSPMiddleware

    response = client.get(world.item.url)
    assert response["X-Page-Cache"] == "miss"  # stored: the guide page uses no nonce
    response.cookies.clear()  # as the page cache sees it, before the CSRF cookie is set
    request = rf.get(world.item.url)
    YiwangCSPMiddleware(lambda request: response).process_request(request)
    assert caching._may_store(request, response)
    str(request.csp_nonce)  # as a template that puts the nonce in the page does
    assert not caching._may_store(request, response)
