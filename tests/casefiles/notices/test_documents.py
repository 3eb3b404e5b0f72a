import datetime
import hashlib
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from casefiles.handling import workflow
from casefiles.cases.models import CaseFile
from casefiles.evaluations import links
from casefiles.journal.models import CaseEvent
from casefiles.notices import documents
from casefiles.notices.models import Notice


def pdf_text(data: bytes):
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages), reader


def text_of(notice):
    with documents.open_pdf(notice) as handle:
        return pdf_text(handle.read())


def embedded_cjk_fonts(reader):
    """Names of the fonts whose program is embedded (FontFile2/3) — ours is the CJK face."""
    found = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for descendant in descendants:
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile3")):
                    found.add(str(font.get("/BaseFont")))
    return {name for name in found if "CJK" in name}


def test_the_acceptance_notice_reads_as_the_law_wants(world, submitted_case):
    workflow.perform(submitted_case, "accept", world.clerk)
    notice = Notice.objects.get(case=submitted_case)
    text, reader = text_of(notice)
    for expected in ("受理通知书", submitted_case.number, "珠海海湾餐饮管理有限公司", "食品经营许可", "珠海市市场监督管理局",
                     notice.number, "承诺办结日期"):
        assert expected in text, expected
    assert embedded_cjk_fonts(reader), "the Chinese font must travel inside the PDF"
    notice.refresh_from_db()
    with notice.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == notice.pdf_sha256
    assert notice.sha256 == documents.digest(notice.kind, notice.number, notice.content)


def test_the_correction_notice_lists_every_problem(world, submitted_case):
    workflow.perform(submitted_case, "request_correction", world.clerk, problems=[
        {"material": "营业执照", "problem": "复印件不清晰"},
        {"material": "食品经营许可申请书", "problem": "缺少法定代表人签字"},
    ])
    text, _ = text_of(Notice.objects.get(case=submitted_case))
    assert "补正材料告知书" in text and "复印件不清晰" in text and "缺少法定代表人签字" in text


def test_decisions_against_the_applicant_state_the_reason_and_the_remedy(world, submitted_case):
    workflow.perform(submitted_case, "propose_non_acceptance", world.clerk, reason="申请事项不属于本机关职权范围")
    workflow.perform(submitted_case, "confirm_non_acceptance", world.decider)
    text, _ = text_of(Notice.objects.get(case=submitted_case))
    assert "不予受理决定书" in text and "不属于本机关职权范围" in text and "行政复议" in text


def test_a_notice_never_changes(world, submitted_case):
    from django.core.exceptions import ValidationError

    workflow.perform(submitted_case, "accept", world.clerk)
    notice = Notice.objects.get(case=submitted_case)
    notice.number = "改号"
    with pytest.raises(ValidationError):
        notice.save()
    with pytest.raises(ValidationError):
        notice.delete()


def test_numbers_are_unique_and_readable(world, submitted_case):
    workflow.perform(submitted_case, "accept", world.clerk)
    notice = Notice.objects.get(case=submitted_case)
    year = datetime.date.today().year
    assert notice.number.startswith(f"SCJGJ受字〔{year}〕第") and notice.number.endswith("号")
    assert len(submitted_case.number) == 20 and submitted_case.number.startswith("440400")


def test_provisional_deadlines_are_recomputed_when_the_next_year_is_entered(world, submitted_case, django_capture_on_commit_callbacks):
    from casefiles.deadlines.models import CalendarDay, CalendarYear

    accepted_at = datetime.datetime(2026, 12, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    CaseFile.objects.filter(pk=submitted_case.pk).update(submitted_at=accepted_at - datetime.timedelta(days=1))
    submitted_case.refresh_from_db()
    workflow.perform(submitted_case, "accept", world.clerk, now=accepted_at)
    case = CaseFile.objects.get(pk=submitted_case.pk)
    assert case.deadline_provisional
    guessed = case.promised_due
    with django_capture_on_commit_callbacks(execute=True):
        year = CalendarYear.objects.create(year=2027, status=CalendarYear.Status.OFFICIAL, source="测试用 2027 年安排")
        for day in (1, 4, 5):
            CalendarDay.objects.create(calendar_year=year, date=datetime.date(2027, 1, day), kind="holiday", name="元旦")
        year.save()
    case.refresh_from_db()
    assert not case.deadline_provisional
    assert case.promised_due > guessed


# --- rendered after the commit ------------------------------------------------------------------------


def test_the_number_and_what_the_notice_says_are_fixed_in_the_transition(world, submitted_case):
    workflow.perform(submitted_case, "propose_non_acceptance", world.clerk, reason="申请事项不属于本机关职权范围")
    event = workflow.perform(submitted_case, "confirm_non_acceptance", world.decider)
    # Inside the test's transaction nothing has committed: the PDF waits, what it says does not.
    notice = Notice.objects.get(case=submitted_case)
    assert notice.number and event.data["notice"] == notice.number
    assert notice.content["reason"] == "申请事项不属于本机关职权范围"
    assert notice.sha256 == documents.digest("non_acceptance", notice.number, notice.content)
    assert not notice.pdf and notice.pdf_sha256 == ""


@pytest.fixture
def rendering(monkeypatch):
    """Every PDF rendering, and whether a transaction was open while it ran."""
    import cms.pdf

    calls, original = [], cms.pdf.render_pdf

    def render_pdf(html, *args, **kwargs):
        calls.append(connection.in_atomic_block)
        return original(html, *args, **kwargs)

    monkeypatch.setattr(cms.pdf, "render_pdf", render_pdf)
    return calls


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_pdf_is_rendered_after_the_commit_never_inside(world, submitted_case, rendering):
    workflow.perform(submitted_case, "accept", world.clerk)
    assert rendering == [False]  # rendered once, with no transaction (nor lock) open
    notice = Notice.objects.get(case=submitted_case)
    assert notice.pdf and notice.pdf_sha256
    text, _ = text_of(notice)
    assert notice.number in text and submitted_case.number in text
    assert rendering == [False]  # the download read the stored file


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_rendering_leaves_the_step_done_and_the_tick_renders_it(world, submitted_case, monkeypatch):
    import cms.pdf

    original = cms.pdf.render_pdf

    def broken(html, *args, **kwargs):
        raise OSError("the font is gone")

    monkeypatch.setattr(cms.pdf, "render_pdf", broken)
    event = workflow.perform(submitted_case, "accept", world.clerk)
    case = CaseFile.objects.get(pk=submitted_case.pk)
    assert case.status == "accepted" and CaseEvent.objects.filter(pk=event.pk).exists()
    notice = Notice.objects.get(case=case)
    assert not notice.pdf
    call_command("casefiles", "tick", stdout=io.StringIO())  # still broken: logged, left for next time
    assert not Notice.objects.get(pk=notice.pk).pdf
    monkeypatch.setattr(cms.pdf, "render_pdf", original)
    out = io.StringIO()
    call_command("casefiles", "tick", stdout=out)
    assert "1 notice PDF(s) rendered" in out.getvalue()
    notice = Notice.objects.get(pk=notice.pk)
    with notice.pdf.open("rb") as handle:
        text, _ = pdf_text(handle.read())
    assert notice.number in text and "受理通知书" in text


def _downloads(world, case, notice):
    portal, workbench = world.applicant, world.clerk
    from django.test import Client

    def get(user, url):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        return b"".join(response.streaming_content)

    api = APIClient()
    api.force_authenticate(world.applicant)
    answer = api.get(reverse("casefiles_api:notice-pdf", args=[notice.number]))
    assert answer.status_code == 200
    return {
        "portal": get(portal, reverse("casefiles:notice_pdf", args=[case.number, notice.pk])),
        "api": b"".join(answer.streaming_content),
        "workbench": get(workbench, reverse("casefiles_workbench:notice_download", args=[case.number, notice.pk])),
        "etag": answer["ETag"],
    }


def test_a_notice_not_rendered_yet_is_rendered_on_its_first_download_and_served_alike(world, submitted_case, rendering):
    workflow.perform(submitted_case, "accept", world.clerk)  # the test's transaction never commits: no PDF yet
    notice = Notice.objects.get(case=submitted_case)
    api = APIClient()
    api.force_authenticate(world.applicant)
    listed = api.get(reverse("casefiles_api:case-notices", args=[submitted_case.number])).json()
    got = _downloads(world, submitted_case, notice)
    assert len(rendering) == 1  # the first download rendered it; the others read what it stored
    assert got["portal"] == got["api"] == got["workbench"]
    notice.refresh_from_db()
    assert got["etag"] == f'"{notice.pdf_sha256}"' == f'"{hashlib.sha256(got["api"]).hexdigest()}"'
    text, _ = pdf_text(got["api"])
    assert notice.number in text and "珠海海湾餐饮管理有限公司" in text
    # The listing says the same before and after.
    assert api.get(reverse("casefiles_api:case-notices", args=[submitted_case.number])).json() == listed


def test_two_renderings_at_once_keep_one_file(world, submitted_case):
    import os

    workflow.perform(submitted_case, "accept", world.clerk)
    first, second = Notice.objects.get(case=submitted_case), Notice.objects.get(case=submitted_case)
    folder = os.path.dirname(first.pdf.storage.path(first.pdf.field.generate_filename(first, "x.pdf")))
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    documents.ensure_rendered(first)
    documents.ensure_rendered(second)  # it read the notice before the first stored it
    stored = Notice.objects.get(pk=first.pk)
    assert second.pdf.name == first.pdf.name == stored.pdf.name
    assert second.pdf_sha256 == stored.pdf_sha256
    assert set(os.listdir(folder)) - before == {os.path.basename(stored.pdf.name)}  # the loser's file is gone


def test_the_result_notices_carry_the_review_link_and_its_qr_code(world, submitted_case):
    content = documents.content_for(submitted_case, "non_acceptance", type("Ctx", (), {
        "now": submitted_case.submitted_at, "data": {"reason": "不属于本机关职权范围"}, "params": {}})())
    html = documents.render_html(submitted_case, "non_acceptance", "NO-1", content)
    assert "扫码评价" in html and html.count("data:image/png;base64,") >= 2
    token = re.search(r"/evaluate/([^/<\s]+)/", html).group(1)
    assert links.case_for(token) == submitted_case
    text, _reader = pdf_text(documents.render(submitted_case, "non_acceptance", "NO-1", content))
    assert "扫码评价" in text
    assert "扫码评价" not in documents.render_html(submitted_case, "acceptance", "NO-2", content)


def _mm(css: str, prop: str) -> float:
    return float(re.search(rf"(?<![-\w]){prop}: ([\d.]+)mm", css).group(1))


def test_the_seal_is_a_circle_at_its_true_size_clear_of_the_name_and_date(world, submitted_case):
    workflow.perform(submitted_case, "accept", world.clerk)
    notice = Notice.objects.get(case=submitted_case)
    html = documents.render_html(submitted_case, notice.kind, notice.number, notice.content)
    seal = re.search(r'<div class="seal seal-drawn[^"]*"[^>]*style="([^"]*)"', html).group(1)
    assert _mm(seal, "width") == _mm(seal, "height") == 42.0 and "border-radius: 50%" in seal
    assert "padding: 0" in seal and "box-sizing: border-box" in seal  # nothing stretches it into an ellipse
    # the seal at the right edge, the department's name and the date to its left, clear of its ring
    assert re.search(r"\.signature \.seal \{ position: absolute; right: 0; top: 0; \}", html)
    signed = re.search(r"\.signature \.signed \{([^}]*)\}", html).group(1)
    assert _mm(signed, "right") >= 42.0
    assert 0 <= _mm(signed, "top") <= 42.0 / 2
    block = re.search(r'<div class="signature">(.*?)</div>\s*<p class="note">', html, re.S).group(1)
    assert re.search(r'<div class="signed"><p>珠海市市场监督管理局</p><p>[^<]+</p></div>', block)
    # the seal carries the department's name along its arc, not across the printed name
    assert "".join(re.findall(r'transform: rotate\([-\d.]+deg\)">(.)</span>', block)) == "珠海市市场监督管理局"
    text, _reader = text_of(notice)
    assert "★" in text or "珠海市市场监督管理局" in text
