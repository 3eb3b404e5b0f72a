"""The application form (申请表) as a page draws it: each field of the case's form with the value
it holds (or was just typed), where a pre-filled value came from, whether it is locked and its
messages; and the posted inputs read back into the values ``casefiles.forms.storing.save`` takes.

The portal's draft page and the front desk's scan page draw the same fields (one include,
``casefiles/portal/includes/application_form.html``); submitted cases show them read-only, with
identity and mobile numbers masked unless the viewer's work needs them whole
(``casefiles.access.disclosure.shows_identity``).
"""

from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.directory.identifiers import mask_mobile, mask_resident_id

PREFIX = "af"
MARKER = "application_form"  # posted with the form's inputs: the form was on the page
EMPTY_ROWS = 3
MAX_POSTED_ROWS = 100

UNITS = {"yuan": pgettext_lazy("unit", "yuan"), "wan": pgettext_lazy("unit", "10 000 yuan")}


def input_name(key: str, *parts) -> str:
    return "-".join([PREFIX, key, *(str(p) for p in parts)])


@dataclass
class Cell:
    column: object
    name: str
    id: str
    value: str


@dataclass
class BoundField:
    field: object
    name: str
    id: str
    value: object = ""
    source: str = ""
    locked: bool = False
    errors: list = dataclass_field(default_factory=list)
    rows: list = dataclass_field(default_factory=list)  # tables: [[Cell, …], …]
    options: list = dataclass_field(default_factory=list)  # choices: [(value, label, chosen)]
    unit: str = ""

    @property
    def type(self):
        return self.field.type

    @property
    def help_id(self):
        return f"{self.id}-help" if (self.field.help_text or self.source) else ""

    @property
    def error_id(self):
        return f"{self.id}-error" if self.errors else ""

    @property
    def described_by(self):
        return " ".join(i for i in (self.help_id, self.error_id) if i)

    @property
    def rows_name(self):
        return input_name(self.field.key, "rows")

    @property
    def checked(self):
        return self.value is True or str(self.value).strip().lower() in ("true", "on", "1", "yes")


def _text(value, field=None) -> str:
    if value is None or value is False:
        return ""
    if field is not None and field.type in ("number", "money") and isinstance(value, (int, float)):
        try:
            return f"{Decimal(str(value)):.{field.decimal_places}f}"
        except InvalidOperation:
            return str(value)
    return str(value)


def unit_label(unit: str) -> str:
    return str(UNITS.get(unit, unit))


def bind(form, values: dict, *, sources=None, errors=None) -> list[BoundField]:
    """Every field of ``form`` with ``values`` (held, or as just posted), ``sources`` (key →
    ``prefill.Prefilled``) and ``errors`` (key → [message])."""
    values = values or {}
    sources = sources or {}
    errors = errors or {}
    bound = []
    for field in form:
        found = sources.get(field.key)
        locked = bool(found and found.locked)
        value = found.value if locked else values.get(field.key, "")
        item = BoundField(field=field, name=input_name(field.key), id=f"{PREFIX}-{field.key}",
                          value=value if field.type in ("table", "choice", "commitment") else _text(value, field),
                          source=str(found.label) if found else "", locked=locked,
                          errors=list(errors.get(field.key, [])), unit=unit_label(field.unit))
        if field.type == "choice":
            chosen = {str(v) for v in value} if isinstance(value, list) else {_text(value)}
            item.options = [(v, label, v in chosen) for v, label in field.options]
        if field.type == "table":
            rows = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
            blank = 0 if locked else max(0, min(EMPTY_ROWS, field.max_rows - len(rows)))
            rows = rows + [{}] * blank
            item.rows = [[Cell(column, input_name(field.key, number, column.key),
                               f"{PREFIX}-{field.key}-{number}-{column.key}", _text(row.get(column.key)))
                          for column in field.columns] for number, row in enumerate(rows)]
        bound.append(item)
    return bound


def posted(post) -> bool:
    """Whether the request carries the form's inputs."""
    return bool(post.get(MARKER))


def read(form, post) -> dict:
    """The posted inputs as the form's values (as typed: ``validation.clean`` checks them)."""
    data = {}
    for field in form:
        name = input_name(field.key)
        if field.type == "choice" and field.multiple:
            data[field.key] = [v for v in post.getlist(name) if v]
        elif field.type == "commitment":
            data[field.key] = bool(post.get(name))
        elif field.type == "table":
            try:
                count = min(int(post.get(input_name(field.key, "rows"), 0)), MAX_POSTED_ROWS)
            except (TypeError, ValueError):
                count = 0
            rows = []
            for number in range(count):
                row = {c.key: post.get(input_name(field.key, number, c.key), "") for c in field.columns}
                if any(str(v).strip() for v in row.values()):
                    rows.append(row)
            data[field.key] = rows
        else:
            data[field.key] = post.get(name, "")
    return data


@dataclass
class Answer:
    label: str
    value: str = ""
    items: list = dataclass_field(default_factory=list)  # multiple choices
    columns: list = dataclass_field(default_factory=list)  # tables: labels
    rows: list = dataclass_field(default_factory=list)  # tables: [[text, …], …]
    source: str = ""
    key: str = ""


def _masked(kind: str, value, shown: bool) -> str:
    text = _text(value)
    if shown or not text:
        return text
    if kind == "mobile":
        return mask_mobile(text)
    if kind == "resident_id":
        return mask_resident_id(text)
    return text


def answers(form, values: dict, *, shows_identity: bool, sources=None) -> list[Answer]:
    """The filled form, read-only: each asked field with its value as the viewer may read it."""
    values = values or {}
    sources = sources or {}
    found = []
    for field in form.asked(values):
        value = values.get(field.key)
        answer = Answer(label=field.label, key=field.key,
                        source=str(sources[field.key].label) if field.key in sources else "")
        if field.type == "choice":
            labels = dict(field.options)
            chosen = value if isinstance(value, list) else ([value] if value not in (None, "") else [])
            answer.items = [labels.get(str(v), str(v)) for v in chosen]
            answer.value = "、".join(answer.items)
        elif field.type == "table":
            answer.columns = [c.label for c in field.columns]
            answer.rows = [[_masked(c.type, row.get(c.key), shows_identity) for c in field.columns]
                           for row in (value or []) if isinstance(row, dict)]
        elif field.type == "commitment":
            answer.value = str(_("Signed")) if value is True else ""
        elif field.type == "mobile":
            answer.value = _masked("mobile", value, shows_identity)
        elif field.type == "identifier":
            answer.value = _masked(field.kind, value, shows_identity)
        else:
            answer.value = _text(value, field)
            if answer.value and field.unit:
                answer.value = f"{answer.value} {unit_label(field.unit)}"
        found.append(answer)
    return found
