"""Browser tests: headless Debian Chromium driven by Playwright's sync API, against pytest-django's live server.

Fixtures for every browser test:
- ``live_site``: the live server, its database restored to the migrated state for each test;
- ``browser``: Debian's Chromium (``/usr/bin/chromium``, never a downloaded browser), one per test;
- ``browser_page``: a fresh browser context and page whose relative URLs go to the live server;
- ``log_in(page, username, password)``: signs in through the real login form;
- ``accessibility_violations(page)``: axe-core's serious and critical violations on the page.

Make a test's records in fixtures requested before ``browser_page`` (see ``browser``): the
database work then happens before Playwright starts.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would refuse the ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIOUS = {"serious", "critical"}


@pytest.fixture
def live_site(live_server, django_db_serialized_rollback):
    """The live server. Its transactional database is flushed after each test; the serialized
    rollback puts back what the migrations made (the home page, the site, industries …)."""
    from django.core.cache import cache

    cache.clear()
    return live_server


@pytest.fixture
def browser(live_site):
    """Chromium, started after the test database is set up and stopped before it is flushed.

    Playwright's sync API keeps an event loop running in this thread while it is started,
    and Django's connection handler then hands out context-local connections: the database
    set-up and teardown must happen outside that window, hence one browser per test.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup-test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser, live_site):
    context = browser.new_context(base_url=live_site.url, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in():
    def sign_in(page, username, password):
        """From the login page if the visitor is on it (keeping its ``next``), else from a fresh one."""
        if "/accounts/login/" not in page.url:
            page.goto("/accounts/login/")
        page.fill("#id_login", username)
        page.fill("#id_password", password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return sign_in


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def accessibility_violations(axe):
    """axe-core's serious and critical violations on the page as shown, with a readable report."""

    def check(page):
        results = axe.run(page)
        violations = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
        report = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:5])}"
            for v in violations
        )
        return violations, report

    return check
