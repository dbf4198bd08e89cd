"""Benchmark of the participation form (`make bench`): many people sending suggestions at the same time.

  1. Builds a database: SQLite in a temporary VAR_DIR, or the PostgreSQL database DATABASE_URL names (use a
     database of its own, e.g. postgres://postgres@127.0.0.1:5432/bench_conecta; never the one tests use); runs
     `migrate` and `load_demo`.
  2. Serves the portal with gunicorn (2 workers x 4 threads) on a free local port, with the rate limits raised
     (PARTICIPATION_RATE_LIMIT) so that one address may send them all.
  3. 20 threads x 10 submissions: each GETs /es/participa/sugerencia/ (a new visitor: its own cookies, CSRF token
     and form token), then POSTs a suggestion carrying this run's marker; every tenth one is sent twice at the same
     instant, as a double click would (one must store nothing and both lead to the same confirmation).
  4. Counts the rows with the marker (each submission stored exactly once), the errors, and the latency of the
     GETs and POSTs (p50/p95), then deletes the bench's rows.

Writes bench/out/participation-<engine>.json beside the printed summary.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from serving import ROOT, NoRedirect, database_label, free_port, percentile, portal_environment, prepare, serve

OUT = ROOT / "bench" / "out"
FORM = "/es/participa/sugerencia/"
HIDDEN = re.compile(r'<input type="hidden" name="(csrfmiddlewaretoken|token)" value="([^"]*)"')


def _submit(base: str, marker: str, number: int, twice: bool, results: dict, lock: threading.Lock) -> None:
    """One visitor: GET the form, POST it (twice for a double click); record latencies, errors, the location."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    record: dict = {"get_ms": None, "post_ms": [], "locations": [], "error": None}
    try:
        started = time.perf_counter()
        with opener.open(base + FORM, timeout=60) as response:
            page = response.read().decode("utf-8")
        record["get_ms"] = (time.perf_counter() - started) * 1000
        data = dict(HIDDEN.findall(page))
        data.update(kind="suggestion", consent="on", text=f"{marker}-{number:04d} Más talleres en Sarayaku 🙂")
        body = urllib.parse.urlencode(data).encode()
        # A double click: the same form sent twice at the same instant, from two threads.
        posts = [threading.Thread(target=_post, args=(opener, base, body, record)) for _ in range(2 if twice else 1)]
        for post in posts:
            post.start()
        for post in posts:
            post.join()
        if record["error"]:
            raise RuntimeError(record["error"])
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        record["error"] = f"{exc.__class__.__name__}: {exc}"
    with lock:
        results[number] = record


def _post(opener, base: str, body: bytes, record: dict) -> None:
    started = time.perf_counter()
    try:
        try:
            response = opener.open(urllib.request.Request(base + FORM, data=body), timeout=60)
            status, location = response.status, response.headers.get("Location")
            response.read()
        except urllib.error.HTTPError as error:  # a 302 arrives here, as redirects are not followed
            status, location = error.code, error.headers.get("Location")
        record["post_ms"].append((time.perf_counter() - started) * 1000)
        if status != 302:
            raise RuntimeError(f"POST answered {status}")
        record["locations"].append(location)
    except Exception as exc:  # noqa: BLE001
        record["error"] = f"{exc.__class__.__name__}: {exc}"


def _count_and_clean(env: dict[str, str], marker: str) -> dict:
    """Read the stored rows from the same database (in this process, with the bench's environment)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from feedback.models import Suggestion

    rows = Suggestion.objects.filter(text__startswith=marker)
    texts = list(rows.values_list("text", flat=True))
    codes = list(rows.values_list("tracking_code", flat=True))
    counted = {
        "stored": len(texts),
        "distinct_texts": len(set(texts)),
        "distinct_codes": len(set(codes)),
    }
    rows.delete()
    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--per-thread", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="conecta-bench-participation-") as var_dir:
        env = portal_environment(var_dir)
        Path(var_dir, "static").mkdir()
        engine = database_label(env)
        prepare(env)
        port = free_port()
        server = serve(env, port, args.workers, args.server_threads)
        marker = f"BENCH-{secrets.token_hex(4)}"
        results: dict[int, dict] = {}
        lock = threading.Lock()
        try:

            def worker(thread: int) -> None:
                for i in range(args.per_thread):
                    number = thread * args.per_thread + i
                    _submit(f"http://127.0.0.1:{port}", marker, number, i == args.per_thread - 1, results, lock)

            started = time.perf_counter()
            threads = [threading.Thread(target=worker, args=(t,)) for t in range(args.threads)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        counted = _count_and_clean(env, marker)

    submissions = args.threads * args.per_thread
    errors = [r["error"] for r in results.values() if r["error"]]
    doubles = [r for r in results.values() if len(r["locations"]) == 2]
    posts = [ms for r in results.values() for ms in r["post_ms"]]
    gets = [r["get_ms"] for r in results.values() if r["get_ms"] is not None]
    summary = {
        "database": engine,
        "server": f"gunicorn -w {args.workers} --threads {args.server_threads}",
        "clients": f"{args.threads} threads x {args.per_thread}",
        "submissions": submissions,
        "double_clicks": len(doubles),
        "double_clicks_same_confirmation": sum(1 for r in doubles if r["locations"][0] == r["locations"][1]),
        **counted,
        "stored_exactly_once": counted["stored"] == counted["distinct_texts"] == submissions - len(errors),
        "errors": len(errors),
        "error_samples": errors[:5],
        "post_p50_ms": round(statistics.median(posts), 1) if posts else None,
        "post_p95_ms": round(percentile(posts, 0.95), 1) if posts else None,
        "get_p50_ms": round(statistics.median(gets), 1) if gets else None,
        "get_p95_ms": round(percentile(gets, 0.95), 1) if gets else None,
        "wall_s": round(wall, 2),
        "submissions_per_s": round(submissions / wall, 1),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    name = "postgresql" if engine.startswith("postgresql") else "sqlite"
    (OUT / f"participation-{name}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    width = max(len(key) for key in summary)
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")
    if summary["errors"] or not summary["stored_exactly_once"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
