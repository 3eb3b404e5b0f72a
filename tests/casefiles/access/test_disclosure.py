"""What each viewer is told (casefiles.access.disclosure): the applicant learns the department's
decisions by every path — portal, API, bundle views, progress look-up, search, email — and
never its deliberation; identity numbers and the verification code go to those whose work
needs them."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from casefiles.access import disclosure
from casefiles.agents import authorisations
from casefiles.handling import workflow
from casefiles.cases.models import Status
from casefiles.demo.directory import demo_resident_id
from casefiles.directory.identifiers import mask_resident_id
from casefiles.materials import uploads as materials
from casefiles.materials.models import Material
from casefiles.portal import wording
from search import indexing as search_indexing
from search import service
from search.models import IndexedDocument
from tests.casefiles.conftest import pdf_upload, submit_application, submit_bundle

SECRET_NOTE = "内部审查意见甲"  # a reviewer's note on a material
SECRET_REASON = "内部否决理由乙"  # the reason of a proposal still waiting for its second person
STAFF_NAMES = ("clerk", "reviewer", "decider", "decider2", "window")
INTERNAL_ACTIONS = ("review_material", "propose_denial", "overturn_denial", "propose_non_acceptance",
                    "overturn_non_acceptance")


def api(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def portal(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def flat(response) -> str:
    body = response.content.decode()
    return re.sub(r"\s+", " ", body)


def deliberated(world, case):
    """Accepted, a material reviewed with an internal note, a denial proposed, overturned,
    proposed again: every internal step of the review, the last still waiting."""
    material = case.materials.get(requirement=world.requirements[1], is_current=True)
    materials.review(material, world.clerk, Material.Review.REJECTED, SECRET_NOTE)
    workflow.perform(case, "accept", world.clerk, comment="内部备注")
    workflow.perform(case, "start_review", world.reviewer)
    workflow.perform(case, "propose_denial", world.reviewer, reason=SECRET_REASON)
    workflow.perform(case, "overturn_denial", world.decider)
    workflow.perform(case, "propose_denial", world.reviewer, reason=SECRET_REASON)
    case.refresh_from_db()
    assert case.status == Status.DENIAL_PENDING
    return case


@pytest.fixture
def helper(world, django_user_model):
    return django_user_model.objects.create_user("helper", password="pw-for-tests-only", first_name="帮办员小李")


def authorise(world, case, agent, by=None):
    now = timezone.now()
    return authorisations.authorise(case, by or world.applicant, agent, pdf_upload("授权委托书.pdf"),
                            valid_until=now + datetime.timedelta(days=10), now=now)


def assert_told_nothing_internal(text, *statuses):
    for secret in (SECRET_NOTE, SECRET_REASON, "内部备注", *INTERNAL_ACTIONS, *statuses):
        assert secret not in text, secret


# --- item 6: one view for outsiders ------------------------------------------------------------

def test_the_applicant_reads_the_same_status_and_events_on_the_portal_and_over_the_api(world, submitted_case):
    case = deliberated(world, submitted_case)
    detail = api(world.applicant).get(f"/api/v1/cases/{case.number}/").json()
    page = flat(portal(world.applicant).get(f"/my/cases/{case.number}/"))
    assert detail["status"] == Status.UNDER_REVIEW
    assert detail["status_display"] == wording.status_label(case.status) == "Under review"
    assert wording.status_label(case.status) in page
    events = api(world.applicant).get(f"/api/v1/cases/{case.number}/events/").json()
    assert [e["action"] for e in events] == ["create", "add_material", "add_material", "submit", "accept", "start_review"]
    assert [e["actor"] for e in events] == ["applicant"] * 4 + [world.department.name] * 2
    # The portal's timeline is those events, but the drafting itself (shown on the draft page).
    drafting = [e for e in events if e["action"] in wording.DRAFTING and e["from_state"] == Status.DRAFT]
    assert [entry.sequence for entry in wording.timeline(case)] == [e["sequence"] for e in events if e not in drafting]
    assert [entry.by for entry in wording.timeline(case)] == ["Applicant", "Applicant"] + [world.department.name] * 2


def test_an_internal_step_reaches_the_applicant_by_no_path(world, submitted_case, helper):
    """Detail, list, events, materials, progress (page and API), search, for the applicant and
    their agent alike; staff see the same case as it is."""
    case = deliberated(world, submitted_case)
    authorise(world, case, helper)
    search_indexing.sync([f"case:{case.pk}"])
    for outsider in (world.applicant, helper):
        client = api(outsider)
        for url in (f"/api/v1/cases/{case.number}/", f"/api/v1/cases/{case.number}/events/",
                    f"/api/v1/cases/{case.number}/materials/", "/api/v1/cases/", "/api/v1/cases/?role=applicant"):
            answer = client.get(url)
            assert answer.status_code == 200, url
            assert_told_nothing_internal(answer.content.decode(), "denial_pending")
            assert not re.search(r'"actor": ?"(%s)"' % "|".join(STAFF_NAMES), answer.content.decode())
        reviews = {(m["review_state"], m["review_reason"]) for m in client.get(f"/api/v1/cases/{case.number}/").json()["materials"]}
        assert reviews == {(Material.Review.PENDING, "")}
        page = portal(outsider).get(f"/my/cases/{case.number}/")
        assert page.status_code == 200
        assert_told_nothing_internal(flat(page), "Denial awaiting second approval")
        assert_told_nothing_internal(flat(portal(outsider).get("/my/cases/")), "Denial awaiting second approval")
        hits = service.search(case.number, user=outsider, kinds=("case", "material")).hits
        assert hits and all(hit.status in ("under_review", "") for hit in hits)
        assert_told_nothing_internal(" ".join(hit.body + hit.title for hit in hits), "denial_pending")
    # Asked by the name of the internal state, the applicant's listing finds nothing; by the state they are told, the case.
    assert api(world.applicant).get("/api/v1/cases/", {"status": "denial_pending"}).json()["results"] == []
    found = api(world.applicant).get("/api/v1/cases/", {"status": "under_review", "role": "applicant"}).json()["results"]
    assert [c["number"] for c in found] == [case.number]
    anonymous = {"number": case.number, "code": case.verification_code}
    progress = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/progress/", anonymous)
    assert progress.json()["status"] == Status.UNDER_REVIEW
    assert_told_nothing_internal(flat(portal().get("/progress/", anonymous)), "Denial awaiting second approval")
    # Staff read the journal as it is.
    for staff in (world.clerk, world.decider2, world.supervisor):
        detail = api(staff).get(f"/api/v1/cases/{case.number}/").json()
        assert detail["status"] == Status.DENIAL_PENDING
        events = api(staff).get(f"/api/v1/cases/{case.number}/events/").json()
        assert {"review_material", "propose_denial", "overturn_denial"} <= {e["action"] for e in events}
        assert any(e["data"].get("reason") == SECRET_REASON and e["actor"] == "reviewer" for e in events)
    assert api(world.clerk).get("/api/v1/cases/", {"status": "denial_pending"}).json()["results"][0]["number"] == case.number


def test_a_refusal_waiting_for_its_confirmation_reads_as_submitted_awaiting_acceptance(world, submitted_case):
    case = submitted_case
    workflow.perform(case, "propose_non_acceptance", world.window, reason=SECRET_REASON)
    case.refresh_from_db()
    detail = api(world.applicant).get(f"/api/v1/cases/{case.number}/")
    assert detail.json()["status"] == Status.SUBMITTED
    assert detail.json()["status_display"] == "Submitted: awaiting acceptance"
    assert_told_nothing_internal(detail.content.decode(), "non_acceptance_pending")
    assert_told_nothing_internal(api(world.applicant).get(f"/api/v1/cases/{case.number}/events/").content.decode(),
                                 "non_acceptance_pending")
    # A step the applicant may not take now is refused in the words they are told.
    refused = api(world.applicant).post(f"/api/v1/cases/{case.number}/transitions/submit/", {"version": case.version},
                                        format="json")
    assert refused.status_code == 409
    assert_told_nothing_internal(refused.content.decode(), "non_acceptance_pending", "Non-acceptance awaiting")
    assert refused.json()["current"]["status"] == Status.SUBMITTED
    page = flat(portal(world.applicant).get(f"/my/cases/{case.number}/"))
    assert "Submitted: awaiting acceptance" in page and SECRET_REASON not in page
    assert api(world.clerk).get(f"/api/v1/cases/{case.number}/").json()["status"] == Status.NON_ACCEPTANCE_PENDING
    # Once confirmed it is the decision, with its reason, as the notice states it.
    workflow.perform(case, "confirm_non_acceptance", world.decider)
    events = api(world.applicant).get(f"/api/v1/cases/{case.number}/events/").json()
    confirmed = events[-1]
    assert confirmed["action"] == "confirm_non_acceptance" and confirmed["from_state"] == Status.SUBMITTED
    assert confirmed["data"]["reason"] == SECRET_REASON and confirmed["actor"] == world.department.name
    assert "Application not accepted." in flat(portal(world.applicant).get(f"/my/cases/{case.number}/"))


def test_every_event_told_to_the_applicant_has_its_sentence():
    from types import SimpleNamespace

    case = SimpleNamespace(department=SimpleNamespace(name="部门"))
    for action in disclosure.OUTSIDER_DATA:
        event = disclosure.Event(1, action, Status.SUBMITTED, Status.SUBMITTED, "", "", None, "", {}, timezone.now())
        text, _details = wording._describe(event, case)
        assert text != action, action


def test_a_review_is_told_only_as_the_correction_notice_words_it(world, submitted_case):
    case = submitted_case
    licence = case.materials.get(requirement=world.requirements[1], is_current=True)
    form = case.materials.get(requirement=world.requirements[0], is_current=True)
    materials.review(form, world.clerk, Material.Review.REJECTED, SECRET_NOTE)  # not in the notice
    workflow.perform(case, "request_correction", world.clerk, problems=[
        {"material": licence.requirement_name, "material_id": licence.pk, "problem": "复印件不清晰"}])
    case.refresh_from_db()
    told = {m["id"]: (m["review_state"], m["review_reason"])
            for m in api(world.applicant).get(f"/api/v1/cases/{case.number}/").json()["materials"]}
    assert told == {licence.pk: (Material.Review.REJECTED, "复印件不清晰"), form.pk: (Material.Review.PENDING, "")}
    page = flat(portal(world.applicant).get(f"/my/cases/{case.number}/"))
    assert "Needs correction: 复印件不清晰" in page and SECRET_NOTE not in page
    assert page.count("Needs correction:") == 1
    staff = {m["id"]: m["review_state"] for m in api(world.clerk).get(f"/api/v1/cases/{case.number}/").json()["materials"]}
    assert staff == {licence.pk: Material.Review.REJECTED, form.pk: Material.Review.REJECTED}


def test_a_bundle_tells_its_applicant_each_parts_status_as_they_may_know_it(bundle_world):
    w = bundle_world
    parent = submit_bundle(w)
    food, construction = parent.children.order_by("pk")
    workflow.perform(food, "propose_non_acceptance", w.clerk, reason=SECRET_REASON)
    workflow.perform(construction, "accept", w.other_clerk)
    workflow.perform(construction, "start_review", w.other_reviewer)
    workflow.perform(construction, "propose_denial", w.other_reviewer, reason=SECRET_REASON)
    parent.refresh_from_db()
    assert parent.status == Status.SUBMITTED  # the parent never shows a step inside a department
    answer = api(w.applicant).get(f"/api/v1/bundles/{parent.number}/")
    assert {part["status"] for part in answer.json()["parts"]} == {Status.SUBMITTED, Status.UNDER_REVIEW}
    assert_told_nothing_internal(answer.content.decode(), "non_acceptance_pending", "denial_pending")
    page = flat(portal(w.applicant).get(f"/my/cases/{parent.number}/"))
    assert_told_nothing_internal(page, "Non-acceptance awaiting", "Denial awaiting")
    staff = api(w.clerk).get(f"/api/v1/bundles/{parent.number}/").json()
    assert {part["status"] for part in staff["parts"]} == {Status.NON_ACCEPTANCE_PENDING, Status.DENIAL_PENDING}


def test_the_workbench_shows_a_case_to_its_staff_only(world, django_user_model):
    """A staff member of another department who applies as a person reads their own case on
    the portal, never the workbench's journal."""
    world.citizen.groups.add(world.other_department.group("clerk"))
    case = submit_application(world, world.citizen, world.person)
    client = portal(world.citizen)
    assert client.get(f"/admin/cases/{case.number}/").status_code == 404
    assert client.get(f"/my/cases/{case.number}/").status_code == 200
    assert portal(world.clerk).get(f"/admin/cases/{case.number}/").status_code == 200


# --- item 16: identity numbers and the verification code ----------------------------------------

@pytest.fixture
def persons_case(world, helper):
    case = submit_application(world, world.citizen, world.person)
    authorise(world, case, helper, by=world.citizen)
    return case


def test_the_whole_identity_number_goes_to_those_who_act_on_the_case(world, persons_case, helper):
    case, number = persons_case, world.person.id_number
    masked = mask_resident_id(number)
    for user, whole in ((world.citizen, True), (helper, True), (world.clerk, True), (world.reviewer, True),
                        (world.decider, True), (world.window, True), (world.supervisor, False)):
        detail = api(user).get(f"/api/v1/cases/{case.number}/").json()
        listed = api(user).get("/api/v1/cases/").json()["results"]
        assert detail["applicant"]["code"] == (number if whole else masked), user.username
        assert [c["applicant"]["code"] for c in listed if c["number"] == case.number] == [detail["applicant"]["code"]]
    page = flat(portal(world.supervisor).get(f"/admin/cases/{case.number}/"))
    assert masked in page and number not in page
    assert number in flat(portal(world.clerk).get(f"/admin/cases/{case.number}/"))


def test_identity_numbers_in_the_form_and_the_notices_are_masked_for_a_reader_who_only_views(world, persons_case):
    from casefiles.cases.models import CaseFile

    case = persons_case
    someone = demo_resident_id("44040219800202456")
    CaseFile.objects.filter(pk=case.pk).update(form_data={"法定代表人": {"身份证号": someone}, "备注": f"代办人 {someone}"})
    workflow.perform(case, "accept", world.clerk)
    supervised = api(world.supervisor).get(f"/api/v1/cases/{case.number}/").content.decode()
    assert someone not in supervised and mask_resident_id(someone) in supervised
    assert someone in api(world.clerk).get(f"/api/v1/cases/{case.number}/").content.decode()
    notices = api(world.supervisor).get(f"/api/v1/cases/{case.number}/notices/").json()
    assert notices[0]["content"]["applicant_code"] == mask_resident_id(world.person.id_number)
    own = api(world.citizen).get(f"/api/v1/cases/{case.number}/notices/").json()
    assert own[0]["content"]["applicant_code"] == world.person.id_number  # the applicant's own decision names them


def test_the_verification_code_goes_to_whoever_acts_as_the_applicant(world, persons_case, helper):
    case = persons_case
    for user, told in ((world.citizen, True), (helper, True), (world.clerk, False), (world.decider, False),
                       (world.window, False), (world.supervisor, False)):
        assert api(user).get(f"/api/v1/cases/{case.number}/").json()["verification_code"] == (
            case.verification_code if told else ""), user.username
    assert case.verification_code not in flat(portal(world.clerk).get(f"/admin/cases/{case.number}/"))
    assert case.verification_code in flat(portal(world.citizen).get(f"/my/cases/{case.number}/"))


def test_the_front_desk_that_files_an_application_hands_over_its_code(world):
    from casefiles.frontdesk import window as frontdesk

    case = frontdesk.file(world.window, world.item, world.person.id_number)
    for requirement in world.requirements[:2]:
        materials.add(case, requirement, pdf_upload(), world.window)
    frontdesk.submit(case, world.window)
    case.refresh_from_db()
    assert api(world.window).get(f"/api/v1/cases/{case.number}/").json()["verification_code"] == case.verification_code
    assert case.verification_code in flat(portal(world.window).get(f"/admin/cases/{case.number}/"))


def test_no_search_document_holds_a_whole_identity_number_yet_the_number_finds_the_case(world, persons_case):
    case, number = persons_case, world.person.id_number
    search_indexing.sync([f"case:{case.pk}"])
    for row in IndexedDocument.objects.all():
        assert number not in json.dumps([row.title, row.body, row.code, row.facets], ensure_ascii=False), row.key
    for user in (world.clerk, world.supervisor, world.citizen):
        hits = service.search(number, user=user, kinds=("case",)).hits
        assert [hit.code for hit in hits] == [case.number], user.username
        assert mask_resident_id(number) in hits[0].body and number not in hits[0].body
    # In lower case, with other words, or spaced as people type it: the same token.
    assert [h.code for h in service.search(f"张伟 {number.lower()}", user=world.clerk, kinds=("case",)).hits] == [case.number]
    for outsider in (world.stranger, world.other_clerk, None):
        assert service.search(number, user=outsider).hits == []


def test_redaction_masks_identity_numbers_and_mobiles_and_nothing_else():
    number = demo_resident_id("44040219900101123")
    text, tokens = disclosure.redact(f"身份证{number}，案号 44040020261121000017，电话 13800000000，编号 123456789012345678，"
                                     "座机 0756-2212345")
    assert number not in text and mask_resident_id(number) in text
    assert "13800000000" not in text and "138****0000" in text
    assert "44040020261121000017" in text and "123456789012345678" in text  # not identity numbers: left alone
    assert "0756-2212345" in text  # a landline is no one's mobile
    assert tokens == sorted([disclosure.identity_token(number), disclosure.phone_token("13800000000")])
    assert disclosure.identity_token(number) == disclosure.identity_token(number.lower())
    assert re.fullmatch(r"rid[0-9a-f]{32}", disclosure.identity_token(number))
    assert re.fullmatch(r"tel[0-9a-f]{32}", disclosure.phone_token("13800000000"))
    rest, found = disclosure.search_terms(f"张伟 {number}")
    assert rest.strip() == "张伟" and found == {"identity": [disclosure.identity_token(number)]}
    rest, found = disclosure.search_terms("张伟 13800000000")
    assert rest.strip() == "张伟" and found == {"identity": [disclosure.phone_token("13800000000")]}
    assert disclosure.search_terms("食品经营许可") == ("食品经营许可", {})


# --- mobile numbers ------------------------------------------------------------------------------

MOBILE = "13912345678"


@pytest.fixture
def phoned_case(world, helper):
    from casefiles.cases.models import CaseFile

    case = submit_application(world, world.citizen, world.person)
    CaseFile.objects.filter(pk=case.pk).update(contact_phone=MOBILE, form_data={"经办人手机": MOBILE})
    case.refresh_from_db()
    authorise(world, case, helper, by=world.citizen)
    return case


def test_the_contact_phone_goes_whole_to_those_who_act_on_the_case_only(world, phoned_case, helper):
    case, masked = phoned_case, "139****5678"
    for user, whole in ((world.citizen, True), (helper, True), (world.clerk, True), (world.decider, True),
                        (world.window, True), (world.supervisor, False)):
        detail = api(user).get(f"/api/v1/cases/{case.number}/")
        assert detail.json()["contact"]["phone"] == (MOBILE if whole else masked), user.username
        assert (MOBILE in detail.content.decode()) == whole, user.username  # the form's answers too
    supervised = flat(portal(world.supervisor).get(f"/admin/cases/{case.number}/"))
    assert MOBILE not in supervised and masked in supervised
    assert MOBILE in flat(portal(world.clerk).get(f"/admin/cases/{case.number}/"))
    # Supervision opens the portal's page of the case too (it may view it): masked there as well.
    portal_page = portal(world.supervisor).get(f"/my/cases/{case.number}/")
    assert portal_page.status_code == 200 and MOBILE not in flat(portal_page)
    assert MOBILE in flat(portal(world.citizen).get(f"/my/cases/{case.number}/"))
    for outsider in (world.stranger, world.other_clerk):
        for response in (api(outsider).get(f"/api/v1/cases/{case.number}/"),
                         portal(outsider).get(f"/admin/cases/{case.number}/")):
            assert response.status_code in (302, 404) and MOBILE not in response.content.decode()


def test_no_search_document_holds_a_whole_mobile_yet_the_number_finds_the_case(world, phoned_case):
    case = phoned_case
    search_indexing.sync([f"case:{case.pk}"])
    for row in IndexedDocument.objects.all():
        assert MOBILE not in json.dumps([row.title, row.body, row.code, row.facets], ensure_ascii=False), row.key
    for user in (world.clerk, world.supervisor, world.citizen):
        hits = service.search(MOBILE, user=user, kinds=("case",)).hits
        assert [hit.code for hit in hits] == [case.number], user.username
    for outsider in (world.stranger, world.other_clerk, None):
        assert service.search(MOBILE, user=outsider).hits == []


# --- PDFs ----------------------------------------------------------------------------------------

def pdf_text(response) -> str:
    import io

    from pypdf import PdfReader

    body = b"".join(response.streaming_content) if response.streaming else response.content
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages))


def test_a_notice_pdf_names_the_applicant_whole_only_for_those_who_act_on_the_case(world, persons_case):
    from django.urls import reverse

    from casefiles.notices.models import Notice

    case, number = persons_case, world.person.id_number
    workflow.perform(case, "accept", world.clerk)
    notice = Notice.objects.get(case=case)
    from_api = reverse("casefiles_api:notice-pdf", args=[notice.number])
    from_workbench = reverse("casefiles_workbench:notice_download", args=[case.number, notice.pk])
    issued = pdf_text(api(world.citizen).get(from_api))
    assert number in issued and "查阅副本" not in issued
    assert number in pdf_text(portal(world.clerk).get(from_workbench))
    for response in (api(world.supervisor).get(from_api), portal(world.supervisor).get(from_workbench)):
        assert response.status_code == 200
        text = pdf_text(response)
        assert number not in text and mask_resident_id(number) in text and "查阅副本" in text
    assert "ETag" not in api(world.supervisor).get(from_api)  # not the issued file
    notice.refresh_from_db()
    assert number in pdf_text_of(notice)  # the issued file itself is left as it was


def pdf_text_of(notice) -> str:
    import io

    from pypdf import PdfReader

    with notice.pdf.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages).replace(" ", "")
