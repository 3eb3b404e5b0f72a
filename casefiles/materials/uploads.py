"""材料: what an applicant uploads, checked by content before anything is stored.

- Size: at most ``YIWANG_UPLOADS["MAX_BYTES"]`` (20 MB by default).
- Content: read whole as the kind its bytes say it is — PDF, JPEG, PNG, OFD, DOCX, XLSX —
  never as its name says (casefiles.materials.filetypes: active PDF content, polyglots, image and
  archive bombs are refused). The file is stored under that kind's extension and served
  under the name shown with that extension (casefiles.materials.downloads).
- Names: shown as given, never used on disk; a name with a path or control characters is
  refused.
- When: adding, replacing or removing a file and promising one (容缺) take the case's row lock
  and check the case's state, the requirement and the file replaced in the same transaction
  as the write (``change_refusal``, the one rule): a change that commits after a submission
  sees it and is refused. The file is stored before the lock is taken — the lock never waits
  for a disk — and removed again when the change is refused.
- Review: staff mark a file accepted or needing correction while the case is being examined
  (``states.MATERIALS_UNDER_REVIEW``), only its current version, never a promise that has no file yet.
An upload that fails leaves nothing behind — unless a caller's own transaction around it rolls
back later, which would leave its stored file: no caller wraps an upload so. Text is
extracted afterwards (PDF, DOCX, XLSX, OFD) for search; an extraction failure never fails
the upload.
"""

import hashlib
import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from pypdf import PdfReader

from casefiles.access import disclosure, permissions
from casefiles.cases import states
from casefiles.cases.models import CaseFile
from casefiles.errors import NotFound, NotPermitted
from casefiles.journal import records, transactions
from casefiles.materials import filetypes
from casefiles.materials.filetypes import (  # the materials' refusal and limits, as their callers know them
    UploadRefused,
    limits,
)
from casefiles.materials.models import Material
from search import documents as search_documents
from search.indexing import schedule_records

logger = logging.getLogger(__name__)

# In which states materials may be added, promised, supplied later or reviewed: casefiles.cases.states
# (WITH_THE_APPLICANT, DEFERRED_SUPPLY, MATERIALS_UNDER_REVIEW).


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


def _too_large(size: int, limit: int):
    return UploadRefused(_("The file is %(size).1f MB; at most %(limit)d MB is accepted.")
                         % {"size": size / 1048576, "limit": limit // 1048576})


def check_upload(upload) -> Checked:
    """Everything about an upload that can be refused, before anything is written."""
    name = check_name(getattr(upload, "name", ""))
    limit = limits()["MAX_BYTES"]
    if (getattr(upload, "size", None) or 0) > limit:
        raise _too_large(upload.size, limit)
    upload.seek(0)
    data = upload.read(limit + 1)  # the bytes decide, not the size the upload declares
    upload.seek(0)
    if not data:
        raise UploadRefused(_("The file is empty."))
    if len(data) > limit:
        raise _too_large(max(len(data), getattr(upload, "size", None) or 0), limit)
    kind = filetypes.inspect(data)
    content_type, extension = filetypes.KINDS[kind]
    return Checked(kind, content_type, extension, len(data), hashlib.sha256(data).hexdigest(), name)


# --- when materials may change ------------------------------------------------------------------

def _held(user, case) -> set[str]:
    held = permissions.held(user, case, ("view_casefile", "apply_casefile", "accept_casefile"))
    if "view_casefile" not in held:
        raise NotFound(_("No such case."))
    return held


def _requirement_of(case, requirement):
    if requirement.page_id != case.item_id:
        raise UploadRefused(_("That material is not one this item asks for."))
    return requirement


def preparing(user, case) -> bool:
    """Whether ``user`` may put the application's materials together now (as its applicant)."""
    return states.allows("prepare_materials", case.status) and permissions.can(user, "apply_casefile", case)


def change_refusal(case, held: set[str], change: str, requirement=None):
    """Why ``change`` of materials — "add" (a file, or a new version of one), "promise" (容缺) or
    "remove" — cannot be made on ``case`` now by someone holding ``held``; None if it can.

    Asked before a file is read, and again of the locked row inside the write's transaction.
    """
    seen_by = disclosure.STAFF if held & disclosure.STAFF_CODENAMES else disclosure.OUTSIDER  # the status as they are told it
    status_refusal = _("Materials cannot be changed while the case is “%(status)s”.") % {
        "status": disclosure.status_label(case.status, seen_by)}
    preparing_now = states.allows("prepare_materials", case.status)
    if change == "add":
        if not (held & {"apply_casefile", "accept_casefile"}) or not (preparing_now or states.allows("supply_promised", case.status)):
            return status_refusal
        # After acceptance only what was promised (容缺) may come in — as many files as it takes.
        if not preparing_now and not case.materials.filter(requirement=requirement, deferred=True).exists():
            return _("After acceptance only the materials promised for later can be supplied.")
        return None
    if preparing_now and "apply_casefile" in held:
        return None
    if change == "promise":
        return _("A promise can only be made while preparing or correcting the application.")
    return status_refusal


def locked(case) -> CaseFile:
    """``case``'s row as it is now, locked until the transaction ends (PostgreSQL: FOR UPDATE;
    SQLite's IMMEDIATE transaction already holds the database's write lock). A change is judged
    by the state it is written in, not by the one its request read."""
    return CaseFile.objects.select_for_update().get(pk=case.pk)


def add(case, requirement, upload, user, *, replaces: Material | None = None, started: bool = False) -> Material:
    """Store ``upload`` for ``requirement`` (another file in its slot, or a new version of ``replaces``).

    ``started``: the case was started in the caller's transaction, still open
    (``submission.submit_application``): its row is locked already and it holds no material
    yet, so it is neither read again nor asked for promises to fulfil."""
    held = _held(user, case)
    _requirement_of(case, requirement)
    refusal = change_refusal(case, held, "add", requirement)  # early: no file is read for a case that refuses it
    if refusal:
        raise UploadRefused(refusal)
    checked = check_upload(upload)
    material = Material(
        case=case, requirement=requirement, requirement_name=requirement.name, original_name=checked.name,
        sha256=checked.sha256, size=checked.size, content_type=checked.content_type, replaces=replaces,
        uploaded_by=user,
    )
    material.file.save("upload" + checked.extension, File(upload), save=False)
    try:
        with transactions.atomic():
            started_here = started and transaction.get_connection().in_atomic_block
            case_now = case if started_here else locked(case)
            refusal = change_refusal(case_now, held, "add", requirement)
            if refusal:
                raise UploadRefused(refusal)
            if replaces is not None:
                replaced = Material.objects.filter(pk=replaces.pk, case=case_now, requirement=requirement, is_current=True)
                if not replaced.update(is_current=False):
                    raise UploadRefused(_("Only a current file of the same material can be replaced."))
            material.case = case_now
            material.version = 1 if replaces is None else replaces.version + 1
            material.save()
            # A promise to supply later (容缺) is fulfilled by the first real file.
            fulfilled = 0 if started_here else case_now.materials.filter(
                requirement=requirement, deferred=True, is_current=True).update(is_current=False)
            records.record(case_now, "add_material", user, from_state=case_now.status, to_state=case_now.status,
                           data={"material": requirement.name, "file": checked.name, "sha256": checked.sha256,
                                 "version": material.version, "fulfils_promise": bool(fulfilled)})
            _extract_after_commit(material.pk)
        # In a transaction of several operations (submission.submit_application, the portal's
        # save-and-submit) a later refusal rolls this row back: the file goes with it.
        transactions.on_rollback(lambda: material.file.delete(save=False))
    except BaseException:
        material.file.delete(save=False)  # the row was not written: neither is the file
        raise
    return material


def commitment_text(material_name: str, *, enterprise: bool, promised_days: int | None) -> str:
    """The 容缺 commitment, pre-written for the applicant to sign (and edit), with the deadline the
    domain enforces: the deferred materials fall due within the item's promised time limit from
    acceptance (``workflow.deferred_due_within_promised_limit``); an item without one lets the
    department set the date when it accepts. ``promised_days``: the strictest limit among the
    items that ask for the material (a bundle's shared material)."""
    who = "本单位" if enterprise else "本人"
    when = f"在受理之日起{promised_days}个工作日内" if promised_days else "在受理时确定的期限内"
    return f"{who}承诺{when}补交“{material_name}”，并对所补交材料的真实性负责；逾期未补交的，愿意承担相应责任。"


def promise_later(case, requirement, user, commitment: str) -> Material:
    """容缺: the applicant signs a commitment to supply ``requirement`` after acceptance."""
    held = _held(user, case)
    _requirement_of(case, requirement)
    if not (case.item.tolerant_acceptance and requirement.deferrable):
        raise UploadRefused(_("The guide does not allow this material to be supplied later."))
    if not str(commitment).strip():
        raise UploadRefused(_("Sign the commitment to supply it later."))
    with transaction.atomic():
        case_now = locked(case)
        refusal = change_refusal(case_now, held, "promise", requirement)
        if refusal:
            raise UploadRefused(refusal)
        if case_now.materials.filter(requirement=requirement, deferred=True, is_current=True).exists():
            raise UploadRefused(_("This material is already promised for later."))
        material = Material.objects.create(
            case=case_now, requirement=requirement, requirement_name=requirement.name, deferred=True,
            commitment=str(commitment).strip(), uploaded_by=user,
        )
        records.record(case_now, "promise_material", user, from_state=case_now.status, to_state=case_now.status,
                       comment=material.commitment, data={"material": requirement.name})
    return material


def remove(material, user) -> None:
    """Take a file out of an application that is still being prepared (the journal keeps the fact)."""
    held = _held(user, material.case)
    with transaction.atomic():
        case_now = locked(material.case)
        refusal = change_refusal(case_now, held, "remove")
        if refusal:
            raise UploadRefused(refusal)
        if not Material.objects.filter(pk=material.pk, case=case_now, is_current=True).update(is_current=False):
            raise UploadRefused(_("That file has already been replaced or removed."))
        records.record(case_now, "remove_material", user, from_state=case_now.status, to_state=case_now.status,
                       data={"material": material.requirement_name, "file": material.original_name})


# --- review -------------------------------------------------------------------------------------

def review_refusal(material, case) -> str | None:
    """Why ``material`` of ``case`` cannot be reviewed now (None: it can)."""
    if not states.allows("review_materials", case.status):
        return _("Materials are reviewed while the case is examined (submitted, accepted or under review); "
                 "it is “%(status)s” now.") % {"status": case.get_status_display()}
    if material.deferred and not material.file:
        return _("This is a promise to supply the material later (容缺): there is no file to review yet.")
    if not material.is_current:
        return _("Only the current version of a material can be reviewed: this one was replaced or removed.")
    return None


def may_review(user, case) -> bool:
    """Whether ``user`` may review materials of ``case`` now (each file: ``review_refusal``)."""
    return states.allows("review_materials", case.status) and bool(
        permissions.held(user, case, ("accept_casefile", "review_casefile")) & {"accept_casefile", "review_casefile"}
    )


def review(material, user, state: str, reason: str = "") -> Material:
    """Staff mark a material accepted or needing correction (with the reason for the notice)."""
    case = material.case
    held = permissions.held(user, case, ("view_casefile", "accept_casefile", "review_casefile"))
    if "view_casefile" not in held:
        raise NotFound(_("No such case."))
    if not held & {"accept_casefile", "review_casefile"}:
        raise NotPermitted(_("You may not review materials of this case."))
    if state not in Material.Review.values:
        raise UploadRefused(_("Unknown review state."))
    if state == Material.Review.REJECTED and not reason.strip():
        raise UploadRefused(_("Say what must be corrected."))
    with transaction.atomic():
        case_now = locked(case)
        material_now = Material.objects.filter(pk=material.pk, case=case_now).first()
        refusal = "" if material_now is None else review_refusal(material_now, case_now)
        if material_now is None or refusal:
            raise UploadRefused(refusal or _("That file has already been replaced or removed."))
        Material.objects.filter(pk=material.pk).update(
            review_state=state, review_reason=reason.strip()[:300], reviewed_by=user, reviewed_at=timezone.now()
        )
        records.record(case_now, "review_material", user, from_state=case_now.status, to_state=case_now.status,
                       comment=reason, data={"material": material.requirement_name, "file": material.original_name, "review": state})
    material.refresh_from_db()
    return material


# --- text for search ---------------------------------------------------------------------

def _extract_after_commit(material_pk: int) -> None:
    """Have the text of ``material_pk`` extracted once the transaction commits. The files of one
    ``one_transaction`` (an application submitted in one go) share one task: read in one query,
    and their documents synced together, once, instead of a task and a sync for each file."""
    if not transactions.in_one_transaction():  # a transaction of its own, or a savepoint that may roll back alone
        transaction.on_commit(lambda: _enqueue_extraction([material_pk]))
        return
    waiting = transactions.kept_in_transaction("text_extraction")
    if not waiting:
        waiting["pks"] = []
        transaction.on_commit(lambda: _enqueue_extraction(waiting["pks"]))
    waiting["pks"].append(material_pk)


def _enqueue_extraction(material_pks: list[int]) -> None:
    try:
        extract_materials_text.enqueue(list(material_pks))
    except Exception:
        logger.exception("could not queue text extraction for materials %s", material_pks)


@task()
def extract_material_text(material_pk: int) -> int:
    """One file's text (the task queued before files of one transaction shared one)."""
    return extract_materials_text.call([material_pk])


@task()
def extract_materials_text(material_pks: list[int]) -> int:
    """The text of each file, for search; the files that have a document are then synced in
    one go. Returns the characters extracted."""
    extracted, total = [], 0
    for material in Material.objects.select_related("case").filter(pk__in=material_pks).order_by("pk"):
        try:
            with material.file.open("rb") as handle:
                text = extract_text(handle.read(), material.content_type)
        except Exception:  # damaged or exotic files: the upload stands, only search misses its text
            logger.warning("text extraction failed for material %s", material.pk, exc_info=True)
            continue
        material.extracted_text = text
        extracted.append(material)
        total += len(text)
    Material.objects.bulk_update(extracted, ["extracted_text"])  # one statement for the files
    # The text is what staff search materials by; a draft's file enters the index by its submission.
    schedule_records([material for material in extracted if any(
        provider.follows(material) for provider in search_documents.providers_for_model(Material))])
    return total


def extract_text(data: bytes, content_type: str) -> str:
    limit = limits()["MAX_TEXT_CHARS"]
    kind = filetypes.kind_of(content_type)
    if kind == "pdf":
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
