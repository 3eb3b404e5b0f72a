"""The portal's service hub through the real pages (issue 19): the home page's big search box and
the header's on every page, the fallback to shared characters, the folded header of a phone and
收藏 kept across a sign-out.

The site is tests.themes.site_content's, with one more guide (药品零售企业许可) for the fallback:
药零铺 shares no word with any record, only characters with that one (tests/search/test_fallback.py).
"""

import pytest

from tests.search.conftest import add_guide
from tests.themes.site_content import build_site

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
FALLBACK_NOTICE = "没有记录包含您输入的词语；以下结果与之有相同的字。"


@pytest.fixture
def site(live_site):
    site = build_site()
    site.drugs = add_guide(site.departments["SCJGJ"], "SCJGJ-002", "药品零售企业许可", summary="开办药店。")
    return site


def hit_titles(page):
    return [title.strip() for title in page.locator("ol.search-hits .search-hit-title").all_inner_texts()]


def test_the_home_page_s_big_box_suggests_and_finds_the_guide(site, browser_page):
    page = browser_page
    page.goto("/")
    box = page.get_by_label("您想办什么事？")
    assert box.get_attribute("id") == "home-q"
    box.press_sequentially("食品经")
    # search/suggest.js fills the box's datalist with the matching titles once typing pauses.
    page.locator("#home-suggestions option[value='食品经营许可（新办）']").wait_for(state="attached")
    box.fill("食品经营许可")
    with page.expect_navigation(wait_until="load"):
        box.press("Enter")
    assert "/search/" in page.url and "q=" in page.url
    assert hit_titles(page)[0] == "食品经营许可（新办）"
    with page.expect_navigation(wait_until="load"):
        page.locator("ol.search-hits a", has_text="食品经营许可（新办）").click()
    assert page.url.endswith(site.food_licence.url)


def test_a_guide_s_header_box_searches_the_whole_site(site, browser_page):
    page = browser_page
    page.goto(site.food_licence.url)
    header = page.locator("header.site-header")
    box = header.get_by_label("搜索服务", exact=True)  # a combobox: the input has a list of suggestions
    assert box.get_attribute("placeholder") == "搜索服务，例如：开饭店"
    box.fill("公共场所卫生")
    with page.expect_navigation(wait_until="load"):
        header.get_by_role("button", name="搜索").click()
    assert hit_titles(page)[0] == "公共场所卫生许可"


def test_a_query_sharing_only_characters_shows_those_results_and_says_so(site, browser_page):
    page = browser_page
    page.goto("/")
    page.locator("#home-q").fill("药零铺")
    with page.expect_navigation(wait_until="load"):
        page.locator("form.home-search button[type=submit]").click()
    assert hit_titles(page) == ["药品零售企业许可"]
    assert FALLBACK_NOTICE in page.locator("main").inner_text()


@pytest.mark.parametrize("theme", ["default", "elder"])
def test_on_a_phone_the_header_folds_behind_the_menu_button(site, browser_page, theme):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(site.food_licence.url)
    if theme == "elder":
        with page.expect_navigation(wait_until="load"):
            page.evaluate("document.querySelector('button[name=theme][value=elder]').click()")
        assert page.locator("html").get_attribute("data-theme") == "elder"

    button = page.locator("header.site-header .menu-toggle")
    menu = page.locator("#site-menu")
    assert button.is_visible() and button.inner_text().strip() == "菜单"
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu.is_visible()
    assert page.locator("#header-q").is_visible()  # the search stays in view
    header_height = page.locator("header.site-header").bounding_box()["height"]
    assert header_height < 0.25 * PHONE["height"], header_height
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert menu.is_visible()
    assert menu.get_by_role("link", name="进度查询").is_visible()
    assert menu.get_by_role("link", name="证照核验").is_visible()
    assert menu.get_by_role("link", name="登录").is_visible()
    assert menu.locator(".site-nav").is_visible()
    assert page.locator("#header-q").is_visible()

    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")


def test_a_favourite_is_still_there_after_signing_out_and_in_again(site, make_user, browser_page, log_in):
    make_user("citizen", first_name="张伟")
    page = browser_page
    log_in(page, "citizen", "pw-for-tests-only")
    page.goto(site.food_licence.url)
    button = page.locator("main .favourite-button")
    assert button.get_attribute("aria-pressed") == "false"
    assert "收藏" in button.inner_text()
    with page.expect_navigation(wait_until="load"):
        button.click()
    assert page.url.endswith(site.food_licence.url)
    assert page.locator("main .favourite-button").get_attribute("aria-pressed") == "true"
    assert "已加入收藏" in page.locator(".messages").inner_text()

    with page.expect_navigation(wait_until="load"):
        page.locator("header.site-header").get_by_role("button", name="退出").click()
    assert "张伟" not in page.locator("header.site-header").inner_text()
    page.goto("/my/favourites/")
    assert "/accounts/login/" in page.url

    log_in(page, "citizen", "pw-for-tests-only")
    assert page.url.endswith("/my/favourites/")
    assert page.locator("h1").inner_text().strip() == "我的收藏"
    assert page.locator("#favourites .card-title").all_inner_texts() == ["食品经营许可（新办）"]
    with page.expect_navigation(wait_until="load"):
        page.locator("#favourites a", has_text="食品经营许可（新办）").click()
    assert page.url.endswith(site.food_licence.url)
    assert page.locator("main .favourite-button").get_attribute("aria-pressed") == "true"


def test_a_visitor_not_signed_in_who_presses_the_heart_signs_in_and_comes_back(site, make_user, browser_page, log_in):
    make_user("citizen", first_name="张伟")
    page = browser_page
    page.goto(site.bundle.url)  # from the anonymous page cache, its CSRF tokens the visitor's own
    with page.expect_navigation(wait_until="load"):
        page.locator("main .favourite-button").click()
    assert "/accounts/login/" in page.url
    log_in(page, "citizen", "pw-for-tests-only")
    assert page.url.endswith(site.bundle.url)
    button = page.locator("main .favourite-button")
    assert button.get_attribute("aria-pressed") == "false"  # not kept behind their back: they press it again
    with page.expect_navigation(wait_until="load"):
        button.click()
    assert page.locator("main .favourite-button").get_attribute("aria-pressed") == "true"
    page.goto("/my/favourites/")
    assert page.locator("#favourites .card-title").all_inner_texts() == ["我要开餐馆"]
