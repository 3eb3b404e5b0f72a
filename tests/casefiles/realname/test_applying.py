"""A submission needs the real-name level its guide asks: refused alike in the API, the portal and
at the front desk — with what to do — and told on the start page before anything is filled in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from casefiles.agents import authorisations as agents
from casefiles.cases.models import Status
from casefiles.demo.directory import demo_resident_id
from casefiles.directory.models import Person
from casefiles.errors import GuardFailed
from casefiles.frontdesk import window as frontdesk
from casefiles.handling import applications, workflow
from casefiles.materials import uploads
from casefiles.realname import applying, levels
from tests.casefiles.conftest import fresh, pdf_upload

IN_PERSON_NEEDED = "This item needs a real-name check in person"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def in_person_item(world):
    """The world's guide, now needing a check in person (its editors set it in Wagtail)."""
    type(world.item).objects.filter(pk=world.item.pk).update(real_name_level=levels.IN_PERSON)
    world.item.refresh_from_db()
    return world.item


def complete(world, case, user):
    for requirement in world.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), user)
    case.refresh_from_db()
    return case


def draft_of(world, user, applicant):
    return complete(world, applications.start(user, world.item, applicant), user)


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(fresh(user))
    return client


def text(response) -> str:
    return " ".join(response.content.decode().split())


# --- the same refusal in every channel -----------------------------------------------------------

def test_a_person_short_of_the_level_is_refused_alike_in_the_api_the_portal_and_at_the_front_desk(
        world, in_person_item, client):
    levels.record(world.person, levels.REGISTERED, method=levels.MOBILE)

    online = draft_of(world, world.citizen, world.person)
    answer = api(world.citizen).post(f"/api/v1/cases/{online.number}/transitions/submit/",
                                     {"version": online.version}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "guard_failed"
    assert IN_PERSON_NEEDED in answer.json()["detail"] and "resident identity card" in answer.json()["detail"]

    client.force_login(world.citizen)
    page = client.post(reverse("casefiles:case", args=[online.number]), {"action": "submit", "version": online.version},
                       HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == answer.status_code
    assert IN_PERSON_NEEDED in text(page)

    at_window = complete(world, frontdesk.file(world.window, world.item, world.person.id_number), world.window)
    client.force_login(world.window)
    desk = client.post(f"/admin/cases/frontdesk/{at_window.number}/", {"action": "submit", "version": at_window.version},
                       HTTP_ACCEPT_LANGUAGE="en")
    assert desk.status_code == answer.status_code
    assert "and choose it under “Identity document checked” before submitting" in text(desk)  # what the clerk must do

    for case in (online, at_window):
        case.refresh_from_db()
        assert case.status == Status.DRAFT


def test_a_person_at_the_level_submits(world, in_person_item):
    levels.record(world.person, levels.IN_PERSON, by=world.window, method=levels.WINDOW, evidence="居民身份证")
    case = draft_of(world, world.citizen, world.person)
    workflow.perform(case, "submit", world.citizen)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_an_item_needing_only_registration_asks_nothing_of_anyone(world):
    """Registration is the floor: accounts made before the levels still apply."""
    assert not world.person.verifications.exists()
    case = draft_of(world, world.citizen, world.person)
    workflow.perform(case, "submit", world.citizen)


# --- whose level counts ----------------------------------------------------------------------------

def test_for_an_enterprise_the_level_is_that_of_the_person_acting_for_it(world, in_person_item):
    case = draft_of(world, world.applicant, world.enterprise)
    with pytest.raises(GuardFailed, match="not linked to your own identity"):
        workflow.perform(case, "submit", world.applicant)
    member = Person.objects.create(name="林晓燕", id_number=demo_resident_id("44040219880808123"), user=world.applicant)
    with pytest.raises(GuardFailed, match=IN_PERSON_NEEDED):
        workflow.perform(case, "submit", world.applicant)
    levels.record(member, levels.IN_PERSON, by=world.window, method=levels.WINDOW, evidence="居民身份证")
    workflow.perform(case, "submit", world.applicant)
    # Another member, not checked in person, is the one acting on the next application.
    world.enterprise.add_member(world.citizen)
    other = draft_of(world, fresh(world.citizen), world.enterprise)
    with pytest.raises(GuardFailed, match=IN_PERSON_NEEDED):
        workflow.perform(other, "submit", fresh(world.citizen))


def test_an_agent_submitting_for_a_person_needs_the_persons_level_not_their_own(world, in_person_item,
                                                                                django_user_model):
    helper = django_user_model.objects.create_user("helper", password="pw-for-tests-only")
    helper_person = Person.objects.create(name="李帮办", id_number=demo_resident_id("44040219850505123"), user=helper)
    levels.record(helper_person, levels.IN_PERSON, by=world.window, method=levels.WINDOW, evidence="居民身份证")
    case = draft_of(world, world.citizen, world.person)
    agents.authorise(case, world.citizen, helper, pdf_upload("授权委托书.pdf"),
                     valid_until=timezone.now() + datetime.timedelta(days=7))
    with pytest.raises(GuardFailed, match=IN_PERSON_NEEDED):
        workflow.perform(case, "submit", fresh(helper))
    levels.record(world.person, levels.IN_PERSON, by=world.window, method=levels.WINDOW, evidence="居民身份证")
    workflow.perform(case, "submit", fresh(helper))


def test_a_bundle_needs_the_highest_of_its_items_and_names_the_part(bundle_world):
    from tests.casefiles.conftest import submit_bundle

    w = bundle_world
    type(w.item2).objects.filter(pk=w.item2.pk).update(real_name_level=levels.IDENTITY_PROVIDER)
    member = Person.objects.create(name="林晓燕", id_number=demo_resident_id("44040219880808123"), user=w.applicant)
    levels.record(member, levels.REGISTERED, method=levels.MOBILE)
    with pytest.raises(GuardFailed) as refused:
        submit_bundle(w)
    assert refused.value.messages == [f"{w.item2.title}: {levels.WHAT_TO_DO[levels.IDENTITY_PROVIDER]}"]
    levels.record(member, levels.IDENTITY_PROVIDER, method=levels.OIDC, evidence="https://tyrz.example sub-9")
    assert submit_bundle(w).status == Status.SUBMITTED


# --- told before filling in ----------------------------------------------------------------------------

def test_the_start_page_says_what_to_do_before_anything_is_filled_in(world, in_person_item, client):
    client.force_login(world.citizen)
    page = client.get(reverse("casefiles:apply", args=[world.item.item_code]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'id="real-name-shortfall"' in text(page) and IN_PERSON_NEEDED in text(page)
    draft = applications.start(world.citizen, world.item, world.person)
    assert IN_PERSON_NEEDED in text(client.get(reverse("casefiles:case", args=[draft.number]), HTTP_ACCEPT_LANGUAGE="en"))

    levels.record(world.person, levels.IN_PERSON, by=world.window, method=levels.WINDOW, evidence="居民身份证")
    assert 'id="real-name-shortfall"' not in text(client.get(reverse("casefiles:apply", args=[world.item.item_code])))
    assert applying.before_applying(world.citizen, world.item) is None


def test_the_bundles_start_page_says_it_for_the_highest_item(bundle_world, client):
    w = bundle_world
    type(w.item2).objects.filter(pk=w.item2.pk).update(real_name_level=levels.IN_PERSON)
    client.force_login(w.citizen)
    page = client.get(reverse("casefiles:apply_bundle", args=[w.bundle.bundle_code]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and IN_PERSON_NEEDED in text(page)
