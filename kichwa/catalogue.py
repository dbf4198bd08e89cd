"""The Kichwa interface catalogue under the community's review, and its corrections in force without a deploy.

1. `sync_catalogue()` reads locale/qu/LC_MESSAGES/django.po (with the Spanish of locale/es) into InterfaceString,
   one row per message, after every migrate and with `manage.py sync_kichwa_catalogue`. A new message awaits
   review when its Kichwa carries a `review:` note (what append.py and restore_review_flags.py write); otherwise
   the catalogue vouches for it (organisation "catálogo"), or a `reviewed: <organisation>, <date>` mark written
   by the export says who reviewed it. A row keeps its review across syncs, unless the catalogue's Kichwa it
   reviewed changes under it.
2. A reviewer approves the Kichwa, approves it with a correction, or says it needs editing, with a comment
   (`interface_string_review`, from the admin's queue). A correction keeps the English placeholders or is refused.
3. `ensure_current()` lays the approved corrections over the compiled Kichwa catalogue of this process (Django's
   trans_real.translation("qu")._catalog: a dict of ours put ahead of the .mo files' catalogues, with their
   plural rule). Every saved review bumps a version number in the cache once its transaction commits, and
   kichwa.middleware.InterfaceCorrectionsMiddleware (and every Celery task) compares it with the version this
   process loaded: one cache read when nothing changed, one query to load the corrections when it did. The saved
   review also drops the cached public pages (conecta.cache), so /qu/ pages show the correction at once.
4. `export_catalogue()` (`manage.py export_kichwa_catalogue`) writes the reviewed entries back into the .po file,
   each marked `# reviewed: <organisation>, <date>`, and `make messages` compiles them as before.

Plural messages keep their forms in one text field, joined by PLURAL_SEPARATOR; a message with a context is keyed
"context\\x04message" and a plural form (message, index), as gettext does.
"""

from __future__ import annotations

import gettext as gettext_module
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from functools import cache as memoize
from functools import lru_cache
from pathlib import Path

import polib
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, trans_real

from conecta.cache import bump_after_commit

from .models import InterfaceString, ReviewState
from .roles import reviewer_organisation

LANGUAGE = "qu"
# U+2063 INVISIBLE SEPARATOR: a NUL would be stripped on save (conecta.text) and PostgreSQL refuses it in text;
# this one is kept by both, and no message of the catalogue holds it.
PLURAL_SEPARATOR = "\u2063"
CONTEXT_SEPARATOR = "\x04"  # gettext's, as django.utils.translation.pgettext builds its keys
CATALOGUE_ORGANISATION = "catálogo"
REVIEW_NOTE = "review:"
REVIEWED_MARK = "reviewed:"
REVIEWED = re.compile(r"^reviewed: (?P<organisation>.+), (?P<date>\d{4}-\d{2}-\d{2})$")
VERSION_KEY = "kichwa:corrections-version"
# polib's wrapping closest to msgmerge's (lines under 80 columns), for the entries the export rewrites.
WRAP_WIDTH = 79


def po_path(language: str = LANGUAGE) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def catalogue_key(msgctxt: str, msgid: str) -> str:
    return f"{msgctxt}{CONTEXT_SEPARATOR}{msgid}" if msgctxt else msgid


def plural_forms(row: InterfaceString) -> list[str]:
    return row.kichwa.split(PLURAL_SEPARATOR)


# The catalogue's Plural-Forms header: "nplurals=2; plural=(n != 1);" (one, many).
PLURAL_COUNT = 2


def form_count(row: InterfaceString) -> int:
    """How many forms the row's Kichwa has: one, or for a plural message as many as its catalogue entry."""
    if not row.msgid_plural:
        return 1
    written = row.kichwa or row.kichwa_catalogue
    return len(written.split(PLURAL_SEPARATOR)) if written else PLURAL_COUNT


# Reading the catalogue.


@dataclass(frozen=True)
class CatalogueEntry:
    msgctxt: str
    msgid: str
    msgid_plural: str
    kichwa: str  # "" when untranslated or fuzzy (compilemessages leaves a fuzzy entry out)
    note: str  # the translator's review note, without its "review:"
    flagged: bool
    reviewed_by: str  # from a "reviewed: <organisation>, <date>" mark
    reviewed_on: date | None


def entry_text(entry: polib.POEntry) -> str:
    if entry.fuzzy:
        return ""
    if entry.msgid_plural:
        forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
        return PLURAL_SEPARATOR.join(forms) if any(forms) else ""
    return entry.msgstr


def _review_note(entry: polib.POEntry) -> str | None:
    """The entry's review note, or None. The translator comment (`# review: ...`) holds it whole, on as many
    lines as it needs; the extracted comment (`#. review: ...`), which msgmerge drops, only its first line."""
    for comment in (entry.tcomment, entry.comment):
        lines = comment.splitlines()
        for index, line in enumerate(lines):
            if line.startswith(REVIEW_NOTE):
                rest = [more.strip() for more in lines[index + 1 :] if not more.startswith(REVIEWED_MARK)]
                return " ".join([line[len(REVIEW_NOTE) :].strip(), *rest]).strip()
    return None


def _reviewed_mark(entry: polib.POEntry) -> tuple[str, date | None]:
    for line in entry.tcomment.splitlines():
        match = REVIEWED.match(line.strip())
        if match:
            return match["organisation"], date.fromisoformat(match["date"])
    return "", None


def _version(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def read_catalogue(path: Path) -> list[CatalogueEntry]:
    return _read_catalogue(*_version(path))


def read_texts(path: Path) -> dict[tuple[str, str], str]:
    """Another language's catalogue (the Spanish): (context, message) -> its text, plural forms joined."""
    return _read_texts(*_version(path)) if path.exists() else {}


# Each read once per version of its file in this process: polib takes about half a second for each of ours, and
# a test run syncs after every flush of its database.


@lru_cache(maxsize=2)
def _read_catalogue(path: str, mtime_ns: int, size: int) -> list[CatalogueEntry]:
    entries = []
    for entry in polib.pofile(path, wrapwidth=WRAP_WIDTH):
        if entry.obsolete:
            continue
        note = _review_note(entry)
        organisation, reviewed_on = _reviewed_mark(entry)
        entries.append(
            CatalogueEntry(
                msgctxt=entry.msgctxt or "",
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural or "",
                kichwa=entry_text(entry),
                note=note or "",
                flagged=note is not None,
                reviewed_by=organisation,
                reviewed_on=reviewed_on,
            )
        )
    return entries


@lru_cache(maxsize=2)
def _read_texts(path: str, mtime_ns: int, size: int) -> dict[tuple[str, str], str]:
    return {(entry.msgctxt or "", entry.msgid): entry_text(entry) for entry in polib.pofile(path) if not entry.obsolete}


# Loading it into the database.


@dataclass
class SyncResult:
    created: int = 0
    awaiting: int = 0  # of those created, how many await review
    updated: int = 0
    reopened: int = 0  # rows a person had reviewed whose Kichwa the catalogue changed: reviewed anew
    gone: int = 0
    total: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.gone)


def _first_review(entry: CatalogueEntry, now: datetime) -> dict:
    """How a message enters the queue: awaiting review when flagged or untranslated, reviewed by whoever its
    `reviewed:` mark names, else vouched for by the catalogue."""
    if entry.flagged or not entry.kichwa:
        return {"state": ReviewState.AWAITING, "organisation": "", "reviewed_at": None}
    if entry.reviewed_by:
        reviewed_at = timezone.make_aware(datetime.combine(entry.reviewed_on, clock(12)))
        return {"state": ReviewState.APPROVED, "organisation": entry.reviewed_by, "reviewed_at": reviewed_at}
    return {"state": ReviewState.APPROVED, "organisation": CATALOGUE_ORGANISATION, "reviewed_at": now}


SYNCED_FIELDS = [
    "msgid_plural",
    "spanish",
    "kichwa_catalogue",
    "kichwa",
    "note",
    "in_catalogue",
    "state",
    "comment",
    "reviewed_by",
    "organisation",
    "reviewed_at",
]
COMPARED_FIELDS = [name if name != "reviewed_by" else "reviewed_by_id" for name in SYNCED_FIELDS]


def sync_catalogue(*, path: Path | None = None, spanish_path: Path | None = None, using: str = "default") -> SyncResult:
    """Bring InterfaceString up to the Kichwa catalogue at `path` (idempotent: a second run writes nothing).

    1. A message new to the database is created, awaiting review or approved (`_first_review`).
    2. A known one takes the catalogue's English plural, Spanish, Kichwa and note, and keeps its review; its text
       in force follows the catalogue unless a reviewer corrected it. When the catalogue's Kichwa changes under
       a text that was not corrected, the review it had was of another text: the new one enters the queue as a new
       message would (awaiting review when flagged).
    3. A message the catalogue no longer has stays, marked out of the catalogue (`in_catalogue`), with its review.
    4. When anything changed, every process reloads its corrections and the cached pages are dropped.
    """
    path = path or po_path()
    spanish = read_texts(spanish_path or po_path("es"))
    entries = read_catalogue(path)
    result = SyncResult(total=len(entries))
    now = timezone.now()
    manager = InterfaceString.objects.db_manager(using)
    with transaction.atomic(using=using):
        known = {(row.msgctxt, row.msgid): row for row in manager.select_for_update()}
        new, changed = [], []
        for entry in entries:
            row = known.pop((entry.msgctxt, entry.msgid), None)
            if row is None:
                review = _first_review(entry, now)
                result.awaiting += review["state"] == ReviewState.AWAITING
                new.append(
                    InterfaceString(
                        msgctxt=entry.msgctxt,
                        msgid=entry.msgid,
                        msgid_plural=entry.msgid_plural,
                        spanish=spanish.get((entry.msgctxt, entry.msgid), ""),
                        kichwa_catalogue=entry.kichwa,
                        kichwa=entry.kichwa,
                        note=entry.note,
                        **review,
                    )
                )
                continue
            before = [getattr(row, name) for name in COMPARED_FIELDS]
            row.msgid_plural = entry.msgid_plural
            row.spanish = spanish.get((entry.msgctxt, entry.msgid), "")
            row.note = entry.note
            row.in_catalogue = True
            if row.kichwa_catalogue != entry.kichwa:
                corrected = row.corrected
                row.kichwa_catalogue = entry.kichwa
                if not corrected:
                    row.kichwa = entry.kichwa
                    if row.reviewed_by_id is not None or row.organisation not in ("", CATALOGUE_ORGANISATION):
                        result.reopened += 1
                    row.comment, row.reviewed_by = "", None
                    for name, value in _first_review(entry, now).items():
                        setattr(row, name, value)
            if [getattr(row, name) for name in COMPARED_FIELDS] != before:
                changed.append(row)
        gone = [row.pk for row in known.values() if row.in_catalogue]
        manager.bulk_create(new, batch_size=500)
        manager.bulk_update(changed, SYNCED_FIELDS, batch_size=500)
        manager.filter(pk__in=gone).update(in_catalogue=False)
        result.created, result.updated, result.gone = len(new), len(changed), len(gone)
        if result.changed:
            corrections_changed(using=using)
            bump_after_commit(using)
            # This process too: a command or a test run after the sync sees the catalogue as it now stands.
            transaction.on_commit(ensure_current, using=using)
    return result


# Reviewing.

APPROVE = "approve"
APPROVE_CORRECTED = "approve_corrected"
NEEDS_EDITING = "needs_editing"
DECISIONS = {
    APPROVE: ReviewState.APPROVED,
    APPROVE_CORRECTED: ReviewState.APPROVED,
    NEEDS_EDITING: ReviewState.NEEDS_EDITING,
}

# Python's %-placeholders (named and positional) and str.format's {name}; "%%" is a literal percent sign.
NAMED = re.compile(r"%\(\w+\)[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACED = re.compile(r"\{[\w.]*(?:![rsa])?(?::[^{}]*)?\}")


def placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """(named, positional in order, braced): what a translation must keep of its message to be formatted."""
    text = text.replace("%%", "")
    named = frozenset(NAMED.findall(text))
    positional = tuple(POSITIONAL.findall(NAMED.sub("", text)))
    return named, positional, frozenset(BRACED.findall(text))


def _written(found: tuple) -> str:
    names = sorted(found[0]) + list(found[1]) + sorted(found[2])
    return ", ".join(names) if names else gettext("none")


def placeholder_errors(row: InterfaceString, kichwa: str) -> list[str]:
    """Why `kichwa` cannot stand for the row's message: each form keeps the placeholders of the English (for a
    plural form, those of the singular or of the plural), or the page that shows it would fail or lose a value."""
    sources = [placeholders(row.msgid)] + ([placeholders(row.msgid_plural)] if row.msgid_plural else [])
    errors = []
    for form in kichwa.split(PLURAL_SEPARATOR) if row.msgid_plural else [kichwa]:
        found = placeholders(form)
        if found not in sources:
            errors.append(
                gettext(
                    "The Kichwa “%(text)s” must keep the placeholders of the English exactly as written, for they "
                    "are replaced by names and figures: %(expected)s (it has: %(found)s)."
                )
                % {"text": form, "found": _written(found), "expected": _written(sources[-1])}
            )
    return errors


# Markup in a message: its tags, and the characters that end a text or an attribute in HTML. The interface strings
# are printed unescaped ({% translate %} trusts its catalogue), and a reviewer may come from outside the government:
# a correction keeps exactly the English's tags and adds none of these characters.
TAG = re.compile(r"<[^<>]*>")
MARKUP_CHARACTERS = "<>\"'&"


def _markup(text: str) -> tuple[list[str], dict[str, int]]:
    tags = sorted(TAG.findall(text))
    rest = TAG.sub("", text)
    return tags, {character: rest.count(character) for character in MARKUP_CHARACTERS}


def markup_safe(row_msgid: str, row_plural: str, kichwa: str) -> bool:
    """Whether every form of `kichwa` has the tags of the English (singular or plural) and no more of <, >, ", '
    or & than it."""
    sources = [_markup(row_msgid)] + ([_markup(row_plural)] if row_plural else [])
    for form in kichwa.split(PLURAL_SEPARATOR) if row_plural else [kichwa]:
        tags, counts = _markup(form)
        if not any(
            tags == source_tags and all(counts[c] <= source_counts[c] for c in MARKUP_CHARACTERS)
            for source_tags, source_counts in sources
        ):
            return False
    return True


def markup_errors(row: InterfaceString, kichwa: str) -> list[str]:
    if markup_safe(row.msgid, row.msgid_plural, kichwa):
        return []
    return [
        gettext(
            "The Kichwa may not add HTML: keep exactly the tags of the English (%(tags)s) and write no <, >, \", ' "
            "or & that the English does not have."
        )
        % {"tags": ", ".join(_markup(row.msgid)[0]) or gettext("none")}
    ]


def review_errors(*, row: InterfaceString, decision: str, kichwa: str, comment: str) -> dict[str, list[str]]:
    """What stops this review, by form field ("kichwa", "comment", or None for the whole review)."""
    errors: dict[str, list[str]] = {}
    changed = kichwa != row.kichwa
    if decision not in DECISIONS:
        errors[None] = [gettext("Choose Approve, Approve with my correction or Needs editing.")]
    elif decision == APPROVE and changed:
        errors["kichwa"] = [
            gettext("You changed the Kichwa: to keep your change, choose “Approve with my correction”.")
        ]
    elif decision == APPROVE_CORRECTED and not changed:
        errors["kichwa"] = [gettext("The Kichwa is unchanged: correct it first, or choose “Approve”.")]
    elif decision == NEEDS_EDITING and not comment.strip():
        errors["comment"] = [gettext("Say in the comment what needs editing.")]
    if decision in (APPROVE, APPROVE_CORRECTED) and not all(form.strip() for form in kichwa.split(PLURAL_SEPARATOR)):
        errors.setdefault("kichwa", []).append(gettext("Write the Kichwa before approving it."))
    if changed:
        kichwa_errors = placeholder_errors(row, kichwa) + markup_errors(row, kichwa)
        if len(kichwa.split(PLURAL_SEPARATOR)) != form_count(row):
            kichwa_errors.insert(0, gettext("Write every form of the Kichwa (one and many)."))
        if kichwa_errors:
            errors.setdefault("kichwa", []).extend(kichwa_errors)
    return errors


def interface_string_review(
    *, string: InterfaceString, decision: str, by, kichwa: str | None = None, comment: str = ""
) -> InterfaceString:
    """Approve the Kichwa of an interface text, approve it with a correction, or say it needs editing.

    A correction (a Kichwa other than the one stored) may come with "needs editing" too: it is then a proposal,
    in force only once someone approves it. The review records who made it, for which organisation, and when;
    once committed, every process applies it and the cached pages are dropped (the receivers of apps.py).
    Raises ValidationError (by field) when the review cannot be made.
    """
    with transaction.atomic():
        row = InterfaceString.objects.select_for_update().get(pk=string.pk)
        kichwa = row.kichwa if kichwa is None else kichwa.replace("\r\n", "\n")
        errors = review_errors(row=row, decision=decision, kichwa=kichwa, comment=comment)
        if errors:
            raise ValidationError({key or "__all__": value for key, value in errors.items()})
        row.kichwa = kichwa
        row.comment = comment.strip()
        row.state = DECISIONS[decision]
        row.reviewed_by = by
        row.organisation = reviewer_organisation(by)
        row.reviewed_at = timezone.now()
        row.save(update_fields=["kichwa", "comment", "state", "reviewed_by", "organisation", "reviewed_at"])
    return row


# Applying the approved corrections in every process.

_lock = threading.Lock()
# The cache's version of the corrections this process last loaded, and what it loaded (catalogue keys -> Kichwa).
_loaded_version: int | None = None
_corrections: dict = {}
_bump_lost = False
OVERLAY = "_kichwa_corrections"  # on the DjangoTranslation: the dict of ours it reads first, and what it holds


def approved_corrections(using: str = "default") -> dict:
    """The approved Kichwa that differs from the compiled catalogue, as gettext keys: one query."""
    rows = (
        InterfaceString.objects.using(using)
        .filter(state=ReviewState.APPROVED, in_catalogue=True)
        .exclude(kichwa=F("kichwa_catalogue"))
        .exclude(kichwa="")
        .values_list("msgctxt", "msgid", "msgid_plural", "kichwa")
    )
    corrections: dict = {}
    for msgctxt, msgid, msgid_plural, kichwa in rows:
        if not markup_safe(msgid, msgid_plural, kichwa):
            continue  # approved before markup was checked, or written past the review: never printed
        key = catalogue_key(msgctxt, msgid)
        if msgid_plural:
            for index, form in enumerate(kichwa.split(PLURAL_SEPARATOR)):
                corrections[(key, index)] = form
        else:
            corrections[key] = kichwa
    return corrections


@memoize
def _plural_rule():
    """The Kichwa catalogue's own plural rule (its Plural-Forms), by which its plural forms are numbered."""
    for localedir in settings.LOCALE_PATHS:
        try:
            return gettext_module.translation("django", str(localedir), [LANGUAGE]).plural
        except OSError:
            continue
    return lambda n: int(n != 1)


def _install() -> None:
    """Make this process's Kichwa catalogue read `_corrections` first (cheap when it already does)."""
    translation = trans_real.translation(LANGUAGE)
    installed = getattr(translation, OVERLAY, None)
    if installed is not None and installed[1] is _corrections:
        return
    catalog = translation._catalog
    if installed is None:
        overlay: dict = {}
        catalog._catalogs.insert(0, overlay)
        catalog._plurals.insert(0, _plural_rule())
    else:
        overlay = installed[0]
    # Add before removing, so that no lookup in between misses a correction that stays.
    stale = [key for key in overlay if key not in _corrections]
    overlay.update(_corrections)
    for key in stale:
        overlay.pop(key, None)
    setattr(translation, OVERLAY, (overlay, _corrections))


def _lost_version() -> int | None:
    """The version to go by when the cache has none (evicted, flushed, restarted or unreachable).

    A process that has loaded nothing yet loads now. One that has loaded saw every bump that reached the cache,
    so it keeps its corrections and starts a new number, which every other process reloads once. While the cache
    does not answer at all, each process keeps what it has (corrections made meanwhile show when it is back)."""
    global _loaded_version
    fresh = time.time_ns()
    if _loaded_version is None:
        cache.add(VERSION_KEY, fresh, timeout=None)
        return cache.get(VERSION_KEY) or fresh
    if cache.add(VERSION_KEY, fresh, timeout=None):
        _loaded_version = fresh
        return fresh
    return cache.get(VERSION_KEY) or _loaded_version


def ensure_current() -> None:
    """Bring this process's Kichwa catalogue up to the approved corrections: one cache read when nothing changed
    (kichwa.middleware, before every request, and before every Celery task)."""
    global _loaded_version, _corrections
    if _bump_lost:
        bump_version()
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _lost_version()
    with _lock:
        if version != _loaded_version:
            _corrections = approved_corrections()
            _loaded_version = version
        _install()


def forget_loaded() -> None:
    """Forget which corrections this process loaded, and take them out of its catalogue, as a process that has
    just started (tests; the shell after restoring a database)."""
    global _loaded_version, _corrections
    with _lock:
        _loaded_version, _corrections = None, {}
        _install()


def bump_version() -> None:
    """Tell every process to reload the corrections (a new number in the cache)."""
    global _bump_lost
    try:
        cache.incr(VERSION_KEY)
        stored = True
    except ValueError:  # not set yet, evicted, or the cache is down: any new number makes them reload
        stored = cache.set(VERSION_KEY, time.time_ns(), timeout=None) is not False
    _bump_lost = not stored


def corrections_changed(sender=None, using: str | None = None, **kwargs) -> None:
    """Bump the version once the transaction commits (post_save/post_delete receiver of InterfaceString; the
    sync). Once per transaction, as conecta.cache.bump_after_commit does, so that a bulk approval bumps once."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        for queued in connection.run_on_commit:
            if len(queued) == 3 and queued[1] is bump_version and set(queued[0]) <= current:
                return
    transaction.on_commit(bump_version, using=using)


def refresh_before_task(**kwargs) -> None:
    """Celery's task_prerun: a task that renders Kichwa (an e-mail, a PDF) uses the corrections too."""
    ensure_current()


# Writing the reviews back into the .po file.


@dataclass
class ExportResult:
    before: str
    after: str
    entries: list[str] = field(default_factory=list)  # what changed, one line each

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _reviewed_comment(entry: polib.POEntry, row: InterfaceString) -> str:
    """The translator comment with its review note replaced by the review's mark. The note runs from its
    "review:" line to the end of the comment (how append.py and restore_review_flags.py write it)."""
    kept = []
    for line in entry.tcomment.splitlines():
        if line.startswith(REVIEW_NOTE):
            break
        if not line.startswith(REVIEWED_MARK):
            kept.append(line)
    reviewed_on = timezone.localdate(row.reviewed_at) if row.reviewed_at else timezone.localdate()
    return "\n".join([*kept, f"{REVIEWED_MARK} {row.organisation}, {reviewed_on.isoformat()}"])


def _reviewed_entry(entry: polib.POEntry, row: InterfaceString) -> bool:
    """Write the row's review into the entry; False when the entry already says it."""
    before = entry.__unicode__(WRAP_WIDTH)
    if row.msgid_plural:
        entry.msgstr_plural = dict(enumerate(plural_forms(row)))
    else:
        entry.msgstr = row.kichwa
    entry.tcomment = _reviewed_comment(entry, row)
    entry.comment = "\n".join(line for line in entry.comment.splitlines() if not line.startswith(REVIEW_NOTE))
    if entry.fuzzy:
        entry.flags.remove("fuzzy")
    return entry.__unicode__(WRAP_WIDTH) != before


def export_catalogue(*, path: Path | None = None, write: bool = True) -> ExportResult:
    """Write the Kichwa that people reviewed (approved, with or without a correction) into the catalogue at
    `path`: each such entry takes the approved Kichwa, loses its review note and says `# reviewed: <organisation>,
    <date>`. Every other line of the file stays as it is, in its place. `write=False` only says what would change.
    """
    path = path or po_path()
    before = path.read_text(encoding="utf-8")
    rows = {
        (row.msgctxt, row.msgid): row
        for row in InterfaceString.objects.filter(state=ReviewState.APPROVED, in_catalogue=True)
        .exclude(organisation=CATALOGUE_ORGANISATION)
        .exclude(kichwa="")
    }
    catalogue = polib.pofile(before, wrapwidth=WRAP_WIDTH)
    lines = before.split("\n")
    entries = sorted((entry for entry in catalogue if entry.linenum), key=lambda entry: entry.linenum)
    replaced: dict[int, list[str]] = {}
    result = ExportResult(before=before, after=before)
    for entry in entries:
        row = rows.get((entry.msgctxt or "", entry.msgid))
        if row is None or entry.obsolete:
            continue
        corrected = entry_text(entry) != row.kichwa
        if _reviewed_entry(entry, row):
            replaced[entry.linenum] = entry.__unicode__(WRAP_WIDTH).rstrip("\n").split("\n")
            what = "corrected" if corrected else "reviewed"
            result.entries.append(f"{what}: {entry.msgid[:70]!r} ({row.organisation})")
    if not replaced:
        return result
    # Each entry spans from its first line to the next entry's; the blank lines between them stay.
    out = lines[: entries[0].linenum - 1]
    for index, entry in enumerate(entries):
        end = entries[index + 1].linenum - 1 if index + 1 < len(entries) else len(lines)
        block = lines[entry.linenum - 1 : end]
        if entry.linenum in replaced:
            blank = len(block) - len("\n".join(block).rstrip("\n").split("\n"))
            block = replaced[entry.linenum] + [""] * blank
        out.extend(block)
    result.after = "\n".join(out)
    if write:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".django.po.")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(result.after)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    return result


def sync_after_migrate(sender=None, using: str = "default", **kwargs) -> None:
    """post_migrate: every deploy (and a fresh database) has the catalogue's messages in the review queue."""
    from django.db import connections

    if InterfaceString._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before this app's tables
    if po_path().exists():
        sync_catalogue(using=using)
