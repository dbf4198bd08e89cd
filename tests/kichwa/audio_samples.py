"""Recordings made by ffmpeg itself for the audio tests, once per session: a 3-second voice note as each kind of
phone makes it, a video, a text file renamed .ogg, and helpers to upload them and read what ffmpeg made."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

SINE = "sine=frequency=220:sample_rate=48000:duration=3"
# What each sample is: (file name, ffmpeg arguments after the generated input).
SAMPLES = {
    # WhatsApp: Opus in Ogg, mono, 16 kbit/s, speech mode.
    "whatsapp": ("PTT-20250314-WA0007.ogg", ["-ac", "1", "-c:a", "libopus", "-b:a", "16k", "-application", "voip"]),
    "m4a": ("Nueva grabación 3.m4a", ["-c:a", "aac", "-b:a", "64k"]),
    "mp3": ("grabacion.mp3", ["-c:a", "libmp3lame", "-q:a", "5"]),
    "wav": ("grabacion.wav", ["-c:a", "pcm_s16le"]),
    "webm": ("grabacion.webm", ["-c:a", "libopus"]),
    # Quiet (-30 dB): the loudness normalisation must bring it up.
    "quiet": ("bajito.ogg", ["-af", "volume=-30dB", "-ac", "1", "-c:a", "libopus", "-b:a", "32k"]),
}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", *args], check=True, timeout=60)


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("audio-samples")
    made = {}
    for key, (name, arguments) in SAMPLES.items():
        made[key] = folder / name
        ffmpeg("-f", "lavfi", "-i", SINE, *arguments, str(made[key]))
    made["video"] = folder / "video.mp4"
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10", "-f", "lavfi", "-i", "sine=duration=2"),
        *("-c:v", "mpeg4", "-c:a", "aac", "-shortest", str(made["video"])),
    )
    made["text"] = folder / "nota-de-voz.ogg"
    made["text"].write_text("Esto no es una grabación, es un texto con otro nombre.\n" * 20, encoding="utf-8")
    return made


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="application/octet-stream")


def ffprobe(path) -> dict:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return json.loads(done.stdout)


def loudness(path) -> float:
    """The integrated loudness (LUFS) of a file, as ffmpeg's EBU R128 meter reads it."""
    done = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    summary = done.stderr.decode().rsplit("Integrated loudness:", 1)[1]
    return float(summary.split("I:", 1)[1].split("LUFS", 1)[0])


@pytest.fixture
def audio_root(settings, tmp_path):
    """Recordings of a test in a folder of its own (kichwa.models.AudioStorage reads AUDIO_ROOT at each use)."""
    settings.AUDIO_ROOT = tmp_path / "audio"
    return settings.AUDIO_ROOT


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
