"""线下核验 at the window: a clerk checks a person's identity document on its own, or with a filing
— journaled, and counted as in person."""

import pytest
from django.utils import translation

from casefiles.cases.models import Status
from casefiles.demo.directory import demo_resident_id
from casefiles.errors import GuardFailed, Invalid, NotFound, NotPermitted
from casefiles.frontdesk import window as frontdesk
from casefiles.handling import workflow
from casefiles.materials import uploads
from casefiles.realname import levels, window
from tests.casefiles.conftest import pdf_upload


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def in_person_item(world):
    type(world.item).objects.filter(pk=world.item.pk).update(real_name_level=levels.IN_PERSON)
    world.item.refresh_from_db()
    return world.item


def filed(world, code):
    case = frontdesk.file(world.window, world.item, code)
    for requirement in world.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), world.window)
    case.refresh_from_db()
    return case


# --- on its own ----------------------------------------------------------------------------------

def test_the_clerk_finds_the_person_by_the_number_on_the_document_and_records_the_check(world):
    person = window.find_person(world.window, f" {world.person.id_number.lower()} ")
    assert person == world.person
    verification, new = window.verify_in_person(world.window, person, window.Document.RESIDENT_ID_CARD)
    assert new and levels.level(person) == "in_person"
    assert (verification.method, verification.verified_by, verification.evidence) == ("window", world.window, "居民身份证")
    assert verification.events.get().actor == world.window
    again, new = window.verify_in_person(world.window, person, window.Document.HOUSEHOLD_REGISTER)
    assert again.pk == verification.pk and not new


@pytest.mark.parametrize("number, refusal, message", [
    ("", Invalid, None),
    ("44040219900101123X", Invalid, "check"),
    (demo_resident_id("11010519491231002"), NotFound, "register them first"),
])
def test_a_number_that_names_nobody_is_refused_with_why(world, number, refusal, message):
    with pytest.raises(refusal, match=message):
        window.find_person(world.window, number)


def test_only_window_clerks_check_identities(world):
    for user in (world.clerk, world.citizen, world.supervisor):
        with pytest.raises(NotPermitted):
            window.find_person(user, world.person.id_number)
        with pytest.raises(NotPermitted):
            window.verify_in_person(user, world.person, window.Document.RESIDENT_ID_CARD)
    with pytest.raises(Invalid, match="Choose the identity document"):
        window.verify_in_person(world.window, world.person, "library-card")
    assert not world.person.verifications.exists()


# --- with a filing ----------------------------------------------------------------------------------

def test_a_filing_with_the_document_checked_counts_as_in_person_and_raises_the_persons_level(world, in_person_item):
    case = filed(world, world.person.id_number)
    frontdesk.submit(case, world.window, identity_document=window.Document.RESIDENT_ID_CARD)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    checked = case.events.get(action=window.CHECKED)
    assert checked.actor == world.window and checked.data["document"] == "resident_id_card"
    verification = world.person.verifications.get()
    assert checked.data["verification"] == verification.reference
    assert verification.evidence == f"居民身份证；{case.number}" and verification.verified_by == world.window
    # Their next application online needs no new check.
    assert levels.shortfall(world.person, in_person_item) is None


def test_an_enterprise_filed_at_the_window_is_checked_on_the_case_and_its_resubmission_counts_it(
        world, in_person_item):
    case = filed(world, world.enterprise.uscc)
    with pytest.raises(GuardFailed, match="person acting for it"):
        frontdesk.submit(case, world.window)
    frontdesk.submit(case, world.window, identity_document=window.Document.RESIDENT_ID_CARD)
    assert window.checked_in_person(case)
    workflow.perform(case, "request_correction", world.clerk, problems=[{"problem": "联系电话有误"}])
    case.refresh_from_db()
    # The member corrects online: the case was checked in person when it was filed.
    workflow.perform(case, "submit", world.applicant)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_a_refused_submission_keeps_no_check(world, in_person_item):
    case = frontdesk.file(world.window, world.item, world.person.id_number)  # no materials yet
    with pytest.raises(GuardFailed, match="Required materials are missing"):
        frontdesk.submit(case, world.window, identity_document=window.Document.RESIDENT_ID_CARD)
    assert not window.checked_in_person(case) and not world.person.verifications.exists()


def test_only_the_clerk_filing_at_the_window_records_a_check_on_a_case(world, submitted_case):
    with pytest.raises(NotPermitted):
        window.record_check(submitted_case, world.window, window.Document.RESIDENT_ID_CARD)  # filed online
    with pytest.raises(NotPermitted):
        window.record_check(submitted_case, world.applicant, window.Document.RESIDENT_ID_CARD)
