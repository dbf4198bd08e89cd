"""What every stored upload records: its SHA-256 and size, read in chunks (never the whole file in memory); the
check of an uploaded PDF; and the storage of files the public may get only through a view that checks them."""

import hashlib
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _


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
    upload: FCD's documents, signed minutes): it starts with %PDF- and pypdf can read it."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    limit = settings.REPORTS_UPLOAD_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="too_large",
            params={"size": round(file.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
        )
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head != b"%PDF-":
        raise ValidationError(
            _("The file is not a PDF: a PDF file starts with “%%PDF-”. Export the document as PDF and try again."),
            code="not_pdf",
        )
    try:
        pages = len(PdfReader(file).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ValidationError(
            _("The file starts like a PDF but cannot be read (it may be damaged or incomplete)."), code="bad_pdf"
        ) from exc
    finally:
        file.seek(0)
    if pages < 1:
        raise ValidationError(_("The PDF has no pages."), code="bad_pdf")


class PrivateStorage(FileSystemStorage):
    """Files under the folder a setting names (`root_setting`), outside MEDIA_ROOT (which the site serves to
    anyone): no public address of their own, a view serves each file after checking it may. The root is read on
    each use, so tests can point it elsewhere with the settings fixture. Subclasses are @deconstructible (for
    migrations) and name their setting."""

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
