"""The certificate (证照) of an electronic license as a PDF, rendered once per license version.

One template per ``LicenseType.Template`` under ``casefiles/templates/casefiles/certificates/``
(a shared ``base.html``): the holder, number, identifier, issuer and dates (长期 when the
license has no end date), the type's data fields (``LicenseType.data_fields`` labels over
``License.data``), the QR code with the verify URL and the signed payload
(``lifecycle.qr_payload``), a diagonal "电子证照" watermark and the issuer's seal. 营业执照 is
A4 landscape, the others A4 portrait. Like a notice, a certificate is in Chinese whatever
the reader's language: it is the document the law knows.

Each ``License`` row is one version of a license and never changes what it certifies (a
change is a new version), so its PDF is rendered the first time someone asks for it, kept
in ``License.pdf`` with its SHA-256, and streamed from storage ever after. Status changes
(suspension, revocation) are not printed: the QR code leads to the live status.
"""

import dataclasses
import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse

from casefiles.access import disclosure
from casefiles.directory import seals
from casefiles.licenses import lifecycle
from casefiles.licenses.models import License, LicenseType
from config import siteurl

# Keys that approval puts into License.data (lifecycle.issue_for_case) without the type
# naming them: printed under these labels when the type's own fields do not cover them.
STANDARD_LABELS = {"item": "许可事项", "case": "办件编号"}
WIDE_AFTER = 20  # characters
LANDSCAPE = {LicenseType.Template.BUSINESS_LICENSE}


def verify_url(license: License) -> str:
    """What the QR code carries: the public verify page with the signed payload."""
    return f"{siteurl.absolute(reverse('licenses:verify'))}?p={lifecycle.qr_payload(license)}"


@dataclass(frozen=True)
class Row:
    label: str
    value: str

    @property
    def wide(self) -> bool:
        """Long values (经营范围) take the whole width where the layout has two columns."""
        return len(self.value) > WIDE_AFTER


def data_rows(license: License) -> list[Row]:
    """The type's data fields with their labels, in their order, then approval's standard keys."""
    data = license.data or {}
    rows, shown = [], set()
    for field in license.license_type.data_fields or []:
        key = str(field.get("key", "")) if isinstance(field, dict) else ""
        if not key:
            continue
        shown.add(key)
        rows.append(Row(str(field.get("label") or key), _text(data.get(key))))
    for key, label in STANDARD_LABELS.items():
        if key not in shown and data.get(key) not in (None, ""):
            rows.append(Row(label, _text(data[key])))
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "；".join(str(part) for part in value)
    return str(value)


def template_name(license: License) -> str:
    template = license.license_type.template
    if template not in LicenseType.Template.values:
        template = LicenseType.Template.GENERIC
    return f"casefiles/certificates/{template}.html"


def certificate_context(license: License, *, masked: bool = False) -> dict:
    """``masked``: a copy for a reader who may not see the holder's whole number (supervision):
    it masked, and every identity or mobile number in the data rows (casefiles.access.disclosure)."""
    from cms.pdf import cjk_font_url, qr_data_uri  # late: cms.pdf loads WeasyPrint (half a second), not at start-up

    license_type = license.license_type
    rows = data_rows(license)
    if masked:
        rows = [dataclasses.replace(row, value=disclosure.redact(row.value)[0]) for row in rows]
    holder_is_person = license.holder_code_type == License.HolderCodeType.RESIDENT_ID
    return {
        "license": license,
        "holder_code": lifecycle.public_holder_code(license) if masked else license.holder_code,
        "masked_copy": masked,
        "license_type": license_type,
        # The generic layout's words; each type's own template names the holder as its certificate does.
        "holder_label": "持证人" if holder_is_person else "持证单位",
        "holder_code_label": "公民身份号码" if holder_is_person else "统一社会信用代码",
        "rows": rows,
        # Two-column layouts (营业执照): short rows side by side, long ones across.
        "row_pairs": _pairs([row for row in rows if not row.wide]),
        "wide_rows": [row for row in rows if row.wide],
        "field_keys": {str(field.get("key")) for field in license_type.data_fields or [] if isinstance(field, dict)},
        "issued": _chinese_date(license.issue_date),
        "valid_from": _chinese_date(license.valid_from),
        "valid_until": _chinese_date(license.valid_until) if license.valid_until else "长期",
        "landscape": license_type.template in LANDSCAPE,
        "qr": qr_data_uri(verify_url(license)),
        "seal": seals.seal(license.issuer, license.issuer_name, diameter=seals.CERTIFICATE_DIAMETER,
                           motto="证照专用章"),
        "font_url": cjk_font_url(),
    }


def _pairs(rows: list[Row]) -> list[tuple[Row, Row]]:
    padded = list(rows) + ([Row("", "")] if len(rows) % 2 else [])
    return [(padded[i], padded[i + 1]) for i in range(0, len(padded), 2)]


def _chinese_date(day) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def certificate_html(license: License, *, masked: bool = False) -> str:
    return render_to_string(template_name(license), certificate_context(license, masked=masked))


def render(license: License, *, masked: bool = False) -> bytes:
    # late: cms.pdf loads WeasyPrint (half a second), not at start-up; it renders with the
    # embedded font, nothing fetched
    from cms.pdf import render_pdf

    return render_pdf(certificate_html(license, masked=masked))


def filename(license: License) -> tuple[str, str]:
    """(ASCII fallback, full UTF-8 name) for Content-Disposition."""
    full = unicodedata.normalize("NFC", f"{license.license_type.name}-{license.holder_name}-{license.number}")
    full = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", full).strip(" .") or "license"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", license.identifier).strip("_") or "license"
    return f"{ascii_name}.pdf", f"{full}.pdf"


def content_disposition(license: License, *, inline: bool = False) -> str:
    ascii_name, full_name = filename(license)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full_name)}"


def ensure_stored(license: License, *, again: bool = False) -> License:
    """Render and store the certificate unless this version already has one; returns the license
    with ``pdf`` and ``pdf_sha256`` set. ``again``: the stored file has gone missing.

    Two first requests at once may both render, but only one file is kept.
    """
    if license.pdf and license.pdf_sha256 and not again:
        return license
    data = render(license)
    digest = hashlib.sha256(data).hexdigest()
    field = License._meta.get_field("pdf")
    # Unguessable, like the notices': identifiers are printed, and storage must never be a way in.
    unguessable = f"{license.identifier}-{secrets.token_urlsafe(12)}.pdf"
    name = field.storage.save(field.generate_filename(license, unguessable), ContentFile(data))
    stale = license.pdf.name if license.pdf else ""
    won = License.objects.filter(pk=license.pk, pdf=stale).update(pdf=name, pdf_sha256=digest)
    if not won:  # another request stored it first: keep theirs
        field.storage.delete(name)
        license.refresh_from_db(fields=["pdf", "pdf_sha256"])
        return license
    license.pdf.name, license.pdf_sha256 = name, digest
    return license


def open_certificate(license: License):
    """The stored certificate, open for reading (rendered first if needed); the caller closes it."""
    license = ensure_stored(license)
    try:
        return license.pdf.open("rb")
    except FileNotFoundError:  # storage lost the file (restored database, wiped media)
        return ensure_stored(license, again=True).pdf.open("rb")


def open_certificate_for(license: License, user):
    """The certificate as ``user`` may read it, open for reading, and whether it is the one stored:
    the holder and the issuing department's staff get it as issued (``open_certificate``);
    another reader (supervision) a copy with the holder's number masked, rendered now and kept
    nowhere (``disclosure.shows_holder_code``)."""
    if disclosure.shows_holder_code(user, license):
        return open_certificate(license), True
    return io.BytesIO(render(license, masked=True)), False


def certificate_pdf(license: License) -> bytes:
    """The certificate's bytes: rendered the first time, read from storage afterwards."""
    with open_certificate(license) as handle:
        return handle.read()
