"""好差评 in the portal: the form on a closed case's page, the notice's signed link, the counter's page."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from casefiles.access.models import Authorisation
from casefiles.evaluations import links, reviews, window
from casefiles.evaluations.models import Channel, Evaluation, Level, Reason
from casefiles.evaluations.rectifications import Rectification
from tests.casefiles.evaluations.closing import authorise, conclude

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def concluded(submitted_case):
    return conclude(submitted_case)


def case_url(case):
    return reverse("casefiles:case", kwargs={"number": case.number})


def evaluate_url(case):
    return reverse("casefiles:evaluate_case", kwargs={"number": case.number})


def test_the_form_appears_only_once_the_case_is_closed(client, world, submitted_case):
    client.force_login(world.applicant)
    assert 'name="level"' not in client.get(case_url(submitted_case)).content.decode()
    conclude(submitted_case)
    page = client.get(case_url(submitted_case)).content.decode()
    assert "Review this service" in page and page.count('name="level"') == 5 and page.count('name="reasons"') == 8
    assert "<script>" not in page  # the reasons' script is a static file (CSP)


def test_the_levels_have_their_chinese_names(client, world, concluded):
    client.force_login(world.applicant)
    page = client.get(case_url(concluded), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for name in ("非常满意", "满意", "基本满意", "不满意", "非常不满意", "评价本次服务", "多次要求补交材料"):
        assert name in page, name


def test_posting_a_review_shows_it_and_then_no_form(client, world, concluded):
    client.force_login(world.applicant)
    response = client.post(evaluate_url(concluded), {"level": Level.SATISFIED, "text": "窗口很耐心"})
    assert response.status_code == 302 and response["Location"].endswith("#evaluation")
    page = client.get(case_url(concluded)).content.decode()
    assert "Your review" in page and "Satisfied" in page and "窗口很耐心" in page and 'name="level"' not in page
    assert Evaluation.objects.get(case=concluded).channel == Channel.PORTAL


def test_a_bad_review_without_a_reason_is_shown_again_with_the_error(client, world, concluded):
    client.force_login(world.applicant)
    response = client.post(evaluate_url(concluded), {"level": Level.DISSATISFIED, "text": "太慢"})
    page = response.content.decode()
    assert response.status_code == 400 and "choose at least one reason" in page and "太慢" in page
    assert re.search(r'value="2"\s+checked', page)
    assert not Evaluation.objects.exists()
    response = client.post(evaluate_url(concluded), {"level": Level.DISSATISFIED, "reasons": [Reason.SLOW]})
    assert response.status_code == 302
    page = client.get(case_url(concluded)).content.decode()
    assert "is rectifying" in page


def test_after_the_call_back_the_second_review_is_offered(client, world, concluded):
    client.force_login(world.applicant)
    reviews.give(concluded, world.applicant, Level.VERY_DISSATISFIED, [Reason.ATTITUDE])
    assert 'name="level"' not in client.get(case_url(concluded)).content.decode()
    Rectification.objects.update(callback="已回访", callback_at=timezone.now())
    page = client.get(case_url(concluded)).content.decode()
    assert "review the service again" in page and 'name="level"' in page
    assert client.post(evaluate_url(concluded), {"level": Level.SATISFIED}).status_code == 302
    assert list(Evaluation.objects.order_by("round").values_list("round", "level")) == [(1, 1), (2, 4)]


def test_a_stranger_gets_404_and_staff_are_refused(client, world, concluded):
    client.force_login(world.stranger)
    assert client.get(case_url(concluded)).status_code == 404
    assert client.post(evaluate_url(concluded), {"level": Level.SATISFIED}).status_code == 404
    assert client.post(reverse("casefiles:evaluate_case", kwargs={"number": "NOPE"}), {"level": 5}).status_code == 404
    client.force_login(world.clerk)
    assert client.post(evaluate_url(concluded), {"level": Level.SATISFIED}).status_code == 403
    assert not Evaluation.objects.exists()


def test_an_agent_within_the_authorisation_may_and_not_after_it_lapses(client, world, submitted_case,
                                                                     django_user_model):
    helper = django_user_model.objects.create_user("helper", password="pw-for-tests-only")
    authorisation = authorise(world, submitted_case, helper, days=2)
    case = conclude(submitted_case)
    client.force_login(helper)
    assert 'name="level"' in client.get(case_url(case)).content.decode()
    lapsed = timezone.now() - datetime.timedelta(minutes=1)
    Authorisation.objects.filter(pk=authorisation.pk).update(  # its time ran out
        valid_from=lapsed - datetime.timedelta(days=2), valid_until=lapsed)
    assert 'name="level"' not in client.get(case_url(case)).content.decode()
    response = client.post(evaluate_url(case), {"level": Level.SATISFIED})
    assert response.status_code in (403, 404) and not Evaluation.objects.exists()
    Authorisation.objects.filter(pk=authorisation.pk).update(valid_until=lapsed + datetime.timedelta(days=2))
    assert client.post(evaluate_url(case), {"level": Level.FAIRLY_SATISFIED}).status_code == 302
    assert Evaluation.objects.get().as_agent


def test_the_notice_link_asks_to_sign_in_then_reviews_by_the_applicants_account(client, world, concluded):
    url = reverse("casefiles:evaluate_link", kwargs={"token": links.token_for(concluded)})
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(world.stranger)
    assert client.get(url).status_code == 404
    client.force_login(world.applicant)
    page = client.get(url).content.decode()
    assert page.count('name="level"') == 5
    assert client.post(url, {"level": Level.VERY_SATISFIED}).status_code == 302
    assert Evaluation.objects.get().channel == Channel.NOTICE
    assert "reviewed already" in client.get(url).content.decode()


def test_a_forged_or_expired_link_is_404(client, world, concluded):
    client.force_login(world.applicant)
    token = links.token_for(concluded)
    assert client.get(reverse("casefiles:evaluate_link", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    with pytest.raises(Exception):
        links.case_for(token, max_age=-1)


def test_the_counter_page_rates_a_visit_once_without_signing_in(client, world):
    visit = window.open_visit(world.window, world.department)
    url = reverse("casefiles:rate_visit", kwargs={"token": visit.token})
    page = client.get(url).content.decode()
    assert page.count('name="level"') == 5 and "珠海市市场监督管理局" in page
    assert client.post(url, {"level": Level.VERY_SATISFIED}).status_code == 302
    page = client.get(url).content.decode()
    assert "Thank you for your rating" in page and 'name="level"' not in page
    assert client.post(url, {"level": Level.VERY_DISSATISFIED, "reasons": [Reason.ATTITUDE]}).status_code == 200
    assert list(Evaluation.objects.values_list("level", "by")) == [(5, None)]
    assert get_user_model().objects.filter(pk=world.window.pk).exists()


def test_an_old_or_unknown_visit_is_404(client, world):
    visit = window.open_visit(world.window, world.department, now=timezone.now() - datetime.timedelta(hours=3))
    assert client.get(reverse("casefiles:rate_visit", kwargs={"token": visit.token})).status_code == 404
    assert client.get(reverse("casefiles:rate_visit", kwargs={"token": "x" * 43})).status_code == 404
