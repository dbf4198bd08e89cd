"""What a recording is, found by ffprobe, and the two files made of it by ffmpeg (settings.FFPROBE, FFMPEG).

Accepted: what a phone records or shares. WhatsApp voice notes (Opus in Ogg, .ogg/.opus), the iPhone's and
Android's recorders (AAC in .m4a/.mp4, AMR in .3gp or .amr), MP3, WAV, and WebM (Opus or Vorbis) as browsers
record it. Refused, with a message in the staff member's language: anything else, a file with a video stream (a
cover picture of an MP3 or M4A is not one), no duration, or one larger than AUDIO_MAX_BYTES or longer than
AUDIO_MAX_SECONDS.

Hostile files are bounded:
1. The container is recognised from the file's first bytes and named to ffprobe and ffmpeg (`-f`), so neither
   ever guesses: a playlist (HLS, concat) disguised as a voice note is refused before any program reads it.
2. Both programs may open local files only (`-protocol_whitelist file`) and are given the file as `file:<path>`.
3. Each runs with a time limit (PROBE_SECONDS, TRANSCODE_SECONDS), and ffmpeg reads at most AUDIO_MAX_SECONDS of
   the input (`-t`), whatever duration the file claims.

The outputs, from one decoding of the input: mono, 48 kHz, loudness-normalised to -16 LUFS (EBU R128, one pass of
`loudnorm`, the level podcasts use, so that every recording plays at the same volume on a phone speaker), as Opus at
AUDIO_OPUS_BITRATE kbit/s for slow connections (libopus, tuned for speech: `-application voip`) and as MP3 (LAME,
VBR quality 7, about 40-50 kbit/s) for older phones. Without metadata and bit-exact: the same input always gives the
same bytes, hence the same SHA-256.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PROBE_SECONDS = 15
# Below the Celery task's soft time limit (CELERY_TASK_SOFT_TIME_LIMIT, 180 s): bench/audio.py measures about 3 s of
# one core per minute of audio, so the longest recording allowed (20 minutes) takes about a minute.
TRANSCODE_SECONDS = 150
LOUDNESS = "loudnorm=I=-16:TP=-1.5:LRA=11"
MP3_QUALITY = "7"
SAMPLE_RATE = 48000


@dataclass(frozen=True)
class Container:
    """A kind of file accepted: the key stored, ffmpeg's demuxer, the extension of the stored original, its
    content type, a label for people, and the audio codecs it may hold."""

    key: str
    demuxer: str
    extension: str
    content_type: str
    label: str
    codecs: frozenset[str]


PCM = frozenset(
    {"pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8", "pcm_alaw", "pcm_mulaw", "adpcm_ms", "adpcm_ima_wav"}
)
OGG = Container("ogg", "ogg", "ogg", "audio/ogg", "Ogg", frozenset({"opus", "vorbis"}))
MP4 = Container("m4a", "mov", "m4a", "audio/mp4", "M4A", frozenset({"aac", "alac", "mp3", "amr_nb", "amr_wb"}))
MP3 = Container("mp3", "mp3", "mp3", "audio/mpeg", "MP3", frozenset({"mp3"}))
WAV = Container("wav", "wav", "wav", "audio/wav", "WAV", PCM)
WEBM = Container("webm", "matroska", "webm", "audio/webm", "WebM", frozenset({"opus", "vorbis"}))
AMR = Container("amr", "amr", "amr", "audio/amr", "AMR", frozenset({"amr_nb", "amr_wb"}))
CONTAINERS = {kind.key: kind for kind in (OGG, MP4, MP3, WAV, WEBM, AMR)}

ACCEPT = "audio/*,.ogg,.opus,.oga,.m4a,.mp4,.3gp,.aac,.mp3,.wav,.webm,.amr"

NOT_AUDIO = _(
    "This file is not a recording the portal accepts. Upload a voice note as a phone makes it: WhatsApp (.ogg or "
    ".opus), M4A, MP3, WAV, WebM or AMR."
)
DAMAGED = _("The recording cannot be read: it may be damaged or incomplete. Record or export it again.")


@dataclass(frozen=True)
class Probe:
    """What ffprobe found: the container's key (CONTAINERS), the audio codec, the duration in seconds and the
    number of channels of the first audio stream."""

    format: str
    codec: str
    duration: float
    channels: int

    @property
    def container(self) -> Container:
        return CONTAINERS[self.format]


class ConversionFailed(Exception):
    """ffmpeg could not make the files: `reason` says why in a sentence (in the active language when raised),
    `detail` is ffmpeg's last line."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason if not detail else f"{reason} ({detail})")
        self.reason = reason
        self.detail = detail


def sniff(head: bytes) -> Container | None:
    """The container that `head` (the first 16 bytes of a file, or more) starts, or None."""
    if head.startswith(b"OggS"):
        return OGG
    if head[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    if head.startswith(b"#!AMR"):
        return AMR
    if head.startswith(b"ID3"):
        return MP3
    # An MPEG audio frame: 11 sync bits, then a layer other than 00 (00 is AAC's ADTS, which is refused).
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return MP3
    return None


def probe(path: str | os.PathLike) -> Probe:
    """What the recording at `path` is, or ValidationError (in the active language) when it is not accepted."""
    path = Path(path)
    size = path.stat().st_size
    check_size(size)
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    with path.open("rb") as handle:
        container = sniff(handle.read(16))
    if container is None:
        raise ValidationError(NOT_AUDIO, code="not_audio")
    command = [
        settings.FFPROBE,
        *("-v", "error", "-protocol_whitelist", "file", "-f", container.demuxer),
        *("-show_format", "-show_streams", "-of", "json", f"file:{path}"),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=PROBE_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise ValidationError(DAMAGED, code="probe_timeout") from exc
    if done.returncode != 0:
        raise ValidationError(DAMAGED, code="unreadable")
    try:
        found = json.loads(done.stdout)
    except ValueError as exc:
        raise ValidationError(DAMAGED, code="unreadable") from exc
    return _judge(found, container)


def _judge(found: dict, container: Container) -> Probe:
    streams = found.get("streams") or []
    pictures = [s for s in streams if (s.get("disposition") or {}).get("attached_pic")]
    if any(s.get("codec_type") == "video" and s not in pictures for s in streams):
        raise ValidationError(
            _("The file holds a video. Upload only the sound: a voice note or an audio file."), code="video"
        )
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    if not audio:
        raise ValidationError(_("The file holds no sound."), code="no_audio")
    stream = audio[0]
    codec = stream.get("codec_name") or ""
    if codec not in container.codecs:
        raise ValidationError(NOT_AUDIO, code="codec")
    duration = _seconds((found.get("format") or {}).get("duration")) or _seconds(stream.get("duration"))
    if not duration:
        raise ValidationError(_("The recording has no length: it may be empty or damaged."), code="no_duration")
    limit = settings.AUDIO_MAX_SECONDS
    if duration > limit:
        raise ValidationError(
            _("The recording lasts %(length)s; the limit is %(limit)s. Split it into shorter recordings."),
            code="too_long",
            params={"length": clock(duration), "limit": clock(limit)},
        )
    channels = int(stream.get("channels") or 0)
    if not 1 <= channels <= 8:
        raise ValidationError(DAMAGED, code="channels")
    return Probe(format=container.key, codec=codec, duration=duration, channels=channels)


def _seconds(value) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 and seconds == seconds and seconds != float("inf") else None


def clock(seconds: float) -> str:
    """A length as people read it: 0:07, 2:35, 20:00 (minutes may pass 59: 75:00)."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def check_size(size: int) -> None:
    """Refuse a file larger than AUDIO_MAX_BYTES, before any program reads it."""
    limit = settings.AUDIO_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The recording is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="too_large",
            params={"size": round(size / 1048576, 1), "limit": round(limit / 1048576, 1)},
        )


@contextmanager
def upload_path(upload) -> Iterator[Path]:
    """The path of an uploaded file on disk for the programs to read: Django's own temporary file for a large
    upload, else a copy (a small upload is held in memory), removed when the block ends."""
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        yield Path(temporary())
        return
    with tempfile.NamedTemporaryFile(prefix="conecta-upload-") as handle:
        upload.seek(0)
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        upload.seek(0)
        yield Path(handle.name)


def probe_upload(upload) -> Probe:
    """probe() of an uploaded file (a Django UploadedFile or File); one too large is refused before it is copied."""
    check_size(upload.size)
    with upload_path(upload) as path:
        return probe(path)


def transcode(source: str | os.PathLike, *, workdir: str | os.PathLike) -> tuple[Path, Path, float]:
    """(Opus path, MP3 path, duration in seconds) made of the recording at `source`, written in `workdir`.
    Raises ConversionFailed (a reason in the active language, and ffmpeg's last line) when the source is not an
    accepted recording any more or ffmpeg fails or runs out of time."""
    source, workdir = Path(source), Path(workdir)
    try:
        found = probe(source)
    except ValidationError as exc:
        raise ConversionFailed(" ".join(exc.messages)) from exc
    opus, mp3 = workdir / "audio.opus", workdir / "audio.mp3"
    bitrate = f"{settings.AUDIO_OPUS_BITRATE}k"
    graph = f"[0:a:0]aformat=channel_layouts=mono,{LOUDNESS},aresample={SAMPLE_RATE},asplit=2[opus][mp3]"
    # Output options apply to the output named next: each output gets the whole set.
    plain = ("-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact")
    command = [
        settings.FFMPEG,
        *("-nostdin", "-hide_banner", "-v", "error", "-y"),
        *("-protocol_whitelist", "file", "-f", found.container.demuxer, "-t", str(settings.AUDIO_MAX_SECONDS)),
        *("-i", f"file:{source}", "-filter_complex", graph),
        *("-map", "[opus]", "-c:a", "libopus", "-b:a", bitrate, "-application", "voip", *plain),
        *("-f", "ogg", f"file:{opus}"),
        *("-map", "[mp3]", "-c:a", "libmp3lame", "-q:a", MP3_QUALITY, "-id3v2_version", "0", *plain),
        *("-f", "mp3", f"file:{mp3}"),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TRANSCODE_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise ConversionFailed(
            gettext("The conversion took longer than %(seconds)s seconds and was stopped.")
            % {"seconds": TRANSCODE_SECONDS}
        ) from exc
    except FileNotFoundError as exc:
        raise ConversionFailed(gettext("ffmpeg is not installed on the server."), str(exc)) from exc
    if done.returncode != 0 or not opus.is_file() or not mp3.is_file():
        raise ConversionFailed(gettext("ffmpeg could not convert the recording."), last_line(done.stderr, source))
    try:
        made = probe(opus)
    except ValidationError as exc:
        raise ConversionFailed(gettext("ffmpeg made an unreadable file."), " ".join(exc.messages)) from exc
    return opus, mp3, made.duration


def last_line(stderr: bytes, source: Path) -> str:
    """ffmpeg's last message, without the paths of the server's folders."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    for path in (f"file:{source}", str(source), str(source.parent)):
        line = line.replace(path, source.name)
    return line[:300]


def ffmpeg_available() -> bool:
    """Whether both programs can be found (the CI installs the Debian package `ffmpeg`)."""
    return bool(shutil.which(settings.FFMPEG) and shutil.which(settings.FFPROBE))
