"""The form's JSON Schema (casefiles.forms.schema) is a valid draft 2020-12 schema and agrees
with the server's checks (casefiles.forms.validation) on what is accepted and what is refused."""

import datetime

import jsonschema
import pytest
from django.utils import translation

from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.forms import definition
from casefiles.forms.schema import json_schema
from casefiles.forms.validation import FormInvalid, clean
from tests.casefiles.forms.samples import SAMPLE

TODAY = datetime.date(2026, 12, 3)
FORM = definition.of_blocks(SAMPLE)
SCHEMA = json_schema(FORM, title="食品经营许可", item_code="X1")
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

COMPLETE = {
    "shop_name": "海湾餐厅", "uscc": demo_uscc("91440400MA55L8QJ2"), "legal_rep": "林晓燕", "capital": 500000.0,
    "area": 80.5, "opening": "2027-01-01", "kind": "food", "mobile": "13800138000", "address": "珠海市香洲区情侣中路1号",
    "staff": [{"name": "王芳", "id_number": demo_resident_id("44040219900101123"), "phone": "13900139000"}],
    "commitment": True,
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def server_accepts(data) -> bool:
    try:
        clean(FORM, data, today=TODAY)
    except FormInvalid:
        return False
    return True


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == "urn:yiwang:form:X1" and SCHEMA["x-order"] == FORM.keys


def test_the_schema_describes_each_field_for_a_client_to_draw():
    properties = SCHEMA["properties"]
    assert properties["shop_name"]["title"] == "店铺名称" and properties["shop_name"]["x-prefill"] == "applicant.name"
    assert properties["uscc"]["x-locked"] is True
    assert properties["kind"]["x-options"] == [{"value": "food", "label": "食品销售"}, {"value": "catering", "label": "餐饮服务"}]
    assert properties["kitchen"]["x-condition"] == {"field": "kind", "operator": "eq", "value": "catering"}
    assert properties["commitment"]["const"] is True and properties["commitment"]["description"] == "本人承诺所填信息真实。"


def test_a_complete_application_is_accepted_by_both_and_what_the_server_stores_fits_the_schema():
    assert server_accepts(COMPLETE)
    VALIDATOR.validate(COMPLETE)
    VALIDATOR.validate(clean(FORM, COMPLETE, today=TODAY))
    catering = {**COMPLETE, "kind": "catering", "kitchen": "20平方米"}
    assert server_accepts(catering) and VALIDATOR.is_valid(catering)


BAD = [
    ("missing required", {k: v for k, v in COMPLETE.items() if k != "shop_name"}),
    ("unknown key", {**COMPLETE, "nonsense": 1}),
    ("text too long", {**COMPLETE, "shop_name": "x" * 31}),
    ("number not a number", {**COMPLETE, "capital": {"a": 1}}),
    ("money below its minimum", {**COMPLETE, "capital": -1}),
    ("money above its maximum", {**COMPLETE, "capital": 100000001}),
    ("choice not offered", {**COMPLETE, "kind": "other"}),
    ("mobile of the wrong shape", {**COMPLETE, "mobile": "12345"}),
    ("identifier of the wrong shape", {**COMPLETE, "uscc": "123"}),
    ("date not a date", {**COMPLETE, "opening": "someday"}),
    ("table not a list", {**COMPLETE, "staff": "王芳"}),
    ("table row with an unknown column", {**COMPLETE, "staff": [{**COMPLETE["staff"][0], "x": "y"}]}),
    ("table row without a required cell", {**COMPLETE, "staff": [{"name": "王芳"}]}),
    ("table with too many rows", {**COMPLETE, "staff": COMPLETE["staff"] * 6}),
    ("commitment not signed", {**COMPLETE, "commitment": False}),
    ("condition holds, field missing", {**COMPLETE, "kind": "catering"}),
    ("address too long", {**COMPLETE, "address": "路" * 201}),
]


@pytest.mark.parametrize("why, data", BAD, ids=[why for why, _data in BAD])
def test_what_the_schema_refuses_the_server_refuses(why, data):
    assert not VALIDATOR.is_valid(data), why
    assert not server_accepts(data), why


def test_optional_fields_may_be_left_out_by_both():
    minimal = {k: COMPLETE[k] for k in ("shop_name", "uscc", "legal_rep", "capital", "kind", "commitment")}
    assert server_accepts(minimal) and VALIDATOR.is_valid(minimal)


def test_an_empty_form_has_an_empty_schema():
    schema = json_schema(definition.Form())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert jsonschema.Draft202012Validator(schema).is_valid({})
    assert not jsonschema.Draft202012Validator(schema).is_valid({"a": 1})
