"""Reads of recordings for the public pages (one query per page, or per list of records) and for the daily check
of published files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language

from conecta.extensions import PublishedFile

from .models import Recording, RecordingState, audio_storage

# The public files: Opus for slow connections, MP3 for older phones; (URL extension, field, content type, label).
OPUS = ("opus", "opus", "audio/ogg", "Opus")
MP3 = ("mp3", "mp3", "audio/mpeg", "MP3")
PUBLIC_FILES = {kind[0]: kind for kind in (OPUS, MP3)}
# What a <source> says, so that a browser that cannot play Opus skips it without downloading a byte.
SOURCE_TYPES = {"opus": "audio/ogg; codecs=opus", "mp3": "audio/mpeg"}
PUBLIC_FIELDS = (
    "pk",
    "object_id",
    "language",
    "title",
    "transcript",
    "duration",
    "opus_sha256",
    "opus_size",
    "mp3_sha256",
    "mp3_size",
)


def published_recordings() -> models.QuerySet[Recording]:
    """Recordings the public may hear: published by staff, and converted."""
    return Recording.objects.filter(is_published=True, state=RecordingState.READY)


def _of_model(model: type[models.Model]) -> models.Q:
    # Through the content type's app label and model name (a join), not its id: no query for the ContentType.
    opts = model._meta.concrete_model._meta
    return models.Q(content_type__app_label=opts.app_label, content_type__model=opts.model_name)


def recordings_by_record(objects: Iterable[models.Model]) -> dict[tuple[type, int], list[Recording]]:
    """The published recordings of `objects` (records of any models), keyed by (model, pk), in one query per
    model, in the active language first, then the others."""
    by_model: dict[type, set[int]] = defaultdict(set)
    for obj in objects:
        if obj is not None and obj.pk is not None:
            by_model[obj._meta.concrete_model].add(obj.pk)
    found: dict[tuple[type, int], list[Recording]] = defaultdict(list)
    for model, pks in by_model.items():
        rows = published_recordings().filter(_of_model(model), object_id__in=pks).only(*PUBLIC_FIELDS)
        for recording in sorted(rows, key=lambda r: (r.language != get_language(), r.language, r.pk)):
            found[(model, recording.object_id)].append(recording)
    return found


def prefetch_recordings(objects: Iterable[models.Model]) -> None:
    """Read the published recordings of a list of records at once (one query per model) and keep them on each
    record, where `{% recordings obj %}` finds them: a view's list costs no query per row."""
    objects = [obj for obj in objects if obj is not None]
    found = recordings_by_record(objects)
    for obj in objects:
        obj.kichwa_recordings = found.get((obj._meta.concrete_model, obj.pk), [])


@dataclass(frozen=True)
class PublicFile:
    kind: str  # "opus" or "mp3"
    label: str
    url: str
    source_type: str
    size: int
    download_name: str


def public_files(recording: Recording) -> list[PublicFile]:
    """The Opus and MP3 files of a published recording, at the addresses kichwa.file_urls serves."""
    files = []
    for ext, field, _content_type, label in PUBLIC_FILES.values():
        sha256 = getattr(recording, f"{field}_sha256")
        if not sha256:
            continue
        url = reverse("kichwa_files:audio", kwargs={"pk": recording.pk, "digest": sha256, "ext": ext})
        files.append(
            PublicFile(
                ext,
                label,
                url,
                SOURCE_TYPES[ext],
                getattr(recording, f"{field}_size") or 0,
                download_name(recording, ext),
            )
        )
    return files


def download_name(recording: Recording, ext: str) -> str:
    """conecta-pastaza-grabacion-12-qu.opus: what, which and in which language, without the title's characters."""
    return f"conecta-pastaza-grabacion-{recording.pk}-{recording.language}.{ext}"


def published_recording_files() -> Iterator[PublishedFile]:
    """Every public file of the published recordings, for the daily check (conecta.extensions)."""
    rows = published_recordings().only(
        "pk", "language", "opus", "opus_sha256", "opus_size", "mp3", "mp3_sha256", "mp3_size"
    )
    for recording in rows.order_by("pk").iterator(chunk_size=500):
        for ext, field, _content_type, label in PUBLIC_FILES.values():
            file = getattr(recording, field)
            if file:
                yield PublishedFile(
                    what=f"{label} {download_name(recording, ext)}",
                    storage=audio_storage,
                    name=file.name,
                    sha256=getattr(recording, f"{field}_sha256"),
                    size=getattr(recording, f"{field}_size"),
                )
