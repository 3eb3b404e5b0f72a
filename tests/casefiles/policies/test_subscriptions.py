"""政策订阅与推送: a push once per policy change and subscriber, by filters or by "whatever
matches me", in the message centre, by email and SMS where chosen; the weekly digest once."""

import datetime

import pytest
from django.core import mail
from freezegun import freeze_time

from casefiles.errors import Invalid, NotFound
from casefiles.notifications.models import Message
from casefiles.policies import subscriptions
from casefiles.policies.models import PolicyDigest, PolicyPush

from .conftest import TODAY


def told(user, policy=None):
    found = Message.objects.filter(recipient=user, kind="policy")
    return found.filter(title__contains=policy.title) if policy else found


def test_a_subscriber_is_told_once_per_revision_however_many_subscriptions_match(policy_world):
    w = policy_world
    subscriptions.subscribe(w.citizen, industries=["H"])
    subscriptions.subscribe(w.citizen, categories=["subsidy"])
    revision = w.catering.live_revision_id
    assert subscriptions.push(w.catering.pk, revision) == 1
    assert subscriptions.push(w.catering.pk, revision) == 0  # the same change: nobody twice
    assert told(w.citizen, w.catering).count() == 1
    assert PolicyPush.objects.get(user=w.citizen, policy=w.catering).changed is False


def test_a_change_of_the_policy_is_pushed_again_as_a_change(policy_world):
    w = policy_world
    subscriptions.subscribe(w.citizen, industries=["H62"])
    subscriptions.push(w.catering.pk, w.catering.live_revision_id)
    w.catering.summary = "补贴标准提高到5000元。"
    w.catering.save_revision().publish()
    w.catering.refresh_from_db()
    assert subscriptions.push(w.catering.pk, w.catering.live_revision_id) == 1
    latest = PolicyPush.objects.filter(user=w.citizen).latest("pk")
    assert latest.changed is True
    assert told(w.citizen).count() == 2


def test_filters_that_do_not_fit_tell_nobody(policy_world):
    w = policy_world
    subscriptions.subscribe(w.citizen, industries=["C39"])  # manufacturing of electronics: not catering
    subscriptions.subscribe(w.stranger, categories=["tax"])
    assert subscriptions.push(w.catering.pk, w.catering.live_revision_id) == 0
    assert not told(w.citizen).exists() and not told(w.stranger).exists()


def test_whatever_matches_me_follows_the_enterprises_file(policy_world):
    w = policy_world
    subscriptions.subscribe(w.applicant, matches_me=True, enterprise=w.enterprise)  # catering, micro, two years
    subscriptions.subscribe(w.stranger, matches_me=True, enterprise=w.other_enterprise)  # software, small
    assert subscriptions.push(w.catering.pk, w.catering.live_revision_id) == 1
    assert told(w.applicant, w.catering).exists() and not told(w.stranger).exists()
    # the innovation policy's employees and qualification are unknown for the software company: possible
    assert subscriptions.push(w.innovation.pk, w.innovation.live_revision_id) == 1
    assert told(w.stranger, w.innovation).exists()


def test_publishing_a_policy_pushes_it_after_the_commit(policy_world, django_capture_on_commit_callbacks):
    w = policy_world
    subscriptions.subscribe(w.citizen, industries=["I"])
    with django_capture_on_commit_callbacks(execute=True):
        w.innovation.summary = "新增研发投入奖励。"
        w.innovation.save_revision().publish()
    assert told(w.citizen, w.innovation).count() == 1
    assert [email.to for email in mail.outbox if w.innovation.title in email.subject] == [[w.citizen.email]]


def test_subscribing_refuses_what_it_cannot_read_and_only_for_ones_own_enterprise(policy_world):
    w = policy_world
    for bad in ({"industries": ["ZZ"]}, {"categories": ["lottery"]}, {"region_code": "12"}, {}):
        with pytest.raises(Invalid):
            subscriptions.subscribe(w.citizen, **bad)
    with pytest.raises(Invalid):
        subscriptions.subscribe(w.stranger, matches_me=True, enterprise=w.enterprise)
    mine = subscriptions.subscribe(w.citizen, industries=["H"])
    with pytest.raises(NotFound):
        subscriptions.unsubscribe(w.stranger, mine.pk)
    subscriptions.unsubscribe(w.citizen, mine.pk)
    assert not subscriptions.of_user(w.citizen).exists()


def test_the_weekly_digest_is_sent_once_with_last_weeks_pushes(policy_world, django_capture_on_commit_callbacks):
    w = policy_world
    subscriptions.subscribe(w.citizen, industries=["H"], by_email=False)
    subscriptions.push(w.catering.pk, w.catering.live_revision_id)  # Monday 15 June
    mail.outbox.clear()
    with freeze_time("2026-06-22 02:00:00"), django_capture_on_commit_callbacks(execute=True):  # the next Monday
        assert subscriptions.send_digests(datetime.date(2026, 6, 22)) == 1
        assert subscriptions.send_digests(datetime.date(2026, 6, 23)) == 0
    assert PolicyDigest.objects.get(user=w.citizen).week == TODAY
    assert len(mail.outbox) == 1 and w.catering.title in mail.outbox[0].body
