"""Everything that changes a recording: its upload, its conversion (with the periodic sweep), a retry, and the
removal of its files when it is deleted. Keyword-only, as every service of the portal."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conecta.cache import bump_after_commit
from conecta.claims import claim
from conecta.files import fingerprint
from conecta.published_files import unique_name

from . import audio
from .models import Recording, RecordingState, audio_storage
from .roles import PLANNER_GROUP

logger = logging.getLogger(__name__)

# A conversion not finished this long after it started was interrupted (its worker died: the task's hard time
# limit, CELERY_TASK_TIME_LIMIT, is 210 s); one queued this long ago and never started lost its message.
STALLED_MINUTES = 15
QUEUED_MINUTES = 5
# Interrupted this many times, a recording is marked failed instead of queued again: something in it kills the worker.
MAX_ATTEMPTS = 3


def recording_add(
    *,
    target: models.Model,
    language: str,
    upload,
    title: str = "",
    transcript: str = "",
    is_published: bool = False,
    by,
) -> Recording:
    """Attach a recording to `target` (a commitment, a progress update, an indicator, a road work, a report, a
    meeting) and queue its conversion.

    1. Checks: staff only; a saved record; a language of the portal; the file is an accepted recording (probe:
       ValidationError with the reason, in the staff member's language).
    2. Fingerprints the original (SHA-256, size) and stores it as uploaded, under a name of its own, write-once.
    3. Creates the row (queued) and queues the conversion once the transaction commits.
    """
    if not (by and by.is_active and by.is_staff):
        raise PermissionDenied("Only staff attach recordings.")
    if target is None or target.pk is None:
        raise ValueError("The record must be saved before a recording is attached to it.")
    found = audio.probe_upload(upload)
    sha256, size = fingerprint(upload)
    recording = Recording(
        target=target,
        language=language,
        title=title,
        transcript=transcript,
        is_published=is_published,
        original_name=Path(getattr(upload, "name", "") or "").name[:200],
        original_size=size,
        original_sha256=sha256,
        duration=found.duration,
        created_by=by,
    )
    recording.full_clean(exclude=["original", "opus", "mp3"])
    name = unique_name("originals", language, found.container.extension)
    stored = audio_storage.save(name, upload)
    recording.original.name = stored
    try:
        with transaction.atomic():
            recording.save()
    except BaseException:
        audio_storage.delete(stored)
        raise
    from .tasks import convert_recording_task

    convert_recording_task.enqueue_on_commit(recording.pk)
    return recording


def recording_convert(*, recording_id: int) -> str:
    """Make the Opus and MP3 files of a recording. Returns "ready", "failed", or "skipped" when there is nothing
    to do (the recording is ready, failed, being converted by another run, or gone): safe to run twice.

    1. Claim: the conditional update of `claimed_at` (conecta.claims) on a queued recording; only the run that
       set it goes on, and marks it converting, counting the attempt.
    2. Convert in a temporary folder (kichwa.audio.transcode), and store both files write-once.
    3. Ready, with their sizes, SHA-256 and the duration, if this run still holds the claim; a failure is
       recorded with its reason (failed), an error of the disk or storage is released for the task to retry.
    """
    claimed_at = claim(Recording, pk=recording_id, field="claimed_at", state=RecordingState.QUEUED)
    if claimed_at is None:
        return "skipped"
    Recording.objects.filter(pk=recording_id, claimed_at=claimed_at).update(
        state=RecordingState.CONVERTING, attempts=F("attempts") + 1, error=""
    )
    recording = Recording.objects.get(pk=recording_id)
    stored: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="conecta-audio-") as workdir:
            with translation.override(settings.LANGUAGE_CODE):
                opus, mp3, duration = audio.transcode(audio_storage.path(recording.original.name), workdir=workdir)
            files = {}
            for field, path in (("opus", opus), ("mp3", mp3)):
                files[field] = _store(recording, path)
                stored.append(files[field][0])
    except audio.ConversionFailed as exc:
        _delete(stored)
        recording_convert_failed(recording_id=recording_id, claimed_at=claimed_at, reason=exc.reason, detail=exc.detail)
        return "failed"
    except OSError:
        _delete(stored)
        # The disk or the storage (full, unmounted): the task retries, then records the failure.
        Recording.objects.filter(pk=recording_id, claimed_at=claimed_at, state=RecordingState.CONVERTING).update(
            state=RecordingState.QUEUED, claimed_at=None
        )
        raise
    values = {"state": RecordingState.READY, "converted_at": timezone.now(), "duration": duration, "error": ""}
    for field, (name, sha256, size) in files.items():
        values |= {field: name, f"{field}_sha256": sha256, f"{field}_size": size}
    done = Recording.objects.filter(pk=recording_id, claimed_at=claimed_at, state=RecordingState.CONVERTING).update(
        **values
    )
    if not done:  # the sweep took it back meanwhile (this run looked dead): the run that holds it now decides
        _delete(stored)
        return "skipped"
    if recording.is_published:
        bump_after_commit()
    return "ready"


def _store(recording: Recording, path: Path) -> tuple[str, str, int]:
    """(stored name, SHA-256, size) of a converted file, written once under a name of its own."""
    extension = path.suffix.lstrip(".")
    with path.open("rb") as handle:
        content = File(handle, name=path.name)
        sha256, size = fingerprint(content)
        name = audio_storage.save(unique_name(f"converted/{recording.pk}", recording.language, extension), content)
    return name, sha256, size


def _delete(names: list[str]) -> None:
    for name in names:
        try:
            audio_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the audio file %s", name, exc_info=True)


def recording_convert_failed(*, recording_id: int, reason: str, detail: str = "", claimed_at=None) -> None:
    """Record why a conversion failed, for staff to read in the admin (and retry from there): a sentence, then
    ffmpeg's last line. Only the run holding the claim (`claimed_at`, when given) may say so."""
    error = f"{reason} {detail}".strip() if detail else reason
    rows = Recording.objects.filter(pk=recording_id).exclude(state=RecordingState.READY)
    if claimed_at is not None:
        rows = rows.filter(claimed_at=claimed_at)
    rows.update(state=RecordingState.FAILED, error=error[:500])


def storage_failure_reason() -> str:
    """Why a conversion failed when the disk did (in the portal's language, as every recorded reason)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("The server could not read the recording or store the converted files.")


def recording_retry(*, recording: Recording) -> bool:
    """Queue a failed conversion again (the admin's retry). False when the recording had not failed."""
    retried = Recording.objects.filter(pk=recording.pk, state=RecordingState.FAILED).update(
        state=RecordingState.QUEUED, claimed_at=None, error=""
    )
    if not retried:
        return False
    from .tasks import convert_recording_task

    convert_recording_task.enqueue_on_commit(recording.pk)
    recording.refresh_from_db(fields=["state", "claimed_at", "error"])
    return True


def recordings_requeue_stuck(*, now=None) -> int:
    """Periodic sweep: queue again the recordings whose conversion was never started (the broker was down, or its
    message was lost) or was interrupted (the worker died); one interrupted MAX_ATTEMPTS times is marked failed.
    Returns how many it queued."""
    from .tasks import convert_recording_task

    now = now or timezone.now()
    stalled = Q(state=RecordingState.CONVERTING, claimed_at__lt=now - timedelta(minutes=STALLED_MINUTES))
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("The conversion was interrupted %(count)s times (the server stopped it).") % {
            "count": MAX_ATTEMPTS
        }
    Recording.objects.filter(stalled, attempts__gte=MAX_ATTEMPTS).update(state=RecordingState.FAILED, error=reason)
    Recording.objects.filter(stalled).update(state=RecordingState.QUEUED, claimed_at=None)
    waiting = Recording.objects.filter(
        state=RecordingState.QUEUED, claimed_at=None, created_at__lt=now - timedelta(minutes=QUEUED_MINUTES)
    )
    ids = list(waiting.values_list("pk", flat=True))
    for pk in ids:
        convert_recording_task.enqueue(pk)
    return len(ids)


def recording_files_delete(sender, instance: Recording, **kwargs) -> None:
    """post_delete: the recording's files go with it, once the deletion is committed (a recording is deleted when
    whoever speaks in it asks; its files must not stay behind)."""
    names = [file.name for file in (instance.original, instance.opus, instance.mp3) if file]
    if names:
        transaction.on_commit(lambda: _delete(names))


RECORDING_DELETE_REFUSED = _("A published recording cannot be deleted: unpublish it first.")


def recording_check_delete(*, recording: Recording) -> None:
    """A published recording is withdrawn by unpublishing it, then deleted (nothing the public heard disappears
    by accident)."""
    if recording.is_published:
        raise ValidationError(RECORDING_DELETE_REFUSED, code="published")


# Planners keep the list of recordings (failed conversions, retries); whoever may change a record attaches recordings
# on its page, whatever their rights here (RecordingInline asks the record's admin).
RECORDING_GRANTS = {PLANNER_GROUP: ["view", "change", "delete"]}


def recording_roles_grant(**kwargs) -> None:
    """Make each group in RECORDING_GRANTS hold exactly those rights on recordings (post_migrate; idempotent),
    leaving its other rights alone (kichwa.roles gives the review's)."""
    for group_name, actions in RECORDING_GRANTS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        wanted = set(
            Permission.objects.filter(
                content_type__app_label="kichwa", codename__in=[f"{action}_recording" for action in actions]
            )
        )
        current = set(group.permissions.filter(content_type__app_label="kichwa", codename__endswith="_recording"))
        group.permissions.remove(*(current - wanted))
        group.permissions.add(*(wanted - current))
