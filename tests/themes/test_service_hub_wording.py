"""The service hub's words under zh-hans (issue 19), in both themes: the header's search box, quick
links and menu button, the home page's big box, its entrances and 高频服务, the ♡ button of a guide,
我的收藏 and its messages — Chinese everywhere, no English source string left over."""

import html
import re

import pytest
from django.urls import reverse

from casefiles.favourites import favourites
from tests.themes.site_content import build_site

# Latin words a Chinese page may show: the language switch, the format of the guide's download.
ALLOWED_LATIN = {"English", "PDF"}

HEADER = ["搜索服务", "搜索服务，例如：开饭店", "搜索", "菜单", "进度查询", "证照核验", "快捷服务"]
HOME = ["您想办什么事？", "用您自己的话说，例如：开饭店、医保、二手房过户、注销公司。",
        "凭办件编号和申请人姓名查询，无需登录。", "核验电子证照是否真实、有效。", "高频服务"]


@pytest.fixture
def site(db):
    return build_site()


@pytest.fixture(params=["default", "elder"])
def client(client, db, request):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.post("/theme/", {"theme": request.param, "next": "/"})
    client.theme = request.param
    return client


def shown(client, url) -> str:
    """The page's text and the words of its attributes a person meets (placeholders, labels)."""
    body = client.get(url).content.decode()
    assert f'data-theme="{client.theme}"' in body
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", body)
    attributes = re.findall(r'\b(?:placeholder|aria-label|title|label)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(" ".join(text.split()) + " | " + " | ".join(attributes))


def english_words(text) -> set:
    return set(re.findall(r"(?<![A-Za-z0-9])[A-Za-z]{3,}(?![A-Za-z0-9])", text)) - ALLOWED_LATIN


def assert_chinese(text, expected):
    missing = [words for words in expected if words not in text]
    assert missing == [], missing
    assert english_words(text) == set()


def test_the_home_page_s_hub_is_in_chinese(client, site):
    assert_chinese(shown(client, "/"), HEADER + HOME + ["登录"])


def test_a_guide_s_search_box_and_favourite_button_are_in_chinese(client, site, make_user):
    assert_chinese(shown(client, site.food_licence.url), HEADER + ["♡ 收藏"])
    citizen = make_user("citizen", first_name="张伟")
    client.force_login(citizen)
    favourites.add(citizen, site.food_licence)
    assert_chinese(shown(client, site.food_licence.url), HEADER + ["♥ 已收藏", "我的收藏", "退出登录"])


def test_my_favourites_and_its_messages_are_in_chinese(client, site, make_user):
    client.force_login(make_user("citizen", first_name="张伟"))
    assert_chinese(shown(client, reverse("casefiles:my_favourites")),
                   HEADER + ["我的收藏", "您收藏以备日后查看的办事指南、一件事和政策。",
                             "尚无收藏：在办事指南、一件事或政策页面点击 ♡ 按钮即可收藏到这里。"])
    toggle = reverse("casefiles:favourite_toggle", args=[site.food_licence.pk])
    client.post(toggle, {"next": reverse("casefiles:my_favourites")})
    listed = shown(client, reverse("casefiles:my_favourites"))
    assert_chinese(listed, ["已加入收藏。", "食品经营许可（新办）", "办事指南 · 收藏于", "♥ 已收藏"])
    client.post(toggle, {"next": reverse("casefiles:my_favourites")})
    assert_chinese(shown(client, reverse("casefiles:my_favourites")), ["已取消收藏。"])


def test_the_english_pages_are_in_english(client, site):
    """The check above can fail: the same page in English is full of English words."""
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert {"Search", "Menu"} <= english_words(shown(client, "/"))
