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
