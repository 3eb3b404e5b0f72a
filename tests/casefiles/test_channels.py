"""The same refusal gets the same status in every channel: the API, the portal, the workbench.

Each channel answers the one hierarchy (casefiles.errors) in one place; a case the user may
not see is a 404 exactly like a missing one, and a user who may see it but may not do this
(an agent managing the applicant's agents) a 403.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casefiles.agents import authorisations as agents
from casefiles.handling import applications
from casefiles.demo.directory import demo_resident_id
from casefiles.directory.models import Person
from casefiles.supervision import orders
from tests.casefiles.conftest import fresh, pdf_upload

MISSING = "44040020261121999999"


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(fresh(user))
    return client


def browser(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def helper(world, django_user_model):
    user = django_user_model.objects.create_user("helper", password="pw-for-tests-only")
    Person.objects.create(name="李帮办", id_number=demo_resident_id("44040219850505123"), phone="13800000123", user=user)
    return user


@pytest.fixture
def authorised(world, helper):
    case = applications.start(world.applicant, world.item, world.enterprise)
    return agents.authorise(case, world.applicant, helper, pdf_upload("授权委托书.pdf"),
                            valid_until=timezone.now() + datetime.timedelta(days=7))


def test_an_agent_revoking_their_own_authorisation_is_403_in_the_api_and_the_portal(world, helper, authorised, client):
    number, pk = authorised.case.number, authorised.pk
    assert api(helper).post(f"/api/v1/cases/{number}/authorisations/{pk}/revoke/", {}, format="json").status_code == 403
    assert browser(client, helper).post(reverse("casefiles:revoke_agent", args=[number, pk])).status_code == 403
    authorised.refresh_from_db()
    assert authorised.revoked_at is None


def test_a_stranger_revoking_is_404_in_the_api_and_the_portal(world, authorised, client):
    number, pk = authorised.case.number, authorised.pk
    assert api(world.stranger).post(f"/api/v1/cases/{number}/authorisations/{pk}/revoke/", {}, format="json").status_code == 404
    assert browser(client, world.stranger).post(reverse("casefiles:revoke_agent", args=[number, pk])).status_code == 404


@pytest.mark.parametrize("who", ["stranger", "other_clerk"])
def test_a_case_the_user_may_not_see_is_404_everywhere_like_a_missing_one(world, submitted_case, client, who):
    user = getattr(world, who)
    for number in (submitted_case.number, MISSING):
        assert api(user).get(f"/api/v1/cases/{number}/").status_code == 404
        assert browser(client, user).get(reverse("casefiles:case", args=[number])).status_code == 404
    staff = world.other_clerk
    seen, missing = (browser(client, staff).get(reverse("casefiles_workbench:case", args=[number]))
                     for number in (submitted_case.number, MISSING))
    assert seen.status_code == missing.status_code == 404
    assert seen.content == missing.content


def test_a_step_the_user_may_not_take_is_refused_alike_in_the_api_and_the_workbench(world, submitted_case, client):
    """A step the case's status does not allow: the same refusal, the same status."""
    version = {"version": submitted_case.version}
    answer = api(world.clerk).post(f"/api/v1/cases/{submitted_case.number}/transitions/approve/", version, format="json")
    page = browser(client, world.clerk).post(reverse("casefiles_workbench:step", args=[submitted_case.number, "approve"]),
                                             {"approve-expected_version": submitted_case.version})
    assert answer.status_code == 409  # NotAllowedNow: approve is no step of a submitted case
    assert page.status_code == answer.status_code


# --- 电子监察: handlers and supervision orders ------------------------------------------------------

def test_claiming_a_stage_of_another_departments_case_is_404_in_the_api_and_the_workbench(world, submitted_case, client):
    number = submitted_case.number
    assert api(world.other_clerk).post(f"/api/v1/cases/{number}/handlers/acceptance/claim/", {},
                                       format="json").status_code == 404
    assert browser(client, world.other_clerk).post(f"/admin/cases/{number}/handlers/acceptance/claim/").status_code == 404


def test_a_reviewer_claiming_acceptance_is_403_and_a_second_claim_409_in_both(world, submitted_case, client):
    number = submitted_case.number
    assert api(world.reviewer).post(f"/api/v1/cases/{number}/handlers/acceptance/claim/", {},
                                    format="json").status_code == 403
    assert browser(client, world.reviewer).post(f"/admin/cases/{number}/handlers/acceptance/claim/").status_code == 403
    assert api(world.clerk).post(f"/api/v1/cases/{number}/handlers/acceptance/claim/", {},
                                 format="json").status_code in (200, 201)
    assert api(world.window).post(f"/api/v1/cases/{number}/handlers/acceptance/claim/", {},
                                  format="json").status_code == 409
    assert browser(client, world.window).post(f"/admin/cases/{number}/handlers/acceptance/claim/").status_code == 409


def test_another_departments_supervision_order_is_404_in_the_api_and_the_workbench(world, client):
    order = orders.issue(world.supervisor, department=world.other_department, subject="督办", text="请说明。",
                         reply_due=timezone.localdate() + datetime.timedelta(days=3))
    assert api(world.clerk).get(f"/api/v1/supervision/orders/{order.pk}/").status_code == 404
    assert browser(client, world.clerk).get(f"/admin/supervision/orders/{order.pk}/").status_code == 404
    assert api(world.other_clerk).post(f"/api/v1/supervision/orders/{order.pk}/reply/", {"text": "已办理。"},
                                       format="json").status_code in (200, 201)
    assert api(world.other_clerk).post(f"/api/v1/supervision/orders/{order.pk}/reply/", {"text": "再回复"},
                                       format="json").status_code == 409
