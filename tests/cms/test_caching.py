"""The anonymous page cache: shared where it may be, never where it may not, and never stale after a publish."""

import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from casefiles.directory.models import Department
from cms import caching
from cms.models import ServiceItemPage

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def empty_cache(settings, tmp_path):
    settings.YIWANG_PAGE_CACHE_STAMP = tmp_path / "page-cache.version"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def guide(db):
    market = Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")
    page = market.page.add_child(
        instance=ServiceItemPage(title="食品经营许可", slug="scjgj-001", item_code="SCJGJ-001", summary="第一版摘要",
                                 department=market)
    )
    page.save_revision().publish()
    return ServiceItemPage.objects.get(pk=page.pk)


def get(client, page, **extra):
    response = client.get(page.url, **extra)
    assert response.status_code == 200
    return response


def test_the_second_anonymous_visit_is_served_from_the_cache(client, guide, django_assert_num_queries):
    # With the theme chosen by cookie, nothing but the cache is asked on a hit.
    client.cookies["yiwang_theme"] = "default"
    with CaptureQueriesContext(connection) as first_queries:
        first = get(client, guide)
    assert first["X-Page-Cache"] == "miss"
    assert len(first_queries) > 0

    with mock.patch.object(ServiceItemPage, "serve") as serve, django_assert_num_queries(0):
        second = get(client, guide)
    serve.assert_not_called()
    assert second["X-Page-Cache"] == "hit"
    assert "第一版摘要" in second.content.decode()


def test_publishing_a_change_is_seen_at_once(client, guide):
    get(client, guide)
    get(client, guide)
    guide.summary = "第二版摘要"
    guide.save_revision().publish()
    response = get(client, guide)
    assert response["X-Page-Cache"] == "miss"
    assert "第二版摘要" in response.content.decode()


def test_unpublishing_and_deleting_forget_the_page(client, guide):
    get(client, guide)
    url = guide.url
    guide.unpublish()
    assert client.get(url).status_code == 404
    guide.save_revision().publish()
    get(client, guide)
    guide.delete()
    assert client.get(url).status_code == 404


def test_a_live_page_saved_by_code_is_not_served_stale(client, guide):
    get(client, guide)
    guide.summary = "导入程序写入的摘要"
    guide.save()
    assert "导入程序写入的摘要" in get(client, guide).content.decode()


def test_a_draft_does_not_clear_the_cache(client, guide):
    get(client, guide)
    guide.summary = "草稿"
    guide.save_revision()
    response = get(client, guide)
    assert response["X-Page-Cache"] == "hit"
    assert "草稿" not in response.content.decode()


def test_logged_in_visitors_are_never_served_from_nor_stored_in_the_cache(client, guide, make_user):
    get(client, guide)  # stored for anonymous visitors
    client.force_login(make_user("enterprise1", first_name="珠海格创"))
    for _ in range(2):
        response = get(client, guide)
        assert "X-Page-Cache" not in response
        assert "珠海格创" in response.content.decode()
    assert "珠海格创" not in get(Client(), guide).content.decode()


def test_themes_and_languages_are_kept_apart(client, guide):
    for theme in ("elder", "default", "elder"):
        client.cookies["yiwang_theme"] = theme
        assert f'data-theme="{theme}"' in get(client, guide).content.decode()
    client.cookies["yiwang_theme"] = "default"
    for language in ("en", "zh-hans", "en"):
        client.cookies["django_language"] = language
        assert f'<html lang="{language}"' in get(client, guide).content.decode()


def test_a_visitor_served_from_the_cache_can_switch_theme_and_language(guide):
    first_visitor = Client(enforce_csrf_checks=True)
    get(first_visitor, guide)
    first_token = first_visitor.cookies["csrftoken"].value

    visitor = Client(enforce_csrf_checks=True)
    page = get(visitor, guide)
    assert page["X-Page-Cache"] == "hit"
    assert visitor.cookies["csrftoken"].value != first_token  # a secret of their own
    tokens = set(TOKEN.findall(page.content.decode()))
    assert len(tokens) == 1
    token = tokens.pop()

    switched = visitor.post("/theme/", {"theme": "elder", "next": guide.url, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    assert visitor.cookies["yiwang_theme"].value == "elder"
    language = visitor.post("/i18n/setlang/", {"language": "en", "next": guide.url, "csrfmiddlewaretoken": token})
    assert language.status_code == 302
    assert '<html lang="en" data-theme="elder"' in get(visitor, guide).content.decode()

    # The first visitor's token does not work with the second visitor's cookie.
    refused = visitor.post("/theme/", {"theme": "default", "csrfmiddlewaretoken": _token_of(first_visitor, guide)})
    assert refused.status_code == 403


def _token_of(client, page):
    return TOKEN.search(get(client, page).content.decode()).group(1)


def test_a_restricted_page_is_never_shared(client, guide):
    get(client, guide)
    restriction = PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.PASSWORD, password="内部"
    )
    for _ in range(2):
        response = get(client, guide)
        assert "第一版摘要" not in response.content.decode()
        assert "X-Page-Cache" not in response
    restriction.delete()
    assert "第一版摘要" in get(client, guide).content.decode()


def test_a_visitor_with_a_session_bypasses_the_cache(client, guide):
    get(client, guide)
    client.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in get(client, guide)


def test_a_new_department_shows_on_a_cached_home_page(client, db):
    Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    Department.objects.create(code="ZJJ", name="珠海市住房和城乡建设局", region_code="440400")
    assert "珠海市住房和城乡建设局" in client.get("/").content.decode()


def test_another_process_sees_a_publish_through_the_version_stamp(guide):
    before = caching.content_version()
    caching.invalidate()
    # Another worker process reads the same stamp file: no memory of this one is involved.
    assert caching._stamp_path().read_text() == caching.content_version() != before
