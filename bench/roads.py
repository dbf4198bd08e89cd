"""Benchmark of the road works' public pages (`make bench` runs it): figures for the notes, not tests.

On a fresh SQLite database in a temporary VAR_DIR (never var/ nor a configured DATABASE_URL):

  1. load_demo (the real plan and its three example road works), then the pages measured with those;
  2. 300 more published works of commitment ECPTZ0003, each drawn as a random walk inside the province of 15 to
     170 points (steps of about 150 m that turn a little at each point, as a track recorded on a winding road):
     2 to 25 km each, about 4,000 km in all, twice or more the roads the province maintains, so a pessimistic map,
     checked and simplified as an upload is (roads.geometry.checked and simplify), with three monthly progress
     reports; then the same pages again;
  3. for each page, in Spanish: bytes with gzip (level 6), for the HTML and in total with the stylesheet (the only
     asset), against the budget of every public page (<= 30 KB gzip in total), queries, and server time (p50/p95)
     over N uncached requests (PUBLIC_PAGE_CACHE_SECONDS=0), in-process through Django's test Client.

The pages: the territory map (commitments:territory, where roads.maplayer draws the works), the list of works
(roads:works, 25 a page) and the page of the work with the most points. Writes bench/out/roads.json beside the
printed table.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from isolation import isolate_environment  # bench/ is on the path: these scripts run from it

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

WORKS = 300
# A walk of 15 to 170 points of 150 m: a work of 2 to 25 km (the demo's longest road is 20 km).
WALK_POINTS = (15, 170)
STEP_KM = 0.15
PAGE_TOTAL_GZ_BUDGET = 30 * 1024


def _inside(point, ring) -> bool:
    """Even–odd rule against a canton's exterior ring (lon, lat)."""
    lon, lat = point
    crossings = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def _canton_of(point, rings: dict) -> str | None:
    return next((code for code, ring in rings.items() if _inside(point, ring)), None)


def _walk(rng: random.Random, rings: dict, box: tuple[float, float, float, float]) -> tuple[list, str]:
    """A line of WALK_POINTS points (at random in that range) inside the province, and the canton it starts in."""
    west, south, east, north = box
    while True:
        start = (rng.uniform(west, east), rng.uniform(south, north))
        canton = _canton_of(start, rings)
        if canton:
            break
    heading = rng.uniform(0, 2 * math.pi)
    line = [start]
    points = rng.randint(*WALK_POINTS)
    while len(line) < points:
        heading += rng.gauss(0, 0.35)
        lon, lat = line[-1]
        step = STEP_KM / 111.32
        point = (lon + step * math.cos(heading) / math.cos(math.radians(lat)), lat + step * math.sin(heading))
        if _canton_of(point, rings):
            line.append(point)
        else:
            heading += math.pi  # the border: turn back
    return line, canton


def build_works(count: int, seed: int = 2025) -> dict:
    """`count` published works with random-walk lines and progress; returns what the lines cost to store."""
    from commitments.geomap import canton_boundaries
    from commitments.models import Canton, Commitment, Institution
    from roads.geometry import TRACK_TOLERANCE, checked, length_km, simplify
    from roads.models import GeometrySource, RoadProgress, RoadWork, WorkKind, WorkStatus
    from roads.services import road_progress_refresh

    rng = random.Random(seed)
    rings = {code: ring for code, (_name, ring) in canton_boundaries().items()}
    every = [p for ring in rings.values() for p in ring]
    box = (min(p[0] for p in every), min(p[1] for p in every), max(p[0] for p in every), max(p[1] for p in every))
    cantons = {c.code: c for c in Canton.objects.all()}
    commitment = Commitment.objects.get(code="ECPTZ0003")
    institution = Institution.objects.get(slug="direccion-obras-publicas")
    kinds = list(WorkKind.values)
    works, starts, stored, drawn = [], [], [], []
    for n in range(count):
        line, canton = _walk(rng, rings, box)
        simple = simplify(checked(line), TRACK_TOLERANCE)
        stored.append(len(simple))
        drawn.append(simple)
        starts.append(canton)
        works.append(
            RoadWork(
                code=f"VIA-BENCH-{n:03d}",
                name_es=f"Mantenimiento de la vía de prueba {n}",
                name_qu=f"Tuparina ñanta kamay {n}",
                kind=kinds[n % len(kinds)],
                status=WorkStatus.IMPLEMENTATION,
                commitment=commitment,
                institution=institution,
                length_km=Decimal(rng.randint(200, 3000)) / 100,
                budget=Decimal(rng.randint(20, 900) * 1000),
                planned_start=date(2025, 1, 15),
                planned_end=date(2025, 12, 15),
                actual_start=date(2025, 2, 1),
                geometry=[[round(lon, 6), round(lat, 6)] for lon, lat in simple],
                geometry_source=GeometrySource.TRACK,
                is_published=True,
            )
        )
    RoadWork.objects.bulk_create(works)
    saved = {w.code: w for w in RoadWork.objects.filter(code__startswith="VIA-BENCH-")}
    through = RoadWork.cantons.through
    through.objects.bulk_create(
        [through(roadwork_id=saved[w.code].pk, canton_id=cantons[c].pk) for w, c in zip(works, starts, strict=True)]
    )
    RoadProgress.objects.bulk_create(
        [
            RoadProgress(
                work=saved[w.code],
                observed_on=day,
                physical_pct=pct,
                paid_amount=(saved[w.code].budget * pct / 100).quantize(Decimal("0.01")),
            )
            for w in works
            for day, pct in ((date(2025, 3, 31), 20), (date(2025, 6, 30), 45), (date(2025, 9, 30), 70))
        ]
    )
    road_progress_refresh()
    return {
        "works": count,
        "points_before": "{}–{}".format(*WALK_POINTS),
        "km": round(sum(length_km(line) for line in drawn)),
        "points_stored_p50": statistics.median(stored),
        "points_stored_max": max(stored),
        "points_stored_total": sum(stored),
    }


def _gzip_len(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def _assets_gzip(html: str) -> tuple[list[str], int]:
    """The /static/ files a page loads and their gzipped size."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    prefix = re.escape(settings.STATIC_URL)
    paths = sorted(set(re.findall(rf'(?:href|src)="{prefix}([^"?#]+)', html)))
    total = 0
    for path in paths:
        found = finders.find(path)
        if not found:
            raise SystemExit(f"static file not found: {path}")
        total += _gzip_len(Path(found).read_bytes())
    return paths, total


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


def measure(client, url: str, repeats: int) -> dict:
    """Bytes, queries and uncached server time of one page."""
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    timings = []
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        for _ in range(3):  # warm up templates, URL resolver, translations and the map's cached boundaries
            client.get(url)
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    assets, assets_gz = _assets_gzip(body.decode())
    html_gz = _gzip_len(body)
    return {
        "url": url,
        "html_bytes": len(body),
        "html_gzip_bytes": html_gz,
        "assets": assets,
        "assets_gzip_bytes": assets_gz,
        "total_gzip_bytes": html_gz + assets_gz,
        "budget_ok": html_gz + assets_gz <= PAGE_TOTAL_GZ_BUDGET,
        "queries": len(queries),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_percentile(timings, 95), 1),
        "requests": repeats,
    }


def pages() -> list[tuple[str, str]]:
    """The territory map, the list of works and the page of the work with the most points, in Spanish."""
    from django.urls import reverse
    from django.utils import translation

    from roads.models import RoadWork

    works = list(RoadWork.objects.published().only("code", "geometry"))
    widest = max(works, key=lambda w: (len(w.geometry), w.code))
    with translation.override("es"):
        return [
            ("territory map", reverse("commitments:territory")),
            ("works list", reverse("roads:works")),
            ("work page", reverse("roads:work", kwargs={"code": widest.code})),
        ]


def report(rows: list[dict], lines: dict, elapsed: float) -> None:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    print(f"Road works pages · fresh sqlite · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs · load {load}")
    print(
        f"{lines['works']} random-walk works of {lines['points_before']} points ({lines['km']} km in all), stored "
        "after simplification "
        f"with {lines['points_stored_p50']:.0f} points (median), {lines['points_stored_max']} at most, "
        f"{lines['points_stored_total']} in all."
    )
    print(f"Budget: HTML + stylesheet <= {PAGE_TOTAL_GZ_BUDGET // 1024} KB gzip per page; uncached server time.")
    print()
    header = (
        f"   {'works':>5} {'page':<14} {'url':<30} {'HTML':>8} {'HTML gz':>8} {'+css gz':>8} {'total gz':>9} "
        f"{'queries':>7} {'p50 ms':>7} {'p95 ms':>7}  budget"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    for row in rows:
        url = row["url"] if len(row["url"]) <= 30 else row["url"][:27] + "..."
        verdict = (
            "ok" if row["budget_ok"] else f"OVER by {(row['total_gzip_bytes'] - PAGE_TOTAL_GZ_BUDGET) / 1024:.1f}KB"
        )
        print(
            f"   {row['works']:>5} {row['page']:<14} {url:<30} {row['html_bytes'] / 1024:>6.1f}KB "
            f"{row['html_gzip_bytes'] / 1024:>6.1f}KB {row['assets_gzip_bytes'] / 1024:>6.1f}KB "
            f"{row['total_gzip_bytes'] / 1024:>7.1f}KB {row['queries']:>7} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f}"
            f"  {verdict}"
        )
    print(f"\nTotal {elapsed:.0f} s. Figures in {OUT.relative_to(ROOT)}/roads.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed requests of each page (default 30)")
    args = parser.parse_args()

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="conecta-bench-roads-") as tmpdir:
        tmp = Path(tmpdir)
        isolate_environment(str(tmp / "var"))
        (tmp / "var" / "static").mkdir(parents=True)

        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from conecta.audit import acting_as
        from roads.models import RoadWork

        print("Fresh sqlite database: migrate, load_demo ...", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", stdout=io.StringIO())
        client = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        rows = []

        def measure_all() -> None:
            count = RoadWork.objects.published().count()
            for page, url in pages():
                rows.append({"works": count, "page": page, **measure(client, url, args.repeats)})

        print("pages with the example works ...", flush=True)
        measure_all()
        print(f"{WORKS} random-walk works ...", flush=True)
        with acting_as(None, "command"):
            lines = build_works(WORKS)
        print("pages with them ...", flush=True)
        measure_all()
        elapsed = time.perf_counter() - started
    report(rows, lines, elapsed)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "roads.json").write_text(json.dumps({"lines": lines, "pages": rows, "seconds": round(elapsed, 1)}, indent=2))


if __name__ == "__main__":
    main()
