"""文书: the notices and decisions the law wants the applicant to receive, as PDFs.

Issued inside the transition that requires them (``workflow.perform``): numbered, with what
they say (``content``) and its sha256 fixed in that transaction. The PDF — WeasyPrint, the
Chinese font embedded, the department's seal and a QR code to the progress page — is rendered
after the commit, from the committed notice, so no case lock (nor SQLite's write lock) waits on
WeasyPrint: by a background task queued on commit, else on the first download, else by the
periodic tick. It is stored once with its own sha256 (the PDF's bytes carry the render time; what
the notice says does not change) — a Notice never changes afterwards. What it says is encrypted
at rest (``Notice.content``); a reader who may not see the applicant's whole number is given a
masked copy (``open_pdf_for``).
"""

import hashlib
import io
import json
import logging
from urllib.parse import urlencode

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from casefiles.access import disclosure
from casefiles.cases import numbers
from casefiles.directory import seals
from casefiles.notices.models import Notice
from config import siteurl

logger = logging.getLogger(__name__)

# What each document says, beyond the case's particulars (行政许可法 Arts. 32, 34, 38).
TITLES = {
    "acceptance": "受理通知书",
    "deferred_acceptance": "容缺受理通知书",
    "correction": "补正材料告知书",
    "non_acceptance": "不予受理决定书",
    "approval": "准予行政许可决定书",
    "denial": "不予行政许可决定书",
    "revocation": "撤销行政许可决定书",
    "benefit_offer": "惠企政策免申即享告知书",
}
# The decision on an item that is not a licence is not a 准予行政许可 (cms ServiceItemPage.ItemType).
APPROVAL_TITLES = {"benefit": "行政给付决定书"}
REMEDY = (
    "申请人如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，"
    "或者在六个月内依法向人民法院提起行政诉讼。"
)


# What components above this one print on a notice beside the progress QR code (the evaluations'
# 扫码评价): each ``(case, kind) -> (caption, url) | None``, registered at start-up from their hooks.
QR_BLOCKS = []


def adds_qr_block(block):
    """Register ``block`` (see ``QR_BLOCKS``); returns it, so it may decorate."""
    QR_BLOCKS.append(block)
    return block


def qr_blocks(case, kind) -> list[tuple[str, str]]:
    """The (caption, url) pairs registered for a notice of ``kind`` on ``case``."""
    return [found for block in QR_BLOCKS if (found := block(case, kind))]


def progress_url(case) -> str:
    return f"{siteurl.base_url()}/progress/?{urlencode({'number': case.number, 'code': case.verification_code})}"


def content_for(case, kind, ctx) -> dict:
    """The particulars printed on the notice; kept with it as issued."""
    today = timezone.localdate(ctx.now)
    content = {
        "title": TITLES[kind],
        "applicant": case.applicant_name,
        "applicant_code": case.applicant_code,
        "item": case.item_title,
        "item_code": case.item_code,
        "case_number": case.number,
        "department": case.department.name,
        "received": timezone.localdate(case.submitted_at).isoformat() if case.submitted_at else "",
        "date": today.isoformat(),
    }
    if kind in ("acceptance", "deferred_acceptance"):
        content["accepted"] = timezone.localdate(case.accepted_at).isoformat() if case.accepted_at else today.isoformat()
        content["deemed"] = case.deemed_accepted
        content["promised_due"] = case.promised_due.isoformat() if case.promised_due else ""
        content["statutory_due"] = case.statutory_due.isoformat() if case.statutory_due else ""
        content["provisional"] = case.deadline_provisional
    if kind == "deferred_acceptance":
        content["deferred_due"] = case.deferred_due.isoformat() if case.deferred_due else ""
        content["deferred_materials"] = list(
            case.materials.filter(is_current=True, deferred=True).values_list("requirement_name", flat=True)
        )
    if kind == "correction":
        content["problems"] = ctx.data.get("problems") or [
            {"material": p.get("material", ""), "problem": p["problem"]} for p in ctx.params.get("problems", [])
        ]
        content["correction_due"] = case.correction_due.isoformat() if case.correction_due else ""
    if kind in ("non_acceptance", "denial"):
        content["reason"] = ctx.data.get("reason") or ctx.params.get("reason", "")
        content["remedy"] = REMEDY
    if kind == "revocation":  # 告知承诺制: the commitment found false in the check after the approval
        content["reason"] = ctx.data.get("reason") or ctx.params.get("reason", "")
        content["license"] = ctx.data.get("license", "")
        content["decided"] = timezone.localdate(case.decided_at).isoformat() if case.decided_at else ""
        content["remedy"] = REMEDY
    if kind == "approval":
        content["result"] = case.item.result_name
        content["remedy"] = ""
        content["item_type"] = case.item.item_type
        content["title"] = APPROVAL_TITLES.get(case.item.item_type, TITLES[kind])
        content.update({key: str(ctx.params[key]) for key in ("policy", "amount", "paid_on", "reference")
                        if ctx.params.get(key)})
    if kind == "benefit_offer":  # 免申即享: what was found, and by when to confirm
        content.update({key: ctx.params.get(key) or "" for key in ("policy", "benefit", "amount", "confirm_by")})
        content["conditions"] = list(ctx.params.get("conditions") or [])
        content["opened"] = today.isoformat()
    return content


SIGNATURE_GAP = 4.0  # mm between the department's name and date and the seal's ring
SIGNED_HEIGHT = 13.6  # mm: two lines of 12pt at a line height of 1.6


def render(case, kind, number, content, *, masked_copy=False) -> bytes:
    # late: cms.pdf loads WeasyPrint (half a second): at the first notice, not at start-up
    from cms.pdf import render_pdf

    html = render_html(case, kind, number, content, masked_copy=masked_copy)
    return render_pdf(html)


def render_html(case, kind, number, content, *, masked_copy=False) -> str:
    """The notice's HTML, as WeasyPrint is given it."""
    # late: cms.pdf loads WeasyPrint (half a second): at the first notice, not at start-up
    from cms.pdf import cjk_font_url, qr_data_uri

    seal = seals.seal(case.department, content.get("department", ""), diameter=seals.NOTICE_DIAMETER)
    return render_to_string(
        "casefiles/notices/notice.html",
        {
            "kind": kind,
            "number": number,
            "c": content,
            "masked_copy": masked_copy,
            "seal": seal,
            # the name and the date to the left of the seal, clear of it, their two lines level with its centre
            "signed_right": seal.diameter + SIGNATURE_GAP,
            "signed_top": round(seal.diameter / 2 - SIGNED_HEIGHT / 2, 2),
            "qr": qr_data_uri(progress_url(case)),
            "font_url": cjk_font_url(),
            "blocks": [{"caption": caption, "url": url, "qr": qr_data_uri(url)}
                       for caption, url in qr_blocks(case, kind)],
        },
    )


def digest(kind, number, content) -> str:
    """The sha256 of what a notice says: its kind, its number and its particulars."""
    text = json.dumps({"kind": kind, "number": number, "content": content}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def issue(case, kind, ctx) -> Notice:
    """Number the notice and fix what it says, inside the transition's transaction; its PDF is
    rendered once that transaction has committed."""
    number = numbers.next_notice_number(case.department, kind, timezone.localdate(ctx.now))
    content = content_for(case, kind, ctx)
    notice = Notice.objects.create(case=case, kind=kind, number=number, content=content,
                                   sha256=digest(kind, number, content), issued_by=ctx.user)
    transaction.on_commit(lambda: _render_later(notice.pk))
    return notice


def _render_later(notice_pk: int) -> None:
    try:
        render_notice.enqueue(notice_pk, base_url=siteurl.captured())
    except Exception:  # the step stands; the first download or the next tick renders it
        logger.exception("could not queue the rendering of notice %s", notice_pk)


@task()
def render_notice(notice_pk: int, base_url: str | None = None) -> str:
    with siteurl.using(base_url):  # the QR codes of the request that queued it
        return ensure_rendered(Notice.objects.select_related("case__department").get(pk=notice_pk)).pdf_sha256


def ensure_rendered(notice: Notice) -> Notice:
    """The notice with its PDF, rendered now from what was committed unless it has one already.

    Two renderings at once (a download and the task, the tick) may both work, but one writer
    wins and every reader gets its file.
    """
    if notice.pdf:
        return notice
    data = render(notice.case, notice.kind, notice.number, notice.content)
    field = Notice._meta.get_field("pdf")
    name = field.storage.save(field.generate_filename(notice, f"{notice.number}.pdf"), ContentFile(data))
    pdf_sha256 = hashlib.sha256(data).hexdigest()
    if not Notice.objects.filter(pk=notice.pk, pdf="").update(pdf=name, pdf_sha256=pdf_sha256):
        field.storage.delete(name)  # another rendering was stored first: keep that one
        notice.refresh_from_db(fields=["pdf", "pdf_sha256"])
        return notice
    notice.pdf.name, notice.pdf_sha256 = name, pdf_sha256
    return notice


def open_pdf(notice: Notice):
    """The notice's PDF, open for reading — rendered first if it is not yet; the caller closes it.
    Every download (portal, API, workbench) goes through here."""
    return ensure_rendered(notice).pdf.open("rb")


def open_pdf_for(notice: Notice, user):
    """The notice's PDF as ``user`` may read it, open for reading, and whether it is the one issued.

    Whoever acts on the case (``disclosure.shows_identity``: the applicant's side, the handling
    staff) gets it as issued (``open_pdf``). Anyone else who may open the case's notices
    (supervision) gets a copy rendered now from what it says with the identity and mobile
    numbers masked (``disclosure.notice_content``), marked as such and kept nowhere: the
    issued PDF names the applicant with their whole number."""
    if disclosure.shows_identity(user, notice.case):
        return open_pdf(notice), True
    content = disclosure.notice_content(notice, shown=False)
    return io.BytesIO(render(notice.case, notice.kind, notice.number, content, masked_copy=True)), False


def render_pending() -> int:
    """The periodic tick: render every notice still without its PDF (its rendering failed, or its
    task was lost). Returns how many were rendered; a failure is logged and tried next time."""
    rendered = 0
    for notice in Notice.objects.filter(pdf="").select_related("case__department").order_by("pk"):
        try:
            ensure_rendered(notice)
        except Exception:
            logger.exception("could not render notice %s", notice.number)
            continue
        rendered += 1
    return rendered
