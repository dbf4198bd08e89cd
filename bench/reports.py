"""Benchmark of the report PDFs (`make bench` runs it after bench/run.py): figures for the notes, not tests.

On a fresh SQLite database in a temporary VAR_DIR (never var/ nor a configured DATABASE_URL):

  1. load_demo (the real plan, 3 commitments) and synthetic plans of 30, 100, 200 and 300 commitments
     (commitments.loaders.synthetic_plan_load: about 5 milestones and 3 updates each);
  2. the draft report of 2025-Q4 of each plan (the snapshot: time and JSON size);
  3. each report rendered to PDF in Spanish and in Kichwa by WeasyPrint, in a child process of its own, so that
     its peak memory (ru_maxrss) is the rendering's and not this process's: seconds per language (wall and CPU,
     the second steadier on a busy machine), pages, bytes. A report of up to REPORTS_PDF_SINGLE_MAX commitments
     is one document, a tagged PDF ("tagged"); it is rendered a second time in parts joined by pypdf, as a
     larger one is ("parts", untagged), to compare what the tags cost.

Targets: the real plan <= 2 s per language; 300 commitments <= 20 s and <= 400 MB, growing linearly (the 100 and
200 rows show the slope). Writes bench/out/reports.json beside the printed table.
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
SIZES = (30, 100, 200, 300)
TARGETS = {"real": {"seconds": 2.0}, 300: {"seconds": 20.0, "peak_mb": 400.0}}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def child(report_id: int, out_dir: str, parts: bool) -> None:
    """Render one report in both languages and print what it cost, as JSON (runs in its own process); in parts
    joined by pypdf when `parts`, whatever its size."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import weasyprint  # noqa: F401 - loaded before the baseline, as a worker has it loaded
    from django.conf import settings

    from reports.models import Report
    from reports.pdf import is_single, render_pdf, report_html

    if parts:
        settings.REPORTS_PDF_SINGLE_MAX = -1
    report = Report.objects.select_related("plan").get(pk=report_id)
    baseline = _peak_mb()
    result = {"baseline_mb": round(baseline, 1), "mode": "tagged" if is_single(report) else "parts", "languages": {}}
    for language in ("es", "qu"):
        started = time.perf_counter()
        html = report_html(report, language)
        html_s = time.perf_counter() - started
        target = Path(out_dir) / f"{report.plan.slug}-{language}.pdf"
        started, cpu = time.perf_counter(), time.process_time()
        pages = render_pdf(report, language, target)
        result["languages"][language] = {
            "seconds": round(time.perf_counter() - started, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
            "template_s": round(html_s, 2),
            "html_kb": round(len(html.encode()) / 1024, 1),
            "pages": pages,
            "pdf_kb": round(target.stat().st_size / 1024, 1),
        }
    result["peak_mb"] = round(_peak_mb(), 1)
    print(json.dumps(result))


def _render_in_child(report_id: int, out_dir: str, *, parts: bool = False) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", str(report_id), "--out", out_dir, *(["--parts"] if parts else [])],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"the rendering child failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _ok(flag: bool) -> str:
    return "ok" if flag else "OVER"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--parts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.out, args.parts)
        return

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="conecta-bench-reports-") as tmpdir:
        tmp = Path(tmpdir)
        isolate_environment(str(tmp / "var"))
        (tmp / "var" / "static").mkdir(parents=True)
        pdf_dir = tmp / "pdf"
        pdf_dir.mkdir()

        import io

        import django

        django.setup()
        from django.core.management import call_command

        from commitments.loaders import synthetic_plan_load
        from commitments.models import ActionPlan
        from conecta.audit import acting_as
        from reports import services
        from reports.periods import Period

        sizes = ", ".join(str(size) for size in SIZES)
        print(f"Fresh sqlite database: migrate, load_demo, synthetic plans of {sizes} commitments ...", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", stdout=io.StringIO())
        plans = [("real plan", ActionPlan.objects.get(slug="pastaza-2024-2027"))]
        with acting_as(None, "command"):
            for size in SIZES:
                plans.append((f"synthetic {size}", synthetic_plan_load(commitments=size)))

        rows = []
        for label, plan in plans:
            print(f"{label}: snapshot and PDFs ...", flush=True)
            period = Period(2025, 3)
            snap_started = time.perf_counter()
            with acting_as(None, "command"):
                report = services.report_draft_for_period(plan=plan, period=period)
            snapshot_s = time.perf_counter() - snap_started
            costs = [_render_in_child(report.pk, str(pdf_dir))]
            if costs[0]["mode"] == "tagged":  # the same report in parts, as the larger ones are
                costs.append(_render_in_child(report.pk, str(pdf_dir), parts=True))
            for index, cost in enumerate(costs):
                rows.append(
                    {
                        "plan": label,
                        "commitments": len(report.snapshot["commitments"]),
                        "milestones": report.snapshot["totals"]["milestones"],
                        "snapshot_s": round(snapshot_s, 2),
                        "snapshot_kb": round(len(json.dumps(report.snapshot)) / 1024, 1),
                        **cost,
                        "as_served": index == 0,  # the other: the comparison in parts
                    }
                )
        elapsed = time.perf_counter() - started

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    print(f"Report PDFs (WeasyPrint) · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs · load average {load}")
    print("Each report rendered in a child process of its own; peak = that process's ru_maxrss (Django, WeasyPrint")
    print("and both renderings), baseline = the same process before rendering.")
    print()
    header = (
        f"   {'plan':<14} {'commit.':>7} {'milest.':>7} {'snapshot':>9} {'PDF is':>6} {'lang':>4} {'template':>8} "
        f"{'render s':>8} {'CPU s':>6} {'pages':>5} {'PDF':>8} {'baseline':>8} {'peak':>8}  target"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    for row in rows:
        for language, figures in row["languages"].items():
            size = row["commitments"] if row["plan"] != "real plan" else "real"
            target = TARGETS.get(size if size == "real" else row["commitments"], {})
            verdict = ""
            if target and row["as_served"]:
                ok = figures["seconds"] <= target["seconds"] and row["peak_mb"] <= target.get("peak_mb", 1e9)
                limits = f"<= {target['seconds']:.0f} s" + (
                    f", {target['peak_mb']:.0f} MB" if "peak_mb" in target else ""
                )
                verdict = f"{limits}: {_ok(ok)}"
            first = language == "es"
            print(
                f"   {row['plan'] if first else '':<14} {row['commitments'] if first else '':>7} "
                f"{row['milestones'] if first else '':>7} "
                f"{(str(row['snapshot_s']) + ' s') if first else '':>9} {row['mode'] if first else '':>6} "
                f"{language:>4} {figures['template_s']:>7.2f}s {figures['seconds']:>8.2f} {figures['cpu_s']:>6.2f} "
                f"{figures['pages']:>5} {figures['pdf_kb']:>6.0f}KB "
                f"{(str(row['baseline_mb']) + 'MB') if first else '':>8} "
                f"{(str(row['peak_mb']) + 'MB') if first else '':>8}"
                f"  {verdict}"
            )
    synthetic = [row for row in rows if row["plan"] != "real plan" and row["commitments"] >= 100]
    synthetic = [row for row in synthetic if row["mode"] == "parts"]
    if len(synthetic) >= 2:
        first, last = synthetic[0], synthetic[-1]
        per_100_s = (last["languages"]["es"]["seconds"] - first["languages"]["es"]["seconds"]) / (
            (last["commitments"] - first["commitments"]) / 100
        )
        per_100_mb = (last["peak_mb"] - first["peak_mb"]) / ((last["commitments"] - first["commitments"]) / 100)
        print()
        print(
            f"   Slope from {first['commitments']} to {last['commitments']} commitments: "
            f"{per_100_s:.2f} s and {per_100_mb:.0f} MB more per 100 commitments (Spanish PDF, in parts)."
        )
    for row in rows:
        if row["mode"] == "tagged":
            parts = next((r for r in rows if r["plan"] == row["plan"] and r["mode"] == "parts"), None)
            if parts:
                print(
                    f"   {row['plan']}: tagged (one document) {row['peak_mb']} MB peak, "
                    f"{row['languages']['es']['cpu_s']} s CPU, {row['languages']['es']['pdf_kb']:.0f} KB; "
                    f"in parts (untagged) {parts['peak_mb']} MB, {parts['languages']['es']['cpu_s']} s, "
                    f"{parts['languages']['es']['pdf_kb']:.0f} KB (Spanish PDF)."
                )
    print(f"\nTotal {elapsed:.0f} s. Figures in {OUT.relative_to(ROOT)}/reports.json")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "reports.json").write_text(json.dumps({"reports": rows, "seconds": round(elapsed, 1)}, indent=2))


if __name__ == "__main__":
    main()
