"""conecta.queue: a save never waits on a dead broker. One short attempt (no retry, timeouts under a second, no
result backend in the way), then a circuit breaker that skips the broker; the sweeps send what was skipped."""

from __future__ import annotations

import pytest
from django.core import mail

from commitments import services as commitment_services
from commitments.models import ProgressUpdate
from commitments.tasks import notify_update_submitted_task
from tests.commitments.admin_helpers import admin_url, form_data

pytestmark = pytest.mark.django_db


def test_a_publish_is_one_short_attempt_with_no_retry_and_no_result_backend(settings):
    from conecta import queue
    from conecta.celery import app

    options = queue.PUBLISH_TRANSPORT_OPTIONS
    assert options["max_retries"] == 0
    assert 0 < options["socket_connect_timeout"] <= 1
    assert 0 < options["socket_timeout"] <= 1
    assert 0 < queue.PUBLISH_CONNECT_TIMEOUT <= 1
    # Sending a task subscribes to the result backend unless results are ignored (with Redis down, that
    # subscription retried 20 times, a second apart).
    assert settings.CELERY_TASK_IGNORE_RESULT is True
    assert app.conf.task_ignore_result is True


def test_a_publish_is_never_retried(dead_broker, monkeypatch):
    from conecta.celery import app

    seen = {}

    def send_task(*args, **options):
        seen.update(options)
        raise ConnectionRefusedError("the broker is down")

    monkeypatch.setattr(app, "send_task", send_task)

    assert notify_update_submitted_task.enqueue(1) is False
    assert seen["retry"] is False
    assert seen["ignore_result"] is True


def test_after_a_failure_the_broker_is_not_tried_again_for_a_while(dead_broker, redis_connections):
    assert notify_update_submitted_task.enqueue(1) is False
    assert len(redis_connections) == 1  # one attempt, no retry

    assert notify_update_submitted_task.enqueue(2) is False
    assert len(redis_connections) == 1  # skipped by the breaker


def test_the_breaker_lets_one_attempt_through_after_its_pause_and_closes_when_it_works():
    from conecta.breaker import CircuitBreaker

    now = [100.0]
    breaker = CircuitBreaker("test", seconds=5, clock=lambda: now[0])
    assert breaker.allows()
    breaker.failed(OSError("down"))
    assert not breaker.allows()
    now[0] += 5
    assert breaker.allows()  # half-open: one probe
    assert not breaker.allows()  # the others keep skipping meanwhile
    breaker.succeeded()
    assert breaker.allows() and breaker.allows()


def test_an_outage_is_logged_once_not_per_call(caplog):
    from conecta.breaker import CircuitBreaker

    now = [0.0]
    breaker = CircuitBreaker("The test broker", seconds=1, clock=lambda: now[0])
    with caplog.at_level("WARNING", logger="conecta.breaker"):
        for _ in range(5):
            if breaker.allows():
                breaker.failed(ConnectionError("refused"))
            now[0] += 2
        breaker.succeeded()

    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        "The test broker is unreachable",
        "The test broker is back after 10 s",
    ]


def _submit_update(client, commitment, title, capture):
    page = client.get(admin_url("progressupdate", "add"))
    data = form_data(page, commitment=commitment.pk, occurred_on="2026-03-02", title_es=title, text_es="Texto.")
    with capture(execute=True):
        response = client.post(admin_url("progressupdate", "add"), data)
    assert response.status_code == 302
    return ProgressUpdate.objects.get(title_es=title)


def test_staff_saves_with_the_broker_down_try_it_once_and_the_sweep_sends_the_notices_later(
    implementer_client, commitment, planner, dead_broker, redis_connections, django_capture_on_commit_callbacks
):
    first = _submit_update(implementer_client, commitment, "Primer avance", django_capture_on_commit_callbacks)
    second = _submit_update(implementer_client, commitment, "Segundo avance", django_capture_on_commit_callbacks)

    assert len(redis_connections) == 1  # the first save tried once; the second did not wait at all
    assert mail.outbox == []
    assert ProgressUpdate.objects.filter(pk__in=[first.pk, second.pk], staff_notified_at=None).count() == 2

    from conecta.celery import app

    app.conf.task_always_eager = True  # the broker is back; beat runs the sweep
    assert commitment_services.updates_notify_pending(older_than_minutes=0) == 2
    assert len(mail.outbox) == 2
    assert commitment_services.updates_notify_pending(older_than_minutes=0) == 0


# The task base (conecta.queue.QueuedTask): the one way the portal queues a task.


def _our_tasks():
    from conecta.celery import app

    app.loader.import_default_modules()  # the apps' tasks.py, as a worker loads them
    return [task for name, task in sorted(app.tasks.items()) if not name.startswith("celery.")]


def test_every_task_of_the_portal_is_a_queued_task():
    from conecta.queue import QueuedTask

    tasks = _our_tasks()

    assert {task.name for task in tasks} >= {
        "commitments.tasks.notify_update_submitted_task",
        "feedback.tasks.notify_comment_response_task",
        "reports.tasks.render_report_pdfs_task",
        "conecta.tasks.verify_published_files_task",
    }
    assert [task.name for task in tasks if not isinstance(task, QueuedTask)] == []


def test_a_queued_task_keeps_the_default_route(dead_broker, monkeypatch):
    """Celery reads a task's `queue` attribute as the queue to route it to: the base must not shadow it."""
    from conecta.celery import app

    seen = {}

    def send_task(*args, **options):
        seen.update(options)
        raise ConnectionRefusedError("the broker is down")

    monkeypatch.setattr(app, "send_task", send_task)

    assert notify_update_submitted_task.enqueue(1) is False
    assert seen.get("queue") is None


def _record_runs(monkeypatch, task) -> list:
    runs = []
    monkeypatch.setattr(task, "delay", lambda *args: runs.append(args))
    return runs


def test_enqueue_on_commit_sends_the_task_once_the_transaction_commits(
    monkeypatch, django_capture_on_commit_callbacks
):
    runs = _record_runs(monkeypatch, notify_update_submitted_task)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_update_submitted_task.enqueue_on_commit(7)
        assert runs == []  # not before the commit

    assert len(callbacks) == 1
    assert runs == [(7,)]


def test_enqueue_on_commit_sends_nothing_when_the_transaction_rolls_back(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    runs = _record_runs(monkeypatch, notify_update_submitted_task)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_update_submitted_task.enqueue_on_commit(7)
            raise RuntimeError("the save failed")

    assert callbacks == []
    assert runs == []


def test_in_process_a_failing_task_is_logged_and_never_raised_into_the_save(monkeypatch, caplog):
    def broken(*args):
        raise OSError("SMTP down")

    monkeypatch.setattr(notify_update_submitted_task, "delay", broken)

    with caplog.at_level("WARNING", logger="conecta.queue"):
        assert notify_update_submitted_task.enqueue(3) is False

    assert "failed in-process" in caplog.text


def test_with_the_broker_down_a_task_queued_on_commit_leaves_the_save_alone(
    dead_broker, redis_connections, django_capture_on_commit_callbacks
):
    from reports.tasks import render_report_pdfs_task

    with django_capture_on_commit_callbacks(execute=True):
        render_report_pdfs_task.enqueue_on_commit(1)
        render_report_pdfs_task.enqueue_on_commit(2)

    assert len(redis_connections) == 1  # the first tried once; the breaker skipped the second
