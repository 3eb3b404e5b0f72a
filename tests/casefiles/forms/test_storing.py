"""Saving the form's values (casefiles.forms.storing): checked, journaled by field name, only
while the application is with the applicant, only by whoever may apply, locked values kept."""

import pytest
from django.utils import translation

from casefiles.cases.models import CaseFile, Status
from casefiles.errors import Conflict, NotPermitted
from casefiles.forms import storing
from casefiles.forms.validation import FormInvalid
from casefiles.handling import applications, workflow
from casefiles.materials import uploads
from tests.casefiles.conftest import pdf_upload
from tests.casefiles.forms.samples import SAMPLE, give_form


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def item(world):
    return give_form(world.item, SAMPLE)


@pytest.fixture
def draft(world, item):
    return applications.start(world.applicant, item, world.enterprise,
                              form_data=storing.starting_values(item, world.enterprise))


def test_a_draft_starts_with_every_prefilled_value(world, draft):
    assert draft.form_data == {"shop_name": world.enterprise.name, "uscc": world.enterprise.uscc,
                               "legal_rep": "林晓燕"}
    assert {key: p.source for key, p in storing.sources(draft).items()} == {
        "shop_name": "profile", "uscc": "profile", "legal_rep": "profile"}


def test_saving_stores_the_checked_values_and_journals_the_fields_changed(world, draft):
    case = storing.save(draft, {"capital": "1,000", "shop_name": "海湾餐厅"}, world.applicant)
    assert case.form_data["capital"] == 1000.0 and case.form_data["shop_name"] == "海湾餐厅"
    assert CaseFile.objects.get(pk=draft.pk).form_data == case.form_data
    event = draft.events.get(action="edit_form")
    assert event.data == {"fields": ["capital", "shop_name"]}
    assert "海湾餐厅" not in str(event.data)  # names, not values
    assert "shop_name" not in storing.sources(case)  # no longer the record's value


def test_saving_the_same_values_again_journals_nothing(world, draft):
    storing.save(draft, {"capital": "1000"}, world.applicant)
    storing.save(draft, {"capital": "1000.00"}, world.applicant)
    assert draft.events.filter(action="edit_form").count() == 1


def test_a_refusal_stores_nothing(world, draft):
    with pytest.raises(FormInvalid) as raised:
        storing.save(draft, {"capital": "lots", "shop_name": "海湾餐厅"}, world.applicant)
    assert raised.value.errors == {"capital": ["Enter a number."]}
    draft.refresh_from_db()
    assert draft.form_data["shop_name"] == world.enterprise.name
    assert not draft.events.filter(action="edit_form").exists()


def test_complete_asks_every_required_field(world, draft):
    with pytest.raises(FormInvalid) as raised:
        storing.save(draft, {}, world.applicant, complete=True)
    assert {"capital", "kind", "commitment"} <= set(raised.value.errors)


def test_replace_keeps_only_what_is_sent_and_the_locked_values(world, draft):
    case = storing.save(draft, {"kind": "food", "uscc": world.other_enterprise.uscc}, world.applicant, replace=True)
    assert case.form_data == {"kind": "food", "uscc": world.enterprise.uscc}


def test_a_locked_value_is_kept_whatever_is_sent(world, draft):
    case = storing.save(draft, {"uscc": world.other_enterprise.uscc}, world.applicant)
    assert case.form_data["uscc"] == world.enterprise.uscc


def test_only_whoever_may_apply_saves(world, draft):
    for who in (world.stranger, world.clerk, world.supervisor):
        with pytest.raises(NotPermitted):
            storing.save(draft, {"capital": "1"}, who)


def test_the_form_is_not_changed_once_the_department_has_it(world, draft):
    for requirement in world.requirements[:2]:
        uploads.add(draft, requirement, pdf_upload(), world.applicant)
    draft = storing.save(draft, {"capital": "1", "kind": "food", "commitment": True}, world.applicant)
    workflow.perform(draft, "submit", world.applicant)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    with pytest.raises(Conflict):
        storing.save(draft, {"capital": "2"}, world.applicant)


def test_the_submit_guard_names_what_is_missing(world, draft):
    for requirement in world.requirements[:2]:
        uploads.add(draft, requirement, pdf_upload(), world.applicant)
    with pytest.raises(Exception) as raised:
        workflow.perform(draft, "submit", world.applicant)
    assert "注册资本" in str(raised.value.messages)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
