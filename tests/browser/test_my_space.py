"""我的空间 through the real pages: a demo citizen signs in on /accounts/login/ with their mobile
number, opens 我的空间 from the header, changes the password, and — signed in on a second browser
with the new one — signs out everywhere else. Each page passes axe's serious checks.

The person is the demo's 张伟 (``citizen1``, mobile 13800138011, checked in person: docs/demo.md).
"""

import pytest

from casefiles.demo.directory import DEMO_PASSWORD

NEW_PASSWORD = "Haiwan-bridge-2026"


@pytest.fixture
def demo_citizen(live_site):
    from casefiles.demo.directory import load_departments, load_people
    from casefiles.demo.members import MOBILES, load_members
    from casefiles.demo.realname import load_levels

    load_levels(load_people(load_departments()))
    load_members()  # the mobile numbers
    return {"username": "citizen1", "mobile": MOBILES["citizen1"]}


def assert_accessible(page, accessibility_violations):
    violations, report = accessibility_violations(page)
    assert violations == [], report


@pytest.mark.browser
def test_a_citizen_changes_the_password_and_signs_out_everywhere_else(demo_citizen, browser, browser_page, live_site,
                                                                       log_in, accessibility_violations):
    page = browser_page
    page.goto("/")
    page.locator("header.site-header a", has_text="登录").click()
    log_in(page, demo_citizen["mobile"], DEMO_PASSWORD)

    # 我的空间, from the header: the profile masked, the level, the security links.
    page.locator("header.site-header a", has_text="我的空间").click()
    page.wait_for_url("**/my/")
    assert page.locator("h1").inner_text().strip() == "我的空间"
    assert page.locator("#id-number").inner_text().startswith("*" * 14)
    assert "138****8011" in page.locator("#mobile").inner_text()
    assert "线下核验" in page.locator("#real-name-level").inner_text()
    assert demo_citizen["mobile"] not in page.content()
    assert_accessible(page, accessibility_violations)

    # The password, on allauth's page in the site's frame.
    page.locator("#change-password").click()
    page.wait_for_url("**/accounts/password/change/")
    assert page.locator(".space-nav a[aria-current=page]").inner_text().strip() == "密码"
    assert_accessible(page, accessibility_violations)
    page.fill("#id_oldpassword", DEMO_PASSWORD)
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type=submit]").click()
    assert "/accounts/login/" not in page.url  # still signed in here

    # A second browser signs in with the new password (the old one no longer works).
    elsewhere_context = browser.new_context(base_url=live_site.url, locale="zh-CN")
    elsewhere = elsewhere_context.new_page()
    elsewhere.goto("/accounts/login/")
    elsewhere.fill("#id_login", demo_citizen["username"])
    elsewhere.fill("#id_password", DEMO_PASSWORD)
    elsewhere.locator("main form button[type=submit]").click()
    elsewhere.wait_for_load_state("load")
    assert "/accounts/login/" in elsewhere.url  # refused
    log_in(elsewhere, demo_citizen["username"], NEW_PASSWORD)
    elsewhere.goto("/my/")
    assert elsewhere.url.endswith("/my/")

    # Signed-in devices: both are listed; sign out everywhere else.
    page.goto("/my/")
    page.locator("#sessions").click()
    page.wait_for_url("**/accounts/sessions/")
    assert page.locator("#sessions tbody tr").count() == 2
    assert_accessible(page, accessibility_violations)
    with page.expect_navigation(wait_until="load"):
        page.locator("#sign-out-others").click()
    assert page.locator("#sessions tbody tr").count() == 1
    assert page.locator("#only-here").is_visible()
    assert_accessible(page, accessibility_violations)

    elsewhere.goto("/my/")
    assert "/accounts/login/" in elsewhere.url  # the other browser was signed out
    elsewhere_context.close()

    page.goto("/my/")
    assert page.url.endswith("/my/")  # this one was not
