"""One integration test with a real Celery worker on the configured broker (CI's PostgreSQL + Redis pass).

Other tests run tasks eagerly (conecta/test_settings.py; tests/reports/test_render_worker.py also drives real
workers); this one proves that a task sent over the broker is picked up by `celery -A conecta worker` (started
by tests/worker.py on the default queue), e-mails the planners once, and does nothing when delivered again.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from commitments.models import ActionPlan, Axis, Commitment, Institution, ProgressUpdate
from commitments.roles import PLANNER, ensure_role_groups
from commitments.tasks import notify_update_submitted_task
from tests.worker import send_to_broker, start_worker, stop_worker, task_succeeded, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.TEST_BROKER_URL,
        reason="no CELERY_BROKER_URL: the real-worker test runs in CI's PostgreSQL+Redis pass",
    ),
]


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
        code="WRKR0001",
        plan=plan,
        title_es="Compromiso de prueba",
        axis=Axis.BIOPHYSICAL,
        lead_institution=gad,
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 2, 28),
        is_published=True,
    )
    update = ProgressUpdate.objects.create(
        commitment=commitment,
        occurred_on=date(2025, 6, 1),
        title_es="Avance por revisar",
        text_es="Texto del avance.",
        is_published=False,
    )
    # Whatever saving may have queued ran eagerly here; the notice must be left for the worker to send.
    ProgressUpdate.objects.filter(pk=update.pk).update(staff_notified_at=None)
    return update


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_emails_planners_once_even_when_the_task_is_delivered_twice(tmp_path):
    update = _make_update_awaiting_review()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"

    from conecta.celery import app

    worker = start_worker(
        log,
        queue=app.conf.task_default_queue,
        name="conecta-test",
        env={"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)},
    )
    try:
        first = send_to_broker(notify_update_submitted_task, update.pk)
        wait_for(lambda: any(mail_dir.iterdir()), what="the e-mail file", worker=worker, log=log)
        wait_for(
            lambda: ProgressUpdate.objects.filter(pk=update.pk, staff_notified_at__isnull=False).exists(),
            what="staff_notified_at to be set",
            worker=worker,
            log=log,
        )
        wait_for(lambda: task_succeeded(log, first), what="the first task to finish", worker=worker, log=log)
        assert task_succeeded(log, first) == ["True"]
        messages = sorted(mail_dir.iterdir())
        assert len(messages) == 1
        # The file backend writes one file per connection, each message ending in a line of dashes.
        assert messages[0].read_text().count("\n" + "-" * 79 + "\n") == 1
        assert "WRKR0001" in messages[0].read_text()
        assert "planner-worker@pastaza.gob.ec" in messages[0].read_text()

        second = send_to_broker(notify_update_submitted_task, update.pk)
        wait_for(lambda: task_succeeded(log, second), what="the second delivery to finish", worker=worker, log=log)
        assert task_succeeded(log, second) == ["False"]
        assert len(list(mail_dir.iterdir())) == 1
    finally:
        stop_worker(worker)
