"""材料: what an applicant uploads, checked by content before anything is stored.

- Size: at most ``YIWANG_UPLOADS["MAX_BYTES"]`` (20 MB by default).
- Type: detected from the bytes, never from the name: PDF, JPEG, PNG, OFD, DOCX, XLSX.
  An executable renamed ``.pdf`` is refused; so is any other zip.
- Archives (OFD, DOCX and XLSX are zips): bounded entry count, total unpacked size and
  compression ratio (zip bombs), no absolute or ``..`` entry paths.
- Names: shown as given, never used on disk; a name with a path or control characters is
  refused.
An upload that fails leaves nothing behind. Text is extracted afterwards (PDF, DOCX, XLSX,
OFD) for search; an extraction failure never fails the upload.
"""

import hashlib
import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from . import journal, permissions
from .models import Material, Status

logger = logging.getLogger(__name__)

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "ofd": ("application/ofd", ".ofd"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}

# Who may add materials in which state.
APPLICANT_STATES = {Status.DRAFT, Status.CORRECTION_REQUESTED}
DEFERRED_SUPPLY_STATES = {Status.ACCEPTED, Status.UNDER_REVIEW}


def limits() -> dict:
    return {
        "MAX_BYTES": 20 * 1024 * 1024,
        "MAX_ZIP_ENTRIES": 2000,
        "MAX_UNPACKED_BYTES": 200 * 1024 * 1024,
        "MAX_RATIO": 100,
        "MAX_TEXT_CHARS": 500_000,
        **getattr(settings, "YIWANG_UPLOADS", {}),
    }


class UploadRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Checked:
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str
    name: str


def check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", str(name or "")).strip()
    if not name:
        raise UploadRefused(_("The file has no name."))
    if len(name) > 200:
        raise UploadRefused(_("The file name is longer than 200 characters."))
    if any(ch in name for ch in "/\\") or name in {".", ".."} or ":" in name:
        raise UploadRefused(_("The file name must not contain a path (/, \\ or :)."))
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs"} for ch in name):
        raise UploadRefused(_("The file name contains control characters."))
    return name


def _check_zip(upload) -> str:
    limit = limits()
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(_("The file is damaged: it looks like an archive but cannot be read.")) from None
    if len(entries) > limit["MAX_ZIP_ENTRIES"]:
        raise UploadRefused(_("The document contains too many parts to be a real document."))
    total = 0
    for entry in entries:
        if entry.filename.startswith(("/", "\\")) or ".." in entry.filename.replace("\\", "/").split("/"):
            raise UploadRefused(_("The document contains a part with a path outside itself."))
        total += entry.file_size
        if entry.compress_size and entry.file_size / entry.compress_size > limit["MAX_RATIO"] and entry.file_size > 1_000_000:
            raise UploadRefused(_("The document unpacks to far more than its size (a compression bomb)."))
    if total > limit["MAX_UNPACKED_BYTES"]:
        raise UploadRefused(_("The document unpacks to far more than its size (a compression bomb)."))
    names = {entry.filename for entry in entries}
    if "OFD.xml" in names:
        return "ofd"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UploadRefused(_("Archives are not accepted: upload PDF, OFD, JPEG, PNG, DOCX or XLSX."))


def detect(upload) -> str:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        kind = _check_zip(upload)
        upload.seek(0)
        return kind
    raise UploadRefused(_("This kind of file is not accepted: upload PDF, OFD, JPEG, PNG, DOCX or XLSX."))


def check_upload(upload) -> Checked:
    """Everything about an upload that can be refused, before anything is written."""
    name = check_name(getattr(upload, "name", ""))
    size = upload.size if getattr(upload, "size", None) is not None else len(upload.read())
    if size == 0:
        raise UploadRefused(_("The file is empty."))
    if size > limits()["MAX_BYTES"]:
        raise UploadRefused(
            _("The file is %(size).1f MB; at most %(limit)d MB is accepted.")
            % {"size": size / 1048576, "limit": limits()["MAX_BYTES"] // 1048576}
        )
    kind = detect(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    content_type, extension = KINDS[kind]
    return Checked(kind, content_type, extension, size, digest.hexdigest(), name)


def _may_supply(held: set[str], case) -> bool:
    if case.status in APPLICANT_STATES or case.status in DEFERRED_SUPPLY_STATES:
        return bool(held & {"apply_casefile", "accept_casefile"})
    return False


def _requirement_of(case, requirement):
    if requirement.page_id != case.item_id:
        raise UploadRefused(_("That material is not one this item asks for."))
    return requirement


def add(case, requirement, upload, user, *, replaces: Material | None = None) -> Material:
    """Store ``upload`` for ``requirement`` (another file in its slot, or a new version of ``replaces``)."""
    held = permissions.held(user, case, ("view_casefile", "apply_casefile", "accept_casefile"))
    if "view_casefile" not in held:
        from .workflow import NotFound

        raise NotFound(_("No such case."))
    if not _may_supply(held, case):
        raise UploadRefused(_("Materials cannot be changed while the case is “%(status)s”.") % {"status": case.get_status_display()})
    _requirement_of(case, requirement)
    # After acceptance only what was promised (容缺) may come in — as many files as it takes.
    if case.status in DEFERRED_SUPPLY_STATES and not case.materials.filter(requirement=requirement, deferred=True).exists():
        raise UploadRefused(_("After acceptance only the materials promised for later can be supplied."))
    checked = check_upload(upload)
    with transaction.atomic():
        version = 1
        if replaces is not None:
            if replaces.case_id != case.pk or replaces.requirement_id != requirement.pk or not replaces.is_current:
                raise UploadRefused(_("Only a current file of the same material can be replaced."))
            version = replaces.version + 1
        material = Material(
            case=case, requirement=requirement, requirement_name=requirement.name, original_name=checked.name,
            sha256=checked.sha256, size=checked.size, content_type=checked.content_type, version=version,
            replaces=replaces, uploaded_by=user,
        )
        material.file.save("upload" + checked.extension, File(upload), save=False)
        try:
            material.save()
            if replaces is not None:
                Material.objects.filter(pk=replaces.pk).update(is_current=False)
            # A promise to supply later (容缺) is fulfilled by the first real file.
            fulfilled = case.materials.filter(requirement=requirement, deferred=True, is_current=True).update(is_current=False)
            journal.record(case, "add_material", user, from_state=case.status, to_state=case.status,
                           data={"material": requirement.name, "file": checked.name, "sha256": checked.sha256,
                                 "version": version, "fulfils_promise": bool(fulfilled)})
        except Exception:
            material.file.delete(save=False)  # the row was not written: neither is the file
            raise
        transaction.on_commit(lambda: _enqueue_extraction(material.pk))
    return material


def promise_later(case, requirement, user, commitment: str) -> Material:
    """容缺: the applicant signs a commitment to supply ``requirement`` after acceptance."""
    if not permissions.can(user, "view_casefile", case):
        from .workflow import NotFound

        raise NotFound(_("No such case."))
    if case.status not in APPLICANT_STATES or not permissions.can(user, "apply_casefile", case):
        raise UploadRefused(_("A promise can only be made while preparing or correcting the application."))
    _requirement_of(case, requirement)
    if not (case.item.tolerant_acceptance and requirement.deferrable):
        raise UploadRefused(_("The guide does not allow this material to be supplied later."))
    if not str(commitment).strip():
        raise UploadRefused(_("Sign the commitment to supply it later."))
    with transaction.atomic():
        material = Material.objects.create(
            case=case, requirement=requirement, requirement_name=requirement.name, deferred=True,
            commitment=str(commitment).strip(), uploaded_by=user,
        )
        journal.record(case, "promise_material", user, from_state=case.status, to_state=case.status,
                       comment=material.commitment, data={"material": requirement.name})
    return material


def remove(material, user) -> None:
    """Take a file out of an application that is still being prepared (the journal keeps the fact)."""
    case = material.case
    if not permissions.can(user, "view_casefile", case):
        from .workflow import NotFound

        raise NotFound(_("No such case."))
    if case.status not in APPLICANT_STATES or not permissions.can(user, "apply_casefile", case):
        raise UploadRefused(_("Materials cannot be changed while the case is “%(status)s”.") % {"status": case.get_status_display()})
    if not material.is_current:
        raise UploadRefused(_("That file has already been replaced or removed."))
    with transaction.atomic():
        Material.objects.filter(pk=material.pk).update(is_current=False)
        journal.record(case, "remove_material", user, from_state=case.status, to_state=case.status,
                       data={"material": material.requirement_name, "file": material.original_name})


def review(material, user, state: str, reason: str = "") -> Material:
    """Staff mark a material accepted or needing correction (with the reason for the notice)."""
    case = material.case
    if not permissions.can(user, "view_casefile", case):
        from .workflow import NotFound

        raise NotFound(_("No such case."))
    if not (permissions.can(user, "accept_casefile", case) or permissions.can(user, "review_casefile", case)):
        from .workflow import NotPermitted

        raise NotPermitted(_("You may not review materials of this case."))
    if state not in Material.Review.values:
        raise UploadRefused(_("Unknown review state."))
    if state == Material.Review.REJECTED and not reason.strip():
        raise UploadRefused(_("Say what must be corrected."))
    with transaction.atomic():
        Material.objects.filter(pk=material.pk).update(
            review_state=state, review_reason=reason.strip()[:300], reviewed_by=user, reviewed_at=timezone.now()
        )
        journal.record(case, "review_material", user, from_state=case.status, to_state=case.status,
                       comment=reason, data={"material": material.requirement_name, "file": material.original_name, "review": state})
    material.refresh_from_db()
    return material


# --- text for search ---------------------------------------------------------------------

def _enqueue_extraction(material_pk: int) -> None:
    try:
        extract_material_text.enqueue(material_pk)
    except Exception:
        logger.exception("could not queue text extraction for material %s", material_pk)


@task()
def extract_material_text(material_pk: int) -> int:
    material = Material.objects.get(pk=material_pk)
    try:
        with material.file.open("rb") as handle:
            text = extract_text(handle.read(), material.content_type)
    except Exception:  # damaged or exotic files: the upload stands, only search misses its text
        logger.warning("text extraction failed for material %s", material_pk, exc_info=True)
        return 0
    Material.objects.filter(pk=material_pk).update(extracted_text=text)
    from search.indexing import schedule_records

    schedule_records([material])  # the text is what staff search materials by
    return len(text)


def extract_text(data: bytes, content_type: str) -> str:
    limit = limits()["MAX_TEXT_CHARS"]
    kind = next((k for k, (ct, _ext) in KINDS.items() if ct == content_type), None)
    if kind == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        parts, size = [], 0
        for page in reader.pages[:500]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > limit:
                break
        return "\n".join(parts)[:limit]
    if kind in {"docx", "xlsx", "ofd"}:
        return _zip_xml_text(data, kind)[:limit]
    return ""


def _zip_xml_text(data: bytes, kind: str) -> str:
    from defusedxml import ElementTree

    archive = zipfile.ZipFile(io.BytesIO(data))
    if kind == "docx":
        names = ["word/document.xml"]
        tags = {"t"}
    elif kind == "xlsx":
        names = ["xl/sharedStrings.xml"] if "xl/sharedStrings.xml" in archive.namelist() else []
        tags = {"t"}
    else:
        names = sorted(n for n in archive.namelist() if n.endswith("Content.xml"))
        tags = {"TextCode"}
    out = []
    for name in names:
        root = ElementTree.fromstring(archive.read(name))
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] in tags and element.text:
                out.append(element.text)
    return "\n".join(out)
