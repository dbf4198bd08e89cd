"""One integration test with a real Celery worker on the configured broker (CI's PostgreSQL + Redis pass).

Every other test runs tasks eagerly (conecta/test_settings.py); this one proves that a task sent over the broker
is picked up by `celery -A conecta worker`, e-mails the planners once, and does nothing when delivered again.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from commitments.models import ActionPlan, Axis, Commitment, Institution, ProgressUpdate
from commitments.roles import PLANNER, ensure_role_groups
from commitments.tasks import notify_update_submitted_task

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.TEST_BROKER_URL,
        reason="no CELERY_BROKER_URL: the real-worker test runs in CI's PostgreSQL+Redis pass",
    ),
]


def _database_url_of_test_db() -> str:
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


def _wait_for(predicate, *, timeout: float = TIMEOUT, what: str, worker: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) while waiting for {what}:\n{log.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}; worker log:\n{log.read_text()}")


def _task_done(log: Path, task_id: str) -> re.Match | None:
    """The worker's "Task ...[id] succeeded in ...: <result>" line: proof it processed that delivery."""
    return re.search(rf"\[{re.escape(task_id)}\] succeeded in [0-9.]+s: (\w+)", log.read_text())


def _send(update_id: int, broker: str) -> str:
    from conecta.celery import app

    eager, old_broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, broker
    try:
        return notify_update_submitted_task.apply_async(args=[update_id]).id
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, old_broker


def _make_update_awaiting_review() -> ProgressUpdate:
    ensure_role_groups()  # the flush of a transactional test may have dropped the groups migrate made
    planner = get_user_model().objects.create_user(
        "planner-worker", email="planner-worker@pastaza.gob.ec", password="x-not-used-x"
    )
    planner.groups.add(Group.objects.get(name=PLANNER))
    plan = ActionPlan.objects.create(
        slug="worker-test", title_es="Plan de prueba", starts_on=date(2025, 1, 1), ends_on=date(2027, 2, 28)
    )
    gad = Institution.objects.create(
        slug="gad-worker", name_es="Gobierno de prueba", kind=Institution.Kind.PROVINCIAL_GOVERNMENT
    )
    commitment = Commitment.objects.create(
        code="WRKR0001", plan=plan, title_es="Compromiso de prueba", axis=Axis.BIOPHYSICAL,
        lead_institution=gad, starts_on=date(2025, 1, 1), ends_on=date(2027, 2, 28), is_published=True,
    )
    update = ProgressUpdate.objects.create(
        commitment=commitment, occurred_on=date(2025, 6, 1), title_es="Avance por revisar",
        text_es="Texto del avance.", is_published=False,
    )
    # Whatever saving may have queued ran eagerly here; the notice must be left for the worker to send.
    ProgressUpdate.objects.filter(pk=update.pk).update(staff_notified_at=None)
    return update


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_emails_planners_once_even_when_the_task_is_delivered_twice(tmp_path):
    broker = settings.TEST_BROKER_URL
    update = _make_update_awaiting_review()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"

    from conecta.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "conecta.settings",
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": _database_url_of_test_db(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    queue = app.conf.task_default_queue
    command = [
        sys.executable, "-m", "celery", "-A", "conecta", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
        "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=info",
        "--hostname", f"conecta-test-{os.getpid()}@%h",
    ]
    with log.open("w") as log_file:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
    try:
        first = _send(update.pk, broker)
        _wait_for(lambda: any(mail_dir.iterdir()), what="the e-mail file", worker=worker, log=log)
        _wait_for(
            lambda: ProgressUpdate.objects.filter(pk=update.pk, staff_notified_at__isnull=False).exists(),
            what="staff_notified_at to be set", worker=worker, log=log,
        )
        _wait_for(lambda: _task_done(log, first), what="the first task to finish", worker=worker, log=log)
        assert _task_done(log, first).group(1) == "True"
        messages = sorted(mail_dir.iterdir())
        assert len(messages) == 1
        # The file backend writes one file per connection, each message ending in a line of dashes.
        assert messages[0].read_text().count("\n" + "-" * 79 + "\n") == 1
        assert "WRKR0001" in messages[0].read_text()
        assert "planner-worker@pastaza.gob.ec" in messages[0].read_text()

        second = _send(update.pk, broker)
        _wait_for(lambda: _task_done(log, second), what="the second delivery to finish", worker=worker, log=log)
        assert _task_done(log, second).group(1) == "False"
        assert len(list(mail_dir.iterdir())) == 1
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
