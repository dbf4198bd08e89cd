"""A task whose worker was killed is delivered again within minutes (Redis's visibility timeout), and a task that
is still running never is: every task is stopped (soft, then hard time limit) well before that timeout."""

from __future__ import annotations

from types import SimpleNamespace

import commitments.tasks  # noqa: F401 - registers the tasks
import feedback.tasks  # noqa: F401
import reports.tasks  # noqa: F401
from conecta.celery import app

from .conftest import production_settings

# kombu's default pause between two looks for unacknowledged tasks, times our throttle (how many pauses per look).
RESTORE_INTERVAL = 10


def _conf(built: dict) -> SimpleNamespace:
    return SimpleNamespace(
        broker_transport_options=built["CELERY_BROKER_TRANSPORT_OPTIONS"],
        task_time_limit=built.get("CELERY_TASK_TIME_LIMIT"),
        task_soft_time_limit=built.get("CELERY_TASK_SOFT_TIME_LIMIT"),
    )


def _our_tasks():
    return [task for name, task in sorted(app.tasks.items()) if not name.startswith("celery.")]


def test_a_killed_workers_task_is_delivered_again_within_minutes(monkeypatch):
    options = production_settings(monkeypatch)["CELERY_BROKER_TRANSPORT_OPTIONS"]

    recovery = options["visibility_timeout"] + RESTORE_INTERVAL * options.get("unacked_restore_throttle", 10)

    assert recovery <= 6 * 60


def test_every_task_is_stopped_before_it_could_be_delivered_again(monkeypatch):
    from conecta.celery import longest_retry_wait, time_limits_problem

    built = production_settings(monkeypatch)
    visibility = built["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    soft, hard = built.get("CELERY_TASK_SOFT_TIME_LIMIT"), built.get("CELERY_TASK_TIME_LIMIT")

    assert soft and hard and soft < hard < visibility
    # The longest task, a report's two PDFs, takes about 40 s for 300 commitments (bench/reports.py).
    assert soft >= 3 * 40
    tasks = _our_tasks()
    assert {"reports.tasks.render_report_pdfs_task", "feedback.tasks.send_suggestion_confirmation_task"} <= {
        task.name for task in tasks
    }
    assert all(hard + longest_retry_wait(task) < visibility for task in tasks)
    assert time_limits_problem(_conf(built), tasks) is None


def test_limits_that_reach_the_visibility_timeout_are_reported(monkeypatch):
    from conecta.celery import time_limits_problem

    built = production_settings(monkeypatch, CELERY_VISIBILITY_TIMEOUT="120")

    problem = time_limits_problem(_conf(built), _our_tasks())

    assert problem and "visibility timeout (120 s)" in problem


def test_the_time_limits_and_the_visibility_timeout_come_from_the_environment(monkeypatch):
    from conecta.celery import time_limits_problem

    built = production_settings(
        monkeypatch, CELERY_VISIBILITY_TIMEOUT="900", CELERY_TASK_TIME_LIMIT="600", CELERY_TASK_SOFT_TIME_LIMIT="500"
    )

    assert built["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == 900
    assert (built["CELERY_TASK_SOFT_TIME_LIMIT"], built["CELERY_TASK_TIME_LIMIT"]) == (500, 600)
    assert time_limits_problem(_conf(built), _our_tasks()) is None
