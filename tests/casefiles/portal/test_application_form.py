"""The application form (申请表) on the applicant's draft: pre-filled with its sources, typed
values kept and every message shown when refused, locked values kept, read-only once submitted."""

import pytest
from django.urls import reverse

from casefiles.cases.models import CaseFile, Status
from casefiles.demo.directory import demo_resident_id
from casefiles.handling import applications
from casefiles.materials import uploads
from tests.casefiles.conftest import pdf_upload
from tests.casefiles.forms.samples import SAMPLE, give_form


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def item(world):
    world.item = give_form(world.item, SAMPLE)
    return world.item


@pytest.fixture
def draft(world, item, client):
    client.force_login(world.applicant)
    response = client.post(reverse("casefiles:apply", kwargs={"item_code": item.item_code}), {
        "applicant": f"enterprise:{world.enterprise.pk}", "contact_name": "林晓燕", "contact_phone": "13800000000"})
    assert response.status_code == 302
    return CaseFile.objects.get(item=item)


def url(case):
    return reverse("casefiles:case", kwargs={"number": case.number})


def filled(**changes):
    data = {"application_form": "1", "action": "save_form", "af-shop_name": "海湾餐厅", "af-legal_rep": "林晓燕", "af-capital": "500000",
            "af-kind": "food", "af-staff-rows": "2", "af-staff-0-name": "王芳",
            "af-staff-0-id_number": demo_resident_id("44040219900101123"), "af-commitment": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_draft_starts_pre_filled_and_says_from_where(world, draft, client):
    assert draft.form_data["shop_name"] == world.enterprise.name
    assert draft.form_data["uscc"] == world.enterprise.uscc
    page = client.get(url(draft)).content.decode()
    assert 'id="application-form"' in page
    assert f'value="{world.enterprise.name}"' in page
    assert "From your enterprise&#x27;s record" in page or "From your enterprise's record" in page
    assert 'for="af-shop_name"' in page and 'aria-describedby="af-shop_name-help"' in page
    assert 'type="date"' in page and 'inputmode="decimal"' in page and 'inputmode="tel"' in page
    assert 'name="af-staff-2-name"' in page  # a few empty rows, without script
    assert "本人承诺所填信息真实。" in page


def test_saving_the_form_stores_the_values(world, draft, client):
    response = client.post(url(draft), filled())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data["shop_name"] == "海湾餐厅"
    assert draft.form_data["capital"] == 500000.0
    assert draft.form_data["staff"] == [{"name": "王芳", "id_number": demo_resident_id("44040219900101123")}]
    assert draft.form_data["commitment"] is True
    assert draft.events.filter(action="edit_form").exists()


def test_bad_values_are_shown_again_with_their_messages(world, draft, client):
    response = client.post(url(draft), filled(**{"af-capital": "lots", "af-mobile": "12345", "af-opening": "2000-01-01",
                                                 "af-staff-0-id_number": "440402199001011230"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="lots"' in page and 'value="12345"' in page and 'value="2000-01-01"' in page
    assert 'id="af-capital-error"' in page and "Enter a number." in page
    assert 'aria-describedby="af-mobile-error"' in page and 'aria-invalid="true"' in page
    assert "The date cannot be in the past." in page
    assert "Row 1, 身份证号" in page
    assert 'value="海湾餐厅"' in page  # the good values typed are kept too
    draft.refresh_from_db()
    assert draft.form_data["shop_name"] == world.enterprise.name  # nothing stored


def test_a_locked_value_cannot_be_changed(world, draft, client):
    page = client.get(url(draft)).content.decode()
    assert 'id="af-uscc"' in page and "readonly" in page.split('id="af-uscc"')[1].split(">")[0]
    client.post(url(draft), filled(**{"af-uscc": "91440400MA4WB3K1X0"}))
    draft.refresh_from_db()
    assert draft.form_data["uscc"] == world.enterprise.uscc


def test_a_field_asked_on_a_condition_is_dropped_when_it_does_not_hold(world, draft, client):
    client.post(url(draft), filled(**{"af-kitchen": "20平方米"}))
    draft.refresh_from_db()
    assert "kitchen" not in draft.form_data
    client.post(url(draft), filled(**{"af-kind": "catering", "af-kitchen": "20平方米"}))
    draft.refresh_from_db()
    assert draft.form_data["kitchen"] == "20平方米"
    page = client.get(url(draft)).content.decode()
    assert 'data-condition-field="kind"' in page


def test_the_values_posted_with_submit_are_saved_first(world, draft, client):
    for requirement in world.requirements[:2]:
        uploads.add(draft, requirement, pdf_upload(), world.applicant)
    draft.refresh_from_db()
    response = client.post(url(draft), filled(action="submit", version=str(draft.version)))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status != Status.DRAFT and draft.form_data["commitment"] is True


def test_an_incomplete_form_is_not_submitted(world, draft, client):
    for requirement in world.requirements[:2]:
        uploads.add(draft, requirement, pdf_upload(), world.applicant)
    draft.refresh_from_db()
    response = client.post(url(draft), filled(action="submit", version=str(draft.version), **{"af-commitment": None}))
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_submitted_case_shows_the_form_read_only_to_its_applicant(world, item, client):
    case = applications.start(world.applicant, item, world.enterprise, form_data={"shop_name": "海湾餐厅", "mobile": "13800138000"})
    CaseFile.objects.filter(pk=case.pk).update(status=Status.SUBMITTED)
    client.force_login(world.applicant)
    page = client.get(url(case)).content.decode()
    assert 'id="application-form"' in page and "海湾餐厅" in page
    assert "13800138000" in page  # their own number, whole (disclosure.shows_identity)
    assert 'name="af-shop_name"' not in page


def test_read_only_answers_mask_identity_and_mobile_numbers_unless_shown(item):
    from casefiles.forms import definition
    from casefiles.portal.application_form import answers

    form = definition.of_item(item)
    values = {"mobile": "13800138000", "staff": [{"name": "王芳", "id_number": demo_resident_id("44040219900101123")}],
              "kind": "catering", "kitchen": "20"}
    masked = {a.key: a for a in answers(form, values, shows_identity=False)}
    assert masked["mobile"].value == "138****8000"
    assert masked["staff"].rows[0][1] != values["staff"][0]["id_number"] and masked["staff"].rows[0][0] == "王芳"
    assert masked["kind"].value == "餐饮服务" and masked["kitchen"].value == "20"
    whole = {a.key: a for a in answers(form, values, shows_identity=True)}
    assert whole["mobile"].value == "13800138000"
    assert whole["staff"].rows[0][1] == values["staff"][0]["id_number"]
