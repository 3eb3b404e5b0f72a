import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casefiles.handling import applications
from casefiles.materials import uploads as materials
from casefiles.materials.models import Material
from tests.casefiles.conftest import PDF, pdf_upload, submit_application
from tests.casefiles.materials.test_filetypes import DOCX_PARTS, _javascript_on_open, lie, make_zip, written


@pytest.fixture(autouse=True)
def in_english():
    """Messages are compared in their English source; the pages' Chinese is tested elsewhere."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def draft(world):
    return applications.start(world.applicant, world.item, world.enterprise)


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({
    "[Content_Types].xml": b"<Types/>",
    "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>法定代表人承诺书</w:t></w:r></w:p></w:body></w:document>'.encode(),
})


@pytest.mark.parametrize(
    "name, content, complaint",
    [
        ("营业执照.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "not accepted"),  # an executable renamed
        ("营业执照.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "not accepted"),
        ("营业执照.pdf", b"", "empty"),
        ("../../etc/passwd.pdf", PDF, "path"),
        ("C:\\temp\\x.pdf", PDF, "path"),
        ("bad\x00name.pdf", PDF, "control"),
        ("archive.zip", _zip({"a.txt": b"hello"}), "Archives"),
        ("bomb.docx", _zip({"word/document.xml": b"<a/>", "big.bin": b"\x00" * 30_000_000}), "bomb"),
        ("evil.docx", _zip({"word/document.xml": b"<a/>", "../../x": b"x"}), "path"),
        ("营业执照.pdf", written(_javascript_on_open()), "active content"),
        ("营业执照.pdf", PDF + b"<html><script>alert(1)</script></html>", "web page"),
        ("承诺书.docx", lie(make_zip({**DOCX_PARTS, "word/media/a.png": b"\x00" * 3_000_000}), "word/media/a.png",
                          file_size=900), "bomb"),
    ],
)
def test_refused_uploads_leave_nothing_behind(world, draft, name, content, complaint):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    before = set(_all_files(default_storage))
    # ContentFile keeps the name as sent (Django's multipart parser already strips paths;
    # the API and other callers may not).
    with pytest.raises(materials.UploadRefused) as caught:
        materials.add(draft, world.requirements[0], ContentFile(content, name=name), world.applicant)
    assert complaint.lower() in str(caught.value.message).lower() or complaint in str(caught.value)
    assert not Material.objects.filter(case=draft).exists()
    assert set(_all_files(default_storage)) == before


def _all_files(storage, path=""):
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{path}/{name}"
    for folder in folders:
        yield from _all_files(storage, f"{path}/{folder}" if path else folder)


def test_too_large_is_refused(world, draft, settings):
    settings.YIWANG_UPLOADS = {"MAX_BYTES": 1024}
    with pytest.raises(materials.UploadRefused) as caught:
        materials.add(draft, world.requirements[0], pdf_upload(content=PDF + b"0" * 2048), world.applicant)
    assert "MB" in str(caught.value)


def test_type_comes_from_the_content_not_the_name(world, draft):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    material = materials.add(draft, world.requirements[0], SimpleUploadedFile("扫描件.pdf", buffer.getvalue()), world.applicant)
    assert material.content_type == "image/png"
    assert material.file.name.endswith(".png")
    assert material.original_name == "扫描件.pdf"


@pytest.mark.parametrize("name", ["scan.hta", "申请材料.html", "form.exe", "notice.svg"])
def test_a_pdf_under_any_name_is_stored_as_a_pdf_and_keeps_the_name_shown(world, draft, name):
    material = materials.add(draft, world.requirements[0], pdf_upload(name), world.applicant)
    assert material.file.name.endswith(".pdf") and material.content_type == "application/pdf"
    assert material.original_name == name  # shown as given; served as .pdf (tests/casefiles/materials/test_downloads.py)


def test_a_stored_material_keeps_its_hash_size_and_text(world, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        material = materials.add(draft, world.requirements[0], SimpleUploadedFile("承诺书.docx", DOCX), world.applicant)
    material.refresh_from_db()
    import hashlib

    assert material.sha256 == hashlib.sha256(DOCX).hexdigest() and material.size == len(DOCX)
    assert "法定代表人承诺书" in material.extracted_text


def test_a_file_whose_text_cannot_be_extracted_still_uploads_without_text(world, draft, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    def fails(data, content_type):
        raise ValueError("an exotic font table")

    monkeypatch.setattr(materials, "extract_text", fails)
    with django_capture_on_commit_callbacks(execute=True):
        material = materials.add(draft, world.requirements[0], pdf_upload(), world.applicant)
    material.refresh_from_db()
    assert material.pk and material.extracted_text == ""


def test_several_files_per_slot_and_replacement_keeps_the_earlier_version(world, draft):
    first = materials.add(draft, world.requirements[0], pdf_upload("第1页.pdf"), world.applicant)
    second = materials.add(draft, world.requirements[0], pdf_upload("第2页.pdf"), world.applicant)
    assert set(draft.materials.filter(is_current=True).values_list("pk", flat=True)) == {first.pk, second.pk}
    third = materials.add(draft, world.requirements[0], pdf_upload("第1页-新.pdf"), world.applicant, replaces=first)
    first.refresh_from_db()
    assert not first.is_current and third.version == 2 and third.replaces == first
    assert draft.materials.count() == 3


def test_only_the_applicant_or_staff_may_add_and_only_while_preparing(world, draft):
    with pytest.raises(Exception):
        materials.add(draft, world.requirements[0], pdf_upload(), world.stranger)
    from casefiles.handling import workflow

    materials.add(draft, world.requirements[0], pdf_upload(), world.applicant)
    materials.add(draft, world.requirements[1], pdf_upload(), world.applicant)
    workflow.perform(draft, "submit", world.applicant)
    draft.refresh_from_db()
    with pytest.raises(materials.UploadRefused):
        materials.add(draft, world.requirements[2], pdf_upload(), world.applicant)


def test_a_promise_needs_a_deferrable_material_and_a_signature(world, draft):
    with pytest.raises(materials.UploadRefused):
        materials.promise_later(draft, world.requirements[0], world.applicant, "承诺")  # not deferrable
    with pytest.raises(materials.UploadRefused):
        materials.promise_later(draft, world.requirements[1], world.applicant, "  ")
    promise = materials.promise_later(draft, world.requirements[1], world.applicant, "本单位承诺10个工作日内补交")
    assert promise.deferred and not promise.file


def test_staff_review_marks_materials(world, submitted_case):
    material = submitted_case.materials.first()
    with pytest.raises(materials.UploadRefused):
        materials.review(material, world.clerk, "rejected", "")
    reviewed = materials.review(material, world.clerk, "rejected", "印章不清晰")
    assert reviewed.review_state == "rejected" and reviewed.reviewed_by == world.clerk


# --- a change comes after the submission: it sees it (item 5 of issue 12) -------------------------

def _stored_files(case):
    from django.core.files.storage import default_storage

    return set(_all_files(default_storage, f"cases/{case.number}/materials"))


def _submitted_behind_its_back(world, case):
    """``case`` as a request read it (a draft), while another request submitted it."""
    from casefiles.handling import workflow
    from casefiles.cases.models import CaseFile

    workflow.perform(CaseFile.objects.get(pk=case.pk), "submit", world.applicant)
    assert case.status == "draft"  # the caller's object is stale
    return case


def test_a_change_made_after_the_submission_committed_is_refused_and_leaves_no_file(world, draft):
    from casefiles.journal.models import CaseEvent

    for requirement in world.requirements[:2]:
        materials.add(draft, requirement, pdf_upload(f"{requirement.name}.pdf"), world.applicant)
    current = draft.materials.get(requirement=world.requirements[0])
    files_before = _stored_files(draft)
    stale = _submitted_behind_its_back(world, draft)
    attempts = [
        lambda: materials.add(stale, world.requirements[2], pdf_upload("迟到的.pdf"), world.applicant),
        lambda: materials.add(stale, world.requirements[0], pdf_upload("新版.pdf"), world.applicant, replaces=current),
        lambda: materials.remove(current, world.applicant),
    ]
    for attempt in attempts:
        with pytest.raises(materials.UploadRefused) as caught:
            attempt()
        assert "Submitted" in str(caught.value.message)
    assert _stored_files(draft) == files_before
    actions = list(CaseEvent.objects.filter(case=draft).order_by("sequence").values_list("action", flat=True))
    assert actions[-1] == "submit" and actions.count("add_material") == 2


def test_a_promise_made_after_the_submission_committed_is_refused(world, draft):
    from casefiles.journal.models import CaseEvent

    materials.add(draft, world.requirements[0], pdf_upload(), world.applicant)
    materials.promise_later(draft, world.requirements[1], world.applicant, "受理后补交")
    stale = _submitted_behind_its_back(world, draft)
    with pytest.raises(materials.UploadRefused):
        materials.promise_later(stale, world.requirements[1], world.applicant, "再承诺一次")
    assert CaseEvent.objects.filter(case=draft).order_by("-sequence").first().action == "submit"


def test_one_file_is_replaced_once_even_by_two_requests_that_both_saw_it_current(world, draft):
    first = materials.add(draft, world.requirements[0], pdf_upload("第1页.pdf"), world.applicant)
    seen_twice = Material.objects.get(pk=first.pk)
    materials.add(draft, world.requirements[0], pdf_upload("第1页-新.pdf"), world.applicant, replaces=first)
    files_before = _stored_files(draft)
    with pytest.raises(materials.UploadRefused) as caught:
        materials.add(draft, world.requirements[0], pdf_upload("第1页-另一个.pdf"), world.applicant, replaces=seen_twice)
    assert "current file" in str(caught.value.message)
    assert _stored_files(draft) == files_before
    assert draft.materials.filter(requirement=world.requirements[0], is_current=True).count() == 1


def test_a_material_is_promised_once(world, draft):
    materials.promise_later(draft, world.requirements[1], world.applicant, "受理后补交")
    with pytest.raises(materials.UploadRefused) as caught:
        materials.promise_later(draft, world.requirements[1], world.applicant, "受理后补交")
    assert "already promised" in str(caught.value.message)


def test_a_file_removed_twice_is_removed_once(world, draft):
    from casefiles.journal.models import CaseEvent

    material = materials.add(draft, world.requirements[0], pdf_upload(), world.applicant)
    materials.remove(Material.objects.get(pk=material.pk), world.applicant)
    with pytest.raises(materials.UploadRefused):
        materials.remove(material, world.applicant)
    assert CaseEvent.objects.filter(case=draft, action="remove_material").count() == 1


def _race(threads, work):
    """Run ``work(index)`` in ``threads`` threads started at once; each its own connection."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    barrier = threading.Barrier(threads)

    def run(index):
        try:
            barrier.wait(timeout=30)
            return work(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, range(threads)))


def _nothing_follows_the_submission(case, files_before):
    from casefiles.journal.models import CaseEvent

    actions = list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("action", flat=True))
    assert actions.count("submit") == 1
    after = actions[actions.index("submit") + 1:]
    assert not set(after) & {"add_material", "remove_material", "promise_material"}, actions
    stored, on_disk = {m.file.name for m in Material.objects.filter(case=case).exclude(file="")}, _stored_files(case)
    assert stored <= on_disk  # no row without its file
    assert on_disk - files_before <= stored  # no orphan in MEDIA_ROOT (the folder outlives other tests' rows)
    return actions


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_uploads_racing_a_submission_over_the_api_land_before_it_or_are_refused(world):
    """The probe's case: uploads sent while the case was submitted were answered 201 and
    journaled after the submission, "draft → draft"."""
    from django.db import connection
    from rest_framework.test import APIClient

    from casefiles.cases.models import CaseFile

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    case = applications.start(world.applicant, world.item, world.enterprise)
    for requirement in world.requirements[:2]:
        materials.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), world.applicant)
    files_before = _stored_files(case) - {m.file.name for m in case.materials.all()}
    version = CaseFile.objects.get(pk=case.pk).version

    def work(index):
        api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        api.force_authenticate(world.applicant)
        if index == 0:
            return api.post(f"/api/v1/cases/{case.number}/transitions/submit/", {}, format="json",
                            HTTP_IF_MATCH=f'"{version}"').status_code
        answer = api.post(f"/api/v1/cases/{case.number}/materials/",
                          {"requirement": world.requirements[2].pk, "file": pdf_upload(f"附件{index}.pdf")}, format="multipart")
        assert answer.status_code in (201, 400), answer.content
        if answer.status_code == 400:
            assert "Materials cannot be changed" in answer.data["detail"]
        return answer.status_code

    codes = _race(9, work)
    assert codes[0] == 200
    case = CaseFile.objects.get(pk=case.pk)
    assert case.status == "submitted"
    _nothing_follows_the_submission(case, files_before)
    assert case.materials.filter(requirement=world.requirements[2]).count() == codes.count(201)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_adds_replacements_removals_and_promises_racing_a_submission_each_land_before_it_or_not_at_all(world):
    """Every request read the case as a draft before any of them wrote."""
    from django.db import connection

    from casefiles.handling import workflow
    from casefiles.cases.models import CaseFile

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    case = applications.start(world.applicant, world.item, world.enterprise)
    form = materials.add(case, world.requirements[0], pdf_upload("申请书.pdf"), world.applicant)
    materials.add(case, world.requirements[1], pdf_upload("营业执照.pdf"), world.applicant)
    optional = materials.add(case, world.requirements[2], pdf_upload("制度.pdf"), world.applicant)
    read = [CaseFile.objects.get(pk=case.pk) for _ in range(8)]
    seen = [Material.objects.get(pk=form.pk) for _ in range(8)]
    files_before = _stored_files(case) - {m.file.name for m in case.materials.all()}

    def work(index):
        try:
            if index == 0:
                workflow.perform(read[0], "submit", world.applicant)
            elif index in (1, 2):  # two replacements of one file: at most one lands
                materials.add(read[index], world.requirements[0], pdf_upload(f"申请书-{index}.pdf"), world.applicant,
                              replaces=seen[index])
            elif index == 3:
                materials.remove(Material.objects.get(pk=optional.pk), world.applicant)
            else:
                materials.add(read[index], world.requirements[2], pdf_upload(f"附件{index}.pdf"), world.applicant)
            return "done"
        except materials.UploadRefused:
            return "refused"

    outcomes = _race(8, work)
    assert outcomes[0] == "done"
    case = CaseFile.objects.get(pk=case.pk)
    assert case.status == "submitted"
    _nothing_follows_the_submission(case, files_before)
    assert case.materials.filter(requirement=world.requirements[0], is_current=True).count() == 1
    assert outcomes[1:3].count("done") <= 1


# --- review (item 13 of issue 12) -----------------------------------------------------------------

def test_staff_review_a_case_being_examined_in_each_of_its_states(world, submitted_case):
    from casefiles.handling import workflow

    material = submitted_case.materials.get(requirement=world.requirements[0])
    assert materials.review(material, world.clerk, "accepted").review_state == "accepted"  # submitted
    workflow.perform(submitted_case, "accept", world.clerk)
    assert materials.review(material, world.clerk, "accepted").review_state == "accepted"
    workflow.perform(submitted_case, "start_review", world.reviewer)
    assert materials.review(material, world.reviewer, "rejected", "印章不清晰").review_state == "rejected"


def _concluded(world, case):
    from casefiles.handling import workflow

    for step, user in (("accept", world.clerk), ("start_review", world.reviewer), ("approve", world.decider),
                       ("conclude", world.clerk)):
        workflow.perform(case, step, user)
    return case


def _correction_requested(world, case):
    from casefiles.handling import workflow

    workflow.perform(case, "request_correction", world.clerk,
                     problems=[{"material": world.requirements[0].name, "problem": "不清晰"}])
    return case


def _denial_pending(world, case):
    from casefiles.handling import workflow

    workflow.perform(case, "accept", world.clerk)
    workflow.perform(case, "start_review", world.reviewer)
    workflow.perform(case, "propose_denial", world.reviewer, reason="不符合条件")
    return case


@pytest.mark.parametrize("move, status", [
    (_concluded, "Concluded"), (_correction_requested, "Correction requested"), (_denial_pending, "Denial"),
])
def test_no_review_outside_the_examination_and_nothing_journaled(world, submitted_case, move, status):
    from casefiles.journal.models import CaseEvent

    material = submitted_case.materials.get(requirement=world.requirements[0])
    move(world, submitted_case)
    events = CaseEvent.objects.filter(case=submitted_case).count()
    for user in (world.clerk, world.reviewer):
        with pytest.raises(materials.UploadRefused) as caught:
            materials.review(material, user, "rejected", "事后补一刀")
        assert status in str(caught.value.message)
    assert CaseEvent.objects.filter(case=submitted_case).count() == events
    material.refresh_from_db()
    assert material.review_state == "pending"


def test_only_the_current_version_of_a_file_is_reviewed_never_a_promise(world):
    from casefiles.handling import workflow

    case = applications.start(world.applicant, world.item, world.enterprise)
    first = materials.add(case, world.requirements[0], pdf_upload("v1.pdf"), world.applicant)
    materials.add(case, world.requirements[0], pdf_upload("v2.pdf"), world.applicant, replaces=first)
    promise = materials.promise_later(case, world.requirements[1], world.applicant, "受理后补交")
    workflow.perform(case, "submit", world.applicant)
    with pytest.raises(materials.UploadRefused) as caught:
        materials.review(first, world.clerk, "accepted")
    assert "current version" in str(caught.value.message)
    with pytest.raises(materials.UploadRefused) as caught:
        materials.review(promise, world.clerk, "accepted")
    assert "no file to review" in str(caught.value.message)
    assert not case.events.filter(action="review_material").exists()


def test_the_commitment_names_the_deadline_the_workflow_enforces():
    from casefiles.materials.uploads import commitment_text

    text = commitment_text("营业执照", enterprise=True, promised_days=10)
    assert text.startswith("本单位承诺在受理之日起10个工作日内补交“营业执照”")
    person = commitment_text("身份证明", enterprise=False, promised_days=None)
    assert person.startswith("本人承诺在受理时确定的期限内补交“身份证明”") and "个工作日" not in person
