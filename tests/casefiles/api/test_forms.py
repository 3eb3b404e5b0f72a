"""The application form (申请表) over the API: the item's schema (public), the pre-fill for an
applicant the caller acts for, and creating and changing a case's values, refused field by field."""

import jsonschema
import pytest
from rest_framework.test import APIClient

from casefiles.cases.models import CaseFile, Status
from casefiles.handling import applications
from tests.casefiles.forms.samples import SAMPLE, give_form


def api(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def item(world):
    world.item = give_form(world.item, SAMPLE)
    return world.item


def form_url(item):
    return f"/api/v1/items/{item.item_code}/form/"


def test_the_schema_of_a_live_item_is_public(item):
    response = api().get(form_url(item))
    assert response.status_code == 200
    body = response.json()
    assert body["item_code"] == item.item_code and body["revision"] == item.live_revision_id
    jsonschema.Draft202012Validator.check_schema(body["schema"])
    assert body["schema"]["properties"]["capital"]["type"] == "number"
    assert "prefill" not in body


def test_an_unknown_item_is_404(world):
    assert api().get("/api/v1/items/nope/form/").status_code == 404


def test_prefill_for_an_applicant_the_caller_acts_for(world, item):
    response = api(world.applicant).get(form_url(item), {"applicant": f"enterprise:{world.enterprise.pk}"})
    assert response.status_code == 200
    prefill = response.json()["prefill"]
    assert prefill["shop_name"]["value"] == world.enterprise.name and prefill["shop_name"]["source"] == "profile"
    assert prefill["uscc"] == {"value": world.enterprise.uscc, "source": "profile",
                               "label": "From your enterprise's record", "locked": True}


def test_no_prefill_for_someone_elses_applicant(world, item):
    response = api(world.stranger).get(form_url(item), {"applicant": f"enterprise:{world.enterprise.pk}"})
    assert response.status_code == 403
    assert world.enterprise.name not in response.content.decode()
    assert api().get(form_url(item), {"applicant": f"enterprise:{world.enterprise.pk}"}).status_code in (401, 403)


def create(world, item, form_data):
    return api(world.applicant).post("/api/v1/cases/", {
        "item": item.item_code, "enterprise_uscc": world.enterprise.uscc, "form_data": form_data}, format="json")


def test_a_case_starts_with_the_prefilled_values_under_those_sent(world, item):
    response = create(world, item, {"shop_name": "海湾餐厅", "capital": "500000", "uscc": world.other_enterprise.uscc})
    assert response.status_code == 201, response.content
    case = CaseFile.objects.get(number=response.json()["number"])
    assert case.form_data["shop_name"] == "海湾餐厅"
    assert case.form_data["capital"] == 500000.0
    assert case.form_data["legal_rep"] == world.enterprise.legal_representative  # pre-filled
    assert case.form_data["uscc"] == world.enterprise.uscc  # locked


def test_case_creation_refuses_form_data_field_by_field(world, item):
    response = create(world, item, {"capital": "lots", "mobile": "123", "nonsense": 1, "kind": "other"})
    assert response.status_code == 400
    errors = response.json()["form_data"]
    assert set(errors) == {"capital", "mobile", "nonsense", "kind"}
    assert errors["capital"] == ["Enter a number."]
    assert not CaseFile.objects.filter(item=item).exists()


def test_case_creation_refuses_form_data_that_is_not_an_object(world, item):
    response = create(world, item, ["a"])
    assert response.status_code == 400 and "form_data" in response.json()


@pytest.fixture
def draft(world, item):
    return applications.start(world.applicant, item, world.enterprise,
                              form_data={"shop_name": "海湾餐厅", "uscc": world.enterprise.uscc, "capital": 1000.0})


def case_form(case):
    return f"/api/v1/cases/{case.number}/form/"


def test_patch_merges_and_put_replaces(world, draft):
    response = api(world.applicant).patch(case_form(draft), {"form_data": {"capital": "2000.5"}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["form_data"]["shop_name"] == "海湾餐厅"
    assert response.json()["form_data"]["capital"] == 2000.5
    response = api(world.applicant).put(case_form(draft), {"form_data": {"kind": "food"}}, format="json")
    assert response.status_code == 200
    stored = response.json()["form_data"]
    assert "shop_name" not in stored and stored["kind"] == "food"
    assert stored["uscc"] == world.enterprise.uscc  # locked: kept as its source has it
    draft.refresh_from_db()
    assert draft.form_data == stored


@pytest.mark.parametrize("method", ["put", "patch"])
def test_put_and_patch_refuse_field_by_field_and_store_nothing(world, draft, method):
    response = getattr(api(world.applicant), method)(
        case_form(draft), {"form_data": {"capital": "-5", "opening": "2001-01-01", "staff": [{"name": "王芳"}]}},
        format="json")
    assert response.status_code == 400
    errors = response.json()["form_data"]
    assert errors["capital"] == ["At least 0."]
    assert errors["opening"] == ["The date cannot be in the past."]
    assert "staff" not in errors  # a draft may leave a row's cells empty
    draft.refresh_from_db()
    assert draft.form_data["capital"] == 1000.0


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_a_strangers_case_is_not_found_like_a_missing_one(world, draft, method):
    client = api(world.stranger)
    theirs = getattr(client, method)(case_form(draft), {"form_data": {}}, format="json")
    missing = getattr(client, method)("/api/v1/cases/00000000000000000000/form/", {"form_data": {}}, format="json")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_the_form_cannot_be_changed_once_submitted(world, draft):
    CaseFile.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    response = api(world.applicant).patch(case_form(draft), {"form_data": {"capital": "1"}}, format="json")
    assert response.status_code == 409
