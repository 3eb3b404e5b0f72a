"""电子监察's pages: orders (list, filters, issue from a case, reply), cards, the home page's panel, the menu."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casefiles.supervision import cards, orders
from casefiles.supervision.models import Order
from tests.casefiles.supervision.conftest import NOW, TODAY, put_in, review_case  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def an_order(world, case, days=3):
    return orders.issue(world.supervisor, case=case, subject="请加快审查", text="说明延误原因。",
                        reply_due=timezone.localdate() + timedelta(days=days))


def test_the_supervisor_issues_an_order_from_a_case(world, review_case, client):
    client.force_login(world.supervisor)
    page = client.get(f"/admin/supervision/orders/issue/?case={review_case.number}")
    assert page.status_code == 200 and review_case.number in page.content.decode()
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(f"/admin/supervision/orders/issue/?case={review_case.number}",
                           {"subject": "请加快审查", "text": "三日内说明。", "reply_due": due})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/supervision/orders/{order.pk}/"
    assert order.case == review_case and order.department == world.department
    # a date that is not after today: the form again, with the reason
    again = client.post("/admin/supervision/orders/issue/", {
        "department": world.other_department.pk, "subject": "x", "text": "y", "reply_due": timezone.localdate().isoformat()})
    assert again.status_code == 400 and "回复期限须晚于今天" in again.content.decode()


def test_only_supervisors_may_issue(world, review_case, client):
    client.force_login(world.lead)
    assert client.get("/admin/supervision/orders/issue/").status_code == 403
    assert client.post("/admin/supervision/orders/issue/", {}).status_code == 403


def test_the_department_sees_its_orders_and_replies(world, review_case, client):
    order = an_order(world, review_case)
    other = orders.issue(world.supervisor, department=world.other_department, subject="别的部门", text="x",
                         reply_due=timezone.localdate() + timedelta(days=3))
    client.force_login(world.clerk)
    listing = client.get("/admin/supervision/orders/").content.decode()
    assert "请加快审查" in listing and "别的部门" not in listing
    assert client.get(f"/admin/supervision/orders/{other.pk}/").status_code == 404
    assert client.get("/admin/supervision/orders/?status=nonsense").status_code == 400
    response = client.post(f"/admin/supervision/orders/{order.pk}/", {"text": "已督促承办人。"})
    assert response.status_code == 302
    page = client.get(f"/admin/supervision/orders/{order.pk}/").content.decode()
    assert "已督促承办人。" in page and "已回复" in page
    again = client.post(f"/admin/supervision/orders/{order.pk}/", {"text": "再回复"})
    assert again.status_code == 409
    assert "请加快审查" in client.get("/admin/supervision/orders/?status=answered").content.decode()
    assert "请加快审查" not in client.get("/admin/supervision/orders/?status=waiting").content.decode()


def test_someone_without_a_role_has_no_orders(world, client):
    client.force_login(world.applicant)
    assert client.get("/admin/supervision/orders/").status_code in (302, 403)


def test_the_home_page_shows_orders_waiting_overdue_in_red(world, review_case, client):
    order = an_order(world, review_case)
    Order.objects.filter(pk=order.pk).update(reply_due=timezone.localdate() - timedelta(days=1))
    client.force_login(world.lead)
    home = client.get("/admin/").content.decode()
    assert 'id="orders-waiting-section"' in home and "请加快审查" in home and "逾期未复" in home
    assert "supervision-orders" in home  # the menu item
    client.force_login(world.other_clerk)
    other_home = client.get("/admin/").content.decode()
    assert 'id="orders-waiting-section"' not in other_home and "supervision-orders" in other_home


def test_the_cards_page_counts_per_department(world, review_case, client):
    put_in(review_case, "red")
    cards.make_cards(TODAY, NOW)
    client.force_login(world.supervisor)
    page = client.get("/admin/supervision/cards/").content.decode()
    assert review_case.number in page
    row = page.split(f'data-department="{world.department.code}"')[1].split("</tr>")[0]
    assert '<td class="wb-yellow">1</td>' in row and '<td class="wb-red">1</td>' in row
    client.force_login(world.other_clerk)
    assert review_case.number not in client.get("/admin/supervision/cards/").content.decode()


def test_the_case_page_shows_its_orders_and_cards_and_where_to_issue_one(world, review_case, client):
    an_order(world, review_case)
    review_case.__class__.objects.filter(pk=review_case.pk).update(promised_due=TODAY - timedelta(days=1))
    cards.make_cards(TODAY, NOW)
    client.force_login(world.supervisor)
    page = client.get(f"/admin/cases/{review_case.number}/").content.decode()
    assert 'id="supervision"' in page and "请加快审查" in page and "待回复" in page
    assert "黄牌" in page and f"/admin/supervision/orders/issue/?case={review_case.number}" in page
    client.force_login(world.clerk)  # the department sees the order on its case, and may not issue one
    page = client.get(f"/admin/cases/{review_case.number}/").content.decode()
    assert "请加快审查" in page and "/admin/supervision/orders/issue/" not in page
