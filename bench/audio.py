"""Benchmark of the conversion of recordings (`make bench`): ffmpeg's time and the size of what it makes, per minute
of audio. Figures for the notes, not pass/fail tests.

  1. Makes a speech-like recording of each length (60 s and 300 s by default) with ffmpeg itself: synthesised speech
     (the `flite` filter, when this ffmpeg has it; otherwise a voice-like tone that rises and falls) over a little pink
     noise, encoded as a WhatsApp voice note is (Opus in Ogg, mono, 16 kbit/s).
  2. Runs kichwa.audio.probe and kichwa.audio.transcode on it (what the upload's check and the Celery task do: one
     decoding, loudness normalisation, Opus at AUDIO_OPUS_BITRATE and MP3), --repeats times: the median wall time and
     the CPU time of the ffmpeg processes, and the size of each output.
  3. Prints per minute of audio: seconds of conversion, and KB of Opus and MP3; writes bench/out/audio.json.

No database is needed. With the 20-minute limit (AUDIO_MAX_SECONDS), the longest recording takes 20 times the
per-minute figure: it must stay well below TRANSCODE_SECONDS and the task's soft time limit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from isolation import isolate_environment  # bench/ is on the path: these scripts run from it

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SPEECH = (
    "El Gobierno Provincial de Pastaza informa sobre el avance del plan de gobierno abierto. "
    "Este trimestre se cumplieron tres hitos, y dos obras viales avanzan en los cantones Pastaza y Arajuno. "
    "Puede enviar su sugerencia por la radio comunitaria o en la oficina de participación ciudadana. "
)


def _has_flite() -> bool:
    filters = subprocess.run(["ffmpeg", "-hide_banner", "-filters"], capture_output=True, timeout=30).stdout
    return b" flite " in filters


def make_speech(path: Path, seconds: int) -> str:
    """A voice note of `seconds` at `path`; returns how its voice was made."""
    if _has_flite():
        text_file = path.with_suffix(".txt")
        text_file.write_text(SPEECH * 40, encoding="utf-8")
        voice, how = f"flite=textfile={text_file}:voice=slt", "flite speech"
    else:
        voice, how = "sine=frequency=170:sample_rate=16000,vibrato=f=5:d=0.6,tremolo=f=3:d=0.8", "voice-like tone"
    graph = (
        f"[0:a]aresample=16000,aloop=loop=-1:size=2000000000,atrim=duration={seconds}[voice];"
        f"[1:a]volume=0.05[noise];[voice][noise]amix=inputs=2:duration=first"
    )
    subprocess.run(
        [
            *("ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", voice),
            *("-f", "lavfi", "-i", f"anoisesrc=color=pink:sample_rate=16000:duration={seconds}"),
            *("-filter_complex", graph, "-ac", "1", "-c:a", "libopus", "-b:a", "16k", "-application", "voip"),
            str(path),
        ],
        check=True,
        timeout=600,
    )
    return how


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(source: Path, repeats: int) -> dict:
    from kichwa import audio

    walls, cpus, probes = [], [], []
    for _ in range(repeats):
        started = time.perf_counter()
        audio.probe(source)
        probes.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory(prefix="conecta-bench-audio-") as workdir:
            cpu, started = _children_cpu(), time.perf_counter()
            opus, mp3, duration = audio.transcode(source, workdir=workdir)
            walls.append(time.perf_counter() - started)
            cpus.append(_children_cpu() - cpu)
            sizes = {"opus": opus.stat().st_size, "mp3": mp3.stat().st_size}
    minutes = duration / 60
    return {
        "seconds": round(duration, 1),
        "input_bytes": source.stat().st_size,
        "probe_s": round(statistics.median(probes), 3),
        "wall_s": round(statistics.median(walls), 2),
        "cpu_s": round(statistics.median(cpus), 2),
        "wall_s_per_min": round(statistics.median(walls) / minutes, 2),
        "cpu_s_per_min": round(statistics.median(cpus) / minutes, 2),
        "opus_bytes": sizes["opus"],
        "mp3_bytes": sizes["mp3"],
        "opus_kb_per_min": round(sizes["opus"] / 1024 / minutes, 1),
        "mp3_kb_per_min": round(sizes["mp3"] / 1024 / minutes, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[60, 300], help="seconds of each recording")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    isolate_environment(os.environ.get("VAR_DIR") or tempfile.mkdtemp(prefix="conecta-bench-audio-"))
    import django

    django.setup()
    from django.conf import settings

    from kichwa import audio

    rows, how = [], ""
    with tempfile.TemporaryDirectory(prefix="conecta-bench-audio-") as folder:
        for seconds in args.lengths:
            source = Path(folder) / f"voz-{seconds}s.ogg"
            how = make_speech(source, seconds)
            rows.append(measure(source, args.repeats))

    print(
        f"Recordings: {how}, as a WhatsApp voice note (Opus 16 kbit/s); output Opus {settings.AUDIO_OPUS_BITRATE} "
        f"kbit/s and MP3 VBR q{audio.MP3_QUALITY}, mono 48 kHz, loudness-normalised. Median of {args.repeats}; "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}."
    )
    header = ("length", "probe s", "wall s", "CPU s", "wall s/min", "CPU s/min", "Opus KB/min", "MP3 KB/min")
    print(" | ".join(f"{h:>11}" for h in header))
    for row in rows:
        values = (
            f"{row['seconds']:.0f} s",
            row["probe_s"],
            row["wall_s"],
            row["cpu_s"],
            row["wall_s_per_min"],
            row["cpu_s_per_min"],
            row["opus_kb_per_min"],
            row["mp3_kb_per_min"],
        )
        print(" | ".join(f"{v:>11}" for v in values))
    longest = settings.AUDIO_MAX_SECONDS / 60 * max(row["wall_s_per_min"] for row in rows)
    print(
        f"The longest recording allowed ({settings.AUDIO_MAX_SECONDS // 60} min) would take about {longest:.0f} s "
        f"(limit {audio.TRANSCODE_SECONDS} s)."
    )
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"voice": how, "repeats": args.repeats, "cpus": os.cpu_count(), "rows": rows}
    (OUT / "audio.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
