import pytest

from tests.themes.site_content import build_site

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(live_site):
    return build_site()


def test_a_guide_has_no_serious_accessibility_violation_in_either_theme(site, browser_page, accessibility_violations):
    page = browser_page
    page.goto(site.food_licence.url)
    assert page.locator("html").get_attribute("data-theme") == "default"
    assert page.get_by_role("heading", level=1).inner_text() == "食品经营许可（新办）"
    violations, report = accessibility_violations(page)
    assert not violations, report

    # The visitor's own toggle, the real button in the header.
    with page.expect_navigation(wait_until="load"):
        page.locator("button[name=theme][value=elder]").click()
    assert page.locator("html").get_attribute("data-theme") == "elder"
    assert page.url.endswith(site.food_licence.url)
    base_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert base_size >= 18
    violations, report = accessibility_violations(page)
    assert not violations, report

    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    violations, report = accessibility_violations(page)
    assert not violations, report

    # On a phone the header folds into a menu: the toggle is in it.
    page.locator("button.menu-toggle").click()
    with page.expect_navigation(wait_until="load"):
        page.locator("button[name=theme][value=default]").click()
    assert page.locator("html").get_attribute("data-theme") == "default"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    violations, report = accessibility_violations(page)
    assert not violations, report


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(site, browser_page):
    page = browser_page
    page.goto(site.bundle.url)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_visitor_who_logs_in_comes_back_to_the_guide(site, make_user, browser_page, log_in):
    make_user("enterprise1", first_name="珠海格创")
    page = browser_page
    page.goto(site.food_licence.url)
    page.locator("header a[href^='/accounts/login/']").click()
    log_in(page, "enterprise1", "pw-for-tests-only")
    assert page.url.endswith(site.food_licence.url)
    assert "珠海格创" in page.locator("header.site-header").inner_text()
