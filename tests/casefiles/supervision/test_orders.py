"""督办: who issues and replies, the messages, the journal, escalation past the reply date."""

from datetime import timedelta

import pytest

from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.journal.models import CaseEvent
from casefiles.notifications.models import Message
from casefiles.supervision import orders
from casefiles.supervision.models import Order
from tests.casefiles.supervision.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def issue_on(world, case, due=TODAY + timedelta(days=3)):
    return orders.issue(world.supervisor, case=case, subject="请加快审查", text="请于三日内说明延误原因。",
                        reply_due=due, today=TODAY)


def inbox(user):
    return list(Message.objects.filter(recipient=user).order_by("pk"))


def test_a_supervisor_orders_a_case_its_department_its_lead_and_handler_are_told(world, review_case):
    order = issue_on(world, review_case)
    assert order.department == world.department and order.issued_by == world.supervisor
    for user in (world.lead, world.reviewer):
        (message,) = inbox(user)
        assert "请加快审查" in message.title and message.link == f"/admin/supervision/orders/{order.pk}/"
    assert inbox(world.clerk) == []
    assert CaseEvent.objects.filter(case=review_case, action="issue_order").exists()
    assert orders.status(order, TODAY) == orders.OrderStatus.WAITING


def test_only_supervisors_issue_and_the_reply_date_is_after_today(world, review_case):
    for user in (world.lead, world.clerk, world.applicant):
        with pytest.raises(NotPermitted):
            orders.issue(
                user, case=review_case, subject="x", text="y", reply_due=TODAY + timedelta(days=3), today=TODAY)
    with pytest.raises(Invalid):
        issue_on(world, review_case, due=TODAY)
    with pytest.raises(Invalid):
        orders.issue(world.supervisor, case=review_case, department=world.other_department, subject="x", text="y",
                     reply_due=TODAY + timedelta(days=3), today=TODAY)
    with pytest.raises(Invalid):
        orders.issue(world.supervisor, subject="x", text="y", reply_due=TODAY + timedelta(days=3), today=TODAY)
    assert not Order.objects.exists()


def test_an_order_on_a_department(world):
    order = orders.issue(world.supervisor, department=world.other_department, subject="一季一排名", text="请提交整改报告。",
                         reply_due=TODAY + timedelta(days=7), today=TODAY)
    assert order.case is None
    assert list(orders.waiting_for(world.other_clerk)) == [order]
    assert list(orders.waiting_for(world.clerk)) == []
    assert list(orders.waiting_for(world.supervisor)) == [order]


def test_a_member_replies_once_and_the_issuer_is_told(world, review_case):
    order = issue_on(world, review_case)
    with pytest.raises(NotFound):
        orders.reply(order, world.other_clerk, "不是我们的")
    with pytest.raises(NotPermitted):
        orders.reply(order, world.supervisor, "监察人员不回复")
    with pytest.raises(Invalid):
        orders.reply(order, world.clerk, "  ")
    orders.reply(order, world.clerk, "已督促承办人，明日办结。")
    order.refresh_from_db()
    assert order.replied_by == world.clerk and orders.status(order, TODAY) == orders.OrderStatus.ANSWERED
    assert any("已回复" in m.title for m in inbox(world.supervisor))
    assert CaseEvent.objects.filter(case=review_case, action="reply_order").exists()
    with pytest.raises(Conflict):
        orders.reply(order, world.lead, "再回复一次")
    assert list(orders.waiting_for(world.clerk)) == []


def test_an_order_past_its_date_escalates_once_and_shows_red(world, review_case):
    order = issue_on(world, review_case, due=TODAY + timedelta(days=2))
    later = TODAY + timedelta(days=3)
    assert orders.escalate_overdue(TODAY + timedelta(days=2), NOW) == 0  # on the date itself: still in time
    assert orders.escalate_overdue(later, NOW + timedelta(days=3)) == 1
    order.refresh_from_db()
    assert order.escalated_at is not None
    assert orders.status(order, later) == orders.OrderStatus.OVERDUE
    assert any("逾期" in m.title for m in inbox(world.lead))
    assert any("逾期" in m.title for m in inbox(world.supervisor))
    assert CaseEvent.objects.filter(case=review_case, action="escalate_order").exists()
    assert orders.escalate_overdue(later + timedelta(days=1), NOW + timedelta(days=4)) == 0
    assert sum("逾期" in m.title for m in inbox(world.lead)) == 1
    assert [o.pk for o in orders.listing(world.lead, orders.OrderStatus.OVERDUE, today=later)] == [order.pk]
    assert list(orders.listing(world.lead, orders.OrderStatus.WAITING, today=later)) == []


def test_an_answered_order_never_escalates(world, review_case):
    order = issue_on(world, review_case, due=TODAY + timedelta(days=1))
    orders.reply(order, world.lead, "已处理。")
    assert orders.escalate_overdue(TODAY + timedelta(days=5), NOW + timedelta(days=5)) == 0
