"""What an uploaded file is, decided from its bytes (never from its name or the type the browser sent), and the
copy of it the portal keeps.

Accepted and shown in the browser: PDF, JPEG, PNG and WebP. Accepted as downloads only: office documents (DOCX,
XLSX, PPTX, ODT and ODS by their ZIP structure, read from the central directory within bounds; legacy DOC and XLS by
their OLE directory) and tables as CSV (UTF-8 text). Everything else (a web page, an SVG drawing, a script, a
program, a "PDF" that is really a web page) is refused with a message that says what is accepted.

Photos are decoded and encoded again, upright, without their metadata (EXIF, XMP, comments: phones write the GPS
position of where a photo was taken there), so the portal keeps and serves pixels only. Every check is bounded
(pixels, PDF pages and streams, unpacked bytes), so a hostile file is refused in a moment instead of exhausting
the worker that opens it.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .files import pdf_check, zip_directory


@dataclass(frozen=True)
class FileKind:
    """A type of file the portal accepts: its content type, the extension of its stored name, and whether a
    browser may show it (PDF, images) or only download it."""

    label: str
    content_type: str
    extension: str
    inline: bool


PDF = FileKind("PDF", "application/pdf", "pdf", True)
JPEG = FileKind("JPEG", "image/jpeg", "jpg", True)
PNG = FileKind("PNG", "image/png", "png", True)
WEBP = FileKind("WebP", "image/webp", "webp", True)
DOCX = FileKind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", False)
XLSX = FileKind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", False)
PPTX = FileKind("PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", False)
ODT = FileKind("ODT", "application/vnd.oasis.opendocument.text", "odt", False)
ODS = FileKind("ODS", "application/vnd.oasis.opendocument.spreadsheet", "ods", False)
DOC = FileKind("DOC", "application/msword", "doc", False)
XLS = FileKind("XLS", "application/vnd.ms-excel", "xls", False)
CSV = FileKind("CSV", "text/csv", "csv", False)

KINDS = {kind.content_type: kind for kind in (PDF, JPEG, PNG, WEBP, DOCX, XLSX, PPTX, ODT, ODS, DOC, XLS, CSV)}
# Pillow's name of each image format, and the only plugin it may use to open it.
IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}

NOT_ACCEPTED = _(
    "This type of file is not accepted. Upload a PDF, a photo (JPEG, PNG or WebP), an office document (DOCX, "
    "XLSX, PPTX, ODT, ODS, DOC or XLS) or a table as CSV."
)
MARKUP = _(
    "Web pages, SVG drawings and other markup files are not accepted: opened from the portal they could act on "
    "behalf of whoever opens them. Upload a PDF, a photo (JPEG, PNG or WebP), an office document (DOCX, XLSX, "
    "PPTX, ODT, ODS, DOC or XLS) or a table as CSV."
)
NOT_UTF8 = _(
    "The file is not accepted. If it is a table, save it as “CSV UTF-8” and try again; otherwise upload a PDF, "
    "a photo (JPEG, PNG or WebP) or an office document (DOCX, XLSX, PPTX, ODT, ODS, DOC or XLS)."
)
MACROS = _("Documents with macros are not accepted. Save it as a document without macros and try again.")
TOO_MANY_PIXELS = _(
    "The image has too many pixels; the limit is %(limit)s megapixels. Reduce its resolution and try again."
)
BAD_IMAGE = _(
    "The image cannot be read: it may be damaged or incomplete. Open it on your device, save it again as JPEG "
    "or PNG and try again."
)
TOO_LARGE = _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: what it is, and for a photo the bytes to keep instead of the upload's."""

    kind: FileKind
    content: bytes | None = None


def kind_of(content_type: str) -> FileKind | None:
    """The accepted kind a stored content type names; None for anything else (such a file is never served)."""
    return KINDS.get(content_type)


def check_upload(file, *, max_bytes: int) -> CheckedUpload:
    """1. Refuse a file over `max_bytes`. 2. Decide what it is from its bytes (`detect`). 3. Check it within
    bounds: a PDF is read by pypdf within `conecta.files.pdf_limits()`, a photo is decoded and encoded again
    without its metadata (the bytes to keep instead of the upload's). Raises ValidationError with a message in
    the user's language."""
    if file.size > max_bytes:
        raise ValidationError(
            TOO_LARGE,
            code="too_large",
            params={"size": round(file.size / 1048576, 1), "limit": round(max_bytes / 1048576, 1)},
        )
    kind = detect(file)
    if kind is PDF:
        pdf_check(file)
    if kind in IMAGE_FORMATS:
        return CheckedUpload(kind=kind, content=image_without_metadata(file, kind=kind))
    return CheckedUpload(kind=kind)


# What a file is.

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 4096
# Markup a browser would run or render as a page (HTML, SVG, XML with a stylesheet), wherever it appears in a
# text file: such a file is never taken for a table.
MARKUP_TAG = re.compile(
    rb"<(?:!doctype|\?xml|(?:html|head|body|script|svg|iframe|frame|object|embed|meta|link|style|form|img)\b)",
    re.IGNORECASE,
)
# C0 control characters other than tab, line feed and carriage return: a text table has none.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def detect(file) -> FileKind:
    """What the file is, from its first bytes and, for containers and text, its structure. Raises
    ValidationError for anything the portal does not accept."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(file)
    if head.startswith(OLE_SIGNATURE):
        return _office_ole(file)
    return _text_table(file, head)


def _office_zip(file) -> FileKind:
    """DOCX, XLSX, PPTX (Office Open XML: a [Content_Types].xml and one of word/, xl/, ppt/) or ODT, ODS (an
    OpenDocument "mimetype" first member naming the type), from the ZIP's central directory within bounds."""
    members = zip_directory(file, max_unpacked_bytes=settings.UPLOAD_OFFICE_MAX_UNPACKED_BYTES)
    names = [member.filename for member in members]
    if "[Content_Types].xml" in names:
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise ValidationError(MACROS, code="macros")
        folders = {name.split("/", 1)[0] for name in names if "/" in name}
        found = [kind for folder, kind in (("word", DOCX), ("xl", XLSX), ("ppt", PPTX)) if folder in folders]
        if len(found) == 1:
            return found[0]
    elif members and names[0] == "mimetype" and members[0].file_size <= 100:
        try:
            with zipfile.ZipFile(file) as archive, archive.open(members[0]) as member:
                declared = member.read(100).decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            declared = ""
        finally:
            file.seek(0)
        for kind in (ODT, ODS):
            if declared == kind.content_type:
                return kind
    raise ValidationError(NOT_ACCEPTED, code="not_accepted")


def _office_ole(file) -> FileKind:
    """A legacy Word (a "WordDocument" stream) or Excel ("Workbook" or "Book") file, from its OLE directory.
    Other OLE files (installers, PowerPoint 97, password-protected Office documents) are refused."""
    try:
        streams = ole_stream_names(file)
    except (ValueError, struct.error, OSError):
        streams = set()
    finally:
        file.seek(0)
    if "WordDocument" in streams:
        return DOC
    if streams & {"Workbook", "Book"}:
        return XLS
    raise ValidationError(NOT_ACCEPTED, code="not_accepted")


def ole_stream_names(file) -> set[str]:
    """The names of the streams in an OLE compound file's directory ([MS-CFB]), read sector by sector through
    the file's allocation table; every chain is bounded by the number of sectors the file holds, so a damaged
    or hostile file cannot loop. Raises ValueError if the file is not a compound file."""
    file.seek(0, io.SEEK_END)
    length = file.tell()
    file.seek(0)
    header = file.read(512)
    if len(header) < 512 or not header.startswith(OLE_SIGNATURE):
        raise ValueError("not an OLE file")
    byte_order, sector_shift = struct.unpack_from("<HH", header, 28)
    if byte_order != 0xFFFE or sector_shift not in (9, 12):
        raise ValueError("unknown OLE header")
    size = 1 << sector_shift
    sectors = max(0, (length - size) // size)
    fat_count, first_directory = struct.unpack_from("<II", header, 44)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)
    last_regular = 0xFFFFFFFA

    def sector(number: int) -> bytes:
        if number >= sectors:
            raise ValueError("sector out of range")
        file.seek((number + 1) * size)
        return file.read(size)

    fat_sectors = [n for n in struct.unpack_from("<109I", header, 76) if n < last_regular]
    next_difat, seen = first_difat, 0
    while next_difat < last_regular and seen < min(difat_count, sectors):
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors += [n for n in entries[:-1] if n < last_regular]
        next_difat, seen = entries[-1], seen + 1
    fat: list[int] = []
    for number in fat_sectors[: min(fat_count, sectors)]:
        fat += struct.unpack(f"<{size // 4}I", sector(number))

    names: set[str] = set()
    current, walked = first_directory, 0
    while current < last_regular and walked < sectors:
        data = sector(current)
        for offset in range(0, size, 128):
            name_length, kind = struct.unpack_from("<HB", data, offset + 64)
            if kind == 2 and 2 <= name_length <= 64:
                names.add(data[offset : offset + name_length - 2].decode("utf-16-le", "replace"))
        current = fat[current] if current < len(fat) else last_regular
        walked += 1
    return names


def _text_table(file, head: bytes) -> FileKind:
    """A table as CSV: UTF-8 text (a byte order mark allowed) with no control characters but tab and line ends,
    no markup, and a first line with columns (separated by commas, semicolons or tabs). Read in chunks."""
    if _looks_like_markup(head):
        raise ValidationError(MARKUP, code="markup")
    if b"\x00" in head:
        raise ValidationError(NOT_ACCEPTED, code="not_accepted")
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    first_line: str | None = None
    pending = ""
    tail = b""
    try:
        for chunk in file.chunks():
            # The end of the previous chunk, so that a tag split between two chunks is still found.
            if MARKUP_TAG.search(tail + chunk):
                raise ValidationError(MARKUP, code="markup")
            tail = chunk[-32:]
            text = decoder.decode(chunk)
            if CONTROL.search(text):
                raise ValidationError(NOT_ACCEPTED, code="not_accepted")
            if first_line is None:
                pending += text
                if "\n" in pending or len(pending) > 65536:
                    first_line = pending.split("\n", 1)[0]
        text = decoder.decode(b"", final=True)
        if first_line is None:
            first_line = (pending + text).split("\n", 1)[0]
    except UnicodeDecodeError as exc:
        raise ValidationError(NOT_UTF8, code="not_utf8") from exc
    finally:
        file.seek(0)
    if not any(separator in first_line for separator in (",", ";", "\t")):
        raise ValidationError(NOT_ACCEPTED, code="not_accepted")
    return CSV


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return start.startswith(b"<") or bool(MARKUP_TAG.search(head))


# Photos.


def image_without_metadata(file, *, kind: FileKind) -> bytes:
    """The photo decoded and encoded again in its own format: turned upright as its EXIF orientation says, then
    with no EXIF, XMP, comments or text chunks (only its colour profile and transparency are kept). An image of
    more than settings.UPLOAD_IMAGE_MAX_PIXELS pixels is refused before it is decoded (Pillow's decompression
    bomb warning counts as a refusal too), and so is one Pillow cannot decode."""
    from PIL import Image, ImageOps

    limit = settings.UPLOAD_IMAGE_MAX_PIXELS
    too_many = ValidationError(TOO_MANY_PIXELS, code="image_too_large", params={"limit": round(limit / 1e6, 1)})
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[IMAGE_FORMATS[kind]]) as image:
                width, height = image.size
                if width * height > limit:
                    raise too_many
                icc_profile = image.info.get("icc_profile")
                transparency = image.info.get("transparency")
                try:
                    upright = ImageOps.exif_transpose(image)
                except (ValueError, TypeError, KeyError, struct.error, ZeroDivisionError):
                    # Unreadable EXIF: the photo is kept as it lies (its pixels are checked by copying them).
                    upright = image.copy()
                upright.info = {}
                options: dict = {"icc_profile": icc_profile} if icc_profile else {}
                out = io.BytesIO()
                if kind is JPEG:
                    upright.save(out, "JPEG", quality=90, **options)
                elif kind is PNG:
                    if transparency is not None:
                        options["transparency"] = transparency
                    upright.save(out, "PNG", **options)
                else:
                    upright.save(out, "WEBP", quality=90, **options)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many from exc
    except Exception as exc:  # noqa: BLE001 - a decoder meeting hostile bytes raises almost anything
        raise ValidationError(BAD_IMAGE, code="bad_image") from exc
    finally:
        file.seek(0)
    return out.getvalue()


# Names.


def original_file_name(name: str) -> str:
    """The name the uploaded file had, kept to show staff and to name downloads: no folders, no control or
    formatting characters (a right-to-left override can disguise an extension), spaces collapsed, at most 200
    characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = " ".join(base.split()).strip(" .")
    if len(base) > 200:
        stem, dot, extension = base.rpartition(".")
        base = f"{stem[: 199 - len(extension)]}.{extension}" if dot and len(extension) <= 10 else base[:200]
    return base or "archivo"


def download_name(original: str, kind: FileKind) -> str:
    """The name a download is saved under: the original name's stem in plain letters, digits and hyphens, and
    the extension of what the file IS (an image uploaded as "acta.pdf" downloads as "acta.jpg")."""
    stem = original.rpartition(".")[0] or original
    return f"{slugify(stem)[:80].strip('-') or 'archivo'}.{kind.extension}"
