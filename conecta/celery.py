"""The Celery app. With no CELERY_BROKER_URL, settings make every task run in-process (eagerly). Every task is a
conecta.queue.QueuedTask (`task.enqueue(...)`, `task.enqueue_on_commit(...)`): the one way the portal queues one.

With Redis as the broker, a task a worker took but never acknowledged (the worker was killed) is delivered again
once the visibility timeout has passed. Tasks must therefore end well before it, or a task still running would be
delivered to a second worker: `time_limits_problem` checks that, and a worker logs it at start.
"""

import logging
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conecta.settings")

logger = logging.getLogger(__name__)

app = Celery("conecta", task_cls="conecta.queue:QueuedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def longest_retry_wait(task) -> float:
    """The longest countdown a task's automatic retries may wait (a retry waits unacknowledged in a worker)."""
    if not getattr(task, "autoretry_for", ()):
        return 0
    backoff = getattr(task, "retry_backoff", False)
    if not backoff:
        return float(getattr(task, "default_retry_delay", 180) or 0)
    factor = int(max(1.0, float(backoff)))
    return min(int(getattr(task, "retry_backoff_max", 600)), factor * 2 ** int(task.max_retries or 0))


def time_limits_problem(conf, tasks) -> str | None:
    """What is wrong with the tasks' time limits against the broker's visibility timeout, or None.

    A task is stopped at its soft limit (an exception it can record) and killed at its hard limit; both must come,
    with its longest retry wait, before the visibility timeout, so that a re-delivery always means its worker died.
    """
    visibility = (conf.broker_transport_options or {}).get("visibility_timeout", 3600)
    for task in tasks:
        hard = getattr(task, "time_limit", None) or conf.task_time_limit
        soft = getattr(task, "soft_time_limit", None) or conf.task_soft_time_limit
        if not hard or not soft or soft >= hard:
            return f"{task.name}: needs a soft time limit ({soft}) below its hard one ({hard})"
        if hard + longest_retry_wait(task) >= visibility:
            return (
                f"{task.name}: its hard time limit ({hard} s) and longest retry wait ({longest_retry_wait(task)} s) "
                f"reach the visibility timeout ({visibility} s): a task still running would be delivered again"
            )
    return None


@worker_init.connect
def _warn_about_time_limits(sender=None, **kwargs) -> None:
    if not (app.conf.broker_url or "").startswith(("redis://", "rediss://", "unix://")):
        return
    tasks = [task for name, task in sorted(app.tasks.items()) if not name.startswith("celery.")]
    problem = time_limits_problem(app.conf, tasks)
    if problem:
        logger.warning("Celery time limits: %s", problem)
