"""Files that must never change once published (report PDFs, the monitor's documents, signed minutes, evidence),
and the check that they have not.

Written once:
1. Each file gets a name no other record, and no other instance sharing the folder, can take: a random token
   (and the record's id where the record has one) in its name (`unique_name`).
2. It is written to a temporary file beside its place, then given its name with os.link, which fails when the
   name exists (`link_exclusively`); never os.replace, which would overwrite whatever had it.
3. It is made read-only on disk (0444).
4. The models refuse to point a published record at another file: a change is a new version or document.

Checked daily: `published_files_verify` reads every published file that the apps register
(conecta.extensions.register_published_files) and compares its SHA-256 and size with what the portal shows;
`manage.py verify_files` prints what differs and e-mails the planners.
"""

from __future__ import annotations

import errno
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import get_valid_filename
from django.utils.translation import gettext

from .extensions import PublishedFile, published_files
from .files import PrivateStorage, fingerprint
from .mail import send_templated

READ_ONLY = 0o444


class PublishedFileFrozen(Exception):
    """Raised when something tries to change the file of a published record."""


def unique_name(directory: str, stem: str, extension: str, *, record_id: int | None = None) -> str:
    """`directory/stem-<id>-<random token>.extension`: a name nobody else picks (64 random bits)."""
    parts = [get_valid_filename(stem) or "file"]
    if record_id is not None:
        parts.append(str(record_id))
    parts.append(secrets.token_hex(8))
    return f"{directory.rstrip('/')}/{'-'.join(parts)}.{extension.lstrip('.')}"


def link_exclusively(temporary: Path, target: Path) -> None:
    """Give the finished `temporary` file its name `target`, read-only. Raises FileExistsError, and leaves what
    holds the name untouched, when `target` exists. `temporary` is gone afterwards either way."""
    try:
        os.chmod(temporary, READ_ONLY)
        _link_or_copy(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _link_or_copy(source: Path, target: Path) -> None:
    """A second name for `source` (a hard link), or on a file system without them an exclusively created copy;
    FileExistsError when `target` exists."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        _copy_exclusively(source, target)


def _copy_exclusively(source: Path, target: Path) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), READ_ONLY)
    try:
        with os.fdopen(descriptor, "wb") as out, source.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def temporary_beside(target: Path) -> Path:
    """An empty temporary file in `target`'s folder (created with it), for a writer to fill before linking."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    return Path(temporary)


def file_would_change(instance, field: str, published, *fingerprint_fields: str) -> bool:
    """Whether saving `instance` would replace or remove the file in `field` (or change its fingerprint fields)
    that the stored row, if it is among `published` (a queryset of the rows the public sees), points at."""
    if instance.pk is None:
        return False
    stored = published.filter(pk=instance.pk).values(field, *fingerprint_fields).first()
    if stored is None or not stored[field]:
        return False
    current = getattr(instance, field)
    if current and not getattr(current, "_committed", True):
        return True  # a new upload
    now = (current.name or "", *(getattr(instance, name) for name in fingerprint_fields))
    return now != tuple(stored[name] for name in (field, *fingerprint_fields))


class WriteOnceStorage(PrivateStorage):
    """A PrivateStorage that never overwrites: each save writes a temporary file, then links it exclusively to
    its name (a free one: on a clash, Django's get_available_name picks another), read-only."""

    def _save(self, name, content):
        target = Path(self.path(name))
        temporary = temporary_beside(target)
        try:
            with temporary.open("wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, READ_ONLY)
            while True:
                try:
                    _link_or_copy(temporary, target)
                except FileExistsError:
                    name = self.get_available_name(name)
                    target = Path(self.path(name))
                    continue
                break
        finally:
            temporary.unlink(missing_ok=True)
        return os.path.relpath(target, self.location).replace("\\", "/")


# The daily check.


@dataclass(frozen=True)
class FileProblem:
    file: PublishedFile
    problem: str  # MISSING, DIFFERS or UNREADABLE
    sha256: str = ""
    size: int | None = None
    error: str = ""

    MISSING = "missing"
    DIFFERS = "differs"
    UNREADABLE = "unreadable"

    def describe(self) -> str:
        """One line, in the active language, for the command's output and the planners' e-mail."""
        item = self.file
        if self.problem == self.MISSING:
            return gettext("MISSING: %(what)s (%(name)s): the file is not there.") % {
                "what": item.what,
                "name": item.name,
            }
        if self.problem == self.UNREADABLE:
            return gettext("UNREADABLE: %(what)s (%(name)s): %(error)s") % {
                "what": item.what,
                "name": item.name,
                "error": self.error,
            }
        return gettext(
            "DIFFERS: %(what)s (%(name)s): the portal shows SHA-256 %(expected)s and %(expected_size)s bytes; the "
            "file has SHA-256 %(found)s and %(found_size)s bytes."
        ) % {
            "what": item.what,
            "name": item.name,
            "expected": item.sha256 or "—",
            "expected_size": "—" if item.size is None else item.size,
            "found": self.sha256,
            "found_size": self.size,
        }


def _digest(item: PublishedFile) -> tuple[str, int]:
    with item.storage.open(item.name, "rb") as handle:
        return fingerprint(handle)


def published_files_verify() -> tuple[int, list[FileProblem]]:
    """Read every registered published file again: (how many were checked, what is missing or differs)."""
    checked, problems = 0, []
    for item in published_files():
        checked += 1
        try:
            sha256, size = _digest(item)
        except FileNotFoundError:
            problems.append(FileProblem(item, FileProblem.MISSING))
            continue
        except OSError as exc:
            problems.append(FileProblem(item, FileProblem.UNREADABLE, error=f"{exc.__class__.__name__}: {exc}"))
            continue
        if sha256 != item.sha256 or (item.size is not None and size != item.size):
            problems.append(FileProblem(item, FileProblem.DIFFERS, sha256=sha256, size=size))
    return checked, problems


def published_files_notify(*, problems: list[FileProblem], checked: int, recipients: list[str], language: str) -> bool:
    """E-mail `recipients`, in `language`, the published files that are missing or differ. False when there is
    nothing to say or nobody to say it to."""
    if not problems or not recipients:
        return False
    send_templated(
        to=recipients,
        template="conecta/email/files_differ",
        context=lambda: {
            "lines": [problem.describe() for problem in problems],
            "checked": checked,
            "count": len(problems),
        },
        language=language,
    )
    return True
