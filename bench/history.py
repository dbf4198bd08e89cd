"""Benchmark of the milestones' dated progress (`make bench` runs it after bench/reports.py): what a long history
costs the pages that read it, next to today's figures. Figures for the notes, not pass/fail tests.

For each history size, in a child process on a fresh SQLite database of its own in a temporary VAR_DIR (never var/
nor a configured DATABASE_URL):

  1. load_demo, then the 300-commitment synthetic plan built by `seed_scale --commitments 300 --observations N`,
     with 3 observations per milestone (today's seed) and with 20;
  2. for each: the commitment page (the plan's middle commitment: its milestones' timelines and sparklines), the
     home page and the plan's Atom feed (updates and observations by date), uncached: p50/p95 of the server time,
     queries, HTML bytes and gzip bytes;
  3. the snapshot a report freezes (reports.snapshot.snapshot_build) of 2025-Q4 and of 2026-Q3, as of each
     period's end: p50 of its build time and its size.

Every page is measured in-process through Django's test Client (no network). Writes bench/out/history.json beside
the printed table. Takes about a minute on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from isolation import isolate_environment  # bench/ is on the path: these scripts run from it

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bench" / "out"
SIZE = 300
HISTORIES = (3, 20)
PERIODS = ((2025, 4), (2026, 3))


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


def _page(client, url: str, repeats: int) -> dict:
    """Uncached server time, queries and bytes of one page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # templates, URL resolver and translations warm
        client.get(url)
    timings, cpu = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).content
    return {
        "url": url,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_percentile(timings, 95), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "queries": len(queries),
        "html_kb": round(len(body) / 1024, 1),
        "gzip_kb": round(len(gzip.compress(body, compresslevel=6)) / 1024, 1),
        "requests": repeats,
    }


def _sparkline_bytes(body: bytes) -> int:
    """The largest sparkline of the page, in bytes."""
    import re

    return max((len(svg) for svg in re.findall(rb'<svg class="spark".*?</svg>', body, re.S)), default=0)


def _snapshot(plan, year: int, quarter: int, repeats: int) -> dict:
    from reports.periods import Period
    from reports.snapshot import snapshot_build

    timings, cpu, snapshot = [], [], None
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        snapshot = snapshot_build(plan=plan, period=Period(year, quarter))
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return {
        "period": f"{year}-Q{quarter}",
        "p50_ms": round(statistics.median(timings), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "kb": round(len(json.dumps(snapshot, default=str)) / 1024, 1),
        "builds": repeats,
    }


def measure(observations: int, repeats: int, snapshot_repeats: int) -> dict:
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.urls import reverse
    from django.utils import translation

    from commitments.models import ActionPlan, Commitment, MilestoneProgress

    started = time.perf_counter()
    call_command("seed_scale", commitments=SIZE, observations=observations, stdout=io.StringIO())
    seed_s = time.perf_counter() - started
    plan = ActionPlan.objects.get(slug=f"sintetico-{SIZE}")
    commitments = list(Commitment.objects.published().filter(plan=plan).order_by("order", "code"))
    middle = commitments[len(commitments) // 2]
    client = Client()
    with override_settings(CONECTA_PLAN_SLUG=plan.slug, PUBLIC_PAGE_CACHE_SECONDS=0), translation.override("es"):
        urls = {
            "commitment": reverse("commitments:detail", kwargs={"code": middle.code}),
            "home": reverse("commitments:home"),
            "feed": reverse("commitments:feed_updates"),
        }
        pages = {name: _page(client, url, repeats) for name, url in urls.items()}
        pages["commitment"]["largest_sparkline_bytes"] = _sparkline_bytes(client.get(urls["commitment"]).content)
    snapshots = [_snapshot(plan, year, quarter, snapshot_repeats) for year, quarter in PERIODS]
    return {
        "observations_per_milestone": observations,
        "observations": MilestoneProgress.objects.filter(milestone__commitment__plan=plan).count(),
        "seed_s": round(seed_s, 2),
        "pages": pages,
        "snapshots": snapshots,
    }


def report(rows: list[dict], elapsed: float) -> None:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    print(
        f"Progress history at {SIZE} commitments · SQLite · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs "
        f"· load average {load}"
    )
    print("Uncached server time (PUBLIC_PAGE_CACHE_SECONDS=0), in-process; today = 3 observations per milestone.")
    print("CPU = this process's own CPU time, which other work on the machine does not inflate.")
    print()
    header = (
        f"   {'history':<22} {'page':<11} {'p50 ms':>7} {'p95 ms':>7} {'CPU ms':>7} {'queries':>7} {'HTML':>8} "
        f"{'gzip':>7}"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    for row in rows:
        label = f"{row['observations_per_milestone']}/milestone ({row['observations']})"
        for n, (name, page) in enumerate(row["pages"].items()):
            print(
                f"   {label if n == 0 else '':<22} {name:<11} {page['p50_ms']:>7.1f} {page['p95_ms']:>7.1f} "
                f"{page['cpu_p50_ms']:>7.1f} {page['queries']:>7} {page['html_kb']:>6.1f}KB {page['gzip_kb']:>5.1f}KB"
            )
        for snap in row["snapshots"]:
            name = f"snapshot {snap['period']}"
            print(
                f"   {'':<22} {name:<19} {snap['p50_ms']:>7.1f} ms, CPU {snap['cpu_p50_ms']:.1f} ms "
                f"({snap['kb']:.0f} KB JSON)"
            )
        print(
            f"   {'':<22} seed_scale {row['seed_s']:.1f} s; largest sparkline "
            f"{row['pages']['commitment']['largest_sparkline_bytes']} bytes"
        )
    print(f"\nTotal {elapsed:.0f} s. Figures in {OUT.relative_to(ROOT)}/history.json")


def child(observations: int, repeats: int, snapshot_repeats: int) -> None:
    """One history size on a fresh database of its own, so that neither size inherits the other's rows, caches
    or warm-up; prints its figures as JSON."""
    with tempfile.TemporaryDirectory(prefix="conecta-bench-history-") as tmpdir:
        tmp = Path(tmpdir)
        isolate_environment(str(tmp / "var"))
        (tmp / "var" / "static").mkdir(parents=True)

        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", stdout=io.StringIO())
        row = measure(observations, repeats, snapshot_repeats)
    print(json.dumps(row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=20, help="timed requests of each page (default 20)")
    parser.add_argument("--snapshot-repeats", type=int, default=5, help="timed snapshot builds (default 5)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeats, args.snapshot_repeats)
        return

    started = time.perf_counter()
    rows = []
    for observations in HISTORIES:
        print(
            f"Fresh sqlite database, load_demo, {SIZE} commitments with {observations} observations per milestone ...",
            flush=True,
        )
        completed = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(observations),
                "--repeats",
                str(args.repeats),
                "--snapshot-repeats",
                str(args.snapshot_repeats),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise SystemExit(f"the measuring child failed:\n{completed.stderr[-3000:]}")
        rows.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    elapsed = time.perf_counter() - started
    report(rows, elapsed)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "history.json").write_text(json.dumps({"history": rows, "seconds": round(elapsed, 1)}, indent=2))


if __name__ == "__main__":
    main()
