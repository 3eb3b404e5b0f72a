"""The message centre's inboxes: posting, counting, listing, marking read — each user their own."""

import pytest
from django.db import transaction

from casefiles.errors import Invalid, NotFound
from casefiles.notifications import messages
from casefiles.notifications.models import Message

Kind = messages.Kind


def test_a_post_reaches_each_recipient_once_newest_first(world):
    messages.post([world.applicant], Kind.SYSTEM, "欢迎", "第一条")
    posted = messages.post([world.applicant, world.citizen, world.applicant], Kind.ALERT, "提醒", "第二条",
                           link="/my/cases/")
    assert len(posted) == 2
    assert [m.title for m in messages.inbox(world.applicant)] == ["提醒", "欢迎"]
    assert [m.title for m in messages.inbox(world.citizen)] == ["提醒"]
    assert messages.unread_count(world.applicant) == 2
    assert messages.unread_count(world.stranger) == 0


def test_no_recipient_is_no_message(world):
    assert messages.post([], Kind.SYSTEM, "无人", "") == []
    assert not Message.objects.exists()


def test_a_message_rolled_back_with_its_step_never_existed(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        messages.post([world.applicant], Kind.SYSTEM, "不会留下", "")
        raise RuntimeError("the step failed after posting")
    assert messages.unread_count(world.applicant) == 0
    with transaction.atomic():
        messages.post([world.applicant], Kind.SYSTEM, "留下", "")
    assert messages.unread_count(world.applicant) == 1


@pytest.mark.parametrize("link", [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "my/cases/",
    "/my cases/", "/my/\ncases/", "http://[", "/\x7f",
])
def test_a_link_is_a_path_on_this_site(world, link):
    with pytest.raises(Invalid):
        messages.post([world.applicant], Kind.SYSTEM, "链接", "", link=link)
    assert not Message.objects.exists()


@pytest.mark.parametrize("kind, title, body", [
    ("gossip", "标题", ""), (Kind.SYSTEM, "  ", ""), (Kind.SYSTEM, "长" * 201, ""), (Kind.SYSTEM, "标题", "长" * 20001),
    (Kind.SYSTEM, "标题\x00", ""),
])
def test_what_cannot_be_posted_is_refused_with_a_reason(world, kind, title, body):
    with pytest.raises(Invalid) as refused:
        messages.post([world.applicant], kind, title, body)
    assert refused.value.message
    assert not Message.objects.exists()


def test_the_inbox_filters_by_kind_and_unread(world):
    case_msg, = messages.post([world.applicant], Kind.CASE, "办件", "")
    messages.post([world.applicant], Kind.POLICY, "政策", "")
    messages.mark_read(world.applicant, [case_msg.pk])
    assert [m.title for m in messages.inbox(world.applicant, kind=Kind.CASE)] == ["办件"]
    assert [m.title for m in messages.inbox(world.applicant, unread_only=True)] == ["政策"]
    assert list(messages.inbox(world.applicant, kind=Kind.CASE, unread_only=True)) == []
    with pytest.raises(Invalid):
        messages.inbox(world.applicant, kind="gossip")


def test_mark_read_touches_only_ones_own_messages(world):
    mine, = messages.post([world.applicant], Kind.SYSTEM, "我的", "")
    theirs, = messages.post([world.stranger], Kind.SYSTEM, "别人的", "")
    with pytest.raises(NotFound) as someone_elses:
        messages.mark_read(world.applicant, [mine.pk, theirs.pk])
    with pytest.raises(NotFound) as missing:
        messages.mark_read(world.applicant, [theirs.pk + 1000])
    assert someone_elses.value.message == missing.value.message
    # Nothing of a refused request is marked, neither theirs nor mine.
    assert messages.unread_count(world.applicant) == 1 and messages.unread_count(world.stranger) == 1
    with pytest.raises(NotFound):
        messages.message(world.applicant, theirs.pk)
    assert messages.mark_read(world.applicant, [mine.pk, str(mine.pk)]) == 1
    assert messages.mark_read(world.applicant, [mine.pk]) == 0  # read already: nothing more to do
    assert messages.message(world.applicant, mine.pk).is_read


@pytest.mark.parametrize("odd", ["x", "", None, -1, 0, 2**70])
def test_an_odd_id_is_no_such_message(world, odd):
    with pytest.raises(NotFound):
        messages.mark_read(world.applicant, [odd])


def test_mark_all_read_marks_ones_own_only(world):
    messages.post([world.applicant, world.stranger], Kind.SYSTEM, "一", "")
    messages.post([world.applicant], Kind.SYSTEM, "二", "")
    assert messages.mark_all_read(world.applicant) == 2
    assert messages.unread_count(world.applicant) == 0
    assert messages.unread_count(world.stranger) == 1
    assert messages.mark_all_read(world.applicant) == 0


def test_a_visitor_who_is_not_signed_in_has_no_inbox(world):
    from django.contrib.auth.models import AnonymousUser

    messages.post([world.applicant], Kind.SYSTEM, "一", "")
    assert messages.unread_count(AnonymousUser()) == 0
    assert list(messages.inbox(AnonymousUser())) == []
    with pytest.raises(NotFound):
        messages.mark_read(AnonymousUser(), [Message.objects.get().pk])
