"""What every stored upload records: its SHA-256 and size, read in chunks (never the whole file in memory); the
bounded check of an uploaded PDF; the storage of files the public may get only through a view that checks them, and
the one response every such view sends (`stored_file_response`). What any other upload is (an image, an office
document, a table) is decided in conecta.uploads."""

import hashlib
import os
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext_lazy as _

# A stored upload is never run as a page of the portal, whatever it holds: no script, no plugin, no form, sandboxed.
FILE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; "
    "sandbox"
)
# A public file's address carries the start of its SHA-256, so the bytes at an address never change: a browser keeps
# them without asking again. A day bounds how long a shared cache may keep a file that staff withdraw.
PUBLIC_FILE_CACHE = "public, max-age=86400, immutable"


def fingerprint(file) -> tuple[str, int]:
    """(SHA-256 hex digest, size in bytes) of a Django File, leaving it rewound for the storage to save."""
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest(), file.size


def needs_fingerprint(file, sha256: str) -> bool:
    """A file with no digest yet, or a new upload replacing the stored one."""
    return bool(file) and (not sha256 or not getattr(file, "_committed", True))


def validate_pdf_upload(file) -> None:
    """A real PDF, no larger than settings.REPORTS_UPLOAD_MAX_BYTES (the limit of every PDF staff or the monitor
    upload: FCD's documents, signed minutes), that pypdf can read within the bounds of `pdf_check`."""
    limit = settings.REPORTS_UPLOAD_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="too_large",
            params={"size": round(file.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
        )
    pdf_check(file)


def pdf_limits() -> dict:
    """pypdf's own limits (pypdf.Configuration, pypdf >= 7), lowered to what checking an upload needs: the only
    streams it decodes are cross-reference and object streams, none of which may unpack past
    settings.UPLOAD_PDF_MAX_STREAM_BYTES; and no outside program (jbig2dec) is ever started on an upload."""
    stream = settings.UPLOAD_PDF_MAX_STREAM_BYTES
    return {
        "maximum_declared_stream_length": stream,
        "array_based_stream_maximum_output_length": stream,
        "jbig2_maximum_output_length": stream,
        "lzw_maximum_output_length": stream,
        "run_length_maximum_output_length": stream,
        "zlib_maximum_output_length": stream,
        "brotli_maximum_output_length": stream,
        "image_maximum_buffer_size": stream,
        "stream_decoding_work_maximum_length": 4 * stream,
        "jbig2dec_binary": None,
    }


def pdf_check(file) -> int:
    """The number of pages an uploaded PDF declares, read by pypdf within `pdf_limits()`: the file starts with
    %PDF-, its cross-reference sections, its catalog and its page tree's root can be read, it opens without a
    password, and it has 1 to settings.UPLOAD_PDF_MAX_PAGES pages.

    What is read is bounded whatever the file holds: the page tree is not walked (each page may sit in an object
    stream of its own, and pypdf keeps every decoded stream), so at most two object streams are decoded besides
    the cross-reference streams, whose entries are capped at settings.UPLOAD_PDF_MAX_OBJECTS in all (each
    200,000 entries cost about a second and 35 MB; pypdf's own cap of two million lets a 20 KB file cost six
    seconds and 230 MB). No content stream (text, images) is ever decoded."""
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError, PyPdfError

    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head != b"%PDF-":
        raise ValidationError(
            _("The file is not a PDF: a PDF file starts with “%%PDF-”. Export the document as PDF and try again."),
            code="not_pdf",
        )
    try:
        with apply_configuration(**pdf_limits()):
            reader = PdfReader(file, xref_stream_maximum_entries=settings.UPLOAD_PDF_MAX_OBJECTS)
            tree = reader.root_object["/Pages"].get_object()
            pages = tree["/Count"]
    except (FileNotDecryptedError, DependencyError) as exc:
        raise ValidationError(
            _(
                "The PDF is protected with a password or encrypted, so the portal cannot check it and citizens "
                "could not open it. Save or print it again as PDF without protection and try again."
            ),
            code="encrypted_pdf",
        ) from exc
    except (LimitReachedError, PdfReadError) as exc:
        if not _caused_by(exc, LimitReachedError):
            raise ValidationError(
                _("The file starts like a PDF but cannot be read (it may be damaged or incomplete)."), code="bad_pdf"
            ) from exc
        raise ValidationError(
            _(
                "The PDF is too complex to check: reading it would take more memory or time than allowed. "
                "Export or print it again as PDF and try again."
            ),
            code="pdf_too_complex",
        ) from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise ValidationError(
            _("The file starts like a PDF but cannot be read (it may be damaged or incomplete)."), code="bad_pdf"
        ) from exc
    finally:
        file.seek(0)
    if not isinstance(pages, int):
        raise ValidationError(
            _("The file starts like a PDF but cannot be read (it may be damaged or incomplete)."), code="bad_pdf"
        )
    if pages < 1:
        raise ValidationError(_("The PDF has no pages."), code="bad_pdf")
    limit = settings.UPLOAD_PDF_MAX_PAGES
    if pages > limit:
        raise ValidationError(
            _("The PDF has %(pages)s pages; the limit is %(limit)s. Split it into smaller files and try again."),
            code="too_many_pages",
            params={"pages": pages, "limit": limit},
        )
    return pages


def _caused_by(exc: BaseException, kind: type) -> bool:
    """Whether `exc` is, or was raised while handling, an exception of `kind` (pypdf wraps some in others)."""
    for _depth in range(8):
        if exc is None:
            return False
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def zip_directory(file, *, max_unpacked_bytes: int, max_members: int = 2000) -> list[zipfile.ZipInfo]:
    """The members of a ZIP container (an XLSX, DOCX or ODT file is one), read from its central directory only,
    refusing an archive that would unpack to more than `max_unpacked_bytes` or holds more than `max_members`
    files. Nothing is decompressed, so a zip bomb is refused in milliseconds and with no memory to speak of.

    The declared sizes can be trusted as a bound: Python's zipfile (which openpyxl reads through) stops each
    member at its declared size and fails the CRC check if the data would go on.
    """
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError(_("The file is damaged or is not what its name says."), code="bad_zip") from exc
    finally:
        file.seek(0)
    if len(members) > max_members:
        raise ValidationError(
            _("The file holds too many parts (%(count)s; the limit is %(limit)s)."),
            code="too_many_members",
            params={"count": len(members), "limit": max_members},
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes:
        raise ValidationError(
            _(
                "The file would unpack to %(size)s MB, more than the %(limit)s MB allowed. Remove what it does not "
                "need (images, other sheets, formatting) or split it into smaller files."
            ),
            code="too_large_unpacked",
            params={"size": round(unpacked / 1048576, 1), "limit": round(max_unpacked_bytes / 1048576, 1)},
        )
    return members


class PrivateStorage(FileSystemStorage):
    """Files under the folder a setting names (`root_setting`): no public address of their own (the site serves no
    folder of uploads directly, not even MEDIA_ROOT), a view serves each file after checking it may. The root is
    read on each use, so tests can point it elsewhere with the settings fixture. Subclasses are @deconstructible
    (for migrations) and name their setting."""

    root_setting = ""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(getattr(settings, self.root_setting))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        return None


def stored_file_response(request, file, *, content_type: str, filename: str, inline: bool, sha256: str = ""):
    """A stored upload (evidence, a road document, a citizen's photo) as the one response every file view sends:
    the type its bytes were found to be (`content_type`; a CSV said to be UTF-8, as it was checked), `nosniff`, the
    sandboxing policy FILE_CSP, inline only when `inline`. With the file's `sha256` it is public: an ETag, a 304 to
    a browser that has it, and a long cache (its address carries the digest); without, private and never cached
    (staff). 404 when the stored file is missing."""
    response = get_conditional_response(request, etag=f'"{sha256}"') if sha256 else None
    if response is None:
        if not file or not file.storage.exists(file.name):
            raise Http404("missing stored file")
        if content_type == "text/csv":
            content_type = "text/csv; charset=utf-8"
        response = FileResponse(
            file.storage.open(file.name, "rb"), as_attachment=not inline, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = PUBLIC_FILE_CACHE if sha256 else "private, no-store"
    if sha256:
        response["ETag"] = f'"{sha256}"'
    # The portal's own page policy (django-csp's middleware) must not replace or add to this one.
    response._csp_exempt = response._csp_exempt_ro = True
    return response
