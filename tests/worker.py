"""What the real-worker tests share (tests/conecta/test_worker.py, tests/reports/test_render_worker.py).

`start_worker` runs `celery -A conecta worker` in a subprocess on the configured broker (settings.TEST_BROKER_URL),
against the test database pytest-django made for this run, and writes its output to a log file; `send_to_broker`
sends a task over that broker although the tests otherwise run Celery eagerly (conecta/test_settings.py);
`wait_for` polls until something the worker does has happened, failing with the worker's log if it exits or
times out; `task_succeeded` reads a task's results from that log; `stop_worker` shuts the worker down.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def test_database_url() -> str:
    """The URL of the database pytest-django made for this run (test_<name>), for the worker process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if "mode=memory" in name or name == ":memory:":
            pytest.skip("the test database is in-memory SQLite, which a worker process cannot open")
        return f"sqlite:///{name}"
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


test_database_url.__test__ = False  # not a test, should a test module import it (pytest collects test_* names)


def start_worker(log: Path, *, queue: str, name: str, env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Start one solo-pool worker consuming `queue` only, named `<name>-<pid of this run>@<host>`.

    It gets this process's environment plus the broker, the test database and unbuffered output; `env` adds to
    or overrides that. Stdout and stderr go to `log`. Stop it with `stop_worker` (or kill it) in a `finally`.
    """
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "conecta.settings",
        "CELERY_BROKER_URL": settings.TEST_BROKER_URL,
        "DATABASE_URL": test_database_url(),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "conecta",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=info",
        "--hostname",
        f"{name}-{os.getpid()}@%h",
    ]
    with log.open("w") as log_file:
        return subprocess.Popen(
            command, cwd=ROOT, env=worker_env, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


def stop_worker(worker: subprocess.Popen) -> None:
    """SIGTERM (a warm shutdown), then SIGKILL if it has not exited within 20 s; nothing if it already exited."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def wait_for(
    predicate: Callable[[], object], *, what: str, worker: subprocess.Popen, log: Path, timeout: float = TIMEOUT
) -> None:
    """Poll `predicate` every 0.2 s; fail with the worker's log if the worker exits first or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) while waiting for {what}:\n{log.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}; worker log:\n{log.read_text()}")


def task_succeeded(log: Path, task_id: str) -> list[str]:
    """The results, as the worker logged them (a repr: `True`, `'ready'`), of each "Task ...[id] succeeded in
    ...: <result>" line in `log`: proof that the worker processed that delivery. Empty until it has."""
    pattern = rf"\[{re.escape(task_id)}\] succeeded in [0-9.]+s: (.+)$"
    return re.findall(pattern, log.read_text(), flags=re.MULTILINE)


def send_to_broker(task, *args, **options) -> str:
    """Send `task` over the test broker, not eagerly, with `apply_async` options such as `queue`; its task id."""
    from conecta.celery import app

    eager, old_broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, settings.TEST_BROKER_URL
    try:
        return task.apply_async(args=args, **options).id
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, old_broker
