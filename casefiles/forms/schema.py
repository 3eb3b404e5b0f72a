"""An item's form as a JSON Schema (draft 2020-12), as the API publishes it.

The schema says what the server accepts (``casefiles.forms.validation`` is the one that checks;
the schema is derived from the same definition, so the two never disagree on a field's type,
its bounds, its options or whether it is required). Conditions are ``if``/``then`` clauses;
each property carries its label, help, where it is pre-filled from and whether it is locked as
``x-`` keywords a client may use to draw the form.
"""

from casefiles.forms.definition import Form

MOBILE = r"^1[3-9][0-9]{9}$"
USCC = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
RESIDENT_ID = r"^[0-9]{17}[0-9X]$"
DATE = "date"


def _bounds(field, schema):
    if field.min_value is not None:
        schema["minimum"] = float(field.min_value)
    if field.max_value is not None:
        schema["maximum"] = float(field.max_value)


def _column(column) -> dict:
    schema = {"title": column.label}
    if column.type in ("number", "money"):
        schema["type"] = "number"
    elif column.type == "date":
        schema.update(type="string", format=DATE)
    elif column.type == "mobile":
        schema.update(type="string", pattern=MOBILE)
    elif column.type == "resident_id":
        schema.update(type="string", pattern=RESIDENT_ID)
    else:
        schema.update(type="string", maxLength=200)
    return schema


def property_of(field) -> dict:
    schema: dict = {"title": field.label}
    if field.help_text:
        schema["description"] = field.help_text
    kind = field.type
    if kind == "text":
        schema.update(type="string", maxLength=field.max_length)
    elif kind == "address":
        schema.update(type="string", minLength=4, maxLength=200)
    elif kind == "number":
        schema["type"] = "integer" if field.decimal_places == 0 else "number"
        _bounds(field, schema)
        if field.unit:
            schema["x-unit"] = field.unit
    elif kind == "money":
        schema["type"] = "number"
        _bounds(field, schema)
        schema["x-decimal-places"] = 2
        schema["x-unit"] = field.unit
    elif kind == "date":
        schema.update(type="string", format=DATE)
        if field.when != "any":
            schema["x-when"] = field.when
    elif kind == "choice":
        values = [value for value, _label in field.options]
        if field.multiple:
            schema.update(type="array", items={"enum": values}, uniqueItems=True)
        else:
            schema["enum"] = values
        schema["x-options"] = [{"value": v, "label": label} for v, label in field.options]
    elif kind == "mobile":
        schema.update(type="string", pattern=MOBILE)
    elif kind == "identifier":
        schema.update(type="string", pattern=RESIDENT_ID if field.kind == "resident_id" else USCC,
                      **{"x-identifier": field.kind})
    elif kind == "table":
        schema.update(
            type="array", maxItems=field.max_rows,
            items={
                "type": "object", "additionalProperties": False,
                "properties": {c.key: _column(c) for c in field.columns},
                "required": [c.key for c in field.columns if c.required],
            },
        )
        if field.min_rows and field.required:
            schema["minItems"] = field.min_rows
    elif kind == "commitment":
        schema.update(type="boolean", const=True, description=field.text)
    schema["x-type"] = kind
    if field.prefill:
        schema["x-prefill"] = field.prefill if field.prefill != "license" else (
            f"license:{field.prefill_license_type}.{field.prefill_license_field}")
    if field.locked:
        schema["x-locked"] = True
    if field.condition is not None:
        schema["x-condition"] = {"field": field.condition.field, "operator": field.condition.operator,
                                 "value": field.condition.value}
    return schema


def _condition_schema(condition, form) -> dict | None:
    """The ``if`` of a condition, where JSON Schema can say it (others are checked by the server)."""
    operator, value = condition.operator, condition.value
    other = form.get(condition.field)
    typed = value
    if other is not None and other.type in ("number", "money"):
        try:
            typed = float(value)
        except ValueError:
            return None
    if operator == "eq":
        test = {"const": typed} if not (other and other.multiple) else {"contains": {"const": value}}
    elif operator == "in":
        test = {"enum": [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]}
    elif operator == "gt" and isinstance(typed, float):
        test = {"exclusiveMinimum": typed}
    elif operator == "lt" and isinstance(typed, float):
        test = {"exclusiveMaximum": typed}
    elif operator == "filled":
        test = {}
    else:
        return None
    return {"properties": {condition.field: test}, "required": [condition.field]}


def json_schema(form: Form, *, title: str = "", item_code: str = "") -> dict:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "additionalProperties": False,
        "properties": {f.key: property_of(f) for f in form},
        "required": [f.key for f in form if f.required and f.condition is None],
        "x-order": form.keys,
    }
    if item_code:
        schema["$id"] = f"urn:yiwang:form:{item_code}"
    clauses = []
    for field in form:
        if field.condition is None or not field.required:
            continue
        test = _condition_schema(field.condition, form)
        if test is not None:
            clauses.append({"if": test, "then": {"required": [field.key]}})
    if clauses:
        schema["allOf"] = clauses
    return schema
