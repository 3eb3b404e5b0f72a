import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from casefiles import workflow
from casefiles.models import CaseFile, Notice


def text_of(notice):
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages), reader


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
    import hashlib

    with notice.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == notice.sha256


def test_the_correction_notice_lists_every_problem(world, submitted_case):
    workflow.perform(submitted_case, "request_correction", world.clerk, problems=[
        {"material": "营业执照", "problem": "复印件不清晰"},
        {"material": "食品经营许可申请书", "problem": "缺少法定代表人签字"},
    ])
    text, _ = text_of(Notice.objects.get(case=submitted_case))
    assert "补正材料告知书" in text and "复印件不清晰" in text and "缺少法定代表人签字" in text


def test_decisions_against_the_applicant_state_the_reason_and_the_remedy(world, submitted_case):
    workflow.perform(submitted_case, "not_accept", world.clerk, reason="申请事项不属于本机关职权范围")
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
    from casefiles.models import CalendarDay, CalendarYear

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
