"""我的消息: the inbox page, marking read, and the unread count in the header of every page."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casefiles.handling import workflow
from casefiles.notifications import messages
from casefiles.notifications.models import Message

Kind = messages.Kind
INBOX = reverse("casefiles:messages")
BADGE = re.compile(r'class="count-badge" data-unread="(\d+)"')


def signed_in(client, user):
    client.force_login(user)
    return client


def badge(response):
    found = BADGE.search(response.content.decode())
    return int(found.group(1)) if found else None


def test_the_inbox_lists_ones_own_messages_newest_first_each_linking_to_its_case(world, submitted_case, client):
    workflow.perform(submitted_case, "accept", world.clerk)
    messages.post([world.stranger], Kind.SYSTEM, "别人的消息", "")
    page = signed_in(client, world.applicant).get(INBOX)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("已受理") < text.index("等待受理")  # acceptance, then the submission before it
    assert f'href="/my/cases/{submitted_case.number}/"' in text
    assert "别人的消息" not in text
    assert "2 条未读消息" in text


def test_the_inbox_filters_by_kind_and_unread(world, client):
    read, = messages.post([world.applicant], Kind.CASE, "已读的办件消息", "")
    messages.post([world.applicant], Kind.CASE, "未读的办件消息", "")
    messages.post([world.applicant], Kind.POLICY, "政策推送", "")
    messages.mark_read(world.applicant, [read.pk])
    client = signed_in(client, world.applicant)
    text = client.get(INBOX, {"kind": "case"}).content.decode()
    assert "已读的办件消息" in text and "未读的办件消息" in text and "政策推送" not in text
    text = client.get(INBOX, {"kind": "case", "unread": "1"}).content.decode()
    assert "已读的办件消息" not in text and "未读的办件消息" in text
    refused = client.get(INBOX, {"kind": "gossip"})
    assert refused.status_code == 400 and "没有这种消息" in refused.content.decode()


def test_the_inbox_is_paginated(world, client):
    for number in range(25):
        messages.post([world.applicant], Kind.SYSTEM, f"第{number:02d}条", "")
    client = signed_in(client, world.applicant)
    first, second = client.get(INBOX).content.decode(), client.get(INBOX, {"page": 2}).content.decode()
    assert "第24条" in first and "第05条" in first and "第04条" not in first
    assert "第04条" in second and "第00条" in second and "第24条" not in second


def test_marking_one_read_returns_to_the_page_it_was_made_from(world, client):
    message, = messages.post([world.applicant], Kind.SYSTEM, "一", "")
    client = signed_in(client, world.applicant)
    answer = client.post(reverse("casefiles:message_read", args=[message.pk]), {"next": "/my/messages/?kind=system"})
    assert answer.status_code == 302 and answer["Location"] == "/my/messages/?kind=system"
    assert messages.unread_count(world.applicant) == 0
    elsewhere = client.post(reverse("casefiles:message_read", args=[message.pk]), {"next": "https://evil.example/"})
    assert elsewhere["Location"] == INBOX


def test_someone_elses_message_is_404_and_stays_unread(world, client):
    theirs, = messages.post([world.stranger], Kind.SYSTEM, "别人的", "")
    client = signed_in(client, world.applicant)
    assert client.post(reverse("casefiles:message_read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("casefiles:message_read", args=[theirs.pk + 1000])).status_code == 404
    assert messages.unread_count(world.stranger) == 1


def test_marking_read_is_a_post_with_its_csrf_token(world):
    message, = messages.post([world.applicant], Kind.SYSTEM, "一", "")
    client = signed_in(Client(enforce_csrf_checks=True), world.applicant)
    assert client.get(reverse("casefiles:message_read", args=[message.pk])).status_code == 405
    assert client.post(reverse("casefiles:message_read", args=[message.pk])).status_code == 403
    assert client.post(reverse("casefiles:messages_read_all")).status_code == 403
    assert messages.unread_count(world.applicant) == 1
    page = client.get(INBOX).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', page).group(1)
    assert client.post(reverse("casefiles:messages_read_all"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert messages.unread_count(world.applicant) == 0


def test_mark_all_read_marks_ones_own(world, client):
    messages.post([world.applicant, world.stranger], Kind.SYSTEM, "一", "")
    messages.post([world.applicant], Kind.SYSTEM, "二", "")
    answer = signed_in(client, world.applicant).post(reverse("casefiles:messages_read_all"), follow=True)
    assert "2 条消息已标为已读" in answer.content.decode()
    assert messages.unread_count(world.applicant) == 0 and messages.unread_count(world.stranger) == 1


def test_a_visitor_who_is_not_signed_in_is_asked_to_sign_in(world, client):
    assert client.get(INBOX)["Location"].startswith("/accounts/login/")
    message, = messages.post([world.applicant], Kind.SYSTEM, "一", "")
    assert client.post(reverse("casefiles:message_read", args=[message.pk]))["Location"].startswith("/accounts/login/")
    assert messages.unread_count(world.applicant) == 1


# --- the header's count -----------------------------------------------------------------------

def _message_queries(queries):
    return [q["sql"] for q in queries.captured_queries if "casefiles_message" in q["sql"]]


@pytest.mark.parametrize("theme", ["default", "elder"])
def test_the_header_shows_the_signed_in_users_unread_count_in_either_theme(world, client, theme):
    messages.post([world.applicant], Kind.SYSTEM, "一", "")
    messages.post([world.applicant], Kind.SYSTEM, "二", "")
    client = signed_in(client, world.applicant)
    client.cookies["yiwang_theme"] = theme
    for path in ("/", reverse("casefiles:my_cases"), INBOX):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(path)
        assert f'data-theme="{theme}"' in page.content.decode()
        assert badge(page) == 2
        # One count for the header; the inbox page also counts its pages and lists them.
        assert len(_message_queries(queries)) == (1 if path != INBOX else 3)
    messages.mark_all_read(world.applicant)
    assert badge(client.get("/")) is None
    assert "我的消息" in client.get("/").content.decode()


def test_the_count_is_each_users_own_and_never_in_a_cached_anonymous_page(world, settings, tmp_path):
    settings.YIWANG_PAGE_CACHE_STAMP = tmp_path / "page-cache.version"
    cache.clear()
    guide = world.item
    messages.post([world.applicant], Kind.SYSTEM, "一", "")
    messages.post([world.applicant, world.stranger], Kind.SYSTEM, "二", "")
    anonymous = Client()
    with CaptureQueriesContext(connection) as queries:
        first = anonymous.get(guide.url)
    assert first["X-Page-Cache"] == "miss" and _message_queries(queries) == []
    applicant, stranger = signed_in(Client(), world.applicant), signed_in(Client(), world.stranger)
    assert badge(applicant.get(guide.url)) == 2
    assert badge(stranger.get(guide.url)) == 1
    again = Client().get(guide.url)
    assert again["X-Page-Cache"] == "hit"
    assert badge(again) is None and "我的消息" not in again.content.decode()
    cache.clear()


def _admin_menu_label(client, name):
    """The label of the admin sidebar's item ``name`` (the sidebar is drawn from JSON in the page)."""
    import json

    page = client.get("/admin/").content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', page, re.S).group(1)

    def walk(node):
        if isinstance(node, dict):
            if node.get("name") == name and "label" in node:
                yield node["label"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return next(walk(json.loads(props)), None)


def test_staff_find_their_inbox_in_the_admin_menu(world, submitted_case, client):
    from casefiles.directory import roles

    roles.allow_admin(world.department.group("clerk"))
    client = signed_in(client, world.clerk)
    assert _admin_menu_label(client, "my-messages") == "我的消息"
    messages.post([world.clerk], Kind.ALERT, "督办提醒", "", link=f"/admin/cases/{submitted_case.number}/")
    assert _admin_menu_label(client, "my-messages") == "我的消息（1 条未读）"
    page = client.get(INBOX).content.decode()
    assert "督办提醒" in page and f'href="/admin/cases/{submitted_case.number}/"' in page
    assert Message.objects.get(title="督办提醒").recipient == world.clerk
