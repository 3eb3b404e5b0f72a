import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casefiles import applications, materials
from casefiles.models import Material

from .conftest import PDF, pdf_upload


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
    ],
)
def test_refused_uploads_leave_nothing_behind(world, draft, name, content, complaint):
    from django.core.files.storage import default_storage

    from django.core.files.base import ContentFile

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
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    material = materials.add(draft, world.requirements[0], SimpleUploadedFile("扫描件.pdf", png), world.applicant)
    assert material.content_type == "image/png"
    assert material.file.name.endswith(".png")
    assert material.original_name == "扫描件.pdf"


def test_a_stored_material_keeps_its_hash_size_and_text(world, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        material = materials.add(draft, world.requirements[0], SimpleUploadedFile("承诺书.docx", DOCX), world.applicant)
    material.refresh_from_db()
    import hashlib

    assert material.sha256 == hashlib.sha256(DOCX).hexdigest() and material.size == len(DOCX)
    assert "法定代表人承诺书" in material.extracted_text


def test_a_broken_file_still_uploads_without_text(world, draft, django_capture_on_commit_callbacks):
    broken = b"%PDF-1.7\n this is not really a pdf"
    with django_capture_on_commit_callbacks(execute=True):
        material = materials.add(draft, world.requirements[0], pdf_upload(content=broken), world.applicant)
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
    from casefiles import workflow

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
