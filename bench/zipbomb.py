"""Benchmark of the import bounds (`make bench`): a zip-bomb XLSX refused in milliseconds, with memory bounded.

  1. Builds the bomb of the security review in memory (tests/commitments/spreadsheet_files.zip_bomb): a real
     workbook whose sheet unpacks to 300 MB of rows, padded to about 4 MB so it passes the 5 MB upload limit; and,
     for comparison, an ordinary 1,000-row milestone XLSX.
  2. In a child process of its own for each file (so that its peak memory, ru_maxrss, is the check's and not this
     process's), runs the admin import form's validation (commitments.forms.SpreadsheetImportForm, which refuses
     what would unpack, or hold rows or columns, past IMPORT_MAX_*) and then the format's own load
     (conecta.spreadsheet.XLSX.create_dataset, what the confirm step and scripts read through): wall time, CPU,
     the peak RSS and its growth over the child's start, and the message shown.
  3. With --unbounded, also loads the bomb as django-import-export's own XLSX format does (openpyxl, no bound),
     in a child limited to --unbounded-mb of memory and --unbounded-seconds: what the portal did before.

Targets: the bomb refused in under a second, its peak RSS within 50 MB of the child's start. No database is
needed. Writes bench/out/zipbomb.json beside the printed table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from isolation import isolate_environment  # bench/ is on the path: these scripts run from it

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_SECONDS = 1.0
TARGET_GROWTH_MB = 50.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _setup() -> None:
    import django

    isolate_environment(os.environ.get("VAR_DIR") or tempfile.mkdtemp(prefix="conecta-bench-zip-"))
    django.setup()


def child(path: str, mode: str) -> None:
    """Measure one check of the file at `path` and print it as JSON (runs in its own process)."""
    _setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from commitments.forms import SpreadsheetImportForm
    from commitments.resources import MilestoneResource
    from conecta.spreadsheet import CSV, XLSX

    content = Path(path).read_bytes()
    translation.activate("es")
    start_mb = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    outcome, message, rows = "accepted", "", None
    if mode == "form":
        form = SpreadsheetImportForm(
            [XLSX, CSV],
            [MilestoneResource],
            data={"resource": "0", "format": "0"},
            files={"import_file": SimpleUploadedFile("hitos.xlsx", content)},
        )
        if not form.is_valid():
            outcome, message = "refused", " ".join(form.errors.get("import_file", [])) or str(form.errors)
    elif mode == "format":
        try:
            rows = len(XLSX().create_dataset(content))
        except ValidationError as exc:
            outcome, message = "refused", " ".join(exc.messages)
    else:  # "unbounded": django-import-export's own XLSX format, as the portal read imports before
        from import_export.formats.base_formats import XLSX as UnboundedXLSX

        rows = len(UnboundedXLSX().create_dataset(content))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "outcome": outcome,
                "message": message,
                "rows": rows,
                "seconds": round(elapsed, 3),
                "cpu_s": round(cpu, 3),
                "start_rss_mb": round(start_mb, 1),
                "peak_rss_mb": round(_rss_mb(), 1),
                "growth_mb": round(_rss_mb() - start_mb, 1),
            }
        )
    )


def _run_child(path: Path, mode: str, *, memory_mb: int | None = None, seconds: float | None = None) -> dict:
    def limit():
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))

    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(path), "--mode", mode],
            capture_output=True,
            text=True,
            timeout=seconds,
            preexec_fn=limit if memory_mb else None,
            cwd=ROOT,  # Celery's Django fixup puts the working directory first on sys.path
        )
    except subprocess.TimeoutExpired:
        # The killed child was reaped: its peak memory counts among the children's (the largest of them).
        return {"outcome": f"still parsing after {seconds:.0f} s (stopped)", "seconds": round(seconds, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}
    wall = round(time.perf_counter() - started, 2)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"outcome": f"crashed: {last[:120]}", "seconds": wall,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _files(tmp: Path) -> dict[str, Path]:
    import tablib

    from tests.commitments.spreadsheet_files import zip_bomb

    bomb = tmp / "bomba.xlsx"
    bomb.write_bytes(zip_bomb(unpacked_mb=300, size_mb=4.0))
    headers = ["id", "compromiso", "orden", "peso", "titulo_es", "titulo_qu", "descripcion_es", "inicio",
               "vencimiento", "nivel_irm", "avance", "responsable", "publicado", "datos_de_ejemplo"]
    rows = [
        ["", f"SINT{n // 5:04d}", n % 5 + 1, 1, f"Hito de ejemplo {n}", f"Ñawpa {n}",
         "Taller con las comunidades de la parroquia y acta firmada. " * 3, "2025-03-01", "2025-06-30",
         "limited", 25, "DGA", "no", "sí"]
        for n in range(1000)
    ]
    ordinary = tmp / "hitos-1000.xlsx"
    ordinary.write_bytes(tablib.Dataset(*rows, headers=headers).export("xlsx"))
    return {"bomb": bomb, "1,000 rows": ordinary}


def _unpacked_mb(path: Path) -> float:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return round(sum(member.file_size for member in archive.infolist()) / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="form", help=argparse.SUPPRESS)
    parser.add_argument("--unbounded", action="store_true", help="also load the bomb without bounds (the old way)")
    parser.add_argument("--unbounded-mb", type=int, default=2048, help="memory limit of that child (MB)")
    parser.add_argument("--unbounded-seconds", type=float, default=60.0, help="time limit of that child (s)")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.mode)
        return

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="conecta-bench-zip-") as tmp:
        os.environ["VAR_DIR"] = tmp
        files = _files(Path(tmp))
        results = []
        for name, path in files.items():
            for mode in ("form", "format"):
                measured = _run_child(path, mode)
                results.append({"file": name, "mb": round(path.stat().st_size / 2**20, 2),
                                "unpacked_mb": _unpacked_mb(path), "check": mode, **measured})
        if args.unbounded:
            measured = _run_child(files["bomb"], "unbounded", memory_mb=args.unbounded_mb,
                                  seconds=args.unbounded_seconds)
            results.append({"file": "bomb", "mb": round(files["bomb"].stat().st_size / 2**20, 2),
                            "unpacked_mb": _unpacked_mb(files["bomb"]), "check": "unbounded (before)", **measured,
                            "limits": f"{args.unbounded_mb} MB, {args.unbounded_seconds:.0f} s"})

    bomb_rows = [row for row in results if row["file"] == "bomb" and row["check"] in ("form", "format")]
    verdict = {
        "bomb_refused": all(row.get("outcome") == "refused" for row in bomb_rows),
        "under_a_second": all(row.get("seconds", 99) < TARGET_SECONDS for row in bomb_rows),
        "memory_bounded": all(row.get("growth_mb", 999) < TARGET_GROWTH_MB for row in bomb_rows),
        "ordinary_file_accepted": all(
            row.get("outcome") == "accepted" for row in results if row["file"] == "1,000 rows"
        ),
    }

    print(f"{'file':<11} {'MB':>5} {'unpacked':>9} {'check':<19} {'outcome':<10} {'s':>7} {'peak RSS MB':>12} "
          f"{'growth MB':>10}")
    for row in results:
        print(
            f"{row['file']:<11} {row['mb']:>5} {row['unpacked_mb']:>9} {row['check']:<19} "
            f"{str(row.get('outcome', ''))[:40]:<10} {row.get('seconds', ''):>7} {row.get('peak_rss_mb', '—'):>12} "
            f"{row.get('growth_mb', '—'):>10}"
        )
    for row in results:
        if row.get("message"):
            print(f"  {row['file']} ({row['check']}): {row['message']}")
    print("targets:", ", ".join(f"{key}={'yes' if value else 'NO'}" for key, value in verdict.items()))

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "zipbomb.json").write_text(json.dumps({"results": results, "verdict": verdict}, indent=2) + "\n")


if __name__ == "__main__":
    main()
