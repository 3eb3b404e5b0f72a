"""Printable guides: the PDF of a service-item guide or a one-thing bundle.

WeasyPrint renders it from the templates in ``cms/templates/cms/pdf/``, at most once per
published revision: the bytes are kept in the default storage under ``pdf-cache/<page id>/``
with a name made of everything the PDF shows that can change (the page's live revision, the
language, the department's name, a bundle's items' revisions, ``TEMPLATE_VERSION``). A new
revision gets a new name, so nothing is ever invalidated by hand; older files of the page are
removed when a new one is written. Only live pages without view restrictions have a PDF, since
the file is cached publicly.
"""

import hashlib
import json
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import segno
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

# Raise when the templates or the stylesheet change: every cached PDF is then made anew.
TEMPLATE_VERSION = 1
CACHE_DIR = "pdf-cache"
MAX_AGE = 300  # seconds a browser or proxy may reuse a PDF without asking again
CJK_FONT_FAMILY = "WenQuanYi Micro Hei"


def cjk_font_url() -> str:
    """The font file, embedded by its path rather than a family name, so the PDF does not
    depend on which font fontconfig would pick."""
    return Path(getattr(settings, "YIWANG_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")).as_uri()


# --- What may have a PDF -------------------------------------------------------------------


def is_public(page) -> bool:
    """Live and without view restrictions (its own or an ancestor's): the PDF is cached publicly."""
    return page.live and not page.get_view_restrictions().exists()


def _is_bundle(page) -> bool:
    return hasattr(page, "bundle_code")


# --- The cache -----------------------------------------------------------------------------


def _revision(page) -> str:
    if page.live_revision_id:
        return str(page.live_revision_id)
    # Pages created in code without a revision: their publication time stands in for it.
    return "t%d" % page.last_published_at.timestamp() if page.last_published_at else "0"


@dataclass(frozen=True)
class CacheEntry:
    name: str  # in the default storage
    digest: str
    revision_prefix: str  # of the file names of this revision, in any language
    language_prefix: str  # of the file names of this revision in this language

    @property
    def etag(self) -> str:
        # Weak: the same revision rendered twice says the same thing, not byte for byte.
        return f'W/"{self.digest[:32]}"'


def cache_entry(page) -> CacheEntry:
    """Where the PDF of the page as it is now published is kept."""
    language = get_language() or settings.LANGUAGE_CODE
    revision = _revision(page)
    # The publication time too: ids repeat when a database is rebuilt over the same storage.
    published = page.last_published_at.isoformat() if page.last_published_at else ""
    parts = [TEMPLATE_VERSION, language, page.pk, revision, published, page.department.name]
    if _is_bundle(page):
        # A bundle prints its items' titles, limits and materials: their revisions count too.
        parts.append([(entry.item_id, _revision(entry.item)) for entry in page.bundle_items.select_related("item")])
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
    revision_prefix = f"r{revision}-"
    language_prefix = f"{revision_prefix}{language}-"
    return CacheEntry(
        name=f"{CACHE_DIR}/{page.pk}/{language_prefix}{digest[:20]}.pdf",
        digest=digest,
        revision_prefix=revision_prefix,
        language_prefix=language_prefix,
    )


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as cached:
            return cached.read()
    except OSError:  # not there (yet, or any more)
        return None


def _store(name: str, data: bytes) -> None:
    """Write the whole file or nothing: a reader never sees half a PDF."""
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:
        # Object storage: an object appears whole once uploaded. If a concurrent request
        # won the race and the storage chose another name for ours, ours is surplus.
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:
            default_storage.delete(saved)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", suffix=".pdf", delete=False) as temporary:
        temporary.write(data)
    os.chmod(temporary.name, default_storage.file_permissions_mode or 0o644)
    os.replace(temporary.name, path)


def _remove_stale(entry: CacheEntry) -> None:
    """Delete the page's PDFs of older revisions, and older states of this one in this language."""
    folder, current = entry.name.rsplit("/", 1)
    try:
        files = default_storage.listdir(folder)[1]
    except (FileNotFoundError, NotImplementedError):
        return
    for other in files:
        if other == current or other.startswith(".tmp-"):
            continue  # a temporary file is another request still writing
        other_language = other.startswith(entry.revision_prefix) and not other.startswith(entry.language_prefix)
        if not other_language:
            default_storage.delete(f"{folder}/{other}")


def cached_pdf(page, request, entry: CacheEntry | None = None) -> bytes:
    """The page's PDF from the cache, rendered and stored first if this revision has none."""
    entry = entry or cache_entry(page)
    data = _read(entry.name)
    if data is None:
        data = render_pdf(render_html(page, request), base_url=page.get_full_url(request))
        _store(entry.name, data)
        _remove_stale(entry)
    return data


# --- The response --------------------------------------------------------------------------


def _filename(page) -> tuple[str, str]:
    """(ASCII fallback, full UTF-8 name) for Content-Disposition."""
    code = page.bundle_code if _is_bundle(page) else page.item_code
    full = unicodedata.normalize("NFC", f"{code} {page.title}")
    full = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", full).strip(" .") or "guide"
    ascii_code = re.sub(r"[^A-Za-z0-9._-]+", "_", code).strip("_") or "guide"
    return f"{ascii_code}.pdf", f"{full}.pdf"


def _cache_headers(response, entry: CacheEntry) -> None:
    response["ETag"] = entry.etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)


def pdf_response(page, request) -> HttpResponse:
    """The ``pdf/`` route of guides and bundles."""
    if not is_public(page):
        raise Http404
    entry = cache_entry(page)
    not_modified = get_conditional_response(request, etag=entry.etag)
    if not_modified is not None:
        _cache_headers(not_modified, entry)
        return not_modified
    response = HttpResponse(cached_pdf(page, request, entry), content_type="application/pdf")
    ascii_name, full_name = _filename(page)
    response["Content-Disposition"] = f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full_name)}"
    _cache_headers(response, entry)
    return response


# --- Rendering -----------------------------------------------------------------------------


class LocalFetcher(URLFetcher):
    """Data URIs and the embedded font only: rich text never makes the server fetch a URL."""

    def fetch(self, url, headers=None):
        if url.startswith("data:") or url == cjk_font_url():
            return super().fetch(url, headers)
        raise ValueError(f"not fetched for a PDF: {url}")


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    # A fresh one loads the system's font configuration, and its first PDF copies the 5 MB
    # CJK font to a temporary folder for fontconfig to parse: once per thread, not per PDF.
    # Per thread, because fontconfig and Pango objects are not to be shared between threads.
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """One A4 PDF from the HTML, fonts subset to the glyphs used (WeasyPrint's default)."""
    document = HTML(string=html, base_url=base_url, url_fetcher=LocalFetcher())
    return document.write_pdf(font_config=_font_config())


def render_html(page, request) -> str:
    if _is_bundle(page):
        return render_to_string("cms/pdf/bundle.html", bundle_context(page, request))
    return render_to_string("cms/pdf/guide.html", guide_context(page, request))


def qr_data_uri(url: str) -> str:
    # PNG at 6 px a module, drawn pixelated: sharp in print and tiny in the file.
    return segno.make(url, error="m").png_data_uri(scale=6, border=0)


def css_string(text: str) -> str:
    """A CSS string literal: for generated content in the stylesheet."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def page_counter_content() -> str:
    """The footer's CSS ``content``: the translated "Page {page} of {pages}" with live counters."""
    pattern = _("Page {page} of {pages}")
    tokens = []
    for piece in re.split(r"(\{page\}|\{pages\})", pattern):
        if piece == "{page}":
            tokens.append("counter(page)")
        elif piece == "{pages}":
            tokens.append("counter(pages)")
        elif piece:
            tokens.append(css_string(piece))
    return " ".join(tokens)


@dataclass(frozen=True)
class Row:
    label: str
    value: object  # str, or SafeString from a rich-text field
    note: str = ""


def pairs(rows: list[Row]) -> list[tuple[Row, ...]]:
    """Rows two to a line, for the facts table; an odd last row gets an empty partner."""
    padded = list(rows) + ([Row("", "")] if len(rows) % 2 else [])
    return [tuple(padded[i : i + 2]) for i in range(0, len(padded), 2)]


def _label(model, field_name: str) -> str:
    """The field's name as editors see it; ``model`` is a model class or an instance."""
    return str(model._meta.get_field(field_name).verbose_name)


def _requirement_model():
    # By model label: the page models import this module (in their pdf/ route), so it does not import them.
    return apps.get_model("cms", "MaterialRequirement")


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _days(days) -> str:
    if days is None:
        return _("Not set")
    return _("%(days)s working days") % {"days": days}


def _common_context(page, request) -> dict:
    online_url = page.get_full_url(request)
    department = page.department
    return {
        "page": page,
        "lang": get_language() or settings.LANGUAGE_CODE,
        "font_url": cjk_font_url(),
        "font_family": CJK_FONT_FAMILY,
        "page_counter": page_counter_content(),
        "department": department,
        "online_url": online_url,
        "qr": qr_data_uri(online_url),
        "generated": timezone.localtime(),
    }


def _materials(requirements) -> list[dict]:
    return [
        {
            "name": requirement.name,
            "form": requirement.get_form_display(),
            "copies": requirement.copies,
            "required": _("Required") if requirement.required else _("Optional"),
            "deferrable": _yes_no(requirement.deferrable),
            "license_types": [t.name for t in requirement.license_types.all()],
            "source": requirement.get_source_display(),
            "notes": requirement.notes,
        }
        for requirement in requirements
    ]


def guide_context(page, request) -> dict:
    def label(field_name):
        return _label(page, field_name)

    context = _common_context(page, request)
    context.update(
        code=page.item_code,
        basics=pairs([
            Row(label("item_code"), page.item_code),
            Row(label("item_type"), page.get_item_type_display()),
            Row(label("department"), context["department"].name),
            Row(label("exercise_level"), page.get_exercise_level_display()),
            Row(label("power_source"), page.get_power_source_display()),
            Row(label("service_object"), page.get_service_object_display()),
            Row(label("online_depth"), page.get_online_depth_display()),
            Row(label("visits_needed"), str(page.visits_needed)),
            Row(label("tolerant_acceptance"), _yes_no(page.tolerant_acceptance)),
            Row(label("notify_commit"), _yes_no(page.notify_commit)),
            Row(label("tongban_scope"), page.get_tongban_scope_display()),
            Row(label("charges_fee"), _yes_no(page.charges_fee)),
        ]),
        time_limits=[
            Row(label("statutory_days"), _days(page.statutory_days), page.statutory_days_note),
            Row(label("promised_days"), _days(page.promised_days), page.promised_days_note),
        ],
        where=[
            Row(label("place"), page.place),
            Row(label("hours"), page.hours),
            Row(label("consultation_phone"), page.consultation_phone),
            Row(label("complaint_phone"), page.complaint_phone),
        ],
        result=[
            Row(label("result_name"), page.result_name),
            Row(label("result_type"), page.get_result_type_display()),
            Row(
                label("result_license_type"),
                page.result_license_type.name if page.result_license_type_id else "",
            ),
        ],
        legal_basis=[block.value for block in page.legal_basis],
        process=[block.value for block in page.process],
        fees=[block.value for block in page.fees],
        faq=[block.value for block in page.faq],
        materials=_materials(page.material_requirements.prefetch_related("license_types").order_by("sort_order")),
        material_labels={
            field: _label(_requirement_model(), field)
            for field in ("name", "form", "copies", "required", "deferrable", "license_types", "notes")
        },
        catalog_data=sorted((str(k), str(v)) for k, v in (page.catalog_data or {}).items() if v not in ("", None)),
    )
    return context


def bundle_context(page, request) -> dict:
    requirement_model = _requirement_model()
    context = _common_context(page, request)
    items = page.items()
    limit = page.combined_time_limit()
    materials = page.combined_materials()
    numbers = {item.pk: index for index, item in enumerate(items, start=1)}
    context.update(
        code=page.bundle_code,
        basics=pairs([
            Row(_label(page, "bundle_code"), page.bundle_code),
            Row(_("Lead department"), context["department"].name),
            Row(_label(page, "service_object"), page.get_service_object_display()),
            Row(_("Items"), str(len(items))),
        ]),
        time_limits=[
            Row(_("Promised time limit of the bundle"), _days(limit.promised_days)),
            Row(_("Longest statutory time limit of its items"), _days(limit.statutory_days)),
            Row(_("Applying for the items one after another"), _days(limit.separately_days or None)),
        ],
        items=[
            {
                "number": numbers[item.pk],
                "code": item.item_code,
                "title": item.title,
                "department": item.department.name,
                "promised": item.promised_days,
                "statutory": item.statutory_days,
            }
            for item in items
        ],
        materials=[
            {
                "name": row.name,
                "form": dict(requirement_model.Form.choices).get(row.form, row.form),
                "copies": row.copies,
                "required": _("Required") if row.required else _("Optional"),
                "deferrable": _yes_no(row.deferrable),
                "license_types": [t.name for t in row.license_types],
                "items": [numbers[item.pk] for item in row.items],
                "shared": row.shared,
            }
            for row in materials
        ],
        material_labels={
            field: _label(requirement_model, field)
            for field in ("name", "form", "copies", "required", "deferrable", "license_types")
        },
        process=[block.value for block in page.process],
        faq=[block.value for block in page.faq],
    )
    return context
