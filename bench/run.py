"""Benchmarks of Conecta Pastaza (`make bench`): figures for the notes, not pass/fail tests.

Runs on a fresh SQLite database in a temporary VAR_DIR (never the developer's var/ or a configured DATABASE_URL):

  1. `seed_scale` for 300 and 1,000 commitments;
  2. a spreadsheet import of 1,000 milestone rows through commitments.resources.MilestoneResource, from an XLSX
     exported from the 1,000-commitment plan, and the all-or-nothing rule: a second file whose last row is bad
     leaves every row as it was (checksum before and after);
  3. every public page (home, list, list with a filter, list with a search, detail, institution, territory,
     canton, plan, accessibility, privacy, and the participation pages: the landing page, the suggestion,
     comment and evaluation forms, the tracking page, the answers and a commitment's comments) of the real
     plan (3 commitments) and of a 300-commitment synthetic plan: bytes over the wire with gzip, for the HTML
     and in total with the stylesheet (the only asset), against the budgets (<= 30 KB gzip per page in total,
     home HTML <= 14 KB gzip), queries and uncached server time;
  4. server time (p50/p95) of the list and detail pages at 300 commitments, uncached (PUBLIC_PAGE_CACHE_SECONDS=0)
     and from a warm page cache (PUBLIC_PAGE_CACHE_SECONDS=600, the second and later requests).

Every figure is measured in-process through Django's test Client (no network, no proxy).
Writes bench/out/results.json beside the printed tables. Takes under a minute on the project's 2-core machine.
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

from isolation import isolate_environment  # bench/ is on the path: these scripts run from it

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bench" / "out"

IMPORT_ROWS = 1000
IMPORT_TARGET_S = 5.0
PAGE_P95_TARGET_MS = 300.0
# One round trip of a new TCP connection carries about 14 KB: a page that fits shows up soonest on a slow link.
FIRST_ROUND_TRIP_BYTES = 14 * 1024
# Budgets of every public page (shared rules): HTML + CSS gzipped, and the home page's HTML alone.
PAGE_TOTAL_GZ_BUDGET = 30 * 1024
HOME_HTML_GZ_BUDGET = 14 * 1024
CACHED_SECONDS = 600
SEED_TARGET_S = {300: 15.0, 1000: 45.0}


def bench_seed_scale() -> list[dict]:
    from django.core.management import call_command

    rows = []
    for size in (300, 1000):
        started, cpu = time.perf_counter(), time.process_time()
        call_command("seed_scale", commitments=size, stdout=io.StringIO())
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows.append(
            {"commitments": size, "seconds": round(elapsed, 2), "cpu_s": round(cpu, 2), "target_s": SEED_TARGET_S[size]}
        )
    return rows


def _milestone_checksum(plan) -> str:
    from commitments.models import Milestone

    digest = hashlib.sha256()
    fields = (
        "id",
        "commitment_id",
        "order",
        "weight",
        "title_es",
        "title_qu",
        "starts_on",
        "due_on",
        "completed_on",
        "level",
        "progress",
        "responsible_institution_id",
        "is_published",
        "is_illustrative",
        "updated_at",
    )
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
        not result.has_errors()
        and not result.has_validation_errors()
        and before != after_good
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


def _gzip_len(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def _static_assets(html: str) -> list[str]:
    """The /static/ files a page loads (stylesheets, images, scripts), as paths under /static/."""
    import re

    from django.conf import settings

    prefix = re.escape(settings.STATIC_URL)
    return sorted(set(re.findall(rf'(?:href|src)="{prefix}([^"?#]+)', html)))


def _asset_gzip_bytes(path: str) -> int:
    from django.contrib.staticfiles import finders

    found = finders.find(path)
    if not found:
        raise SystemExit(f"static file not found: {path}")
    return _gzip_len(Path(found).read_bytes())


class PageFailed(Exception):
    """A page did not answer 200: reported in its row, the other pages are still measured."""


def _timed_gets(client, url: str, repeats: int, *, clear: bool) -> tuple[list[float], list[float]]:
    from django.core.cache import cache

    timings, cpu = [], []
    for _ in range(repeats):
        if clear:
            cache.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            raise PageFailed(f"answered {response.status_code}")
    return timings, cpu


def _measure_page(client, url: str, repeats: int) -> dict:
    """Bytes, queries and uncached server time of one page (the page cache is off: every request renders)."""
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        _timed_gets(client, url, 3, clear=False)  # warm up templates, URL resolver and translations
        timings, cpu = _timed_gets(client, url, repeats, clear=False)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    if response.status_code != 200:
        raise PageFailed(f"answered {response.status_code}")
    body = response.content
    if response.get("Content-Encoding") == "gzip":  # a GZipMiddleware already compressed it
        wire, raw, body = len(body), len(gzip.decompress(body)), gzip.decompress(body)
    else:
        wire, raw = _gzip_len(body), len(body)
    assets = _static_assets(body.decode())
    assets_gz = sum(_asset_gzip_bytes(path) for path in assets)
    return {
        "url": url,
        "html_bytes": raw,
        "gzip_bytes": wire,
        "assets": assets,
        "assets_gzip_bytes": assets_gz,
        "total_gzip_bytes": wire + assets_gz,
        "queries": len(queries),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_percentile(timings, 95), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "requests": repeats,
    }


def _page_urls(slug: str) -> list[tuple[str, str]]:
    """Every public page of the plan, in Spanish: the middle commitment, its lead institution (the provincial
    government, which leads them all), the canton with most commitments, a filter on the commitment's axis and
    a search for a word the synthetic titles use."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import translation

    from commitments.models import ActionPlan, Canton, Commitment

    plan = ActionPlan.objects.get(slug=slug)
    commitments = list(Commitment.objects.published().filter(plan=plan).order_by("order", "code"))
    middle = commitments[len(commitments) // 2]
    in_plan = Q(commitments__plan=plan, commitments__is_published=True)
    canton = Canton.objects.annotate(n=Count("commitments", filter=in_plan)).order_by("-n", "code").first()
    with translation.override("es"):
        listed = reverse("commitments:list")
        return [
            ("home", reverse("commitments:home")),
            ("list", listed),
            ("list+filter", f"{listed}?eje={middle.axis}"),
            ("list+search", f"{listed}?q=agua"),
            ("detail", reverse("commitments:detail", kwargs={"code": middle.code})),
            ("institution", reverse("commitments:institution", kwargs={"slug": middle.lead_institution.slug})),
            ("territory", reverse("commitments:territory")),
            ("canton", reverse("commitments:canton", kwargs={"slug": canton.slug})),
            ("plan", reverse("meetings:plan")),
            ("accessibility", reverse("accessibility")),
            ("privacy", reverse("privacy")),
            ("participate", reverse("feedback:participate")),
            ("suggest", reverse("feedback:suggest")),
            ("track", reverse("feedback:track")),
            ("answers", reverse("feedback:answers")),
            ("comment", reverse("feedback:comment", kwargs={"code": middle.code})),
            ("comments", reverse("feedback:comments", kwargs={"code": middle.code})),
            ("evaluate", reverse("feedback:evaluate", kwargs={"code": middle.code})),
            ("surveys", reverse("surveys:list")),
            ("meetings", reverse("meetings:list")),
            ("agreements", reverse("meetings:agreements")),
        ]


PLANS = (("real plan (3)", "pastaza-2024-2027"), ("synthetic (300)", "sintetico-300"))


def bench_pages(repeats: int) -> list[dict]:
    from django.test import Client, override_settings

    from commitments.models import Commitment

    client = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    rows = []
    for label, slug in PLANS:
        count = Commitment.objects.published().filter(plan__slug=slug).count()
        with override_settings(CONECTA_PLAN_SLUG=slug):
            for page, url in _page_urls(slug):
                try:
                    row = _measure_page(client, url, repeats)
                except Exception as exc:  # noqa: BLE001 - one broken page must not hide the others' figures
                    rows.append({"plan": label, "page": page, "url": url, "commitments": count, "error": repr(exc)})
                    continue
                budget_ok = row["total_gzip_bytes"] <= PAGE_TOTAL_GZ_BUDGET and (
                    page != "home" or row["gzip_bytes"] <= HOME_HTML_GZ_BUDGET
                )
                row.update(plan=label, page=page, commitments=count, budget_ok=budget_ok)
                rows.append(row)
    return rows


def bench_server_time(repeats: int) -> list[dict]:
    """p50/p95 of the list and detail pages at 300 commitments, uncached and from a warm page cache."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    slug = "sintetico-300"
    rows = []
    with override_settings(CONECTA_PLAN_SLUG=slug):
        pages = [(page, url) for page, url in _page_urls(slug) if page in ("list", "detail")]
        for page, url in pages:
            row = {"page": page, "url": url}
            with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
                _timed_gets(client, url, 3, clear=False)
                timings, cpu = _timed_gets(client, url, repeats, clear=False)
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
            row.update(
                uncached_p50_ms=round(statistics.median(timings), 1),
                uncached_p95_ms=round(_percentile(timings, 95), 1),
                uncached_cpu_p50_ms=round(statistics.median(cpu), 1),
                uncached_queries=len(queries),
            )
            with override_settings(PUBLIC_PAGE_CACHE_SECONDS=CACHED_SECONDS):
                cache.clear()
                client.get(url)  # the first request renders and stores the page
                timings, cpu = _timed_gets(client, url, repeats, clear=False)
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
            row.update(
                cached_p50_ms=round(statistics.median(timings), 1),
                cached_p95_ms=round(_percentile(timings, 95), 1),
                cached_cpu_p50_ms=round(statistics.median(cpu), 1),
                cached_queries=len(queries),
                requests=repeats,
                p95_target_ms=PAGE_P95_TARGET_MS,
            )
            rows.append(row)
    cache.clear()
    return rows


def _ok(flag: bool) -> str:
    return "ok" if flag else "OVER"


def report(seed: list[dict], imp: dict, pages: list[dict], timing: list[dict], elapsed: float, db: str) -> None:
    print()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Conecta Pastaza benchmarks · {db} · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs "
        f"· load average {load}"
    )
    print("Times are wall-clock seconds; the CPU columns are this process's own CPU time, which other work on")
    print("the machine does not inflate.")
    print()
    print("1. seed_scale (synthetic plan, ~5 milestones and 3 updates per commitment)")
    print(f"   {'commitments':>11}  {'seconds':>8}  {'CPU s':>6}  {'target':>8}")
    for row in seed:
        print(
            f"   {row['commitments']:>11}  {row['seconds']:>8.2f}  {row['cpu_s']:>6.2f}  "
            f"{'<= ' + str(row['target_s']):>8}  {_ok(row['seconds'] <= row['target_s'])}"
        )
    print()
    print(
        f"2. Import of {imp['rows']} milestone rows (MilestoneResource, XLSX of {imp['xlsx_bytes'] / 1024:.0f} KB, "
        "dry_run=False)"
    )
    print(
        f"   read XLSX {imp['parse_s']:.2f} s + import {imp['import_s']:.2f} s = {imp['total_s']:.2f} s "
        f"(target <= {imp['target_s']:.0f} s: {_ok(imp['total_s'] <= imp['target_s'])}); "
        f"import CPU {imp['import_cpu_s']:.2f} s"
    )
    print(f"   totals {imp['totals']}")
    print(f"   every row applied: {'yes' if imp['applied_all_rows'] else 'NO'}")
    print(
        f"   same file with one bad last row (avance=150): refused {'yes' if imp['bad_file_refused'] else 'NO'}, "
        f"nothing changed {'yes' if imp['bad_file_changed_nothing'] else 'NO'} "
        f"(checksum {imp['checksum_before_bad_file']} -> {imp['checksum_after_bad_file']}, "
        f"{imp['bad_file_total_s']:.2f} s)"
    )
    print()
    measured = [row for row in pages if "error" not in row]
    css = ", ".join(sorted({a for row in measured for a in row["assets"]})) or "none"
    print(
        f"3. Public pages in Spanish: bytes with gzip (level 6) and queries; uncached server time over "
        f"{measured[0]['requests'] if measured else 0} requests each"
    )
    print(
        f"   budgets: HTML + assets <= {PAGE_TOTAL_GZ_BUDGET // 1024} KB gzip per page, home HTML <= "
        f"{HOME_HTML_GZ_BUDGET // 1024} KB gzip; assets loaded: {css}"
    )
    header = (
        f"   {'plan':<16} {'page':<13} {'url':<52} {'HTML':>8} {'HTML gz':>8} {'+assets':>8} {'total gz':>9} "
        f"{'queries':>7} {'p50 ms':>7} {'p95 ms':>7}  budget"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    for row in pages:
        url = row["url"] if len(row["url"]) <= 52 else row["url"][:49] + "..."
        if "error" in row:
            print(f"   {row['plan']:<16} {row['page']:<13} {url:<52} FAILED: {row['error']}")
            continue
        print(
            f"   {row['plan']:<16} {row['page']:<13} {url:<52} {row['html_bytes'] / 1024:>6.1f}KB "
            f"{row['gzip_bytes'] / 1024:>6.1f}KB {row['assets_gzip_bytes'] / 1024:>6.1f}KB "
            f"{row['total_gzip_bytes'] / 1024:>7.1f}KB {row['queries']:>7} {row['p50_ms']:>7.1f} "
            f"{row['p95_ms']:>7.1f}  {_ok(row['budget_ok'])}"
        )
    print()
    print("   gzip = compressed with gzip level 6, as the wire carries it when the proxy compresses; the stylesheet")
    print("   is counted on every page, as a first visit (nothing cached in the browser) downloads it.")
    print()
    print(
        f"4. Server time at 300 commitments, {timing[0]['requests']} requests each: uncached "
        f"(PUBLIC_PAGE_CACHE_SECONDS=0) and from a warm page cache ({CACHED_SECONDS} s, second and later requests)"
    )
    header = (
        f"   {'page':<7} {'url':<32} {'uncached p50':>12} {'p95':>7} {'queries':>7}   "
        f"{'cached p50':>10} {'p95':>7} {'queries':>7}   {'p95 target':>10}"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    for row in timing:
        target = f"<= {int(row['p95_target_ms'])}ms"
        print(
            f"   {row['page']:<7} {row['url']:<32} {row['uncached_p50_ms']:>10.1f}ms {row['uncached_p95_ms']:>5.1f}ms "
            f"{row['uncached_queries']:>7}   {row['cached_p50_ms']:>8.1f}ms {row['cached_p95_ms']:>5.1f}ms "
            f"{row['cached_queries']:>7}   {target:>10}  {_ok(row['uncached_p95_ms'] <= row['p95_target_ms'])}"
        )
    print(f"\nTotal {elapsed:.0f} s. Figures in {OUT.relative_to(ROOT)}/results.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeats",
        type=int,
        default=40,
        help="timed requests of the list and detail pages, uncached and cached (default 40)",
    )
    parser.add_argument(
        "--page-repeats", type=int, default=10, help="timed requests of every other page, uncached (default 10)"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    random.seed(2024)
    with tempfile.TemporaryDirectory(prefix="conecta-bench-") as tmpdir:
        tmp = Path(tmpdir)
        isolate_environment(str(tmp / "var"))
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
        pages = bench_pages(args.page_repeats)
        print("server time of the list and detail pages at 300 commitments ...", flush=True)
        timing = bench_server_time(args.repeats)
        elapsed = time.perf_counter() - started
        engine = f"fresh {db['ENGINE'].rsplit('.', 1)[-1]} in a temp dir"
        report(seed, imp, pages, timing, elapsed, engine)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(
        json.dumps(
            {"seed_scale": seed, "import": imp, "pages": pages, "server_time": timing, "seconds": round(elapsed, 1)},
            indent=2,
        )
    )
    failed = not (imp["applied_all_rows"] and imp["bad_file_refused"] and imp["bad_file_changed_nothing"])
    if failed:
        raise SystemExit("the import did not behave all-or-nothing: see above")
    broken = [f"{row['plan']} {row['page']}" for row in pages if "error" in row]
    if broken:
        raise SystemExit(f"pages that could not be measured: {', '.join(broken)}")


if __name__ == "__main__":
    main()
