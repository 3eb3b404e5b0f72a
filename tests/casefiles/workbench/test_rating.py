"""评价器 at the front desk: the clerk opens a rating and sees only its link and QR code."""

import pytest
from django.test import override_settings
from django.urls import reverse

from casefiles.evaluations.models import Evaluation, WindowVisit

pytestmark = pytest.mark.django_db
URL = "/admin/cases/frontdesk/rating/"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_clerk_opens_a_rating_and_gets_the_counters_link(world, client, submitted_case):
    assert reverse("casefiles_workbench:frontdesk_rating") == URL
    client.force_login(world.window)
    assert client.get(URL).status_code == 200
    opened = client.post(URL, {"department": world.department.pk, "case_number": submitted_case.number})
    assert opened.status_code == 201
    visit = WindowVisit.objects.get()
    page = opened.content.decode()
    assert f"/rate/{visit.token}/" in page and "data:image/svg+xml" in page and 'name="level"' not in page
    assert (visit.case, visit.clerk) == (submitted_case, world.window) and not Evaluation.objects.exists()


def test_only_clerks_open_one(world, client):
    client.force_login(world.reviewer)
    assert client.get(URL).status_code in (302, 403)  # the admin answers PermissionDenied by sending back home
    client.force_login(world.clerk)
    refused = client.post(URL, {"department": world.other_department.pk})
    assert refused.status_code == 400 and not WindowVisit.objects.exists()
    assert client.post(URL, {"department": world.department.pk, "case_number": "NOPE"}).status_code == 400


@override_settings(SITE_URL="")
def test_without_site_url_the_link_has_the_host_the_page_was_served_at(world, client, submitted_case):
    client.force_login(world.window)
    opened = client.post(URL, {"department": world.department.pk, "case_number": submitted_case.number},
                         HTTP_HOST="testserver:8123")
    assert f'href="http://testserver:8123/rate/{WindowVisit.objects.get().token}/"' in opened.content.decode()


@override_settings(SITE_URL="https://zwfw.zhuhai.gov.cn")
def test_a_configured_site_url_wins_over_the_host(world, client, submitted_case):
    client.force_login(world.window)
    opened = client.post(URL, {"department": world.department.pk, "case_number": submitted_case.number},
                         HTTP_HOST="testserver:8123")
    page = opened.content.decode()
    assert 'href="https://zwfw.zhuhai.gov.cn/rate/' in page and "testserver:8123" not in page
