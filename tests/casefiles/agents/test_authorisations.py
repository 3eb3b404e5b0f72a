"""帮办代办: authorising an agent, what the agent may do, expiry and revocation, the journal."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from casefiles import errors
from casefiles.access import permissions
from casefiles.agents import authorisations as agents
from casefiles.access.models import Authorisation
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, CaseGrant, Status
from casefiles.demo.directory import demo_resident_id
from casefiles.directory.models import Person
from casefiles.journal.models import CaseEvent
from casefiles.materials import uploads as materials
from tests.casefiles.conftest import pdf_upload


@pytest.fixture
def helper(world, django_user_model):
    user = django_user_model.objects.create_user("helper", password="pw-for-tests-only", first_name="帮办员小李")
    Person.objects.create(name="李帮办", id_number=demo_resident_id("44040219850505123"), phone="13800000123", user=user)
    return user


@pytest.fixture
def draft(world):
    return applications.start(world.applicant, world.item, world.enterprise)


def authorise(world, case, agent, days=30, **kwargs):
    now = kwargs.pop("now", None) or timezone.now()
    return agents.authorise(case, world.applicant, agent, pdf_upload("授权委托书.pdf"),
                            valid_until=now + datetime.timedelta(days=days), now=now, **kwargs)


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # a new request: nothing cached on the user object


def test_the_agent_is_found_by_username_or_by_phone(world, helper):
    assert agents.find_agent("helper") == helper
    assert agents.find_agent("HELPER") == helper
    assert agents.find_agent("138 0000 0123") == helper
    assert agents.find_agent("13800000123") == helper
    assert agents.find_agent("nobody") is None


def test_an_authorised_agent_sees_fills_in_and_submits_on_the_applicants_behalf(world, helper, draft):
    assert not permissions.can(helper, "view_casefile", draft)
    authorisation = authorise(world, draft, helper)
    assert authorisation.state() == Authorisation.State.ACTIVE
    assert authorisation.document_name == "授权委托书.pdf" and authorisation.document_sha256
    helper = fresh(helper)
    assert permissions.can(helper, "view_casefile", draft)
    assert draft in permissions.applicant_cases(helper)

    for requirement in world.requirements[:2]:
        materials.add(draft, requirement, pdf_upload(f"{requirement.name}.pdf"), helper)
    event = workflow.perform(draft, "submit", helper)

    assert event.actor == helper and event.on_behalf_of == world.applicant
    uploads = CaseEvent.objects.filter(case=draft, action="add_material")
    assert {(e.actor, e.on_behalf_of) for e in uploads} == {(helper, world.applicant)}
    # The applicant's own steps name nobody else.
    assert CaseEvent.objects.get(case=draft, action="create").on_behalf_of is None


def test_an_agent_never_sees_the_applicants_other_cases(world, helper, draft):
    other = applications.start(world.applicant, world.item, world.enterprise)
    authorise(world, draft, helper)
    helper = fresh(helper)
    assert list(permissions.applicant_cases(helper)) == [draft]
    assert not permissions.can(helper, "view_casefile", other)


def test_a_prepare_only_agent_fills_in_but_the_applicant_submits(world, helper, draft):
    authorise(world, draft, helper, scope=Authorisation.Scope.PREPARE)
    helper = fresh(helper)
    for requirement in world.requirements[:2]:
        materials.add(draft, requirement, pdf_upload(), helper)
    with translation.override("en"), pytest.raises(workflow.GuardFailed, match="the applicant submits it"):
        workflow.perform(draft, "submit", helper)
    workflow.perform(draft, "submit", world.applicant)


def test_an_agent_cannot_withdraw(world, helper, submitted_case):
    authorise(world, submitted_case, helper)
    with translation.override("en"), pytest.raises(workflow.GuardFailed, match="Only the applicant can withdraw"):
        workflow.perform(submitted_case, "withdraw", fresh(helper))


def test_the_applicant_revokes_and_the_agent_loses_the_case_at_once(world, helper, draft):
    authorisation = authorise(world, draft, helper)
    agents.revoke(authorisation, world.applicant, reason="换人办理")
    authorisation.refresh_from_db()
    assert authorisation.state() == Authorisation.State.REVOKED
    assert authorisation.revoked_by == world.applicant
    helper = fresh(helper)
    assert not permissions.can(helper, "view_casefile", draft)
    assert list(permissions.applicant_cases(helper)) == []
    assert not CaseGrant.objects.filter(case=draft, reason=CaseGrant.Reason.AGENT).exists()
    event = draft.events.get(action="revoke_agent")
    assert event.actor == world.applicant and event.comment == "换人办理"
    with translation.override("en"), pytest.raises(errors.Conflict, match="already ended"):
        agents.revoke(authorisation, world.applicant)


def test_only_the_applicant_authorises_and_revokes(world, helper, draft):
    with pytest.raises(workflow.NotFound):
        agents.authorise(draft, world.stranger, helper, pdf_upload(), valid_until=timezone.now() + datetime.timedelta(days=1))
    authorisation = authorise(world, draft, helper)
    with translation.override("en"), pytest.raises(errors.NotPermitted, match="Only the applicant"):
        agents.revoke(authorisation, fresh(helper))


def test_an_expired_authorisation_counts_for_nothing_even_before_the_tick(world, helper, draft):
    start = timezone.now() - datetime.timedelta(days=10)
    authorise(world, draft, helper, days=5, now=start)  # ran out five days ago; the tick has not run
    helper = fresh(helper)
    assert CaseGrant.objects.filter(case=draft, reason=CaseGrant.Reason.AGENT).exists()
    assert not permissions.can(helper, "view_casefile", draft)
    assert permissions.held(helper, draft) == set()
    assert list(permissions.applicant_cases(helper)) == []
    assert list(permissions.visible_cases(helper)) == []
    with pytest.raises(workflow.NotFound):
        materials.add(draft, world.requirements[0], pdf_upload(), helper)


def test_the_tick_ends_authorisations_whose_time_ran_out(world, helper, draft, capsys):
    start = timezone.now() - datetime.timedelta(days=10)
    authorisation = authorise(world, draft, helper, days=5, now=start)
    current = authorise(world, applications.start(world.applicant, world.item, world.enterprise), helper)
    call_command("casefiles", "tick")
    assert "1 agent authorisation(s) expired" in capsys.readouterr().out
    authorisation.refresh_from_db()
    assert authorisation.state() == Authorisation.State.EXPIRED and authorisation.revoked_by is None
    assert not CaseGrant.objects.filter(case=draft, reason=CaseGrant.Reason.AGENT).exists()
    event = draft.events.get(action="agent_expired")
    assert event.actor is None
    assert list(permissions.applicant_cases(fresh(helper))) == [current.case]
    assert agents.expire_due() == 0


def test_an_authorisation_not_yet_begun_gives_nothing_yet(world, helper, draft):
    now = timezone.now()
    agents.authorise(draft, world.applicant, helper, pdf_upload(), valid_from=now + datetime.timedelta(days=2),
                     valid_until=now + datetime.timedelta(days=9), now=now)
    assert not permissions.can(fresh(helper), "view_casefile", draft)


def test_a_member_of_the_enterprise_who_was_also_an_agent_keeps_their_own_rights(world, draft):
    start = timezone.now() - datetime.timedelta(days=10)
    colleague = type(world.applicant).objects.create_user("colleague")
    authorise(world, draft, colleague, days=5, now=start)
    world.enterprise.add_member(colleague)
    assert permissions.can(fresh(colleague), "apply_casefile", draft)


@pytest.mark.parametrize("problem, message", [
    ("too_long", "at most 90 days"),
    ("ended", "must end in the future"),
    ("no_document", "Attach the signed authorisation"),
    ("not_a_document", "not accepted"),
    ("self", "is the applicant already"),
    ("twice", "already authorised"),
])
def test_authorisations_that_cannot_be_are_refused_and_leave_nothing(world, helper, draft, problem, message):
    now = timezone.now()
    until, document, agent = now + datetime.timedelta(days=10), pdf_upload(), helper
    if problem == "too_long":
        until = now + datetime.timedelta(days=91)
    elif problem == "ended":
        until = now - datetime.timedelta(days=1)
    elif problem == "no_document":
        document = None
    elif problem == "not_a_document":
        document = pdf_upload("授权委托书.pdf", b"MZ\x90\x00 an executable")
    elif problem == "self":
        agent = world.applicant
    elif problem == "twice":
        authorise(world, draft, helper)
    before = Authorisation.objects.count()
    with translation.override("en"), pytest.raises(errors.Refused, match=message):
        agents.authorise(draft, world.applicant, agent, document, valid_until=until, now=now)
    assert Authorisation.objects.count() == before


def test_a_closed_case_takes_no_agent(world, helper, submitted_case):
    workflow.perform(submitted_case, "withdraw", world.applicant)
    with translation.override("en"), pytest.raises(errors.Conflict, match="while the application is open"):
        authorise(world, submitted_case, helper)


def test_listings_of_the_applicant_and_of_the_agent(world, helper, draft):
    authorisation = authorise(world, draft, helper)
    assert list(agents.given_by(world.applicant)) == [authorisation]
    assert list(agents.given_to(helper)) == [authorisation]
    assert list(agents.given_by(world.stranger)) == []
    assert list(agents.for_case(draft)) == [authorisation]
    assert draft.status == Status.DRAFT


# --- the portal ---------------------------------------------------------------------------------

def test_the_applicant_authorises_an_agent_by_phone_on_the_portal_and_revokes(world, helper, draft, client):
    client.force_login(world.applicant)
    page = client.get(f"/my/cases/{draft.number}/")
    assert f"/my/cases/{draft.number}/agents/".encode() in page.content
    until = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    with translation.override("en"):
        response = client.post(f"/my/cases/{draft.number}/agents/", {
            "agent": "13800000123", "kind": "helper", "scope": "submit", "valid_until": until,
            "document": pdf_upload("授权委托书.pdf"),
        }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    authorisation = Authorisation.objects.get()
    assert authorisation.agent == helper and authorisation.granted_by == world.applicant
    assert timezone.localtime(authorisation.valid_until).date().isoformat() > until  # the whole last day
    listing = client.get("/my/agents/")
    assert draft.number.encode() in listing.content and "授权委托书.pdf".encode() in listing.content
    document = client.get(f"/my/cases/{draft.number}/agents/{authorisation.pk}/document/")
    assert document.status_code == 200 and b"".join(document.streaming_content).startswith(b"%PDF")

    client.force_login(helper)
    assert client.get(f"/my/cases/{draft.number}/").status_code == 200
    assert draft.number.encode() in client.get("/my/cases/").content
    held = client.get("/my/agents/").content.decode()
    assert f'href="/my/cases/{draft.number}/"' in held and "/revoke/" not in held  # the agent cannot revoke
    assert client.get(f"/my/cases/{draft.number}/agents/").status_code == 403  # the agent does not manage agents
    assert client.post(f"/my/cases/{draft.number}/agents/{authorisation.pk}/revoke/").status_code == 403

    client.force_login(world.applicant)
    response = client.post(f"/my/cases/{draft.number}/agents/{authorisation.pk}/revoke/", {"next": "/my/agents/"})
    assert response.status_code == 302 and response["Location"] == "/my/agents/"
    client.force_login(helper)
    assert client.get(f"/my/cases/{draft.number}/").status_code == 404
    assert client.get(f"/my/cases/{draft.number}/agents/{authorisation.pk}/document/").status_code == 404


def test_a_refused_authorisation_says_why_on_the_page(world, draft, client):
    client.force_login(world.applicant)
    with translation.override("en"):
        response = client.post(f"/my/cases/{draft.number}/agents/", {
            "agent": "nobody", "kind": "helper", "scope": "submit",
            "valid_until": timezone.localdate().isoformat(), "document": pdf_upload(),
        }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert b"No registered user has this username or phone number." in response.content
    assert not Authorisation.objects.exists()


def test_strangers_get_404_on_every_agent_page(world, helper, draft, client):
    authorisation = authorise(world, draft, helper)
    client.force_login(world.stranger)
    for url in (f"/my/cases/{draft.number}/agents/", f"/my/cases/{draft.number}/agents/{authorisation.pk}/document/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/my/cases/{draft.number}/agents/{authorisation.pk}/revoke/").status_code == 404
    assert Authorisation.objects.get().revoked_at is None


def test_the_agent_submits_on_the_portal_and_the_timeline_names_the_agent(world, helper, draft, client):
    authorise(world, draft, helper)
    client.force_login(helper)
    files = {f"files-{r.pk}": pdf_upload(f"{r.name}.pdf") for r in world.requirements[:2]}
    response = client.post(f"/my/cases/{draft.number}/", {"action": "submit", "version": draft.version, **files})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.events.get(action="submit").on_behalf_of == world.applicant
    with translation.override("en"):
        page = client.get(f"/my/cases/{draft.number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Agent helper for the applicant".replace("helper", "帮办员小李").encode() in page.content
    assert b"You act as the agent of" in page.content
    assert b"/withdraw/" not in page.content  # the applicant's alone


# --- the API ------------------------------------------------------------------------------------

def api(user):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_authorising_acting_and_revoking_over_the_api(world, helper, draft):
    until = (timezone.now() + datetime.timedelta(days=7)).isoformat()
    answer = api(world.applicant).post(f"/api/v1/cases/{draft.number}/authorisations/", {
        "agent": "helper", "scope": "submit", "valid_until": until, "document": pdf_upload("授权委托书.pdf"),
    }, format="multipart")
    assert answer.status_code == 201, answer.data
    assert answer.data["agent"] == "helper" and answer.data["state"] == "active"
    authorisation_id = answer.data["id"]

    agent = api(fresh(helper))
    assert agent.get(f"/api/v1/cases/{draft.number}/").status_code == 200
    for requirement in world.requirements[:2]:
        upload = agent.post(f"/api/v1/cases/{draft.number}/materials/",
                            {"requirement": requirement.pk, "file": pdf_upload()}, format="multipart")
        assert upload.status_code == 201, upload.data
    submitted = agent.post(f"/api/v1/cases/{draft.number}/transitions/submit/", {"version": 0}, format="json")
    assert submitted.status_code == 200, submitted.data
    assert submitted.data["event"]["actor"] == "帮办员小李" and submitted.data["event"]["on_behalf_of"] == "applicant"
    events = api(world.applicant).get(f"/api/v1/cases/{draft.number}/events/").data
    assert [e["on_behalf_of"] for e in events if e["action"] == "add_material"] == ["applicant", "applicant"]
    assert [a["id"] for a in agent.get("/api/v1/authorisations/?role=agent").data] == [authorisation_id]
    assert agent.get(f"/api/v1/cases/{draft.number}/authorisations/{authorisation_id}/document").status_code == 200

    refused = agent.post(f"/api/v1/cases/{draft.number}/authorisations/{authorisation_id}/revoke/", {}, format="json")
    assert refused.status_code == 403
    revoked = api(world.applicant).post(f"/api/v1/cases/{draft.number}/authorisations/{authorisation_id}/revoke/",
                                        {"reason": "已自行办理"}, format="json")
    assert revoked.status_code == 200 and revoked.data["state"] == "revoked"
    gone = api(fresh(helper)).get(f"/api/v1/cases/{draft.number}/")
    assert gone.status_code == 404 and gone.data["code"] == "not_found"


def test_a_refused_authorisation_over_the_api_says_why(world, helper, draft):
    until = (timezone.now() + datetime.timedelta(days=200)).isoformat()
    answer = api(world.applicant).post(f"/api/v1/cases/{draft.number}/authorisations/", {
        "agent": "helper", "valid_until": until, "document": pdf_upload(),
    }, format="multipart")
    assert answer.status_code == 400
    assert answer.data["messages"] == ["An authorisation lasts at most 90 days."]
    stranger = api(world.stranger).post(f"/api/v1/cases/{draft.number}/authorisations/", {
        "agent": "helper", "valid_until": until, "document": pdf_upload(),
    }, format="multipart")
    assert stranger.status_code == 404


# --- the workbench ------------------------------------------------------------------------------

def test_the_workbench_journal_and_case_page_name_the_agent_and_the_applicant(world, helper, submitted_case, client):
    authorisation = authorise(world, submitted_case, helper)
    workflow.perform(submitted_case, "request_correction", world.clerk, problems=[{"problem": "营业执照不清晰"}])
    submitted_case.refresh_from_db()
    materials.add(submitted_case, world.requirements[1], pdf_upload("营业执照.pdf"), fresh(helper))
    workflow.perform(submitted_case, "submit", fresh(helper))
    client.force_login(world.clerk)
    with translation.override("en"):
        page = client.get(f"/admin/cases/{submitted_case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="agents"' in text and "帮办员小李" in text and authorisation.document_name in text
    assert "on behalf of applicant" in text
    document = client.get(f"/admin/cases/{submitted_case.number}/authorisations/{authorisation.pk}/document/")
    assert document.status_code == 200


def test_an_agent_of_a_bundle_reaches_its_children_even_those_made_later(world, helper, draft):
    authorise(world, draft, helper)
    child = applications.start(world.applicant, world.item, world.enterprise)
    CaseFile.objects.filter(pk=child.pk).update(parent=draft)
    later = CaseFile.objects.create(
        number="44040020261121999999", item=world.item, item_code=world.item.item_code, item_title=world.item.title,
        department=world.department, parent=draft, enterprise=world.enterprise, applicant_name=world.enterprise.name,
        applicant_code=world.enterprise.uscc,
    )
    helper = fresh(helper)
    assert permissions.can(helper, "apply_casefile", later)
    child.refresh_from_db()
    assert agents.in_force_for(helper, child) is not None  # the bundle's authorisation covers it
