"""Benchmarks of Conecta Pastaza (`make bench`): figures for the notes, not pass/fail tests.

Runs on a fresh SQLite database in a temporary VAR_DIR (never the developer's var/ or a configured DATABASE_URL):

  1. `seed_scale` for 300 and 1,000 commitments;
  2. a spreadsheet import of 1,000 milestone rows through commitments.resources.MilestoneResource, from an XLSX
     exported from the 1,000-commitment plan, and the all-or-nothing rule: a second file whose last row is bad
     leaves every row as it was (checksum before and after);
  3. the public pages /es/ and /es/compromisos/<code>/ of the real plan (3 commitments) and of a 300-commitment
     synthetic plan: HTML bytes raw and gzipped, queries, and uncached server time (p50/p95) through Django's
     test Client.

Writes bench/out/results.json beside the printed table. Takes about a minute on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

IMPORT_ROWS = 1000
IMPORT_TARGET_S = 5.0
PAGE_P95_TARGET_MS = 300.0
# One round trip of a new TCP connection carries about 14 KB: a page that fits shows up soonest on a slow link.
FIRST_ROUND_TRIP_BYTES = 14 * 1024
BIG_PAGE_GZ_TARGET = 100 * 1024
SEED_TARGET_S = {300: 15.0, 1000: 45.0}


def _isolate_environment(var_dir: str) -> None:
    """A throwaway database and no external service, whatever the shell exported."""
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "ALLOWED_HOSTS",
                 "DEBUG", "STATIC_MANIFEST", "STATIC_ROOT", "MEDIA_ROOT", "EMAIL_HOST", "CONECTA_PLAN_SLUG"):
        os.environ.pop(name, None)
    os.environ["VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "conecta.settings"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))


def bench_seed_scale() -> list[dict]:
    from django.core.management import call_command

    rows = []
    for size in (300, 1000):
        started, cpu = time.perf_counter(), time.process_time()
        call_command("seed_scale", commitments=size, stdout=io.StringIO())
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows.append({"commitments": size, "seconds": round(elapsed, 2), "cpu_s": round(cpu, 2),
                     "target_s": SEED_TARGET_S[size]})
    return rows


def _milestone_checksum(plan) -> str:
    from commitments.models import Milestone

    digest = hashlib.sha256()
    fields = ("id", "commitment_id", "order", "weight", "title_es", "title_qu", "starts_on", "due_on",
              "completed_on", "level", "progress", "responsible_institution_id", "is_published", "is_illustrative",
              "updated_at")
    for row in Milestone.objects.filter(commitment__plan=plan).order_by("pk").values_list(*fields):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _changed_rows(dataset, *, shift: int):
    """The exported rows with a new progress and the IRM level, completion date that go with it."""
    from commitments.models import IrmLevel

    headers = dataset.headers
    col = {name: headers.index(name) for name in ("avance", "nivel_irm", "completado_el", "vencimiento")}
    rows = []
    for row in dataset:
        row = list(row)
        progress = (int(row[col["avance"]]) + shift) % 101
        level = IrmLevel.for_progress(progress)
        row[col["avance"]] = progress
        row[col["nivel_irm"]] = level.value
        row[col["completado_el"]] = row[col["vencimiento"]] if level == IrmLevel.COMPLETE else ""
        rows.append(row)
    return headers, rows


def _write_xlsx(path: Path, headers, rows) -> None:
    import tablib

    dataset = tablib.Dataset(*rows, headers=headers)
    path.write_bytes(dataset.export("xlsx"))


def _import_xlsx(path: Path):
    import tablib

    from commitments.resources import MilestoneResource
    from conecta.audit import acting_as

    started = time.perf_counter()
    dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
    parsed, cpu = time.perf_counter(), time.process_time()
    with acting_as(None, "import"):
        result = MilestoneResource().import_data(dataset, dry_run=False)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    return result, parsed - started, done - parsed, cpu


def bench_import(tmp: Path) -> dict:
    from commitments.models import ActionPlan, ChangeRecord, Milestone
    from commitments.resources import MilestoneResource

    plan = ActionPlan.objects.get(slug="sintetico-1000")
    ids = list(
        Milestone.objects.filter(commitment__plan=plan).order_by("pk").values_list("pk", flat=True)[:IMPORT_ROWS]
    )
    exported = MilestoneResource().export(queryset=Milestone.objects.filter(pk__in=ids).order_by("pk"))

    good = tmp / "hitos-1000.xlsx"
    headers, rows = _changed_rows(exported, shift=37)
    _write_xlsx(good, headers, rows)
    before = _milestone_checksum(plan)
    result, parse_s, import_s, import_cpu_s = _import_xlsx(good)
    after_good = _milestone_checksum(plan)
    totals = dict(result.totals)
    applied = (
        not result.has_errors() and not result.has_validation_errors() and before != after_good
        and totals.get("update", 0) == IMPORT_ROWS
    )
    expected = {row[0]: row[headers.index("avance")] for row in rows}
    stored = dict(Milestone.objects.filter(pk__in=ids).values_list("pk", "progress"))
    applied = applied and all(stored[int(pk)] == progress for pk, progress in expected.items())

    bad = tmp / "hitos-1000-fila-mala.xlsx"
    headers, rows = _changed_rows(exported, shift=61)
    rows[-1][headers.index("avance")] = 150  # the last row is out of range: the whole file must be refused
    _write_xlsx(bad, headers, rows)
    records_before = ChangeRecord.objects.count()
    bad_result, bad_parse_s, bad_import_s, _cpu = _import_xlsx(bad)
    after_bad = _milestone_checksum(plan)
    refused = bad_result.has_validation_errors() or bad_result.has_errors()
    unchanged = after_bad == after_good and ChangeRecord.objects.count() == records_before
    return {
        "rows": IMPORT_ROWS,
        "xlsx_bytes": good.stat().st_size,
        "parse_s": round(parse_s, 2),
        "import_s": round(import_s, 2),
        "import_cpu_s": round(import_cpu_s, 2),
        "total_s": round(parse_s + import_s, 2),
        "target_s": IMPORT_TARGET_S,
        "totals": totals,
        "applied_all_rows": applied,
        "bad_file_refused": refused,
        "bad_file_total_s": round(bad_parse_s + bad_import_s, 2),
        "bad_file_changed_nothing": unchanged,
        "checksum_before_bad_file": after_good[:16],
        "checksum_after_bad_file": after_bad[:16],
    }


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _measure_page(client, url: str, repeats: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm up templates, URL resolver and translations
        cache.clear()
        client.get(url)
    timings, cpu = [], []
    for _ in range(repeats):
        cache.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    body = response.content
    if response.get("Content-Encoding") == "gzip":  # a GZipMiddleware already compressed it
        wire, raw = len(body), len(gzip.decompress(body))
    else:
        wire, raw = len(gzip.compress(body, compresslevel=6)), len(body)
    return {
        "url": url, "html_bytes": raw, "gzip_bytes": wire, "queries": len(queries),
        "p50_ms": round(statistics.median(timings), 1), "p95_ms": round(_percentile(timings, 95), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "requests": repeats,
    }


def bench_pages(repeats: int) -> list[dict]:
    from django.test import Client, override_settings

    from commitments.models import Commitment

    client = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    rows = []
    for label, slug in (("real plan (3)", "pastaza-2024-2027"), ("synthetic (300)", "sintetico-300")):
        codes = list(Commitment.objects.filter(plan__slug=slug).order_by("order").values_list("code", flat=True))
        code = codes[len(codes) // 2]
        with override_settings(CONECTA_PLAN_SLUG=slug):
            for page, url in (("home", "/es/"), ("detail", f"/es/compromisos/{code}/")):
                row = _measure_page(client, url, repeats)
                row.update(plan=label, page=page, commitments=len(codes))
                gz_target = FIRST_ROUND_TRIP_BYTES if len(codes) <= 3 or page == "detail" else BIG_PAGE_GZ_TARGET
                row.update(gzip_target=gz_target, p95_target_ms=PAGE_P95_TARGET_MS)
                rows.append(row)
    return rows


def _ok(flag: bool) -> str:
    return "ok" if flag else "OVER"


def report(seed: list[dict], imp: dict, pages: list[dict], elapsed: float, db: str) -> None:
    print()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Conecta Pastaza benchmarks · {db} · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs "
          f"· load average {load}")
    print("Times are wall-clock seconds; the CPU columns are this process's own CPU time, which other work on")
    print("the machine does not inflate.")
    print()
    print("1. seed_scale (synthetic plan, ~5 milestones and 3 updates per commitment)")
    print(f"   {'commitments':>11}  {'seconds':>8}  {'CPU s':>6}  {'target':>8}")
    for row in seed:
        print(f"   {row['commitments']:>11}  {row['seconds']:>8.2f}  {row['cpu_s']:>6.2f}  "
              f"{'<= ' + str(row['target_s']):>8}  {_ok(row['seconds'] <= row['target_s'])}")
    print()
    print(f"2. Import of {imp['rows']} milestone rows (MilestoneResource, XLSX of {imp['xlsx_bytes'] / 1024:.0f} KB, "
          "dry_run=False)")
    print(f"   read XLSX {imp['parse_s']:.2f} s + import {imp['import_s']:.2f} s = {imp['total_s']:.2f} s "
          f"(target <= {imp['target_s']:.0f} s: {_ok(imp['total_s'] <= imp['target_s'])}); "
          f"import CPU {imp['import_cpu_s']:.2f} s")
    print(f"   totals {imp['totals']}")
    print(f"   every row applied: {'yes' if imp['applied_all_rows'] else 'NO'}")
    print(f"   same file with one bad last row (avance=150): refused {'yes' if imp['bad_file_refused'] else 'NO'}, "
          f"nothing changed {'yes' if imp['bad_file_changed_nothing'] else 'NO'} "
          f"(checksum {imp['checksum_before_bad_file']} -> {imp['checksum_after_bad_file']}, "
          f"{imp['bad_file_total_s']:.2f} s)")
    print()
    print(f"3. Public pages, uncached, Django test Client in-process ({pages[0]['requests']} requests each)")
    header = (f"   {'plan':<16} {'page':<7} {'url':<28} {'HTML':>9} {'gzip':>9} {'gz target':>10} {'queries':>7} "
              f"{'p50 ms':>7} {'p95 ms':>7} {'p95 target':>10} {'CPU p50':>7}")
    print(header)
    print("   " + "-" * (len(header) - 3))
    for row in pages:
        print(f"   {row['plan']:<16} {row['page']:<7} {row['url']:<28} {row['html_bytes'] / 1024:>7.1f}KB "
              f"{row['gzip_bytes'] / 1024:>7.1f}KB {'<= ' + str(row['gzip_target'] // 1024) + 'KB':>10} "
              f"{row['queries']:>7} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} "
              f"{'<= ' + str(int(row['p95_target_ms'])):>10} {row['cpu_p50_ms']:>7.1f}  "
              f"{_ok(row['gzip_bytes'] <= row['gzip_target'])}/{_ok(row['p95_ms'] <= row['p95_target_ms'])}")
    print()
    print("   gzip = the HTML compressed with gzip level 6, as the wire carries it when the proxy compresses; the")
    print("   first-round-trip target (14 KB) is what one TCP round trip delivers on a new connection.")
    print(f"\nTotal {elapsed:.0f} s. Figures in {OUT.relative_to(ROOT)}/results.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=40, help="timed requests per page (default 40)")
    args = parser.parse_args()

    started = time.perf_counter()
    random.seed(2024)
    with tempfile.TemporaryDirectory(prefix="conecta-bench-") as tmpdir:
        tmp = Path(tmpdir)
        _isolate_environment(str(tmp / "var"))
        (tmp / "var" / "static").mkdir(parents=True)  # WhiteNoise warns about a missing STATIC_ROOT

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        db = settings.DATABASES["default"]
        print(f"Fresh {db['ENGINE'].rsplit('.', 1)[-1]} database at {db['NAME']}: migrate, load_demo ...", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", stdout=io.StringIO())

        print("seed_scale 300 and 1000 ...", flush=True)
        seed = bench_seed_scale()
        print(f"import of {IMPORT_ROWS} milestone rows ...", flush=True)
        imp = bench_import(tmp)
        print("public pages ...", flush=True)
        pages = bench_pages(args.repeats)
        elapsed = time.perf_counter() - started
        engine = f"fresh {db['ENGINE'].rsplit('.', 1)[-1]} in a temp dir"
        report(seed, imp, pages, elapsed, engine)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(
        json.dumps({"seed_scale": seed, "import": imp, "pages": pages, "seconds": round(elapsed, 1)}, indent=2)
    )
    failed = not (imp["applied_all_rows"] and imp["bad_file_refused"] and imp["bad_file_changed_nothing"])
    if failed:
        raise SystemExit("the import did not behave all-or-nothing: see above")


if __name__ == "__main__":
    main()
