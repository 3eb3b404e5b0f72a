"""The supervision pass: one alert per change of light, to the handler, the lead and the
supervisors; none when nothing changed or back to green; the daily digest; the tick."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from casefiles.accounts import sms
from casefiles.cases.models import CaseFile, Status
from casefiles.demo.directory import demo_resident_id
from casefiles.directory.models import Person
from casefiles.notifications.models import Message
from casefiles.supervision import alerts
from casefiles.supervision.models import CaseLight, Digest, LightChange
from tests.casefiles.supervision.conftest import NOW, TODAY, put_in

pytestmark = pytest.mark.django_db


def alerts_to(user):
    return list(Message.objects.filter(recipient=user, kind=Message.Kind.ALERT).order_by("pk"))


def test_a_green_case_is_no_change_and_nobody_is_told(world, review_case):
    assert alerts.sweep(TODAY, NOW) == 0
    assert alerts.send_alerts(NOW) == 0
    assert not LightChange.objects.exists()
    assert not Message.objects.filter(kind=Message.Kind.ALERT).exists()


def test_turning_yellow_is_told_once_to_the_handler_the_lead_and_the_supervisors(
        world, review_case, django_capture_on_commit_callbacks):
    put_in(review_case, "yellow")
    with django_capture_on_commit_callbacks(execute=True):
        first = alerts.run(TODAY, NOW.replace(hour=7))
    assert (first["changes"], first["alerts"]) == (1, 1)
    change = LightChange.objects.get()
    assert (change.from_light, change.to_light, change.alerted_at) == ("green", "yellow", change.alerted_at)
    assert change.alerted_at is not None
    assert CaseLight.objects.get(case=review_case).light == "yellow"
    for user in (world.reviewer, world.lead, world.supervisor):
        (message,) = alerts_to(user)
        assert review_case.number in message.title and "黄灯" in message.title
        assert message.link == f"/admin/cases/{review_case.number}/"
        assert message.case == review_case
        assert world.item.title in message.body and world.department.name in message.body
        assert world.enterprise.name not in message.body  # no applicant's data in an alert
    for user in (world.clerk, world.decider, world.other_clerk, world.applicant):
        assert alerts_to(user) == []
    assert sorted(address for email in mail.outbox for address in email.to) == sorted(
        [world.reviewer.email, world.lead.email, world.supervisor.email])

    # The pass again: nothing changed, nothing is told again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = alerts.run(TODAY, NOW.replace(hour=7))
    assert (again["changes"], again["alerts"]) == (0, 0)
    assert len(alerts_to(world.reviewer)) == 1 and mail.outbox == []


def test_red_is_another_change_and_back_to_green_is_none(world, review_case):
    put_in(review_case, "yellow")
    alerts.sweep(TODAY, NOW)
    alerts.send_alerts(NOW)
    put_in(review_case, "red")
    assert alerts.sweep(TODAY, NOW) == 1
    assert alerts.send_alerts(NOW) == 1
    titles = [message.title for message in alerts_to(world.lead)]
    assert len(titles) == 2 and "红灯" in titles[1]

    put_in(review_case, "green")
    assert alerts.sweep(TODAY, NOW) == 1
    assert LightChange.objects.filter(to_light="green", from_light="red").exists()
    assert alerts.send_alerts(NOW) == 0
    assert len(alerts_to(world.lead)) == 2
    assert CaseLight.objects.get(case=review_case).light == "green"


def test_a_case_straight_to_red_is_one_change_from_green(world, review_case):
    put_in(review_case, "red")
    assert alerts.sweep(TODAY, NOW) == 1
    assert LightChange.objects.get().from_light == "green"


def test_a_case_that_stops_running_loses_its_light_without_an_alert(world, review_case):
    put_in(review_case, "yellow")
    alerts.sweep(TODAY, NOW)
    alerts.send_alerts(NOW)
    CaseFile.objects.filter(pk=review_case.pk).update(status=Status.APPROVED)
    assert alerts.sweep(TODAY, NOW) == 0
    assert not CaseLight.objects.exists()
    assert alerts.send_alerts(NOW) == 0
    assert len(alerts_to(world.supervisor)) == 1


def test_two_senders_tell_a_change_once(world, review_case):
    put_in(review_case, "yellow")
    alerts.sweep(TODAY, NOW)
    assert alerts.send_alerts(NOW) == 1
    assert alerts.send_alerts(NOW) == 0  # what the first claimed and marked, the second never takes
    assert Message.objects.filter(kind=Message.Kind.ALERT).count() == 3


def test_the_acceptance_stage_turns_red_after_its_five_days(world, submitted_case):
    CaseFile.objects.filter(pk=submitted_case.pk).update(acceptance_due=TODAY - timedelta(days=1))
    assert alerts.sweep(TODAY, NOW) == 1
    assert LightChange.objects.get().to_light == "red"


def test_sms_only_where_the_setting_says_so(world, review_case, django_capture_on_commit_callbacks):
    Person.objects.create(name="审查员", id_number=demo_resident_id("44040219850101123"), phone="13800000001",
                          user=world.reviewer)
    sms.outbox.clear()
    put_in(review_case, "yellow")
    alerts.sweep(TODAY, NOW)
    with django_capture_on_commit_callbacks(execute=True):
        alerts.send_alerts(NOW)
    assert sms.outbox == []

    put_in(review_case, "red")
    alerts.sweep(TODAY, NOW)
    with override_settings(YIWANG_SUPERVISION={"SMS_ALERTS": True}), django_capture_on_commit_callbacks(execute=True):
        alerts.send_alerts(NOW)
    (text,) = sms.outbox
    assert text.number == "13800000001" and review_case.number in text.text


def test_the_digest_once_a_day_and_none_when_there_is_nothing(world, review_case):
    assert alerts.send_digests(TODAY, NOW) == 0  # all green, no order: nothing to report
    put_in(review_case, "red")
    alerts.sweep(TODAY, NOW)
    assert alerts.send_digests(TODAY, NOW) == 3  # the reviewer (handler), the lead, the supervisor
    digest = Message.objects.get(recipient=world.reviewer, kind=Message.Kind.REMINDER)
    assert "每日汇总" in digest.title and review_case.number in digest.body
    assert alerts.send_digests(TODAY, NOW) == 0
    assert Digest.objects.filter(day=TODAY).count() == 3
    assert not Message.objects.filter(recipient=world.clerk).exists()
    assert alerts.send_digests(TODAY + timedelta(days=1), NOW + timedelta(days=1)) == 3


def test_the_pass_sends_the_digest_from_its_hour(world, review_case):
    put_in(review_case, "yellow")
    assert alerts.run(TODAY, NOW.replace(hour=7))["digests"] == 0
    assert alerts.run(TODAY, NOW.replace(hour=8, minute=5))["digests"] == 3
    assert alerts.run(TODAY, NOW.replace(hour=15))["digests"] == 0


def test_the_tick_enqueues_the_pass_and_the_worker_runs_it(world, review_case, monkeypatch):
    put_in(review_case, "yellow", today=timezone.localdate())
    enqueued = []

    class Spy:
        def enqueue(self, *args):
            enqueued.append(args)
            return real.enqueue(*args)

    real = alerts.supervise
    monkeypatch.setattr(alerts, "supervise", Spy())
    out = StringIO()
    call_command("casefiles", "tick", stdout=out)
    assert enqueued == [()]
    assert "supervision: 1 change(s) of light, 1 alert(s) sent" in out.getvalue()
    assert len(alerts_to(world.reviewer)) == 1
    out = StringIO()
    call_command("casefiles", "tick", stdout=out)
    assert "supervision: 0 change(s) of light, 0 alert(s) sent" in out.getvalue()


def test_a_broker_that_refuses_loses_nothing(world, review_case, monkeypatch):
    class Refusing:
        def enqueue(self, *args):
            raise ConnectionError("no broker")

    monkeypatch.setattr(alerts, "supervise", Refusing())
    put_in(review_case, "yellow", today=timezone.localdate())
    out = StringIO()
    call_command("casefiles", "tick", stdout=out)
    assert "not enqueued" in out.getvalue()
    assert not LightChange.objects.exists()
    monkeypatch.undo()
    call_command("casefiles", "tick", stdout=StringIO())  # the next tick catches up
    assert len(alerts_to(world.reviewer)) == 1
