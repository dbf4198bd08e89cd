"""What the benchmarks that serve the portal over HTTP share (bench/participation.py, bench/outage.py): a free
port, the environment of a throwaway portal, its database, gunicorn started and waited for, a client that does not
follow redirects, and percentiles."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Settings a benchmark's portal must not inherit from the shell: it chooses its own broker and cache.
NOT_INHERITED = {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "EMAIL_HOST", "DEBUG"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def portal_environment(var_dir: str, **extra: str) -> dict[str, str]:
    """This shell's environment for a portal in `var_dir`: rate limits out of the way, e-mail kept in memory,
    quiet logs, no broker nor cache unless `extra` names them."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="conecta.settings",
        PARTICIPATION_RATE_LIMIT="1000000",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        STATIC_MANIFEST="0",
        **extra,
    )
    return env


def database_label(env: dict[str, str]) -> str:
    """"sqlite", or "postgresql (<name>)"; refuses a test database (the test runs own those)."""
    url = env.get("DATABASE_URL", "")
    if not url:
        return "sqlite"
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if name.startswith("test_"):
        sys.exit(f"Refusing to benchmark against {name!r}: the test runs own it. Use a database of its own.")
    return f"postgresql ({name})"


def prepare(env: dict[str, str]) -> None:
    """migrate and load_demo (the real plan and its example report) in the benchmark's database."""
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def serve(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port`, returned once /healthz answers 200 (exits the benchmark after 30 s)."""
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "conecta.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--threads", str(threads),
         "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 30 s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 302 arrives as an HTTPError carrying its Location, as a form's answer is read."""

    def redirect_request(self, *args, **kwargs):
        return None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
