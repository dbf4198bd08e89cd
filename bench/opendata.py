"""Benchmark of the open data (`make bench` runs it): figures for the notes, not tests.

On a fresh SQLite database in a temporary VAR_DIR (never var/ nor a configured DATABASE_URL):

  1. load_demo (the real plan, its examples, the road works), then `seed_scale --commitments 300` (a synthetic plan
     of 300 commitments beside it, shown by the API with CONECTA_PLAN_SLUG=sintetico-300);
  2. the catalogue built from nothing: every dataset's four files (CSV, Spanish-Excel CSV, JSON, XLSX) with their
     SHA-256, timed, with the bytes of each format in all (the datasets hold published records of the real plans
     only: the synthetic plan is never open data);
  3. the nightly bundle: its build time and the ZIP's size;
  4. the API: p50/p95 server time over N uncached requests of the list of commitments (a page of 25, then the last
     page) and of one commitment with its milestones, history and indicators, with the queries of each.
Writes bench/out/opendata.json beside the printed table.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from isolation import isolate_environment  # bench/ is on the path: these scripts run from it

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
COMMITMENTS = 300


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


def catalogue_build() -> dict:
    """Every dataset's files, built without a cache: seconds, and bytes per format."""
    from django.test import override_settings

    from opendata import distributions
    from opendata.datasets import all_datasets

    started = time.perf_counter()
    sizes: dict[str, int] = {}
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        summaries = distributions.summaries(all_datasets())
    for summary in summaries.values():
        for item in summary.distributions:
            sizes[item.format] = sizes.get(item.format, 0) + item.size
    return {"datasets": len(summaries), "seconds": round(time.perf_counter() - started, 2), "bytes": sizes}


def bundle_build() -> dict:
    from opendata.bundle import bundle_create

    started = time.perf_counter()
    bundle, _created = bundle_create()
    return {"seconds": round(time.perf_counter() - started, 2), "bytes": bundle.size, "sha256": bundle.sha256}


def api_timings(client, url: str, repeats: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(url)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url, HTTP_IF_NONE_MATCH="")
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "url": url,
        "bytes": len(response.content),
        "queries": len(queries),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_percentile(timings, 95), 1),
        "requests": repeats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed requests of each API address (default 30)")
    args = parser.parse_args()

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="conecta-bench-opendata-") as tmpdir:
        tmp = Path(tmpdir)
        isolate_environment(str(tmp / "var"))
        (tmp / "var" / "static").mkdir(parents=True)
        os.environ["API_RATE_LIMIT"] = "100000/minute"

        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client, override_settings

        print("Fresh sqlite database: migrate, load_demo, seed_scale ...", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", stdout=io.StringIO())
        call_command("seed_scale", commitments=COMMITMENTS, stdout=io.StringIO())

        print("catalogue ...", flush=True)
        catalogue = catalogue_build()
        print("bundle ...", flush=True)
        bundle = bundle_build()
        print("API ...", flush=True)
        client = Client()
        api = []
        with override_settings(CONECTA_PLAN_SLUG=f"sintetico-{COMMITMENTS}", PUBLIC_PAGE_CACHE_SECONDS=0):
            first = client.get("/api/v1/commitments/?page_size=25").json()
            last_page = (first["count"] + 24) // 25
            code = first["results"][0]["code"]
            for url in (
                "/api/v1/commitments/?page_size=25",
                f"/api/v1/commitments/?page_size=25&page={last_page}",
                f"/api/v1/commitments/{code}/",
                "/api/v1/milestones/?page_size=100",
            ):
                api.append(api_timings(client, url, args.repeats))
        elapsed = time.perf_counter() - started

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    print(f"Open data · fresh sqlite · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs · load {load}")
    sizes = ", ".join(f"{fmt} {size / 1024:.0f} KB" for fmt, size in sorted(catalogue["bytes"].items()))
    print(f"Catalogue: {catalogue['datasets']} datasets built in {catalogue['seconds']} s ({sizes}).")
    print(f"Bundle: {bundle['bytes'] / 1024:.0f} KB in {bundle['seconds']} s.")
    print(f"API with {COMMITMENTS} commitments (uncached, {args.repeats} requests each):")
    for row in api:
        print(
            f"   {row['url']:<48} {row['bytes'] / 1024:7.1f} KB  {row['queries']:3} queries  "
            f"p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms"
        )
    print(f"\nTotal {elapsed:.0f} s. Figures in bench/out/opendata.json")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "opendata.json").write_text(
        json.dumps({"catalogue": catalogue, "bundle": bundle, "api": api, "seconds": round(elapsed, 1)}, indent=2)
    )


if __name__ == "__main__":
    main()
