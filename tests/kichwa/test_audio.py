# ruff: noqa: F811 - pytest fixtures imported from audio_samples
"""Recordings with a real ffmpeg: what is accepted and refused (kichwa.audio.probe), the Opus and MP3 made of it
(transcode), and their life as rows: upload, conversion once, a failure that says why, a retry, the sweep, the
daily check of published files and the removal of the files with the recording."""

from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from conecta.published_files import FileProblem, published_files_verify
from kichwa import audio, services
from kichwa.models import Recording, RecordingState
from kichwa.tasks import convert_recording_task, requeue_stuck_recordings_task
from tests.factories import UserFactory

from .audio_samples import audio_root, ffprobe, loudness, samples, stored_files, upload  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def sha256_of(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


# What is accepted.


def test_a_whatsapp_voice_note_is_opus_in_ogg(samples):
    found = audio.probe(samples["whatsapp"])

    assert (found.format, found.codec, found.channels) == ("ogg", "opus", 1)
    assert found.duration == pytest.approx(3, abs=0.1)


@pytest.mark.parametrize(
    ("sample", "container", "codec"),
    [("m4a", "m4a", "aac"), ("mp3", "mp3", "mp3"), ("wav", "wav", "pcm_s16le"), ("webm", "webm", "opus")],
)
def test_what_other_phones_record_is_accepted(samples, sample, container, codec):
    found = audio.probe(samples[sample])

    assert (found.format, found.codec) == (container, codec)
    assert found.duration == pytest.approx(3, abs=0.1)


# What is refused, and how it is said.


def refusal(path) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        audio.probe(path)
    return caught.value


def test_a_text_file_renamed_ogg_is_refused_in_the_staff_members_language(samples):
    assert refusal(samples["text"]).code == "not_audio"
    with translation.override("es"):
        spanish = refusal(samples["text"]).messages[0]
    with translation.override("qu"):
        kichwa = refusal(samples["text"]).messages[0]

    assert spanish.startswith("Este archivo no es una grabación")
    assert "WhatsApp" in kichwa and kichwa != spanish


def test_a_text_file_never_reaches_ffprobe(samples):
    with mock.patch("kichwa.audio.subprocess.run") as run, pytest.raises(ValidationError):
        audio.probe(samples["text"])

    run.assert_not_called()


def test_a_playlist_dressed_as_a_voice_note_is_refused_before_any_program_reads_it(tmp_path):
    playlist = tmp_path / "nota.ogg"
    playlist.write_text("#EXTM3U\n#EXTINF:3,\nhttp://example.com/secret.mp3\nfile:///etc/passwd\n")

    with mock.patch("kichwa.audio.subprocess.run") as run:
        assert refusal(playlist).code == "not_audio"
    run.assert_not_called()


def test_a_video_is_refused(samples):
    error = refusal(samples["video"])

    assert error.code == "video"
    with translation.override("es"):
        assert "video" in refusal(samples["video"]).messages[0]


def test_a_recording_longer_than_the_limit_is_refused(samples, settings):
    settings.AUDIO_MAX_SECONDS = 2

    error = refusal(samples["whatsapp"])

    assert error.code == "too_long"
    with translation.override("es"):
        assert "0:03" in refusal(samples["whatsapp"]).messages[0]


def test_a_file_larger_than_the_limit_is_refused_before_ffprobe_runs(samples, settings):
    settings.AUDIO_MAX_BYTES = 1000

    with mock.patch("kichwa.audio.subprocess.run") as run:
        assert refusal(samples["wav"]).code == "too_large"
        with pytest.raises(ValidationError):
            audio.probe_upload(upload(samples["wav"]))
    run.assert_not_called()


def test_a_damaged_recording_is_refused(samples, tmp_path):
    damaged = tmp_path / "cortada.m4a"
    damaged.write_bytes(samples["m4a"].read_bytes()[:600])

    assert refusal(damaged).code in {"unreadable", "no_duration", "no_audio"}


def test_an_empty_file_is_refused(tmp_path):
    empty = tmp_path / "vacia.ogg"
    empty.write_bytes(b"")

    assert refusal(empty).code == "empty"


# What is made of it.


def test_it_makes_a_mono_48_khz_opus_at_the_configured_bitrate_and_an_mp3(samples, tmp_path, settings):
    settings.AUDIO_OPUS_BITRATE = 24

    opus, mp3, duration = audio.transcode(samples["m4a"], workdir=tmp_path)

    opus_info, mp3_info = ffprobe(opus), ffprobe(mp3)
    assert opus_info["format"]["format_name"] == "ogg"
    assert [(s["codec_name"], s["sample_rate"], s["channels"]) for s in opus_info["streams"]] == [("opus", "48000", 1)]
    assert [(s["codec_name"], s["sample_rate"], s["channels"]) for s in mp3_info["streams"]] == [("mp3", "48000", 1)]
    assert int(opus_info["format"]["bit_rate"]) < 40_000  # 24 kbit/s and the container's pages
    assert duration == pytest.approx(3, abs=0.1)


def test_the_outputs_are_the_same_bytes_every_time_and_carry_no_metadata(samples, tmp_path):
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    first = audio.transcode(samples["whatsapp"], workdir=tmp_path / "1")
    second = audio.transcode(samples["whatsapp"], workdir=tmp_path / "2")

    assert sha256_of(first[0]) == sha256_of(second[0])
    assert sha256_of(first[1]) == sha256_of(second[1])
    for path in first[:2]:
        info = ffprobe(path)
        tags = {**info["format"].get("tags", {}), **info["streams"][0].get("tags", {})}
        assert set(tags) <= {"encoder"}, tags


def test_a_quiet_recording_comes_out_at_the_loudness_of_speech_on_a_phone(samples, tmp_path):
    assert loudness(samples["quiet"]) < -35

    opus, mp3, _duration = audio.transcode(samples["quiet"], workdir=tmp_path)

    assert loudness(opus) == pytest.approx(-16, abs=2)
    assert loudness(mp3) == pytest.approx(-16, abs=2)


def test_ffmpeg_failing_says_why_with_its_last_line(samples, tmp_path, settings):
    settings.AUDIO_OPUS_BITRATE = 1000  # libopus refuses more than 256 kbit/s

    with translation.override("es"), pytest.raises(audio.ConversionFailed) as caught:
        audio.transcode(samples["whatsapp"], workdir=tmp_path)

    assert caught.value.reason == "ffmpeg no pudo convertir la grabación."
    assert "output stream" in caught.value.detail
    assert str(tmp_path) not in caught.value.detail and str(samples["whatsapp"].parent) not in caught.value.detail


def test_a_conversion_that_runs_too_long_is_stopped(samples, tmp_path):
    with mock.patch("kichwa.audio.TRANSCODE_SECONDS", 0.001), pytest.raises(audio.ConversionFailed) as caught:
        audio.transcode(samples["wav"], workdir=tmp_path)

    assert "0.001" in caught.value.reason


# The recording as a row.


@pytest.fixture
def added(commitment, planner, samples, audio_root, django_capture_on_commit_callbacks):
    """A WhatsApp voice note attached to a commitment, in Kichwa, and converted (the task runs in-process)."""
    with django_capture_on_commit_callbacks(execute=True):
        recording = services.recording_add(
            target=commitment, language="qu", upload=upload(samples["whatsapp"]), title="Willay", by=planner
        )
    recording.refresh_from_db()
    return recording


def test_adding_keeps_the_original_as_uploaded_and_converts_it(added, samples, audio_root):
    assert added.original_name == "PTT-20250314-WA0007.ogg"
    assert added.original_sha256 == sha256_of(samples["whatsapp"])
    assert added.original_size == samples["whatsapp"].stat().st_size
    assert added.original.name.startswith("originals/qu-") and added.original.name.endswith(".ogg")
    assert sha256_of(audio_root / added.original.name) == added.original_sha256
    assert oct(os.stat(audio_root / added.original.name).st_mode & 0o777) == "0o444"

    assert added.state == RecordingState.READY
    assert (added.attempts, added.error) == (1, "")
    assert added.converted_at is not None
    assert added.duration == pytest.approx(3, abs=0.1)
    for field in ("opus", "mp3"):
        path = audio_root / getattr(added, field).name
        assert sha256_of(path) == getattr(added, f"{field}_sha256")
        assert path.stat().st_size == getattr(added, f"{field}_size")


def test_adding_queues_the_conversion_only_once_the_save_is_committed(
    commitment, planner, samples, audio_root, django_capture_on_commit_callbacks
):
    with mock.patch.object(convert_recording_task, "enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            recording = services.recording_add(
                target=commitment, language="es", upload=upload(samples["mp3"]), by=planner
            )
            enqueue.assert_not_called()
        enqueue.assert_called_once_with(recording.pk)

    recording.refresh_from_db()
    assert recording.state == RecordingState.QUEUED


def test_adding_refuses_a_bad_file_and_stores_nothing(commitment, planner, samples, audio_root):
    with pytest.raises(ValidationError):
        services.recording_add(target=commitment, language="qu", upload=upload(samples["text"]), by=planner)

    assert Recording.objects.count() == 0
    assert stored_files(audio_root) == []


def test_only_staff_add_recordings(commitment, samples, audio_root):
    citizen = UserFactory(username="vecina", is_staff=False)

    with pytest.raises(PermissionDenied):
        services.recording_add(target=commitment, language="qu", upload=upload(samples["whatsapp"]), by=citizen)


def test_a_language_the_portal_does_not_have_is_refused(commitment, planner, samples, audio_root):
    with pytest.raises(ValidationError):
        services.recording_add(target=commitment, language="en", upload=upload(samples["whatsapp"]), by=planner)

    assert stored_files(audio_root) == []


def test_the_task_is_idempotent_a_ready_recording_is_not_converted_again(added, audio_root):
    files = stored_files(audio_root)

    with mock.patch("kichwa.audio.subprocess.run") as run:
        assert convert_recording_task.delay(added.pk).get() == "skipped"
    run.assert_not_called()

    assert stored_files(audio_root) == files
    added.refresh_from_db()
    assert (added.state, added.attempts) == (RecordingState.READY, 1)


def test_a_recording_being_converted_by_another_run_is_left_to_it(added):
    Recording.objects.filter(pk=added.pk).update(state=RecordingState.QUEUED, claimed_at=timezone.now())

    assert services.recording_convert(recording_id=added.pk) == "skipped"


def test_a_failed_conversion_says_why_and_a_retry_converts_it(
    commitment, planner, samples, audio_root, settings, django_capture_on_commit_callbacks
):
    settings.AUDIO_OPUS_BITRATE = 1000
    with django_capture_on_commit_callbacks(execute=True):
        recording = services.recording_add(
            target=commitment, language="qu", upload=upload(samples["whatsapp"]), by=planner
        )
    recording.refresh_from_db()

    assert recording.state == RecordingState.FAILED
    assert recording.attempts == 1
    assert recording.error.startswith("ffmpeg no pudo convertir la grabación. ")
    assert "output stream" in recording.error
    assert not recording.opus and not recording.mp3
    assert stored_files(audio_root) == [recording.original.name]  # nothing half-made left behind

    settings.AUDIO_OPUS_BITRATE = 24
    with django_capture_on_commit_callbacks(execute=True):
        assert services.recording_retry(recording=recording) is True
    recording.refresh_from_db()

    assert (recording.state, recording.attempts, recording.error) == (RecordingState.READY, 2, "")
    assert services.recording_retry(recording=recording) is False  # only a failed one is retried


def test_a_disk_error_is_retried_by_the_worker_and_recorded_when_it_lasts(added, audio_root):
    Recording.objects.filter(pk=added.pk).update(state=RecordingState.QUEUED, claimed_at=None)

    with mock.patch("kichwa.services._store", side_effect=OSError(28, "No space left on device")):
        assert convert_recording_task.delay(added.pk).get() == "failed"  # in-process: no retry to wait for
    added.refresh_from_db()

    assert added.state == RecordingState.FAILED
    assert "No space left on device" in added.error
    assert added.error.startswith("El servidor no pudo leer la grabación")


def test_the_sweep_converts_what_was_never_started_or_was_interrupted(
    commitment, planner, samples, audio_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down: nothing was sent
        never = services.recording_add(target=commitment, language="qu", upload=upload(samples["wav"]), by=planner)
        dead = services.recording_add(target=commitment, language="es", upload=upload(samples["mp3"]), by=planner)
    long_ago = timezone.now() - timedelta(minutes=30)
    Recording.objects.filter(pk=never.pk).update(created_at=long_ago)
    Recording.objects.filter(pk=dead.pk).update(
        state=RecordingState.CONVERTING, claimed_at=long_ago, created_at=long_ago, attempts=1
    )
    fresh = services.recording_add(target=commitment, language="qu", upload=upload(samples["m4a"]), by=planner)

    assert requeue_stuck_recordings_task.delay().get() == 2

    states = dict(Recording.objects.values_list("pk", "state"))
    assert states == {never.pk: RecordingState.READY, dead.pk: RecordingState.READY, fresh.pk: RecordingState.QUEUED}


def test_the_sweep_gives_up_on_a_recording_that_keeps_killing_its_worker(added):
    Recording.objects.filter(pk=added.pk).update(
        state=RecordingState.CONVERTING, claimed_at=timezone.now() - timedelta(hours=1), attempts=services.MAX_ATTEMPTS
    )

    services.recordings_requeue_stuck()
    added.refresh_from_db()

    assert added.state == RecordingState.FAILED
    assert added.error == "La conversión se interrumpió 3 veces (el servidor la detuvo)."


def test_the_sweep_runs_every_ten_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["recordings-requeue-stuck"]

    assert entry == {"task": "kichwa.tasks.requeue_stuck_recordings_task", "schedule": 600}


def test_the_daily_check_reads_the_published_recordings_files(added, audio_root):
    Recording.objects.filter(pk=added.pk).update(is_published=True)

    checked, problems = published_files_verify()
    assert checked == 2 and problems == []

    (audio_root / added.mp3.name).unlink()
    checked, problems = published_files_verify()

    assert [(p.file.name, p.problem) for p in problems] == [(added.mp3.name, FileProblem.MISSING)]


def test_unpublished_recordings_are_not_among_the_published_files(added):
    assert published_files_verify() == (0, [])


def test_deleting_a_recording_removes_its_files(added, audio_root, django_capture_on_commit_callbacks):
    assert len(stored_files(audio_root)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        added.delete()

    assert stored_files(audio_root) == []


def test_a_published_recording_must_be_unpublished_before_it_is_deleted(added):
    added.is_published = True

    with pytest.raises(ValidationError):
        services.recording_check_delete(recording=added)


def test_ffmpeg_is_a_real_program_here():
    """The tests above run the real ffmpeg (the CI installs the Debian package)."""
    assert audio.ffmpeg_available()
    encoders = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, timeout=30).stdout
    assert b"libopus" in encoders and b"libmp3lame" in encoders
