"""Benchmark of a Redis outage (`make bench`): the public pages and the suggestion form while Redis is up, frozen,
then gone.

  1. Builds a database (SQLite in a temporary VAR_DIR, or the PostgreSQL database DATABASE_URL names: use one of
     its own, never the one tests use), runs `migrate` and `load_demo` (the real plan and its example report).
  2. Starts its own redis-server on a free port (no persistence) and serves the portal with gunicorn (2 workers x
     4 threads) as docker-compose.yml does: the broker on Redis database 0, results on 1, the cache on 2.
  3. Three phases, each: 8 client threads GET the home, a commitment, the reports list and a report page
     (--requests each), then send --suggestions suggestions (GET the form, POST it):
       up      Redis answers;
       frozen  redis-server is stopped with SIGSTOP: connections are accepted by the kernel and never answered,
               the worst case for timeouts;
       down    redis-server is killed (SIGKILL): every connection is refused.
     Records status codes and latency (p50/p95/max) per page and for the POSTs.
  4. Counts the suggestions stored per phase, and how many of their confirmation e-mails the sweep
     (feedback.services.suggestions_notify_pending, run by beat every 15 minutes) sends once the outage is over.

Writes bench/out/outage.json beside the printed table; exits non-zero if a page did not answer 200, or a
suggestion was lost.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
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
PAGES = {
    "home": "/es/",
    "commitment": "/es/compromisos/ECPTZ0001/",
    "reports": "/es/informes/",
    "report": "/es/informes/2025-t4/",
}
FORM = "/es/participa/sugerencia/"
HIDDEN = re.compile(r'<input type="hidden" name="(csrfmiddlewaretoken|token)" value="([^"]*)"')
CLIENT_THREADS = 8


def _environment(var_dir: str, redis_port: int) -> dict[str, str]:
    redis = f"redis://127.0.0.1:{redis_port}"
    return portal_environment(
        var_dir, CELERY_BROKER_URL=f"{redis}/0", CELERY_RESULT_BACKEND=f"{redis}/1", CACHE_URL=f"{redis}/2"
    )


def _prepare(env: dict[str, str]) -> None:
    # Without Redis yet: tasks run in-process (the example report's PDFs are rendered here, once).
    prepare({k: v for k, v in env.items() if k not in {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL"}})


def _start_redis(port: int, directory: str) -> subprocess.Popen:
    redis_server = shutil.which("redis-server")
    if not redis_server:
        sys.exit("bench/outage.py needs redis-server on the PATH")
    server = subprocess.Popen(
        [redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", directory, "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("redis-server did not start within 10 s")


def _get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except Exception:  # noqa: BLE001 - a connection reset or a timeout counts as no answer
        status = 0
    return status, (time.perf_counter() - started) * 1000


def _suggest(base: str, text: str) -> tuple[int, float]:
    """A new visitor: GET the form (cookies, CSRF and form tokens), POST a suggestion; (status, ms of the POST)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
    try:
        with opener.open(base + FORM, timeout=30) as response:
            data = dict(HIDDEN.findall(response.read().decode("utf-8")))
    except Exception:  # noqa: BLE001
        return 0, 0.0
    data.update(kind="suggestion", consent="on", text=text, email="vecina@example.org")
    started = time.perf_counter()
    try:
        response = opener.open(urllib.request.Request(base + FORM, data=urllib.parse.urlencode(data).encode()))
        status = response.status
        response.read()
    except urllib.error.HTTPError as error:  # a 302 arrives here, as redirects are not followed
        status = error.code
    except Exception:  # noqa: BLE001
        status = 0
    return status, (time.perf_counter() - started) * 1000


def _run_all(jobs: list) -> list:
    """Run the callables on CLIENT_THREADS threads; their results, in order."""
    results: list = [None] * len(jobs)
    position = iter(range(len(jobs)))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            results[index] = jobs[index]()

    threads = [threading.Thread(target=work) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _figures(results: list[tuple[int, float]]) -> dict:
    statuses: dict[str, int] = {}
    for status, _ms in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    times = [ms for _status, ms in results]
    return {
        "statuses": statuses,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
    }


def _phase(base: str, marker: str, phase: str, requests: int, suggestions: int) -> dict:
    figures = {}
    for name, path in PAGES.items():
        figures[name] = _figures(_run_all([lambda path=path: _get(base + path)] * requests))
    texts = [f"{marker}-{phase}-{n:03d} Más talleres en Sarayaku" for n in range(suggestions)]
    figures["suggestion POST"] = _figures(_run_all([lambda text=text: _suggest(base, text) for text in texts]))
    return figures


def _count_and_sweep(env: dict[str, str], marker: str, phases: list[str]) -> dict:
    """In this process, on the same database, with Redis gone (so tasks run in-process): the stored suggestions
    per phase, then the sweep beat would run, and the e-mails it sends."""
    os.environ.update({k: v for k, v in env.items() if k not in {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                                                                 "CACHE_URL"}})
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core import mail

    from feedback.models import Suggestion
    from feedback.services import suggestions_notify_pending

    rows = Suggestion.objects.filter(text__startswith=marker)
    counted = {phase: rows.filter(text__startswith=f"{marker}-{phase}-").count() for phase in phases}
    unconfirmed = rows.filter(confirmation_sent_at=None).count()
    sent = suggestions_notify_pending(older_than_minutes=0)
    counted.update(
        unconfirmed_before_sweep=unconfirmed,
        confirmations_sent_by_sweep=sent,
        emails_in_outbox=len(getattr(mail, "outbox", [])),
    )
    rows.delete()
    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=80, help="GETs of each page per phase")
    parser.add_argument("--suggestions", type=int, default=40, help="suggestions sent per phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=4)
    args = parser.parse_args()

    phases = ["up", "frozen", "down"]
    with tempfile.TemporaryDirectory(prefix="conecta-bench-outage-") as var_dir:
        redis_port, port = free_port(), free_port()
        env = _environment(var_dir, redis_port)
        Path(var_dir, "static").mkdir()
        engine = database_label(env)
        _prepare(env)
        redis = _start_redis(redis_port, var_dir)
        server = None
        marker = f"OUTAGE-{secrets.token_hex(4)}"
        base = f"http://127.0.0.1:{port}"
        results: dict[str, dict] = {}
        try:
            server = serve(env, port, args.workers, args.server_threads)
            for path in PAGES.values():  # the first visit renders and caches; "up" measures a warm cache
                _get(base + path)
            results["up"] = _phase(base, marker, "up", args.requests, args.suggestions)
            redis.send_signal(signal.SIGSTOP)
            results["frozen"] = _phase(base, marker, "frozen", args.requests, args.suggestions)
            redis.kill()  # SIGKILL works on a stopped process too
            redis.wait(timeout=10)
            results["down"] = _phase(base, marker, "down", args.requests, args.suggestions)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            if redis.poll() is None:
                redis.kill()
                redis.wait(timeout=10)
        counted = _count_and_sweep(env, marker, phases)

    summary = {
        "database": engine,
        "server": f"gunicorn -w {args.workers} --threads {args.server_threads}",
        "clients": f"{CLIENT_THREADS} threads; {args.requests} GETs per page, {args.suggestions} suggestions per phase",
        "phases": results,
        "suggestions_sent_per_phase": args.suggestions,
        "suggestions_stored": {phase: counted[phase] for phase in phases},
        "unconfirmed_before_sweep": counted["unconfirmed_before_sweep"],
        "confirmations_sent_by_sweep": counted["confirmations_sent_by_sweep"],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "outage.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")

    print(f"{summary['database']}, {summary['server']}, {summary['clients']}")
    print(f"{'phase':<7} {'request':<16} {'statuses':<18} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    failed = False
    for phase, figures in results.items():
        for name, row in figures.items():
            expected = "302" if name == "suggestion POST" else "200"
            failed |= set(row["statuses"]) != {expected}
            statuses = " ".join(f"{code}x{count}" for code, count in sorted(row["statuses"].items()))
            print(f"{phase:<7} {name:<16} {statuses:<18} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}")
    stored = summary["suggestions_stored"]
    print(f"suggestions stored per phase (of {args.suggestions} sent): {stored}")
    print(
        f"confirmation e-mails still to send after the outage: {summary['unconfirmed_before_sweep']}; "
        f"sent by the sweep: {summary['confirmations_sent_by_sweep']}"
    )
    lost = any(count != args.suggestions for count in stored.values())
    if failed or lost or summary["confirmations_sent_by_sweep"] != summary["unconfirmed_before_sweep"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
