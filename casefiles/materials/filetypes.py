"""What an uploaded file is, judged from all of its bytes — never from its name.

``inspect`` names the kind of a file (PDF, JPEG, PNG, OFD, DOCX, XLSX) or refuses it. Its
first bytes only choose which check runs; the check then reads the whole file as that kind:

- PDF: it parses (pypdf), has a page, opens without a password, and carries no active
  content — JavaScript, actions that launch, submit, import or open other files, automatic
  actions (``/OpenAction``, ``/AA``) other than going to a page, embedded files, rich media,
  3D, XFA forms. Such a file is **refused, not neutralised**: a material is the applicant's
  evidence, and a rewritten copy would not be the file they signed and whose hash the journal
  keeps; an honest scan never needs any of it.
- JPEG, PNG: the image decodes (Pillow) within ``MAX_PIXELS`` (decompression bombs), and
  nothing follows its end but padding — a JPEG may carry further JPEGs (HDR gain maps, MPO).
- OFD, DOCX, XLSX (zips): every entry is inflated and the bytes it really produces are
  counted, against a running cap per entry, in all and on the ratio — the sizes the headers
  declare must match them, never stand in for them; the entry count, paths, names and local
  headers are checked; no macros; nothing after the archive's end.
- No polyglots: a PDF, JPEG or PNG with web page, script or SVG markup among its bytes, or an
  archive at its end, is refused — it would be another file to another program.

Every refusal is an ``UploadRefused`` saying why, for the person uploading. ``download_name``
gives the name a file is served under: the name shown, with the detected kind's extension.
"""

import io
import os
import re
import struct
import threading
import zipfile
import zlib
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NullObject

from casefiles.errors import Invalid

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "ofd": ("application/ofd", ".ofd"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}
# Further extensions a name may already end in and keep.
ALIASES = {"jpeg": {".jpeg", ".jpe"}}
# The upload inputs' ``accept`` attribute.
ACCEPT = ",".join([extension for _ct, extension in KINDS.values()] + sorted(e for a in ALIASES.values() for e in a))
# How a file's type is shown beside it (portal slots, bundle slots): "PDF", "JPEG", ...
TYPE_LABELS = {content_type: kind.upper() for kind, (content_type, _extension) in KINDS.items()}


def type_label(content_type: str) -> str:
    """The short label of a stored content type (the content type itself when it is not one we accept)."""
    return TYPE_LABELS.get(content_type, content_type)


class UploadRefused(Invalid):
    """A file that cannot be taken as it is (``Invalid``: 400); ``message`` says why."""


def limits() -> dict:
    return {
        "MAX_BYTES": 20 * 1024 * 1024,
        "MAX_ZIP_ENTRIES": 2000,
        "MAX_UNPACKED_BYTES": 200 * 1024 * 1024,
        "MAX_ENTRY_BYTES": 100 * 1024 * 1024,
        "MAX_RATIO": 100,
        # An A4 page scanned at 600 dpi is 35 million pixels, a 50-megapixel photo 50 million.
        "MAX_PIXELS": 50_000_000,
        "MAX_TEXT_CHARS": 500_000,
        **getattr(settings, "YIWANG_UPLOADS", {}),
    }


def kind_of(content_type: str) -> str | None:
    return next((kind for kind, (ct, _ext) in KINDS.items() if ct == content_type), None)


def download_name(name: str, content_type: str) -> str:
    """The name a file is served under: the name shown, ending in the extension of the kind its
    bytes were found to be. A PDF uploaded as ``scan.hta`` downloads as ``scan.pdf``.

    The wrong extension is replaced, not kept in front (``scan.hta.pdf``): with extensions
    hidden, as Windows hides them, a double extension is the disguise itself. A suffix that is
    no extension (``v1.2``, ``2024.03``: no letter in it) stays, and the extension follows.
    """
    kind = kind_of(content_type)
    extension = KINDS[kind][1] if kind else ".bin"
    right = {extension} | ALIASES.get(kind, set()) if kind else set()
    name = str(name or "").strip().rstrip(". ") or "file"  # Windows drops trailing dots and spaces
    stem, suffix = os.path.splitext(name)
    if suffix.lower() in right:
        return name
    if stem and re.fullmatch(r"\.(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,10}", suffix):
        if os.path.splitext(stem)[1].lower() in right:  # scan.pdf.exe: what is left is right
            return stem
        name = stem
    return name + extension


# --- the checks -----------------------------------------------------------------------------

def inspect(data: bytes) -> str:
    """The kind of file ``data`` is, checked whole; ``UploadRefused`` when it is none of them."""
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        _check_image(data, "jpeg")
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_image(data, "png")
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return _check_zip(data)
    raise UploadRefused(_("This kind of file is not accepted: upload PDF, OFD, JPEG, PNG, DOCX or XLSX."))


# Markup another program would run: browsers, viewers that sniff, anything that looks for a web
# page inside a file. Each is long enough (a tag with what must follow it) that compressed
# image or page data does not spell it by chance.
MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|frameset|object|embed|svg|style|meta)[\s/>]|javascript:",
    re.IGNORECASE,
)
PADDING = b"\x00\t\n\r\f "


def _refuse_markup(data: bytes) -> None:
    if MARKUP.search(data):
        raise UploadRefused(_(
            "The file contains web page or script code besides its own content (a disguised file), which is not accepted."
        ))


def _carries_more():
    return UploadRefused(_(
        "The file carries other data after its end (an attached archive, a motion photo's video …): "
        "save it again as a plain file, then upload that."
    ))


def _refuse_trailing(data: bytes, end: int) -> None:
    if data[end:].strip(PADDING):
        raise _carries_more()


def _damaged_image(kind: str):
    return UploadRefused(_("The image cannot be read: it is damaged, or not really a %(kind)s.") % {"kind": kind.upper()})


# --- PDF ------------------------------------------------------------------------------------

# Actions that run, send, fetch or open something, wherever they are.
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR", "/RichMediaExecute",
                  "/Rendition", "/Movie", "/Sound"}
# Keys that hold scripts, embedded files or forms that compute.
ACTIVE_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/EmbeddedFiles": "/EmbeddedFiles",
               "/EmbeddedFile": "/EmbeddedFile", "/EF": "/EmbeddedFile", "/RichMedia": "/RichMedia",
               "/RichMediaContent": "/RichMedia", "/XFA": "/XFA"}
ACTIVE_ANNOTATIONS = {"/RichMedia", "/3D", "/FileAttachment", "/Screen", "/Movie", "/Sound"}
MAX_PDF_OBJECTS = 500_000


def _check_pdf(data: bytes) -> None:
    damaged = UploadRefused(_("The PDF cannot be read: it is damaged, or not really a PDF."))
    _refuse_markup(data)
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise damaged
    _refuse_trailing(data, end + len(b"%%EOF"))
    if data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557)) >= 0:  # an archive's end record
        raise _carries_more()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UploadRefused(_("The PDF is protected by a password: save it again without one, then upload that."))
        if len(reader.pages) < 1:
            raise UploadRefused(_("The PDF has no pages."))
        found = _active_content(reader)
    except UploadRefused:
        raise
    except Exception:  # pypdf's errors are many (and so are a damaged file's ways to raise them)
        raise damaged from None
    if found:
        raise UploadRefused(_(
            "The PDF contains active content (%(what)s), which is not accepted: print it to a new PDF or scan "
            "the paper again, then upload that."
        ) % {"what": found})


def _active_content(reader) -> str | None:
    """The first active construct in any object of the file (every object the cross-reference
    lists, reached from the catalog or not), or None."""
    roots = [reader.trailer]
    for generation, entries in reader.xref.items():
        roots += [IndirectObject(number, generation, reader) for number in entries]
    roots += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    if len(roots) > MAX_PDF_OBJECTS:
        raise UploadRefused(_("The PDF has too many parts to be checked: print it to a new PDF, then upload that."))
    for root in roots:
        stack = [root.get_object() if isinstance(root, IndirectObject) else root]
        while stack:  # each object's direct parts; indirect ones are roots of their own
            obj = stack.pop()
            if isinstance(obj, DictionaryObject):
                found = _active_dictionary(obj)
                if found:
                    return found
                stack += [value for value in obj.values() if not isinstance(value, IndirectObject)]
            elif isinstance(obj, ArrayObject):
                stack += [value for value in obj if not isinstance(value, IndirectObject)]
    return None


def _active_dictionary(obj) -> str | None:
    for key, what in ACTIVE_KEYS.items():
        if key in obj:
            return what
    action = obj.get("/S")
    if action in ACTIVE_ACTIONS:
        return str(action)
    if action == "/URI" and str(obj.get("/URI", "")).strip().lower().startswith(("javascript:", "file:", "data:")):
        return "/URI"
    if obj.get("/Subtype") in ACTIVE_ANNOTATIONS:
        return str(obj["/Subtype"])
    for trigger in ("/OpenAction", "/AA"):
        if trigger in obj and not _only_goes_to_pages(obj[trigger]):
            target = obj[trigger].get_object()
            named = target.get("/S") if isinstance(target, dict) else None
            return str(named) if named in ACTIVE_ACTIONS else trigger
    return None


def _only_goes_to_pages(value, depth=0) -> bool:
    """Whether an automatic action does no more than show a page (a destination, GoTo)."""
    value = value.get_object()
    if depth > 50:
        return False
    if isinstance(value, ArrayObject):  # a destination: [page /Fit]
        return True
    if not isinstance(value, DictionaryObject):
        return False
    if "/S" not in value:  # /AA: a dictionary of triggers, each an action
        return all(_only_goes_to_pages(action, depth + 1) for action in value.values())
    if value["/S"] != "/GoTo":
        return False
    following = value.get("/Next")
    following = None if following is None else following.get_object()
    if following is None or isinstance(following, NullObject):
        return True
    actions = following if isinstance(following, ArrayObject) else [following]
    return all(_only_goes_to_pages(action, depth + 1) for action in actions)


# --- images ---------------------------------------------------------------------------------

def _check_image(data: bytes, kind: str) -> None:
    _refuse_markup(data)
    if kind == "jpeg":
        end = _jpeg_end(data, 0)
        while True:  # further images of the same file (HDR gain maps, MPO) follow the first
            start = len(data) - len(data[end:].lstrip(PADDING))
            if not data.startswith(b"\xff\xd8\xff", start):
                break
            end = _jpeg_end(data, start)
    else:
        end = _png_end(data)
    _refuse_trailing(data, end)
    limit = limits()["MAX_PIXELS"]
    too_large = UploadRefused(_("The image has more than %(limit)d million pixels, which is not accepted.")
                              % {"limit": limit // 1_000_000})
    try:
        with _strict_decoding(), Image.open(io.BytesIO(data), formats=["JPEG"] if kind == "jpeg" else ["PNG"]) as image:
            width, height = image.size
            if width * height > limit:  # before decoding: a bomb is refused by its declared size
                raise too_large
            if kind == "jpeg":  # decoded whole at an eighth of the size: every byte read, little memory
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except UploadRefused:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except Exception:  # Pillow's errors for a file it cannot decode
        raise _damaged_image(kind) from None


_decoding = threading.Lock()


@contextmanager
def _strict_decoding():
    """Damaged image data is an error again while an upload is checked. WeasyPrint sets
    Pillow's ``LOAD_TRUNCATED_IMAGES`` for the whole process when it is imported
    (weasyprint/images.py), and Pillow then decodes a truncated or garbled image without a
    word. One check at a time, so that the setting found is always the one put back."""
    with _decoding:
        found = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = found


def _jpeg_end(data: bytes, start: int) -> int:
    """Where the JPEG that starts at ``start`` ends (just after its EOI marker), following its
    segments by their lengths and its scans to their next marker."""
    damaged = _damaged_image("jpeg")
    size, i = len(data), start + 2
    while True:
        if i >= size or data[i] != 0xFF:
            raise damaged
        while i < size and data[i] == 0xFF:  # fill bytes before a marker
            i += 1
        if i >= size:
            raise damaged
        marker = data[i]
        i += 1
        if marker == 0xD9:  # EOI
            return i
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if i + 2 > size:
            raise damaged
        length = int.from_bytes(data[i:i + 2], "big")
        if length < 2:
            raise damaged
        i += length
        if marker == 0xDA:  # a scan: entropy-coded data up to the next real marker
            while True:
                i = data.find(b"\xff", i)
                if i < 0 or i + 1 >= size:
                    raise damaged
                if data[i + 1] == 0x00 or 0xD0 <= data[i + 1] <= 0xD7:  # a stuffed byte, a restart
                    i += 2
                    continue
                break


def _png_end(data: bytes) -> int:
    """Where the PNG ends: just after its IEND chunk."""
    size, i = len(data), 8
    while i + 12 <= size:
        length, chunk = struct.unpack(">I4s", data[i:i + 8])
        i += 12 + length
        if chunk == b"IEND" and i <= size:
            return i
    raise _damaged_image("png")


# --- archives: OFD, DOCX, XLSX ----------------------------------------------------------------

RATIO_FLOOR = 1_000_000  # small parts compress very well and honestly: the ratio counts beyond this
CHUNK = 64 * 1024


def _check_zip(data: bytes) -> str:
    limit = limits()
    damaged = UploadRefused(_("The file is damaged: it looks like an archive but cannot be read."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise damaged from None
    if len(entries) > limit["MAX_ZIP_ENTRIES"]:
        raise UploadRefused(_("The document contains too many parts to be a real document."))
    names = [entry.filename for entry in entries]
    for name in names:
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            raise UploadRefused(_("The document contains a part with a path outside itself."))
    if len(set(names)) != len(names):  # two programs could read two different documents
        raise UploadRefused(_("The document contains two parts with the same name."))
    if any(name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in names):
        raise UploadRefused(_("The document contains macros, which are not accepted: save it as a document without macros."))
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise damaged
    comment_length = int.from_bytes(data[end + 20:end + 22], "little")
    _refuse_trailing(data, end + 22 + comment_length)
    _refuse_markup(archive.comment)
    total = 0
    for entry in entries:
        total += _inflate(data, entry, limit, total)
    if "OFD.xml" in names:
        return "ofd"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UploadRefused(_("Archives are not accepted: upload PDF, OFD, JPEG, PNG, DOCX or XLSX."))


def _inflate(data: bytes, entry: zipfile.ZipInfo, limit: dict, total: int) -> int:
    """Inflate one entry from its local header on, counting the bytes it really produces (never
    trusting the sizes declared); returns them, once they matched the declared size and CRC."""
    bomb = UploadRefused(_("The document unpacks to far more than its size (a compression bomb)."))
    forged = UploadRefused(_("The document's parts are not what its headers declare (a damaged or forged file)."))
    header = data[entry.header_offset:entry.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise forged
    flags, method = struct.unpack("<HH", header[6:10])
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = entry.header_offset + 30
    local_name = data[start:start + name_length].decode("utf-8" if flags & 0x800 else "cp437", "replace")
    if local_name != entry.orig_filename or method != entry.compress_type:
        raise forged
    if entry.flag_bits & 0x1 or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UploadRefused(_("The document is encrypted or packed in a way that cannot be checked."))
    start += name_length + extra_length
    if entry.compress_type == zipfile.ZIP_STORED:
        produced, consumed = entry.compress_size, entry.compress_size
        if start + produced > len(data):
            raise forged
        crc = zlib.crc32(data[start:start + produced])
    else:
        produced, consumed, crc = _deflated(data, start, limit, total, bomb, forged)
    if produced > limit["MAX_ENTRY_BYTES"] or total + produced > limit["MAX_UNPACKED_BYTES"]:
        raise bomb
    if (produced, consumed, crc) != (entry.file_size, entry.compress_size, entry.CRC):
        raise forged
    return produced


def _deflated(data, start, limit, total, bomb, forged):
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    view, position, produced, crc = memoryview(data), start, 0, 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            elif position < len(data):
                chunk, position = view[position:position + CHUNK], position + CHUNK
            else:
                raise forged  # the data ends before the entry does
            out = inflater.decompress(chunk, CHUNK)
            produced += len(out)
            crc = zlib.crc32(out, crc)
            consumed = min(position, len(data)) - start - len(inflater.unconsumed_tail)
            if (produced > limit["MAX_ENTRY_BYTES"] or total + produced > limit["MAX_UNPACKED_BYTES"]
                    or (produced > RATIO_FLOOR and produced > limit["MAX_RATIO"] * max(consumed, 1))):
                raise bomb
    except zlib.error:
        raise forged from None
    consumed = min(position, len(data)) - start - len(inflater.unused_data)
    return produced, consumed, crc
