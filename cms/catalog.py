"""Import a provincial catalog export (政务服务事项实施清单) into departments, guides and bundles.

The export is one JSON object::

    {"departments": [{"code", "name", "parent"}],
     "license_types": [{"code", "name", "issuing_department", "validity_years"}],   (optional)
     "items": [{"code", "name", "type", "department", "statutory_days", "promised_days",
                "conditions", "legal_basis", "fees", "online_depth", "tolerant_acceptance",
                "notify_commit", "materials": [{"name", "form", "copies", "required",
                                                "deferrable", "license_types": [...]}]}],
     "bundles": [{"code", "name", "items": [item codes]}]}

Every record is imported on its own, inside its own savepoint: a record that fails is
reported with its code, the field at fault and why, is written not at all, and the others
go on. Keys that fit a model field are mapped onto it (choice fields accept the Chinese
terms of the catalog as well as their values); keys no field holds are kept in the page's
``catalog_data``. Other top-level keys are ignored.

Pages are found again by their code and updated as new revisions of the same page, never
duplicated; a record whose content has not changed leaves its page untouched (no revision).
Material requirements are matched by name and updated in place, so the rows that case files
point at survive a re-import. See docs/catalog.md.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
from wagtail.blocks.struct_block import StructBlockValidationError

from casefiles.directory.models import Department
from casefiles.licenses.models import LicenseType
from casefiles.realname.models import Level
from cms.blocks import RICH
from cms.bundles import material_key
from cms.models import BundlePage, DepartmentPage, MaterialRequirement, ServiceItemPage, ServiceObject
from cms.sitetree import ensure_department_page

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
SECTIONS = ("departments", "license_types", "items", "bundles")
KIND_OF_SECTION = {"departments": "department", "license_types": "license_type", "items": "item", "bundles": "bundle"}
DEFAULT_REGION_CODE = "440400"  # 珠海市
FREE_OF_CHARGE = {"", "不收费", "免费", "无", "否", "0"}


class CatalogFormatError(ValueError):
    """The file as a whole cannot be read as a catalog: nothing was imported."""


class RecordInvalid(Exception):
    """One record cannot be imported; ``field`` names the catalog key at fault."""

    def __init__(self, field_name, message):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message

    def inside(self, prefix):
        return RecordInvalid(f"{prefix}.{self.field}", self.message)


@dataclass(frozen=True)
class Outcome:
    kind: str  # department, license_type, item, bundle
    code: str

    def __str__(self):
        return self.code


@dataclass(frozen=True)
class Failure:
    kind: str
    code: str
    field: str
    message: str

    def __str__(self):
        return f"{self.code}: {self.field}: {self.message}"


@dataclass
class ImportResult:
    created: list[Outcome] = field(default_factory=list)
    updated: list[Outcome] = field(default_factory=list)
    unchanged: list[Outcome] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)

    @property
    def ok(self):
        return not self.failed

    def codes(self, status, kind=None) -> list[str]:
        return [entry.code for entry in getattr(self, status) if kind is None or entry.kind == kind]

    def summary(self) -> str:
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(failed)d failed.") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "failed": len(self.failed),
        }


# --- Reading the file -----------------------------------------------------------------------


def read_catalog(path) -> dict:
    """The catalog in ``path``, checked for its shape; CatalogFormatError if it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogFormatError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogFormatError(
            _("%(path)s is not JSON: %(error)s (line %(line)d, column %(column)d).")
            % {"path": path, "error": error.msg, "line": error.lineno, "column": error.colno}
        ) from error
    check_shape(data)
    return data


def check_shape(data) -> None:
    if not isinstance(data, dict) or not any(key in data for key in ("departments", "items", "bundles")):
        raise CatalogFormatError(_('A catalog is a JSON object with a "departments", "items" or "bundles" list.'))
    for key in SECTIONS:
        if data.get(key) is not None and not isinstance(data[key], list):
            raise CatalogFormatError(_('"%(key)s" must be a list of records.') % {"key": key})


# --- Values as the catalog writes them --------------------------------------------------------

TRUE_WORDS = {"true", "yes", "y", "1", "是", "适用", "支持", "可以"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "不适用", "不支持", "不可以"}


def _required_message():
    return pgettext("form", "This field is required.")


def _text(record, key, *, required=False) -> str:
    value = record.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if value is not None and not isinstance(value, str):
        raise RecordInvalid(key, _("Expected text."))
    value = (value or "").strip()
    if required and not value:
        raise RecordInvalid(key, _required_message())
    return value


def _code(record) -> str:
    return _text(record, "code", required=True)


def _whole_number(record, key, *, maximum=32767):
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        shown = json.dumps(value, ensure_ascii=False)
        raise RecordInvalid(key, _("Expected a whole number, got %(value)s.") % {"value": shown})
    if not 0 <= value <= maximum:
        raise RecordInvalid(key, _("Expected a number from 0 to %(maximum)d.") % {"maximum": maximum})
    return value


def _flag(record, key, default=False) -> bool:
    value = record.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise RecordInvalid(key, _("Expected true or false (是/否)."))


def _rich_text(record, key) -> str:
    """Catalog text as the rich text the page stores: plain text becomes paragraphs; HTML is sanitised."""
    text = _text(record, key)
    if not text:
        return ""
    if text.startswith("<"):
        return EditorHTMLConverter(RICH).to_database_format(text)
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


class Choices:
    """A choice field's values, also accepted as the Chinese terms catalogs use for them."""

    def __init__(self, choices, aliases=None):
        self.choices = choices
        self.aliases = aliases or {}

    @cached_property
    def lookup(self):
        found = {}
        for value, label in self.choices.choices:
            found[str(value).lower()] = value
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    text = str(label)
                found[text.lower()] = value
                # "Administrative licensing (行政许可)" is also written 行政许可.
                for inner in re.findall(r"[(（]([^)）]+)[)）]", text):
                    found[inner.lower()] = value
                    for word in inner.split():
                        found.setdefault(word.lower(), value)
        found.update({alias.lower(): value for alias, value in self.aliases.items()})
        return found

    def parse(self, record, key, default=None):
        value = record.get(key)
        if value is None or value == "":
            if default is None:
                raise RecordInvalid(key, _required_message())
            return default
        found = self.lookup.get(str(value).strip().lower())
        if found is None:
            raise RecordInvalid(
                key,
                _("Unknown value %(value)s; expected one of %(choices)s.")
                % {"value": json.dumps(value, ensure_ascii=False),
                   "choices": ", ".join(str(v) for v in self.choices.values)},
            )
        return found


@cache
def _choices():
    item = ServiceItemPage
    return {
        "type": Choices(item.ItemType, {"其他权力": "other", "许可": "licensing", "备案": "filing"}),
        "exercise_level": Choices(
            item.ExerciseLevel,
            {"国家级": "national", "国家": "national", "省级": "provincial", "省": "provincial", "市级": "city",
             "市": "city", "县级": "county", "区级": "county", "县区级": "county", "区": "county", "县": "county",
             "镇级": "town", "乡镇级": "town", "镇街": "town", "街道": "town"},
        ),
        "power_source": Choices(item.PowerSource, {"本级": "statutory", "法定": "statutory", "下放": "delegated"}),
        "service_object": Choices(
            ServiceObject,
            {"企业": "enterprise", "法人": "enterprise", "企业法人": "enterprise", "法人和其他组织": "enterprise",
             "个人": "person", "自然人": "person", "企业和个人": "both", "法人和自然人": "both",
             "自然人和法人": "both", "全部": "both"},
        ),
        "online_depth": Choices(item.OnlineDepth, {"零星": 0, "不能网办": 0, "网上办理": 4}),
        "tongban_scope": Choices(item.TongbanScope, {"无": "none", "不通办": "none", "本部门": "none"}),
        "real_name_level": Choices(Level, {"窗口核验": "in_person", "现场核验": "in_person"}),
        "result_type": Choices(item.ResultType, {"证照": "license", "证书": "license", "批文": "approval",
                                                 "批复": "approval", "其他": "other", "无": "none"}),
        "form": Choices(
            MaterialRequirement.Form,
            {"原件和复印件": "original_and_copy", "原件及复印件": "original_and_copy", "原件、复印件": "original_and_copy",
             "原件与复印件": "original_and_copy", "电子版": "electronic", "电子材料": "electronic", "电子证照": "electronic"},
        ),
        "source": Choices(
            MaterialRequirement.Source,
            {"申请人自备": "applicant", "申请人": "applicant", "政府部门核发": "government", "政府部门": "government",
             "其他": "other"},
        ),
        "level": Choices(
            Department.Level,
            {"市级": "city", "县": "district", "县级": "district", "区级": "district", "镇": "town", "乡镇": "town",
             "街道": "town", "开发区": "park"},
        ),
    }


def choices(key) -> Choices:
    return _choices()[key]


# --- StreamField content ----------------------------------------------------------------------


def _entries(record, key) -> list:
    value = record.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, (str, dict)):
        return [value]
    if not isinstance(value, list):
        raise RecordInvalid(key, _("Expected text or a list."))
    return value


def _block_errors(error) -> str:
    if isinstance(error, StructBlockValidationError) and error.block_errors:
        return "; ".join(f"{name}: {' '.join(err.messages)}" for name, err in error.block_errors.items())
    return " ".join(error.messages)


def _stream(model, field_name, key, entries) -> list:
    """Raw block data, cleaned by the field's own blocks, as (block type, value) pairs."""
    stream_block = model._meta.get_field(field_name).stream_block
    (block_type, struct_block), = stream_block.child_blocks.items()
    cleaned = []
    for index, raw in enumerate(entries):
        try:
            cleaned.append((block_type, struct_block.clean(struct_block.to_python(raw))))
        except ValidationError as error:
            raise RecordInvalid(f"{key}[{index}]", _block_errors(error)) from error
    return cleaned


def _legal_basis(model, record):
    entries = []
    for index, entry in enumerate(_entries(record, "legal_basis")):
        if isinstance(entry, str):
            entry = {"law": entry.strip()}
        if not isinstance(entry, dict):
            raise RecordInvalid(f"legal_basis[{index}]", _("Expected text or an object."))
        entries.append({name: entry.get(name) or "" for name in ("law", "article", "text")})
    return _stream(model, "legal_basis", "legal_basis", entries)


def _fees(model, record):
    entries = []
    for index, entry in enumerate(_entries(record, "fees")):
        if isinstance(entry, str):
            if entry.strip() in FREE_OF_CHARGE:
                continue
            entry = {"item": _("Fee"), "standard": entry.strip()}
        if not isinstance(entry, dict):
            raise RecordInvalid(f"fees[{index}]", _("Expected text or an object."))
        entries.append({
            "item": entry.get("item") or "", "standard": entry.get("standard") or "",
            "basis": entry.get("basis") or "", "waivable": bool(entry.get("waivable")),
        })
    return _stream(model, "fees", "fees", entries)


def _process(model, record):
    entries = []
    for index, entry in enumerate(_entries(record, "process")):
        if isinstance(entry, str):
            entry = {"name": entry.strip()}
        if not isinstance(entry, dict):
            raise RecordInvalid(f"process[{index}]", _("Expected text or an object."))
        days = _whole_number(entry, "days") if "days" in entry else None
        entries.append({"name": entry.get("name") or "", "actor": entry.get("actor") or "",
                        "description": entry.get("description") or "", "days": days})
    return _stream(model, "process", "process", entries)


def _faq(model, record):
    entries = []
    for index, entry in enumerate(_entries(record, "faq")):
        if not isinstance(entry, dict):
            raise RecordInvalid(f"faq[{index}]", _("Expected an object with a question and an answer."))
        answer = _rich_text(entry, "answer") if isinstance(entry.get("answer"), str) else ""
        entries.append({"question": entry.get("question") or "", "answer": answer})
    return _stream(model, "faq", "faq", entries)


def stream_content(value) -> list:
    """A stream's content without its block ids, to tell whether an import changes it."""
    return [(child.block_type, child.block.get_prep_value(child.value)) for child in value]


# --- Writing onto models ------------------------------------------------------------------------


def assign(obj, values: dict) -> bool:
    """Set the fields that differ; True if any did."""
    changed = False
    for name, value in values.items():
        model_field = obj._meta.get_field(name)
        if model_field.many_to_one:
            if getattr(obj, model_field.attname) == (value.pk if value is not None else None):
                continue
        elif getattr(obj, name) == value:
            continue
        setattr(obj, name, value)
        changed = True
    return changed


def assign_streams(obj, streams: dict) -> bool:
    changed = False
    for name, entries in streams.items():
        stream_block = obj._meta.get_field(name).stream_block
        wanted = [
            (block_type, stream_block.child_blocks[block_type].get_prep_value(value)) for block_type, value in entries
        ]
        if stream_content(getattr(obj, name)) != wanted:
            setattr(obj, name, entries)
            changed = True
    return changed


def assign_ordered_links(obj, relation: str, target: str, pages: list) -> bool:
    """An Orderable child relation that links to ``pages`` in this order; rows are reused by page."""
    manager = getattr(obj, relation)
    current = list(manager.all())
    attname = f"{target}_id"
    if [getattr(row, attname) for row in current] == [page.pk for page in pages]:
        return False
    by_page = {getattr(row, attname): row for row in current}
    rows = []
    for order, page in enumerate(pages):
        row = by_page.pop(page.pk, None) or manager.model(**{target: page})
        row.sort_order = order
        rows.append(row)
    setattr(obj, relation, rows)
    return True


def assign_rows(obj, relation: str, rows: list[dict]) -> bool:
    """An Orderable child relation holding exactly ``rows`` (field values each), in this order."""
    manager = getattr(obj, relation)
    names = sorted({name for row in rows for name in row})

    def key(values):  # an empty text and a missing value are the same: nothing set
        return tuple(None if values.get(name) in ("", None) else values.get(name) for name in names)

    current = [{name: getattr(row, name) for name in names} for row in manager.all()]
    if [key(row) for row in current] == [key(row) for row in rows]:
        return False
    setattr(obj, relation, [manager.model(sort_order=order, **row) for order, row in enumerate(rows)])
    return True


def free_slug(parent, base) -> str:
    base = slugify(base, allow_unicode=True) or "page"
    slug, number = base, 1
    while parent.get_children().filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def save_page(model, lookup: dict, parent, slug, build, *, draft=False) -> str:
    """Create or update the page ``lookup`` finds, below ``parent``, as a new revision.

    ``build(page)`` writes the wanted content onto the page object and returns True if that
    changed anything; an unchanged page gets no revision. Unless ``draft``, the new revision
    (or a pending one whose content is already what is wanted) is published; a page whose
    parent is no longer ``parent`` is moved there.
    """
    page = model.objects.filter(**lookup).first()
    if page is None:
        page = model(**lookup, slug=free_slug(parent, slug), live=False)
        build(page)
        parent.add_child(instance=page)
        revision = page.save_revision(log_action=True)
        if not draft:
            revision.publish()
        return CREATED

    moved = False
    if not draft and page.get_parent().pk != parent.pk:
        # Wagtail has no draft of a move: a page changes department when the import publishes.
        page.move(parent, pos="last-child")
        page = model.objects.get(pk=page.pk)
        moved = True
    latest = page.get_latest_revision_as_object()
    if build(latest) or moved:
        revision = latest.save_revision(log_action=True)
        if not draft:
            revision.publish()
        return UPDATED
    if not draft and (not page.live or page.has_unpublished_changes):
        revision = page.get_latest_revision() or latest.save_revision(log_action=True)
        revision.publish()
        return UPDATED
    return UNCHANGED


# --- The records ---------------------------------------------------------------------------------


@dataclass
class MaterialSpec:
    name: str
    form: str
    copies: int
    required: bool
    deferrable: bool
    license_types: list
    source: str | None  # None: the catalog does not say, an editor's choice stays
    notes: str | None
    extra: dict

    def matches(self, row) -> bool:
        return (
            (row.name, row.form, row.copies, row.required, row.deferrable)
            == (self.name, self.form, self.copies, self.required, self.deferrable)
            and (self.source is None or row.source == self.source)
            and (self.notes is None or row.notes == self.notes)
            and sorted(t.pk for t in row.license_types.all()) == sorted(t.pk for t in self.license_types)
        )

    def write(self, row, order) -> None:
        row.name, row.form, row.copies = self.name, self.form, self.copies
        row.required, row.deferrable = self.required, self.deferrable
        if self.source is not None:
            row.source = self.source
        if self.notes is not None:
            row.notes = self.notes
        row.sort_order = order
        row.license_types = self.license_types


MATERIAL_KEYS = {"name", "form", "copies", "required", "deferrable", "license_types", "source", "notes"}


def assign_materials(page, materials: list[MaterialSpec]) -> bool:
    """The page's requirements become ``materials``, in order; a row keeps its id while its name stays."""
    current = list(page.material_requirements.all())
    if len(current) == len(materials) and all(spec.matches(row) for spec, row in zip(materials, current)):
        return False
    by_name = {material_key(row.name): row for row in current}
    rows = []
    for order, spec in enumerate(materials):
        row = by_name.pop(material_key(spec.name), None) or MaterialRequirement()
        spec.write(row, order)
        rows.append(row)
    page.material_requirements = rows
    return True


ITEM_CORE_KEYS = {
    "code", "name", "type", "department", "statutory_days", "promised_days", "conditions", "legal_basis",
    "fees", "online_depth", "tolerant_acceptance", "notify_commit", "materials",
}
ITEM_TEXT_KEYS = {
    "summary", "statutory_days_note", "promised_days_note", "place", "hours", "consultation_phone",
    "complaint_phone", "result_name",
}
ITEM_CHOICE_KEYS = {"exercise_level", "power_source", "service_object", "tongban_scope", "result_type", "real_name_level"}
ITEM_EXTRA_KEYS = ITEM_TEXT_KEYS | ITEM_CHOICE_KEYS | {
    "visits_needed", "charges_fee", "process", "faq", "result_license_type",
}
BUNDLE_KEYS = {"code", "name", "items", "department", "service_object", "summary", "conditions", "process",
               "promised_days", "faq"}
DEPARTMENT_TEXT_KEYS = {"short_name", "region_code", "phone", "address"}

# Where a model field's validation error belongs in the catalog's terms.
FIELD_KEYS = {"title": "name", "item_code": "code", "bundle_code": "code", "item_type": "type", "slug": "code",
              "department": "department", "issuing_department": "issuing_department"}


def check_fields(model, values: dict) -> None:
    """Each value against its model field (length, choices, validators), before anything is written."""
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            continue
        try:
            model_field.clean(value, None)
        except ValidationError as error:
            raise RecordInvalid(FIELD_KEYS.get(name, name), " ".join(error.messages)) from error


def _first_error(error: ValidationError) -> tuple[str, str]:
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.message_dict.items()))
        key = "(record)" if name == NON_FIELD_ERRORS else FIELD_KEYS.get(name, name)
        return key, " ".join(errors)
    return "(record)", " ".join(error.messages)


class CatalogImport:
    """One run of the import; ``run`` returns what happened to every record."""

    def __init__(self, *, draft=False, progress=None):
        self.draft = draft
        self.progress = progress
        self.result = ImportResult()

    def run(self, data) -> ImportResult:
        check_shape(data)
        plan = []
        for section in SECTIONS:
            records = list(enumerate(data.get(section) or []))
            if section == "departments":
                records = _parents_first(records)
            handler = getattr(self, f"_import_{KIND_OF_SECTION[section]}")
            plan.extend((section, index, record, handler) for index, record in records)
        seen = set()
        for done, (section, index, record, handler) in enumerate(plan, start=1):
            self._one(section, index, record, handler, seen)
            if self.progress is not None:
                self.progress(done, len(plan))
        return self.result

    def _one(self, section, index, record, handler, seen):
        kind = KIND_OF_SECTION[section]
        code = record.get("code") if isinstance(record, dict) else None
        label = code.strip() if isinstance(code, str) and code.strip() else f"{section}[{index}]"
        try:
            if not isinstance(record, dict):
                raise RecordInvalid("(record)", _("Expected an object."))
            if (kind, label) in seen:
                raise RecordInvalid("code", _("This code appears more than once in the file."))
            with transaction.atomic():
                status = handler(record)
        except RecordInvalid as error:
            self.result.failed.append(Failure(kind, label, error.field, error.message))
        except ValidationError as error:
            self.result.failed.append(Failure(kind, label, *_first_error(error)))
        except IntegrityError as error:
            self.result.failed.append(Failure(kind, label, "(record)", str(error)))
        else:
            getattr(self.result, status).append(Outcome(kind, label))
        seen.add((kind, label))

    # Lookups ---------------------------------------------------------------------------------

    def _department(self, record, key, *, required=True):
        code = _text(record, key, required=required)
        if not code:
            return None
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise RecordInvalid(key, _("Unknown department %(code)s.") % {"code": code})
        return department

    def _department_page(self, department):
        page = DepartmentPage.objects.filter(department=department).first()
        return page or ensure_department_page(department)

    def _license_type(self, key, code, *, name="", issuer=None):
        if not isinstance(code, str) or not code.strip():
            raise RecordInvalid(key, _("Expected a license type code."))
        code = code.strip()
        if len(code) > LicenseType._meta.get_field("code").max_length:
            raise RecordInvalid(key, _("A license type code has at most 40 characters."))
        found = LicenseType.objects.filter(code=code).first()
        if found is None:
            found = LicenseType.objects.create(code=code, name=(name or code)[:100], issuing_department=issuer)
        return found

    # Departments and license types ---------------------------------------------------------

    def _import_department(self, record) -> str:
        code = _code(record)
        values = {
            "name": _text(record, "name", required=True),
            "parent": self._department(record, "parent", required=False),
        }
        for key in DEPARTMENT_TEXT_KEYS & record.keys():
            values[key] = _text(record, key)
        if "level" in record:
            values["level"] = choices("level").parse(record, "level")
        if "is_active" in record:
            values["is_active"] = _flag(record, "is_active", default=True)
        department = Department.objects.filter(code=code).first()
        if department is None:
            values.setdefault("level", Department.Level.CITY)
            if not values.get("region_code"):
                values["region_code"] = DEFAULT_REGION_CODE
            department = Department(code=code, **values)
            department.full_clean()
            department.save()
            return CREATED
        if not assign(department, values):
            return UNCHANGED
        department.full_clean()
        department.save()
        if DepartmentPage.objects.filter(department=department).exists():
            ensure_department_page(department)  # renames its page after it
        return UPDATED

    def _import_license_type(self, record) -> str:
        code = _code(record)
        values = {"name": _text(record, "name", required=True)}
        if "issuing_department" in record:
            values["issuing_department"] = self._department(record, "issuing_department", required=False)
        if "validity_years" in record:
            values["validity_years"] = _whole_number(record, "validity_years", maximum=100)
        license_type = LicenseType.objects.filter(code=code).first()
        if license_type is None:
            license_type = LicenseType(code=code, **values)
            license_type.full_clean()
            license_type.save()
            return CREATED
        if not assign(license_type, values):
            return UNCHANGED
        license_type.full_clean()
        license_type.save()
        return UPDATED

    # Guides -------------------------------------------------------------------------------------

    def _material(self, index, data) -> MaterialSpec:
        prefix = f"materials[{index}]"
        if not isinstance(data, dict):
            raise RecordInvalid(prefix, _("Expected an object."))
        try:
            copies = _whole_number(data, "copies", maximum=99)
            codes = data.get("license_types") or []
            if not isinstance(codes, list):
                raise RecordInvalid("license_types", _("Expected a list of license type codes."))
            return MaterialSpec(
                name=_text(data, "name", required=True),
                form=choices("form").parse(data, "form", default="electronic"),
                copies=1 if copies is None else copies,
                required=_flag(data, "required", default=True),
                deferrable=_flag(data, "deferrable"),
                license_types=[self._license_type(f"license_types[{i}]", c) for i, c in enumerate(codes)],
                source=choices("source").parse(data, "source") if data.get("source") else None,
                notes=_text(data, "notes") if "notes" in data else None,
                extra={key: value for key, value in data.items() if key not in MATERIAL_KEYS},
            )
        except RecordInvalid as error:
            raise error.inside(prefix) from None

    def _materials(self, record) -> list[MaterialSpec]:
        materials = record.get("materials") or []
        if not isinstance(materials, list):
            raise RecordInvalid("materials", _("Expected a list of materials."))
        specs, names = [], set()
        for index, data in enumerate(materials):
            spec = self._material(index, data)
            if material_key(spec.name) in names:
                raise RecordInvalid(f"materials[{index}].name", _("This material is listed twice."))
            names.add(material_key(spec.name))
            specs.append(spec)
        return specs

    def _import_item(self, record) -> str:
        model = ServiceItemPage
        code = _code(record)
        department = self._department(record, "department")
        values = {
            "title": _text(record, "name", required=True),
            "item_type": choices("type").parse(record, "type"),
            "statutory_days": _whole_number(record, "statutory_days"),
            "promised_days": _whole_number(record, "promised_days"),
            "conditions": _rich_text(record, "conditions"),
            "online_depth": choices("online_depth").parse(record, "online_depth", default=model.OnlineDepth.ACCEPTANCE),
            "tolerant_acceptance": _flag(record, "tolerant_acceptance"),
            "notify_commit": _flag(record, "notify_commit"),
        }
        statutory, promised = values["statutory_days"], values["promised_days"]
        if statutory is not None and promised is not None and promised > statutory:
            raise RecordInvalid(
                "promised_days",
                _("The promised limit (%(promised)d days) is longer than the statutory limit (%(statutory)d days).")
                % {"promised": promised, "statutory": statutory},
            )
        streams = {"legal_basis": _legal_basis(model, record), "fees": _fees(model, record)}
        values["charges_fee"] = bool(streams["fees"])

        # Optional keys change their field only when the record carries them: what an editor
        # added where the catalog is silent survives a re-import.
        for key in ITEM_TEXT_KEYS & record.keys():
            values[key] = _text(record, key)
        for key in ITEM_CHOICE_KEYS & record.keys():
            values[key] = choices(key).parse(record, key)
        if "visits_needed" in record:
            values["visits_needed"] = _whole_number(record, "visits_needed", maximum=9) or 0
        if "charges_fee" in record:
            values["charges_fee"] = _flag(record, "charges_fee")
        if "process" in record:
            streams["process"] = _process(model, record)
        if "faq" in record:
            streams["faq"] = _faq(model, record)
        if "result_license_type" in record:
            result_code = record.get("result_license_type")
            values["result_license_type"] = (
                self._license_type("result_license_type", result_code, name=values.get("result_name", ""),
                                   issuer=department)
                if result_code else None
            )
        materials = self._materials(record)
        other = {key: value for key, value in record.items() if key not in ITEM_CORE_KEYS | ITEM_EXTRA_KEYS}
        material_extras = {spec.name: spec.extra for spec in materials if spec.extra}
        if material_extras:
            other["material_extras"] = material_extras
        values["catalog_data"] = other
        check_fields(model, values)
        values["department"] = department

        def build(page):
            changed = assign(page, values)
            changed = assign_streams(page, streams) or changed
            return assign_materials(page, materials) or changed

        parent = self._department_page(department)
        return save_page(model, {"item_code": code}, parent, code, build, draft=self.draft)

    # Bundles ------------------------------------------------------------------------------------

    def _import_bundle(self, record) -> str:
        model = BundlePage
        code = _code(record)
        title = _text(record, "name", required=True)
        codes = record.get("items")
        if not isinstance(codes, list) or not codes:
            raise RecordInvalid("items", _("A bundle needs a list of at least one item code."))
        named = [c for c in codes if isinstance(c, str)]
        found = {page.item_code: page for page in ServiceItemPage.objects.filter(item_code__in=named)}
        items = []
        for index, item_code in enumerate(codes):
            page = found.get(item_code) if isinstance(item_code, str) else None
            if page is None:
                raise RecordInvalid(f"items[{index}]", _("Unknown item code %(code)s.") % {"code": item_code})
            if page in items:
                raise RecordInvalid(f"items[{index}]", _("This item is listed twice."))
            items.append(page)
        department = self._department(record, "department", required=False) or items[0].department
        values = {"title": title, "department": department}
        streams = {}
        if "service_object" in record:
            values["service_object"] = choices("service_object").parse(record, "service_object")
        if "summary" in record:
            values["summary"] = _text(record, "summary")
        if "conditions" in record:
            values["conditions"] = _rich_text(record, "conditions")
        if "promised_days" in record:
            values["promised_days"] = _whole_number(record, "promised_days")
        if "process" in record:
            streams["process"] = _process(model, record)
        if "faq" in record:
            streams["faq"] = _faq(model, record)
        values["catalog_data"] = {key: value for key, value in record.items() if key not in BUNDLE_KEYS}
        check_fields(model, values)

        def build(page):
            changed = assign(page, values)
            changed = assign_streams(page, streams) or changed
            return assign_ordered_links(page, "bundle_items", "item", items) or changed

        parent = self._department_page(department)
        return save_page(model, {"bundle_code": code}, parent, code, build, draft=self.draft)


def _parents_first(records):
    """Department records ordered so that a parent defined in the same file comes before its children."""
    by_code = {}
    for position, record in records:
        if isinstance(record, dict) and isinstance(record.get("code"), str):
            by_code.setdefault(record["code"].strip(), (position, record))
    ordered, placed = [], set()

    def place(entry, trail):
        index, record = entry
        if index in placed:
            return
        parent = record.get("parent") if isinstance(record, dict) else None
        if isinstance(parent, str) and parent.strip() in by_code and parent.strip() not in trail:
            place(by_code[parent.strip()], trail | {parent.strip()})
        placed.add(index)
        ordered.append(entry)

    for entry in records:
        code = entry[1].get("code") if isinstance(entry[1], dict) else None
        place(entry, {code} if isinstance(code, str) else set())
    return ordered


def import_catalog(data, *, draft=False, progress=None) -> ImportResult:
    """Import a catalog (already parsed from JSON); see the module's docstring.

    ``progress(done, total)`` is called after every record. With ``draft`` the pages' new
    revisions are saved but not published (a new page stays unpublished); departments and
    license types, which have no drafts, are written either way.
    """
    return CatalogImport(draft=draft, progress=progress).run(data)


def import_catalog_file(path, *, draft=False, progress=None) -> ImportResult:
    return import_catalog(read_catalog(path), draft=draft, progress=progress)
