"""Checking what an applicant typed into an item's form, field by field.

``clean(form, data)`` returns the values as they are stored in ``CaseFile.form_data`` — strings
stripped, numbers as numbers, dates as ISO dates, choices as their values — and raises
``FormInvalid`` with every field's messages at once (``errors``: key → [message]), so a page shows
each message beside its field and nothing typed is lost. A field whose condition does not hold is
not asked: its value is dropped, not checked. A key the form does not have is refused.

``partial=True`` (a draft being saved) lets required fields stay empty; submitting checks them.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casefiles.directory.identifiers import IdentifierError, validate_mobile, validate_resident_id, validate_uscc
from casefiles.errors import Invalid
from casefiles.forms.definition import Form

MAX_TEXT = 2000


class FormInvalid(Invalid):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = {key: [str(m) for m in messages] for key, messages in errors.items()}
        first = next(iter(self.errors.items()))
        super().__init__(_("The form has %(count)d field(s) to correct, first %(field)s: %(message)s") % {
            "count": len(self.errors), "field": first[0], "message": first[1][0]})


class BadValue(Exception):
    pass


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _string(value, max_length: int, *, multiline=False) -> str:
    if isinstance(value, (dict, list, bool)):
        raise BadValue(_("Enter text."))
    text = str(value).strip() if not isinstance(value, str) else value.strip()
    if "\x00" in text:
        raise BadValue(_("The text contains a NUL character."))
    if not multiline and ("\n" in text or "\r" in text):
        raise BadValue(_("Enter one line."))
    if len(text) > max_length:
        raise BadValue(_("At most %(n)d characters (this has %(len)d).") % {"n": max_length, "len": len(text)})
    return text


def _decimal(value, places: int) -> Decimal:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise BadValue(_("Enter a number."))
    text = str(value).strip().replace(",", "").replace("，", "")
    if len(text) > 40:
        raise BadValue(_("Enter a number."))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadValue(_("Enter a number.")) from None
    if not number.is_finite():
        raise BadValue(_("Enter a number."))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
        if places == 0:
            raise BadValue(_("Enter a whole number."))
        raise BadValue(_("At most %(n)d decimal places.") % {"n": places})
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _as_json_number(number: Decimal, places: int):
    return int(number) if places == 0 else float(number)


def _number(field, value):
    number = _decimal(value, field.decimal_places)
    if field.min_value is not None and number < field.min_value:
        raise BadValue(_("At least %(min)s.") % {"min": field.min_value})
    if field.max_value is not None and number > field.max_value:
        raise BadValue(_("At most %(max)s.") % {"max": field.max_value})
    return _as_json_number(number, field.decimal_places)


def _date(field, value, today):
    if not isinstance(value, str):
        raise BadValue(_("Enter a date as YYYY-MM-DD."))
    try:
        day = datetime.date.fromisoformat(value.strip()[:10]) if len(value.strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadValue(_("Enter a date as YYYY-MM-DD."))
    if field.when == "past" and day > today:
        raise BadValue(_("The date cannot be in the future."))
    if field.when == "future" and day < today:
        raise BadValue(_("The date cannot be in the past."))
    return day.isoformat()


def _choice(field, value):
    allowed = {v for v, _label in field.options}
    if field.multiple:
        chosen = value if isinstance(value, list) else [value]
        chosen = [str(v) for v in chosen if not _empty(v)]
        wrong = [v for v in chosen if v not in allowed]
        if wrong or any(isinstance(v, (dict, list)) for v in chosen):
            raise BadValue(_("Choose from the options given."))
        return [v for v, _label in field.options if v in chosen]  # in the form's order, once each
    if isinstance(value, (dict, list)) or str(value) not in allowed:
        raise BadValue(_("Choose from the options given."))
    return str(value)


def _identifier(kind, value):
    if not isinstance(value, str):
        raise BadValue(_("Enter the code as text."))
    try:
        if kind == "resident_id":
            return validate_resident_id(value)
        return validate_uscc(value)
    except IdentifierError as error:
        raise BadValue(str(error)) from None


def _mobile(value):
    if not isinstance(value, str):
        raise BadValue(_("Enter the mobile number as text."))
    try:
        return validate_mobile(value)
    except IdentifierError as error:
        raise BadValue(str(error)) from None


def _address(value):
    text = _string(value, 200)
    if len(text) < 4:
        raise BadValue(_("Enter the full address: district, street and number."))
    return text


def _commitment(value):
    if value is True or (isinstance(value, str) and value.strip().lower() in ("true", "on", "1", "yes")):
        return True
    raise BadValue(_("Sign the commitment to apply under notification and commitment (告知承诺制)."))


def _cell(column, value, today):
    if column.type == "number":
        return _as_json_number(_decimal(value, 6), 6) if "." in str(value) else _as_json_number(_decimal(value, 0), 0)
    if column.type == "money":
        return _as_json_number(_decimal(value, 2), 2)
    if column.type == "date":
        return _date(type("F", (), {"when": "any"})(), value, today)
    if column.type == "mobile":
        return _mobile(value)
    if column.type == "resident_id":
        return _identifier("resident_id", value)
    return _string(value, 200)


def _table(field, value, today, partial):
    if not isinstance(value, list) or any(not isinstance(row, dict) for row in value):
        raise BadValue(_("Give the rows of the table."))
    rows = [row for row in value if any(not _empty(row.get(c.key)) for c in field.columns)]
    if len(rows) > field.max_rows:
        raise BadValue(_("At most %(n)d rows.") % {"n": field.max_rows})
    if not partial and len(rows) < field.min_rows:
        raise BadValue(_("At least %(n)d rows.") % {"n": field.min_rows})
    known = {c.key for c in field.columns}
    problems, cleaned = [], []
    for number, row in enumerate(rows, start=1):
        if set(row) - known:
            problems.append(_("Row %(row)d has a column the table does not have.") % {"row": number})
            continue
        out = {}
        for column in field.columns:
            cell = row.get(column.key)
            if _empty(cell):
                if column.required and not partial:
                    problems.append(_("Row %(row)d, %(column)s: required.") % {"row": number, "column": column.label})
                continue
            try:
                out[column.key] = _cell(column, cell, today)
            except BadValue as bad:
                problems.append(_("Row %(row)d, %(column)s: %(problem)s") % {
                    "row": number, "column": column.label, "problem": bad.args[0]})
        cleaned.append(out)
    if problems:
        raise BadValue(*problems)
    return cleaned


def clean_value(field, value, *, today=None, partial=False):
    """One field's value as stored; raises ``BadValue`` with its messages."""
    today = today or timezone.localdate()
    kind = field.type
    if kind == "text":
        return _string(value, min(field.max_length, MAX_TEXT), multiline=field.multiline)
    if kind in ("number", "money"):
        return _number(field, value)
    if kind == "date":
        return _date(field, value, today)
    if kind == "choice":
        return _choice(field, value)
    if kind == "address":
        return _address(value)
    if kind == "mobile":
        return _mobile(value)
    if kind == "identifier":
        return _identifier(field.kind, value)
    if kind == "table":
        return _table(field, value, today, partial)
    if kind == "commitment":
        return _commitment(value)
    raise BadValue(_("This field cannot be filled in."))


def clean(form: Form, data, *, partial: bool = False, today=None) -> dict:
    """The values of ``data`` that the form asks for, checked; raises ``FormInvalid``."""
    if not isinstance(data, dict):
        raise FormInvalid({"form_data": [_("Give the form's values as an object of field keys.")]})
    errors: dict[str, list[str]] = {}
    unknown = [key for key in data if form.get(str(key)) is None]
    for key in unknown[:20]:
        errors[str(key)[:40]] = [_("This form has no such field.")]
    cleaned: dict = {}
    for field in form:
        if field.condition is not None and not field.condition.holds(cleaned):
            continue  # not asked: whatever was sent for it is dropped
        value = data.get(field.key)
        if _empty(value) or (field.type == "commitment" and value is False):
            if field.required and not partial:
                errors[field.key] = [pgettext("form", "This field is required.") if field.type != "commitment" else
                                     _("Sign the commitment to apply under notification and commitment (告知承诺制).")]
            continue
        try:
            cleaned[field.key] = clean_value(field, value, today=today, partial=partial)
        except BadValue as bad:
            errors[field.key] = [str(m) for m in bad.args]
    if errors:
        raise FormInvalid(errors)
    return cleaned


def missing(form: Form, values: dict) -> list[str]:
    """Labels of the fields a submission still lacks (or has wrong), for the submit guard."""
    asked = {key: value for key, value in values.items() if form.get(key) is not None}  # not the demo's markers
    try:
        clean(form, asked)
    except FormInvalid as invalid:
        return [form.get(key).label if form.get(key) else key for key in invalid.errors]
    return []
