"""The radio pack of a published quarterly report (issue 16): a ZIP a community radio can download once and use
offline, holding the report's published recordings (Opus and MP3, Spanish and Kichwa), a script for its presenter
in each language, a README.txt and a SHA256SUMS file (`sha256sum -c SHA256SUMS`, run in the pack's folder).

Written once, in versions. A published file of the portal never changes, yet recordings may be added to a report
after it is published (they are converted later, or recorded later). So the pack is not rebuilt in place: the
first version is written with the report's PDFs, and when the set of its published, converted recordings changes,
the next rendering writes a new version beside the others (reports.services). Each version is a file of its own
with its SHA-256, listed on the report's page, and its manifest (`recordings`) says which recordings it holds. A
version holding a recording staff have since withdrawn (unpublished, or deleted at the speaker's request) is
withdrawn too: its file is deleted, its row and SHA-256 are kept, and it is no longer offered.

Everything in a pack comes from frozen parts: the report's snapshot (the script's figures), the recordings'
converted files (written once, with their SHA-256), and the contact channels set when it is written. Its ZIP
entries carry the report's publication time, in a fixed order, so the same parts give the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from conecta.contact import contact_channels
from conecta.fallbacks import is_fallback
from conecta.printable import absolute_url
from kichwa.models import Recording, audio_storage
from kichwa.selectors import download_name, published_recordings
from roads.oc4ids import LICENSE

from .bulletins import overdue_milestones
from .models import Report, outreach_download_stem
from .periods import Period

# Overdue milestones read out by name; the others are counted ("and 4 more, listed on the portal").
SCRIPT_OVERDUE = 5
# Words a presenter reads in a minute, slowly (Spanish radio reads about 150-160): the script's length is said from
# its words, in half minutes, so that "about two minutes" is 263-337 words.
WORDS_PER_MINUTE = 150
CHUNK = 1 << 16
TEXT_FILE_MODE = 0o644 << 16


def report_recordings(report: Report) -> list[Recording]:
    """The report's recordings the public may hear (published and converted), Spanish first, then by upload."""
    content_type = ContentType.objects.get_for_model(Report)
    return list(
        published_recordings().filter(content_type=content_type, object_id=report.pk).order_by("language", "pk")
    )


def manifest_entry(*, pk: int, language: str, opus_sha256: str, mp3_sha256: str) -> dict:
    return {"recording": pk, "language": language, "opus_sha256": opus_sha256, "mp3_sha256": mp3_sha256}


def manifest(recordings: Iterable[Recording]) -> list[dict]:
    """Which recordings a pack holds, as its row records them: what a new version is decided on."""
    entries = [
        manifest_entry(pk=r.pk, language=r.language, opus_sha256=r.opus_sha256, mp3_sha256=r.mp3_sha256)
        for r in recordings
    ]
    return sorted(entries, key=lambda e: (e["language"], e["recording"]))


def manifests_of(report_ids: list[int]) -> dict[int, list[dict]]:
    """The manifest of the recordings each of `report_ids` would hold now (reports without any are left out), in
    one query: what the periodic sweep compares with their latest packs."""
    content_type = ContentType.objects.get_for_model(Report)
    rows = (
        published_recordings()
        .filter(content_type=content_type, object_id__in=report_ids)
        .values_list("object_id", "pk", "language", "opus_sha256", "mp3_sha256")
    )
    found: dict[int, list[dict]] = {}
    for report_id, pk, language, opus_sha256, mp3_sha256 in rows:
        found.setdefault(report_id, []).append(
            manifest_entry(pk=pk, language=language, opus_sha256=opus_sha256, mp3_sha256=mp3_sha256)
        )
    return {pk: sorted(entries, key=lambda e: (e["language"], e["recording"])) for pk, entries in found.items()}


def folder_name(report: Report, version: int) -> str:
    """conecta-pastaza-radio-2025-T3-1: the pack's download name without .zip, and the folder inside it."""
    return f"{outreach_download_stem(report, 'radio')}-{version}"


def _duration(seconds: float | None) -> str:
    if not seconds:
        return "—"
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def _marked(text: str) -> str:
    """A snapshot text in plain text: a Spanish stand-in in a Kichwa script says it is Spanish, for the presenter."""
    return f"{text} {gettext('(in Spanish)')}" if is_fallback(text) else str(text)


def spoken_period(period: Period) -> str:
    """The period as a presenter says it, in the active language: "el cuarto trimestre de 2025", "el año 2025"."""
    if period.quarter is None:
        return gettext("the year %(year)s") % {"year": period.year}
    quarters = {
        1: gettext("the first quarter of %(year)s"),
        2: gettext("the second quarter of %(year)s"),
        3: gettext("the third quarter of %(year)s"),
        4: gettext("the fourth quarter of %(year)s"),
    }
    return quarters[period.quarter] % {"year": period.year}


def spoken_length(words: int) -> str:
    """How long `words` words take read aloud, in half minutes, as the script's first lines say it."""
    halves = max(1, round(words * 2 / WORDS_PER_MINUTE))
    phrases = {
        1: gettext("Less than a minute read aloud."),
        2: gettext("About one minute read aloud."),
        3: gettext("About a minute and a half read aloud."),
        4: gettext("About two minutes read aloud."),
        5: gettext("About two and a half minutes read aloud."),
        6: gettext("About three minutes read aloud."),
    }
    return phrases.get(halves) or gettext("About %(minutes)s minutes read aloud.") % {"minutes": round(halves / 2)}


def read_aloud_words(text: str) -> int:
    """The words a presenter reads: the script after its three heading lines, without the [section] labels."""
    body = text.split("\n")[3:]
    return sum(len(re.findall(r"\w+", line)) for line in body if not line.startswith("["))


def site_host() -> str:
    """The portal's address said in words: SITE_URL's host without the scheme ("conectapastaza.gob.ec")."""
    return urlsplit(settings.SITE_URL).netloc or settings.SITE_URL


def script_text(report: Report, language: str) -> str:
    """The presenter's script in `language`: greeting, the period, three figures, what is overdue, how to take part,
    closing; its first lines say how long it takes read aloud, counted from its words. Plain text from the snapshot."""
    snapshot = report.snapshot or {}
    totals = snapshot.get("totals", {})
    with translation.override(language):
        overdue = overdue_milestones(snapshot, language)
        roads = snapshot.get("roads") if isinstance(snapshot.get("roads"), dict) else None
        feedback = snapshot.get("feedback") if isinstance(snapshot.get("feedback"), dict) else {}
        figures = {f.get("key"): f.get("value") for f in feedback.get("figures", []) if isinstance(f, dict)}
        context = {
            "report": report,
            "title": report.title,
            "period_spoken": spoken_period(report.period_obj),
            "totals": totals,
            "overdue": [{**row, "title": _marked(row["title"])} for row in overdue[:SCRIPT_OVERDUE]],
            "overdue_more": max(0, len(overdue) - SCRIPT_OVERDUE),
            "overdue_count": len(overdue),
            "roads": roads,
            "works_count": len(roads.get("works", [])) if roads else 0,
            "road_received": (roads.get("requests") or {}).get("received") if roads else None,
            "road_fixed": (roads.get("requests") or {}).get("fixed") if roads else None,
            "suggestions": figures.get("suggestions.received"),
            "channels": contact_channels(),
            "host": site_host(),
            "section": gettext("Reports"),  # the name in the menu of every page
        }
        # Rendered twice: the first lines say how long the rest takes read aloud, counted from its words.
        draft = _tidy(render_to_string("reports/radio/script.txt", {**context, "duration": ""}))
        context["duration"] = spoken_length(read_aloud_words(draft))
        text = render_to_string("reports/radio/script.txt", context)
    return _tidy(text)


def _tidy(text: str) -> str:
    """Template text as a file: no trailing blanks, at most one empty line in a row, Unix line ends."""
    lines, blank = [], False
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.rstrip()
        if not line:
            if not blank and lines:
                lines.append("")
            blank = True
            continue
        lines.append(line)
        blank = False
    return "\n".join(lines).strip("\n") + "\n"


def readme_text(report: Report, *, version: int, recordings: list[Recording], languages: list[str]) -> str:
    """The pack's README.txt: what it holds and how to check it, in each language (Spanish first)."""
    parts = []
    for language in languages:
        with translation.override(language):
            parts.append(
                render_to_string(
                    "reports/radio/readme.txt",
                    {
                        "report": report,
                        "title": report.title,
                        "folder": folder_name(report, version),
                        "version": version,
                        "recordings": [
                            {
                                "recording": r,
                                "language_name": str(dict(settings.LANGUAGES).get(r.language, r.language)),
                                "duration": _duration(r.duration),
                                "files": [download_name(r, "opus"), download_name(r, "mp3")],
                            }
                            for r in recordings
                        ],
                        "address": absolute_url(report.get_absolute_url()),
                        "license": LICENSE,
                    },
                )
            )
    return _tidy("\n\n".join(parts))


class _Pack:
    """A ZIP being written entry by entry, each under the pack's folder with a fixed time and mode, and the
    SHA-256 of each kept for SHA256SUMS."""

    def __init__(self, archive: zipfile.ZipFile, *, folder: str, moment):
        self.archive, self.folder, self.sums = archive, folder, []
        self.date_time = moment.timetuple()[:6]

    def _info(self, name: str, compress: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self.folder}/{name}", date_time=self.date_time)
        info.compress_type = compress
        info.create_system = 3  # Unix, whatever the platform writing it: the same bytes everywhere
        info.external_attr = TEXT_FILE_MODE
        return info

    def text(self, name: str, body: str, *, listed: bool = True) -> None:
        data = body.encode("utf-8")
        self.archive.writestr(self._info(name, zipfile.ZIP_DEFLATED), data, compresslevel=9)
        if listed:
            self.sums.append((hashlib.sha256(data).hexdigest(), name))

    def stored(self, name: str, source) -> None:
        """A file already compressed (Opus, MP3) copied in without compressing it again, in chunks."""
        digest = hashlib.sha256()
        with self.archive.open(self._info(name, zipfile.ZIP_STORED), "w") as out:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        self.sums.append((digest.hexdigest(), name))

    def checksums(self) -> None:
        # Two spaces: the text mode of sha256sum, which `sha256sum -c` reads on any system.
        self.text("SHA256SUMS", "".join(f"{sha}  {name}\n" for sha, name in self.sums), listed=False)


def pack_write(report: Report, *, version: int, recordings: list[Recording], target: Path) -> None:
    """Write version `version` of the radio pack of `report`, holding `recordings`, to `target`.

    1. README.txt and the presenter's scripts (guion-es.txt, guion-qu.txt) from the snapshot.
    2. Each recording's Opus and MP3 file, read in chunks from the audio storage (never whole in memory).
    3. SHA256SUMS of all of them, last.
    """
    languages = [code for code, _name in settings.LANGUAGES]
    moment = timezone.localtime(report.published_at or report.snapshot_taken_at or timezone.now())
    with zipfile.ZipFile(target, "w") as archive:
        pack = _Pack(archive, folder=folder_name(report, version), moment=moment)
        pack.text("README.txt", readme_text(report, version=version, recordings=recordings, languages=languages))
        for language in languages:
            pack.text(f"guion-{language}.txt", script_text(report, language))
        for recording in recordings:
            for ext in ("opus", "mp3"):
                with audio_storage.open(getattr(recording, ext).name, "rb") as source:
                    pack.stored(f"audio/{download_name(recording, ext)}", source)
        pack.checksums()
