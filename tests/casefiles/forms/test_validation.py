"""Checking what an applicant typed, field by field (casefiles.forms.validation)."""

import datetime

import pytest
from django.utils import translation

from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.forms.definition import Form, _field
from casefiles.forms.validation import FormInvalid, clean

TODAY = datetime.date(2026, 12, 3)
RESIDENT_ID = demo_resident_id("44040219900101123")
USCC = demo_uscc("91440400MA55L8QJ2")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the assertions read the source strings
        yield


def form(*blocks):
    return Form(tuple(_field(kind, value) for kind, value in blocks))


def errors_of(f, data, **kwargs):
    with pytest.raises(FormInvalid) as raised:
        clean(f, data, today=TODAY, **kwargs)
    return raised.value.errors


def one(block_type, value, options):
    return form((block_type, {"key": "x", "label": "X", **options})), {"x": value}


GOOD = [
    ("text", " 海湾餐厅 ", {}, "海湾餐厅"),
    ("text", "第一行\n第二行", {"multiline": True}, "第一行\n第二行"),
    ("number", "12", {}, 12),
    ("number", "12.5", {"decimal_places": 1}, 12.5),
    ("number", "1,200", {}, 1200),
    ("money", "500000", {}, 500000.0),
    ("money", "0.10", {}, 0.1),
    ("date", "2026-12-01", {}, "2026-12-01"),
    ("date", "2026-12-03", {"when": "past"}, "2026-12-03"),
    ("date", "2027-01-01", {"when": "future"}, "2027-01-01"),
    ("choice", "b", {"options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]}, "b"),
    ("choice", ["b", "a", "b"], {"options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                                  "multiple": True}, ["a", "b"]),
    ("address", "珠海市香洲区情侣中路1号", {}, "珠海市香洲区情侣中路1号"),
    ("mobile", "13800138000", {}, "13800138000"),
    ("identifier", USCC, {"kind": "uscc"}, USCC),
    ("identifier", RESIDENT_ID, {"kind": "resident_id"}, RESIDENT_ID),
    ("commitment", True, {"text": "承诺"}, True),
    ("commitment", "on", {"text": "承诺"}, True),
]


@pytest.mark.parametrize("kind, value, options, stored", GOOD)
def test_good_values_are_stored_as_the_field_keeps_them(kind, value, options, stored):
    f, data = one(kind, value, options)
    assert clean(f, data, today=TODAY) == {"x": stored}


BAD = [
    ("text", "x" * 31, {"max_length": 30}, "At most 30 characters"),
    ("text", "a\nb", {}, "Enter one line."),
    ("text", {"a": 1}, {}, "Enter text."),
    ("number", "lots", {}, "Enter a number."),
    ("number", "1.5", {}, "Enter a whole number."),
    ("number", "NaN", {}, "Enter a number."),
    ("number", "5", {"min_value": "10"}, "At least 10"),
    ("number", "50", {"max_value": "10"}, "At most 10"),
    ("money", "1.234", {}, "At most 2 decimal places."),
    ("money", True, {}, "Enter a number."),
    ("date", "2026-13-01", {}, "Enter a date as YYYY-MM-DD."),
    ("date", "01/12/2026", {}, "Enter a date as YYYY-MM-DD."),
    ("date", "2027-01-01", {"when": "past"}, "The date cannot be in the future."),
    ("date", "2026-01-01", {"when": "future"}, "The date cannot be in the past."),
    ("choice", "c", {"options": [{"value": "a", "label": "A"}]}, "Choose from the options given."),
    ("choice", ["a", "c"], {"options": [{"value": "a", "label": "A"}], "multiple": True}, "Choose from the options given."),
    ("mobile", "12345678901", {}, ""),
    ("mobile", 13800138000, {}, "Enter the mobile number as text."),
    ("identifier", USCC[:-1] + ("0" if USCC[-1] != "0" else "1"), {"kind": "uscc"}, "check character"),
    ("identifier", RESIDENT_ID[:-1] + ("0" if RESIDENT_ID[-1] != "0" else "1"), {"kind": "resident_id"}, ""),
    ("commitment", "no", {"text": "承诺"}, "Sign the commitment"),
]


@pytest.mark.parametrize("kind, value, options, message", BAD)
def test_bad_values_are_refused_with_a_message(kind, value, options, message):
    f, data = one(kind, value, options)
    errors = errors_of(f, data)
    assert list(errors) == ["x"] and errors["x"][0]
    assert message in " ".join(errors["x"])


def test_required_fields_are_asked_on_submission_but_a_draft_may_leave_them():
    f = form(("text", {"key": "a", "label": "A"}), ("text", {"key": "b", "label": "B", "required": False}),
             ("commitment", {"key": "c", "label": "C"}))
    assert errors_of(f, {"a": "  ", "c": False}) == {
        "a": ["This field is required."],
        "c": ["Sign the commitment to apply under notification and commitment (告知承诺制)."]}
    assert clean(f, {"a": "", "c": False}, partial=True, today=TODAY) == {}


def test_every_field_is_checked_at_once():
    f = form(("number", {"key": "a", "label": "A"}), ("mobile", {"key": "b", "label": "B"}),
             ("date", {"key": "c", "label": "C"}))
    assert set(errors_of(f, {"a": "x", "b": "1", "c": "y"})) == {"a", "b", "c"}


CONDITIONAL = form(
    ("choice", {"key": "kind", "label": "类别", "options": [{"value": "food", "label": "食品"},
                                                          {"value": "catering", "label": "餐饮"}]}),
    ("text", {"key": "kitchen", "label": "厨房", "condition_field": "kind", "condition_operator": "eq",
              "condition_value": "catering"}),
    ("number", {"key": "area", "label": "面积", "required": False}),
    ("text", {"key": "big", "label": "大", "condition_field": "area", "condition_operator": "gt", "condition_value": "100"}),
)


def test_a_field_is_asked_only_when_its_condition_holds():
    assert errors_of(CONDITIONAL, {"kind": "catering"}) == {"kitchen": ["This field is required."]}
    assert clean(CONDITIONAL, {"kind": "food"}, today=TODAY) == {"kind": "food"}
    assert clean(CONDITIONAL, {"kind": "food", "kitchen": "x" * 500}, today=TODAY) == {"kind": "food"}  # dropped, not checked
    assert errors_of(CONDITIONAL, {"kind": "food", "area": "150"}) == {"big": ["This field is required."]}
    assert clean(CONDITIONAL, {"kind": "food", "area": "50"}, today=TODAY) == {"kind": "food", "area": 50}


TABLE = form(("table", {"key": "staff", "label": "人员", "min_rows": 1, "max_rows": 2, "columns": [
    {"key": "name", "label": "姓名", "type": "text", "required": True},
    {"key": "id_number", "label": "身份证号", "type": "resident_id", "required": True},
    {"key": "salary", "label": "工资", "type": "money", "required": False},
    {"key": "phone", "label": "电话", "type": "mobile", "required": False},
    {"key": "since", "label": "入职", "type": "date", "required": False},
]}))


def test_a_table_is_checked_row_by_row_and_column_by_column():
    rows = [{"name": "王芳", "id_number": RESIDENT_ID, "salary": "5000", "since": "2020-01-01"},
            {"name": "", "id_number": "", "salary": ""}]  # an empty row is no row
    assert clean(TABLE, {"staff": rows}, today=TODAY) == {
        "staff": [{"name": "王芳", "id_number": RESIDENT_ID, "salary": 5000.0, "since": "2020-01-01"}]}
    errors = errors_of(TABLE, {"staff": [{"name": "王芳", "id_number": "123", "phone": "1"}, {"id_number": RESIDENT_ID}]})
    messages = errors["staff"]
    assert any(m.startswith("Row 1, 身份证号:") for m in messages)
    assert any(m.startswith("Row 1, 电话:") for m in messages)
    assert "Row 2, 姓名: required." in messages


def test_a_tables_row_limits_and_unknown_columns():
    row = {"name": "王芳", "id_number": RESIDENT_ID}
    assert errors_of(TABLE, {"staff": [row] * 3}) == {"staff": ["At most 2 rows."]}
    assert errors_of(TABLE, {"staff": []}) == {"staff": ["This field is required."]}
    assert errors_of(TABLE, {"staff": [{**row, "secret": "x"}]}) == {"staff": ["Row 1 has a column the table does not have."]}
    assert errors_of(TABLE, {"staff": "王芳"}) == {"staff": ["Give the rows of the table."]}
    assert errors_of(TABLE, {"staff": [["王芳"]]}) == {"staff": ["Give the rows of the table."]}


def test_unknown_keys_are_refused():
    f = form(("text", {"key": "a", "label": "A", "required": False}))
    assert errors_of(f, {"a": "x", "b": "y"}) == {"b": ["This form has no such field."]}
    assert len(errors_of(f, {f"k{i}": 1 for i in range(100)})) == 20  # at most twenty named


def test_nul_bytes_are_refused():
    f = form(("text", {"key": "a", "label": "A"}), ("address", {"key": "b", "label": "B"}))
    errors = errors_of(f, {"a": "海湾\x00餐厅", "b": "珠海市\x00香洲区情侣路"})
    assert errors["a"] == ["The text contains a NUL character."] and errors["b"]


@pytest.mark.parametrize("value", [
    {"a": {"b": {"c": {"d": [1, 2, {"e": "f"}]}}}},
    [[[[[[[[[["deep"]]]]]]]]]],
    [{"name": [{"x": 1}]}],
])
def test_deeply_nested_values_are_a_message_not_a_crash(value):
    f = form(("text", {"key": "t", "label": "T"}), ("number", {"key": "n", "label": "N"}),
             ("date", {"key": "d", "label": "D"}), ("mobile", {"key": "m", "label": "M"}),
             ("choice", {"key": "c", "label": "C", "options": [{"value": "a", "label": "A"}]}))
    errors = errors_of(f, {key: value for key in ("t", "n", "d", "m", "c")})
    assert set(errors) == {"t", "n", "d", "m", "c"} and all(errors.values())


def test_a_table_cell_that_is_nested_is_a_message():
    errors = errors_of(TABLE, {"staff": [{"name": {"x": [1]}, "id_number": RESIDENT_ID}]})
    assert errors["staff"] == ["Row 1, 姓名: Enter text."]


def test_data_that_is_not_an_object_is_refused():
    f = form(("text", {"key": "a", "label": "A"}))
    assert errors_of(f, ["a"]) == {"form_data": ["Give the form's values as an object of field keys."]}
