"""Real Celery workers render reports over the broker (CI's PostgreSQL + Redis pass).

Like tests/conecta/test_worker.py, it starts `celery -A conecta worker` in a subprocess against the test database
pytest-django made (tests/worker.py), here on a queue of its own so that no other test's worker takes the task.

1. A published report is queued on commit, a worker renders both PDFs, and the report is ready.
2. A worker is killed (SIGKILL) in the middle of a rendering: the message was never acknowledged (acks_late), so
   once Redis's visibility timeout has passed a new worker gets the same task again, takes over its claim and
   renders the report once: one file per language, state ready, one success in the logs.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from functools import partial
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from reports import services
from reports.models import Report, ReportFile, ReportOutreachFile
from reports.tasks import render_report_pdfs_task
from tests.worker import send_to_broker, start_worker, stop_worker, task_succeeded, wait_for

from .conftest import Q3

TIMEOUT = 45
VISIBILITY_TIMEOUT = 4

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.TEST_BROKER_URL,
        reason="no CELERY_BROKER_URL: the real-worker tests run in CI's PostgreSQL+Redis pass",
    ),
]


def _queue() -> str:
    return f"conecta-reports-test-{os.getpid()}"


def _start_worker(
    log: Path, reports_root: Path, *, delay: int, name: str, visibility: int = VISIBILITY_TIMEOUT
) -> subprocess.Popen:
    """A worker on this run's reports queue that renders into `reports_root`, sleeping `delay` s before it renders
    (REPORTS_RENDER_DELAY), with no result backend, and with Redis's visibility timeout cut to `visibility`."""
    env = {
        "CELERY_RESULT_BACKEND": "",
        "REPORTS_ROOT": str(reports_root),
        "REPORTS_RENDER_DELAY": str(delay),
        "CELERY_VISIBILITY_TIMEOUT": str(visibility),
    }
    return start_worker(log, queue=_queue(), name=name, env=env)


_wait_for = partial(wait_for, timeout=TIMEOUT)


def _publish_over_the_broker(report: Report) -> str:
    """Publish as the admin does, with the on-commit queueing going to the real broker; returns the task id."""
    sent = []

    def enqueue(pk: int) -> None:
        sent.append(send_to_broker(render_report_pdfs_task, pk, queue=_queue()))

    with mock.patch.object(render_report_pdfs_task, "enqueue", side_effect=enqueue):
        services._publish(report=report, by=None)  # autocommit: the on-commit hook runs at once
    assert len(sent) == 1
    return sent[0]


def _state(report: Report) -> str:
    return Report.objects.values_list("render_state", flat=True).get(pk=report.pk)


def _successes(task_id: str, *logs: Path) -> list[str]:
    return [result for log in logs for result in task_succeeded(log, task_id)]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_a_published_report(plan_with_progress, reports_root, tmp_path):
    report = services.report_draft_for_period(plan=plan_with_progress, period=Q3)
    log = tmp_path / "worker.log"
    worker = _start_worker(log, reports_root, delay=0, name="reports-render")
    try:
        task_id = _publish_over_the_broker(report)
        assert _state(report) == Report.RenderState.QUEUED
        _wait_for(lambda: _state(report) == Report.RenderState.READY, what="the PDFs", worker=worker, log=log)
        _wait_for(lambda: _successes(task_id, log), what="the task's success line", worker=worker, log=log)
        assert _successes(task_id, log) == ["'ready'"]
        files = ReportFile.objects.filter(report=report)
        assert sorted(files.values_list("language", flat=True)) == ["es", "qu"]
        for row in files:
            assert Path(row.file.path).read_bytes().startswith(b"%PDF-")
    finally:
        stop_worker(worker)


@pytest.mark.django_db(transaction=True)
def test_a_rendering_cut_short_by_a_killed_worker_is_delivered_again_and_done_once(
    plan_with_progress, reports_root, tmp_path
):
    report = services.report_draft_for_period(plan=plan_with_progress, period=Q3)
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    first = _start_worker(first_log, reports_root, delay=60, name="reports-killed")
    second = None
    try:
        task_id = _publish_over_the_broker(report)
        delivered = time.monotonic()
        _wait_for(
            lambda: _state(report) == Report.RenderState.RENDERING,
            what="the first worker's claim",
            worker=first,
            log=first_log,
        )
        assert Report.objects.get(pk=report.pk).render_task_id == task_id
        first.send_signal(signal.SIGKILL)  # kill -9, mid-render
        first.wait(timeout=10)
        assert not ReportFile.objects.filter(report=report).exists()

        # Redis hands an unacknowledged message out again once its visibility timeout has passed; a new worker
        # looks for such messages as it starts.
        time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - delivered)))
        second = _start_worker(second_log, reports_root, delay=1, name="reports-second")
        _wait_for(
            lambda: _state(report) == Report.RenderState.READY,
            what="the re-delivered rendering",
            worker=second,
            log=second_log,
        )
        _wait_for(
            lambda: _successes(task_id, second_log), what="the task's success line", worker=second, log=second_log
        )

        assert _successes(task_id, first_log, second_log) == ["'ready'"]
        assert task_id in second_log.read_text()
        assert sorted(ReportFile.objects.filter(report=report).values_list("language", flat=True)) == ["es", "qu"]
        # Exactly the files the rows point at (the two PDFs, and the bulletins and radio pack made after them):
        # nothing half-written is left by the killed worker.
        stored = sorted(ReportFile.objects.filter(report=report).values_list("file", flat=True))
        outreach = list(ReportOutreachFile.objects.filter(report=report).values_list("file", flat=True))
        on_disk = sorted(p.relative_to(reports_root).as_posix() for p in reports_root.rglob("*") if p.is_file())
        assert on_disk == sorted(stored + outreach)
        assert [re.sub(r"-\d+-[0-9a-f]{16}\.pdf$", ".pdf", Path(name).name) for name in stored] == [
            "conecta-pastaza-informe-2025-T3-es.pdf",
            "conecta-pastaza-informe-2025-T3-qu.pdf",
        ]
    finally:
        if first.poll() is None:
            first.kill()
        if second is not None:
            stop_worker(second)


# A worker already running takes over the task of a worker that was killed, once the visibility timeout has passed.
# The test above starts its second worker after the timeout: a worker looks for abandoned tasks as it starts. In
# production the other workers are already running, and they look again only every `unacked_restore_interval` x
# `unacked_restore_throttle` seconds (kombu: 10 x 10 by default, so a killed task waited up to 100 s more; settings
# make it 10 s). Here the second worker starts before the timeout, so only that periodic look can find the task.
RECOVERY_VISIBILITY_TIMEOUT = 15  # long enough for the second worker to start (and make its first look) before it
RECOVERY_TIMEOUT = 60  # the timeout, one periodic look (10 s) and the rendering; kombu's default would take 100 s more


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_takes_over_the_task_of_a_killed_one(plan_with_progress, reports_root, tmp_path):
    report = services.report_draft_for_period(plan=plan_with_progress, period=Q3)
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    slow = partial(_start_worker, reports_root=reports_root, visibility=RECOVERY_VISIBILITY_TIMEOUT)
    first = slow(first_log, delay=120, name="reports-recovery-killed")
    second = None
    try:
        task_id = _publish_over_the_broker(report)
        _wait_for(
            lambda: _state(report) == Report.RenderState.RENDERING,
            what="the first worker's claim",
            worker=first,
            log=first_log,
        )
        second = slow(second_log, delay=0, name="reports-recovery-running")
        _wait_for(lambda: "ready." in second_log.read_text(), what="the second worker", worker=second, log=second_log)
        first.send_signal(signal.SIGKILL)  # kill -9, mid-render, before the visibility timeout has passed
        first.wait(timeout=10)

        wait_for(
            lambda: _state(report) == Report.RenderState.READY,
            what="the running worker to take the abandoned rendering over",
            worker=second,
            log=second_log,
            timeout=RECOVERY_TIMEOUT,
        )
        _wait_for(lambda: _successes(task_id, second_log), what="its success line", worker=second, log=second_log)
        assert _successes(task_id, first_log, second_log) == ["'ready'"]
        assert sorted(report.files.values_list("language", flat=True)) == ["es", "qu"]
    finally:
        if first.poll() is None:
            first.kill()
        if second is not None:
            stop_worker(second)
