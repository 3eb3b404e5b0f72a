"""Uploads are read whole as the kind their bytes say: active PDFs, polyglots, image bombs and
archives whose headers lie are refused; names are served with the detected kind's extension."""

import io
import struct
import zipfile
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from casefiles.materials import filetypes
from casefiles.materials.filetypes import UploadRefused
from tests.casefiles.conftest import PDF


@pytest.fixture(autouse=True)
def in_english():
    """Messages are compared in their English source."""
    from django.utils import translation

    with translation.override("en"):
        yield


def refusal(data) -> str:
    with pytest.raises(UploadRefused) as caught:
        filetypes.inspect(data)
    return str(caught.value.message)


# --- building files -----------------------------------------------------------------------------

def written(writer) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    return writer


def action(kind, **entries):
    return DictionaryObject({NameObject("/S"): NameObject(kind),
                             **{NameObject(f"/{key}"): value for key, value in entries.items()}})


def annotate(writer, **entries):
    """A link-sized annotation on the first page with ``entries``."""
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(10), FloatObject(10), FloatObject(100), FloatObject(30)]),
        **{NameObject(f"/{key}"): value for key, value in entries.items()},
    })
    writer.add_annotation(0, annotation)
    return writer


def with_catalog(**entries):
    writer = one_page()
    for key, value in entries.items():
        writer.root_object[NameObject(f"/{key}")] = value
    return writer


def image(kind, size=(120, 80), **options) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_zip(entries: dict[str, bytes], comment=b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        archive.comment = comment
    return buffer.getvalue()


def lie(data: bytes, name: str, *, file_size=None, compress_size=None) -> bytes:
    """``data`` (a zip) with the sizes of entry ``name`` patched in its local and central headers."""
    patched = bytearray(data)
    encoded = name.encode()
    for signature, sizes_at, name_at in ((b"PK\x03\x04", 18, 30), (b"PK\x01\x02", 20, 46)):
        at = patched.find(signature)
        while at >= 0 and patched[at + name_at:at + name_at + len(encoded)] != encoded:
            at = patched.find(signature, at + 1)
        assert at >= 0, (signature, name)
        if compress_size is not None:
            patched[at + sizes_at:at + sizes_at + 4] = struct.pack("<I", compress_size)
        if file_size is not None:
            patched[at + sizes_at + 4:at + sizes_at + 8] = struct.pack("<I", file_size)
    return bytes(patched)


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}


# --- names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content_type, served", [
    ("scan.hta", "application/pdf", "scan.pdf"),
    ("申请材料.html", "application/pdf", "申请材料.pdf"),
    ("form.exe", "application/pdf", "form.pdf"),
    ("notice.svg", "application/pdf", "notice.pdf"),
    ("scan.pdf.exe", "application/pdf", "scan.pdf"),
    ("scan.hta.", "application/pdf", "scan.pdf"),  # Windows drops the trailing dot: scan.hta
    ("营业执照", "application/pdf", "营业执照.pdf"),
    ("2024.03", "application/pdf", "2024.03.pdf"),  # not an extension: kept, and the right one follows
    ("SCAN.PDF", "application/pdf", "SCAN.PDF"),
    ("photo.jpeg", "image/jpeg", "photo.jpeg"),
    ("photo.png", "image/jpeg", "photo.jpg"),
    ("表格.xlsx.js", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "表格.xlsx"),
    ("whatever.exe", "application/x-msdownload", "whatever.bin"),  # a type Yiwang never detects
])
def test_the_download_name_ends_in_the_detected_kinds_extension(name, content_type, served):
    assert filetypes.download_name(name, content_type) == served


# --- PDF ----------------------------------------------------------------------------------------

def test_real_pdfs_are_accepted_with_links_and_page_destinations():
    assert filetypes.inspect(PDF) == "pdf"
    writer = one_page()
    writer.root_object[NameObject("/OpenAction")] = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    annotate(writer, A=action("/URI", URI=TextStringObject("https://www.gd.gov.cn/")))
    assert filetypes.inspect(written(writer)) == "pdf"
    protected = one_page()
    protected.encrypt("", "owner-only", algorithm="AES-256")  # anyone opens it; only editing needs a password
    assert filetypes.inspect(written(protected)) == "pdf"


def _javascript_on_open():
    writer = one_page()
    writer.add_open_action(JavaScript("app.alert('hi')"))  # the document-level JavaScript name tree
    return writer


def _page_open_action():
    writer = one_page()
    writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert('hi')"))
    return writer


def _encrypted_javascript():
    writer = _javascript_on_open()
    writer.encrypt("", "owner-only", algorithm="AES-256")  # the objects are encrypted: decrypted to be checked
    return writer


def _acroform_xfa():
    writer = one_page()
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")})
    return writer


def _attachment():
    writer = one_page()
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    return writer


def _annotation(subtype):
    def build():
        writer = annotate(one_page())
        writer.pages[0]["/Annots"][0].get_object()[NameObject("/Subtype")] = NameObject(subtype)
        return writer
    return build


@pytest.mark.parametrize("build, what", [
    (_javascript_on_open, "JavaScript"),
    (lambda: with_catalog(OpenAction=action("/JavaScript", JS=TextStringObject("app.alert(1)"))), "JavaScript"),
    (lambda: with_catalog(OpenAction=action("/Launch", F=TextStringObject("cmd.exe"))), "/Launch"),
    (lambda: with_catalog(OpenAction=action("/URI", URI=TextStringObject("https://tracker.example/"))), "/OpenAction"),
    (lambda: with_catalog(OpenAction=action("/Named", N=NameObject("/Print"))), "/OpenAction"),
    (lambda: with_catalog(AA=DictionaryObject({NameObject("/WC"): action("/GoTo", D=ArrayObject())})), None),
    (_page_open_action, "/AA"),
    (_encrypted_javascript, "JavaScript"),
    (lambda: annotate(one_page(), A=action("/Launch", F=TextStringObject("calc.exe"))), "/Launch"),
    (lambda: annotate(one_page(), A=action("/SubmitForm", F=TextStringObject("https://x.example/"))), "/SubmitForm"),
    (lambda: annotate(one_page(), A=action("/ImportData", F=TextStringObject("data.fdf"))), "/ImportData"),
    (lambda: annotate(one_page(), A=action("/GoToR", F=TextStringObject("other.pdf"))), "/GoToR"),
    (lambda: annotate(one_page(), A=action("/URI", URI=TextStringObject("file:///C:/Windows/"))), "/URI"),
    (_attachment, "/EmbeddedFile"),
    (_annotation("/RichMedia"), "/RichMedia"),
    (_annotation("/FileAttachment"), "/FileAttachment"),
    (_annotation("/3D"), "/3D"),
    (_annotation("/Screen"), "/Screen"),
    (_acroform_xfa, "/XFA"),
])
def test_pdfs_with_active_content_are_refused(build, what):
    data = written(build())
    if what is None:  # an automatic action that only goes to a page is no active content
        assert filetypes.inspect(data) == "pdf"
        return
    message = refusal(data)
    assert "active content" in message and what in message


def test_active_content_spelled_with_escaped_names_is_found():
    data = written(_javascript_on_open())
    disguised = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in disguised
    assert "active content" in refusal(disguised) or "cannot be read" in refusal(disguised)


def test_pdfs_that_do_not_parse_have_no_page_or_need_a_password_are_refused():
    assert "cannot be read" in refusal(b"%PDF-1.7\n this is not really a pdf")
    assert "cannot be read" in refusal(PDF[: len(PDF) // 2])
    assert "no pages" in refusal(written(PdfWriter()))
    locked = one_page()
    locked.encrypt("secret")
    assert "password" in refusal(written(locked))


# --- polyglots ----------------------------------------------------------------------------------

MARKUP = b"<html><body><script>alert(document.domain)</script></body></html>"


@pytest.mark.parametrize("data, complaint", [
    (PDF + MARKUP, "web page or script"),
    (PDF.replace(b"%PDF-1.3\n", b"%PDF-1.3\n%" + MARKUP + b"\n"), "web page or script"),  # in a comment
    (PDF.replace(b"%PDF-1.3\n", b"%PDF-1.3\n%<svg onload=alert(1)>\n"), "web page or script"),
    (PDF + make_zip({"index.html": b"x"}), "after its end"),
    (PDF + b"trailing words", "after its end"),
    (image("JPEG") + MARKUP, "web page or script"),
    (image("JPEG") + make_zip({"a.txt": b"x"}), "after its end"),
    (image("JPEG") + b"\x00\x00ftypmp42" + b"\x00" * 64, "after its end"),  # a motion photo's video
    (image("PNG") + make_zip({"a.txt": b"x"}), "after its end"),
    (image("PNG")[:-12] + png_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>") + image("PNG")[-12:],
     "web page or script"),
    (make_zip(DOCX_PARTS) + b"<html>", "after its end"),
    (make_zip(DOCX_PARTS, comment=b"<script>alert(1)</script>"), "web page or script"),
])
def test_polyglots_are_refused(data, complaint):
    assert complaint in refusal(data)


def test_padding_and_a_jpegs_further_images_are_no_trailing_data():
    assert filetypes.inspect(PDF + b"\r\n\x00\x00") == "pdf"
    jpeg = image("JPEG")
    assert filetypes.inspect(jpeg + jpeg) == "jpeg"  # a gain map or an MPO's second image
    assert filetypes.inspect(image("JPEG", progressive=True)) == "jpeg"


# --- images -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lenient", [False, True])
def test_images_must_decode(monkeypatch, lenient):
    """Also once WeasyPrint made Pillow lenient for the whole process (it does on import)."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", lenient)
    assert filetypes.inspect(image("PNG")) == "png"
    assert "cannot be read" in refusal(image("JPEG")[:-200])
    assert "cannot be read" in refusal(image("PNG")[:-30])
    assert "cannot be read" in refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    garbled = bytearray(image("PNG"))
    garbled[60:70] = b"\xff" * 10  # inside the compressed pixels
    assert "cannot be read" in refusal(bytes(garbled))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is lenient  # put back as found


def test_image_bombs_are_refused_by_their_declared_size_before_decoding(settings):
    small = image("PNG", size=(64, 64))
    ihdr = small.index(b"IHDR")
    header = struct.pack(">II", 60_000, 60_000) + small[ihdr + 12:ihdr + 17]  # 3.6 billion pixels
    bomb = small[:ihdr - 4] + png_chunk(b"IHDR", header) + small[ihdr + 21:]
    assert "million pixels" in refusal(bomb)
    settings.YIWANG_UPLOADS = {"MAX_PIXELS": 2_000_000}
    assert "more than 2 million pixels" in refusal(image("JPEG", size=(2000, 1500)))
    assert filetypes.inspect(image("JPEG", size=(1000, 1000))) == "jpeg"


# --- archives -----------------------------------------------------------------------------------

def test_a_real_office_document_is_accepted():
    assert filetypes.inspect(make_zip(DOCX_PARTS)) == "docx"
    assert filetypes.inspect(make_zip({"xl/workbook.xml": b"<workbook/>"})) == "xlsx"
    assert filetypes.inspect(make_zip({"OFD.xml": b"<ofd:OFD/>"})) == "ofd"


def test_a_zip_whose_headers_understate_its_size_is_caught_by_what_it_inflates_to():
    honest = make_zip({**DOCX_PARTS, "word/media/image1.png": b"\x00" * 5_000_000})
    assert "compression bomb" in refusal(honest)
    # The same bomb declaring 1,000 bytes: its declared ratio (1,000 : 5 KB) looks innocent.
    lying = lie(honest, "word/media/image1.png", file_size=1000)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("word/media/image1.png").file_size == 1000
    assert "compression bomb" in refusal(lying)


def test_a_zip_whose_headers_lie_within_the_limits_is_refused_as_forged():
    data = make_zip({**DOCX_PARTS, "word/styles.xml": b"<w:styles>" + b"<w:style/>" * 300 + b"</w:styles>"})
    assert filetypes.inspect(data) == "docx"
    size = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/styles.xml")
    assert "not what its headers declare" in refusal(lie(data, "word/styles.xml", file_size=size.file_size // 2))
    assert "not what its headers declare" in refusal(lie(data, "word/styles.xml", file_size=size.file_size * 2))
    assert "not what its headers declare" in refusal(lie(data, "word/styles.xml", compress_size=size.compress_size - 5))


def test_archive_limits_count_the_inflated_bytes(settings):
    text = "".join(f"<w:p>{i} 段落</w:p>" for i in range(20_000)).encode()  # compresses well, but not like a bomb
    data = make_zip({**DOCX_PARTS, "word/document.xml": text})
    assert filetypes.inspect(data) == "docx"
    settings.YIWANG_UPLOADS = {"MAX_ENTRY_BYTES": len(text) - 1}
    assert "compression bomb" in refusal(data)
    settings.YIWANG_UPLOADS = {"MAX_UNPACKED_BYTES": len(text) + 10}
    assert "compression bomb" in refusal(make_zip({**DOCX_PARTS, "word/document.xml": text, "word/copy.xml": text}))


@pytest.mark.parametrize("entries, complaint", [
    ({**DOCX_PARTS, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "macros"),
    ({"a.txt": b"hello"}, "Archives are not accepted"),
    ({**DOCX_PARTS, "../../x": b"x"}, "path"),
])
def test_archives_that_are_no_plain_document_are_refused(entries, complaint):
    assert complaint in refusal(make_zip(entries))


def test_a_zip_with_two_parts_of_one_name_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document>one</w:document>")
        with pytest.warns(UserWarning):
            archive.writestr("word/document.xml", b"<w:document>two</w:document>")
    assert "same name" in refusal(buffer.getvalue())


def test_the_first_bytes_alone_decide_nothing():
    for data in (b"MZ\x90\x00" + b"\x00" * 64, b"\x7fELF" + b"\x00" * 64, b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                 b"<!DOCTYPE html><html></html>"):
        assert "not accepted" in refusal(data)


def test_type_labels_live_with_the_file_types():
    from casefiles.materials import filetypes

    assert filetypes.type_label("application/pdf") == "PDF"
    assert filetypes.type_label("image/jpeg") == "JPEG"
    assert filetypes.type_label("text/plain") == "text/plain"
