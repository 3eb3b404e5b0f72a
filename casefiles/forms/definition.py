"""An item's application form (申请表), read from its guide: the fields in order, each with its
type, its rules, its condition on another field and where it may be pre-filled from.

The editors build it on the guide's "Form" tab (cms.form_blocks). A case keeps the form of the
guide revision it was filed against (``CaseFile.item_revision``): a form edited later never
changes what an earlier application was asked. An item marked for 告知承诺制 whose form has no
commitment gets the standard one, which the applicant signs to apply under it, or leaves to take
the ordinary path (a commitment block the editors add is required: the item is only applied for so).
"""

import functools
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

COMMITMENT_KEY = "commitment"

# The 证明事项告知承诺制 wording (国办发〔2020〕42号), as the applicant signs it.
STANDARD_COMMITMENT = _(
    "I have read everything the department has told me. The information I have given and the materials I have "
    "supplied are true, accurate and complete and meet the conditions, standards and requirements I was told of. "
    "I bear the legal responsibility for a commitment that is untrue or broken."
)


@dataclass(frozen=True)
class Condition:
    """Asked only when ``field`` ``operator`` ``value`` holds of the values given so far."""

    field: str
    operator: str
    value: str = ""

    def holds(self, values: dict) -> bool:
        return compare(values.get(self.field), self.operator, self.value)


def _number(value):
    try:
        return Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        return None


def compare(actual, operator: str, expected: str) -> bool:
    """One comparison of a form value, shared by conditions and the 秒批 rules."""
    if operator == "filled":
        return actual not in (None, "", [], False)
    if actual in (None, ""):
        return False
    if operator in ("gt", "lt", "ge", "le"):
        left, right = _number(actual), _number(expected)
        if left is None or right is None:
            return False
        return {"gt": left > right, "lt": left < right, "ge": left >= right, "le": left <= right}[operator]
    values = [str(v) for v in actual] if isinstance(actual, list) else [_text(actual)]
    if operator == "eq":
        return _text(expected) in values
    if operator == "ne":
        return _text(expected) not in values
    if operator == "in":
        allowed = {part.strip() for part in str(expected).replace("，", ",").split(",") if part.strip()}
        return any(v in allowed for v in values)
    return False


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str = "text"
    required: bool = True


@dataclass(frozen=True)
class Field:
    key: str
    type: str  # text, number, money, date, choice, address, mobile, identifier, table, commitment
    label: str
    help_text: str = ""
    required: bool = True
    condition: Condition | None = None
    prefill: str = ""  # applicant.name, enterprise.address, …, license (cms.form_blocks.PREFILL_CHOICES)
    prefill_license_type: str = ""
    prefill_license_field: str = ""
    locked: bool = False
    license_field: str = ""  # the produced license's data key it fills ("": its own key)
    # by type
    max_length: int = 100
    multiline: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    decimal_places: int = 0
    unit: str = ""
    when: str = "any"  # dates: any, past, future
    options: tuple = ()  # choices: ((value, label), …)
    multiple: bool = False
    kind: str = ""  # identifiers: uscc, resident_id
    columns: tuple = ()  # tables: (Column, …)
    min_rows: int = 0
    max_rows: int = 20
    text: str = ""  # the commitment signed

    @property
    def fills(self) -> str:
        """The key of the license data field this field's value goes to."""
        return self.license_field or self.key

    @property
    def unconditional(self) -> bool:
        return self.condition is None


@dataclass(frozen=True)
class Form:
    fields: tuple = field(default_factory=tuple)

    def __bool__(self):
        return bool(self.fields)

    def __iter__(self):
        return iter(self.fields)

    def get(self, key) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    def asked(self, values: dict) -> list[Field]:
        """The fields asked given ``values``: those without a condition, and those whose condition holds."""
        return [f for f in self.fields if f.condition is None or f.condition.holds(values)]

    @property
    def commitment(self) -> Field | None:
        return next((f for f in self.fields if f.type == "commitment"), None)


def _decimal(value):
    if value in (None, ""):
        return None
    return _number(value)


def _list_items(value):
    """A ListBlock's raw items: plain values, or {"type": "item", "value": …} in newer Wagtail."""
    for item in value or []:
        yield item.get("value", item) if isinstance(item, dict) and "value" in item and "type" in item else item


def _field(block_type: str, value: dict) -> Field:
    operator = value.get("condition_operator") or ""
    condition = None
    if value.get("condition_field") and operator:
        condition = Condition(str(value["condition_field"]), operator, str(value.get("condition_value") or ""))
    common = dict(
        key=str(value.get("key") or ""), type=block_type, label=str(value.get("label") or value.get("key") or ""),
        help_text=str(value.get("help_text") or ""), condition=condition,
        prefill=str(value.get("prefill") or ""), prefill_license_type=str(value.get("prefill_license_type") or ""),
        prefill_license_field=str(value.get("prefill_license_field") or ""), locked=bool(value.get("locked")),
        license_field=str(value.get("license_field") or ""),
    )
    if block_type == "commitment":
        return Field(**common | {"required": True, "prefill": "", "locked": False},
                     text=str(value.get("text") or STANDARD_COMMITMENT))
    common["required"] = bool(value.get("required", True))
    if block_type == "text":
        return Field(**common, max_length=int(value.get("max_length") or 100), multiline=bool(value.get("multiline")))
    if block_type in ("number", "money"):
        return Field(**common, min_value=_decimal(value.get("min_value")), max_value=_decimal(value.get("max_value")),
                     decimal_places=2 if block_type == "money" else int(value.get("decimal_places") or 0),
                     unit=str(value.get("unit") or ("yuan" if block_type == "money" else "")))
    if block_type == "date":
        return Field(**common, when=str(value.get("when") or "any"))
    if block_type == "choice":
        options = tuple((str(o.get("value")), str(o.get("label") or o.get("value"))) for o in _list_items(value.get("options")))
        return Field(**common, options=options, multiple=bool(value.get("multiple")))
    if block_type == "identifier":
        return Field(**common, kind=str(value.get("kind") or "uscc"))
    if block_type == "table":
        columns = tuple(
            Column(str(c.get("key")), str(c.get("label") or c.get("key")), str(c.get("type") or "text"),
                   bool(c.get("required", True)))
            for c in _list_items(value.get("columns"))
        )
        return Field(**common, columns=columns, min_rows=int(value.get("min_rows") or 0),
                     max_rows=int(value.get("max_rows") or 20))
    return Field(**common, max_length=200 if block_type == "address" else 100)


@functools.lru_cache(maxsize=512)
def _parse(raw: str, notify_commit: bool) -> Form:
    fields = [_field(block["type"], block.get("value") or {}) for block in json.loads(raw or "[]")]
    if notify_commit and not any(f.type == "commitment" for f in fields):
        # The applicant chooses whether to apply under 告知承诺制 (国办发〔2020〕42号): signed, the
        # decision comes on acceptance and a check follows (casefiles.expedited); not, the ordinary path.
        fields.append(Field(key=COMMITMENT_KEY, type="commitment", label=str(_("Commitment (告知承诺)")),
                            required=False, text=str(STANDARD_COMMITMENT)))
    return Form(tuple(fields))


def _raw(stream) -> str:
    """The stream's raw JSON, whatever form it is held in (a StreamValue, a list or a string)."""
    if stream is None:
        return "[]"
    if isinstance(stream, str):
        return stream
    raw = getattr(stream, "raw_data", stream)
    blocks = list(raw) if raw is not None else []
    return json.dumps([dict(b) for b in blocks], sort_keys=True, ensure_ascii=False, default=str)


def of_blocks(blocks, *, notify_commit: bool = False) -> Form:
    """The form of raw blocks ([(block type, value), …]), as a guide's Form tab stores them."""
    return _parse(json.dumps([{"type": kind, "value": value} for kind, value in blocks], sort_keys=True,
                             ensure_ascii=False, default=str), notify_commit)


def of_page(page) -> Form:
    """The form as the page (saved or being edited) describes it."""
    if page is None:
        return Form()
    return _parse(_raw(page.application_form), bool(page.notify_commit))


def of_revision(revision) -> Form:
    content = revision.content or {}
    return _parse(_raw(content.get("application_form")), bool(content.get("notify_commit")))


def of_item(item) -> Form:
    """What a new application of ``item`` is asked: the form of its live revision."""
    if item.live_revision_id:
        revision = item.live_revision
        if revision is not None:
            return of_revision(revision)
    return of_page(item)


def of_case(case) -> Form:
    """The form the case was filed with: that of the guide revision it records."""
    if case.item_revision_id:
        return of_revision(case.item_revision)
    return of_page(case.item)
