"""When an implementer submits an unpublished progress update, the Planning Directorate is e-mailed once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commitments import services
from commitments.models import ProgressUpdate
from commitments.roles import PLANNER
from commitments.tasks import notify_pending_updates_task, notify_update_submitted_task
from conecta.cache import bump_generation
from tests.factories import MilestoneFactory, ProgressUpdateFactory, UserFactory

from .admin_helpers import admin_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def planners(planner):
    """Two planners who can be e-mailed, one with no address and one whose account is closed."""
    UserFactory(username="planificador2", email="planificador2@pastaza.gob.ec", groups=[PLANNER])
    UserFactory(username="sin-correo", email="", groups=[PLANNER])
    UserFactory(username="jubilado", email="jubilado@pastaza.gob.ec", groups=[PLANNER], is_active=False)
    return ["planificacion@pastaza.gob.ec", "planificador2@pastaza.gob.ec"]


def submit_update(client, commitment, django_capture_on_commit_callbacks):
    page = client.get(admin_url("progressupdate", "add"))
    data = form_data(
        page,
        commitment=commitment.pk,
        milestone=MilestoneFactory(commitment=commitment).pk,  # a reported progress is its milestone's
        occurred_on="2026-03-02",
        title_es="Talleres en Sarayaku",
        text_es="Se hicieron tres talleres.",
        progress=45,
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(admin_url("progressupdate", "add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    return ProgressUpdate.objects.get(title_es="Talleres en Sarayaku"), callbacks


def notification_callbacks(callbacks):
    """The on-commit callbacks other than the public-page cache's invalidation, which every change queues."""
    return [callback for callback in callbacks if callback is not bump_generation]


def test_an_implementers_update_e_mails_the_planners_once(
    implementer_client, implementer, commitment, planners, django_capture_on_commit_callbacks
):
    update, callbacks = submit_update(implementer_client, commitment, django_capture_on_commit_callbacks)

    assert len(notification_callbacks(callbacks)) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == planners
    assert "TEST0001" in message.subject
    assert "Talleres en Sarayaku" in message.body
    update.refresh_from_db()
    assert (update.author, update.is_published) == (implementer, False)
    assert update.staff_notified_at is not None


def test_running_the_task_again_sends_nothing_more(
    implementer_client, commitment, planners, django_capture_on_commit_callbacks
):
    update, _callbacks = submit_update(implementer_client, commitment, django_capture_on_commit_callbacks)

    assert notify_update_submitted_task.delay(update.pk).get() is False
    assert notify_update_submitted_task.apply(args=[update.pk]).get() is False
    assert len(mail.outbox) == 1


def test_nothing_is_sent_before_the_transaction_commits(
    implementer_client, commitment, planners, django_capture_on_commit_callbacks
):
    page = implementer_client.get(admin_url("progressupdate", "add"))
    data = form_data(page, commitment=commitment.pk, occurred_on="2026-03-02", title_es="Borrador", text_es="Texto.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        implementer_client.post(admin_url("progressupdate", "add"), data)

    assert len(notification_callbacks(callbacks)) == 1
    assert mail.outbox == []


def test_a_published_update_by_a_planner_sends_nothing(
    planner_client, commitment, planners, django_capture_on_commit_callbacks
):
    page = planner_client.get(admin_url("progressupdate", "add"))
    data = form_data(
        page,
        commitment=commitment.pk,
        occurred_on="2026-03-02",
        title_es="Publicado",
        text_es="Texto.",
        is_published=True,
        publish_without_kichwa=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert planner_client.post(admin_url("progressupdate", "add"), data).status_code == 302

    assert mail.outbox == []


def test_editing_an_update_does_not_send_again(
    implementer_client, commitment, planners, django_capture_on_commit_callbacks
):
    update, _callbacks = submit_update(implementer_client, commitment, django_capture_on_commit_callbacks)
    data = form_data(implementer_client.get(admin_url("progressupdate", "change", update.pk)), progress=50)

    with django_capture_on_commit_callbacks(execute=True):
        implementer_client.post(admin_url("progressupdate", "change", update.pk), data)

    assert len(mail.outbox) == 1


def test_without_planners_to_write_to_the_task_sends_nothing(commitment):
    update = ProgressUpdateFactory(commitment=commitment, is_published=False)

    assert notify_update_submitted_task.delay(update.pk).get() is False
    assert mail.outbox == []


def test_a_broker_outage_does_not_break_the_save_and_the_sweep_sends_later(
    implementer_client, commitment, planners, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(notify_update_submitted_task, "delay", broker_down)
    update, _callbacks = submit_update(implementer_client, commitment, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    ProgressUpdate.objects.filter(pk=update.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    assert notify_pending_updates_task.delay().get() == 1
    assert notify_pending_updates_task.delay().get() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_fresh_updates_to_their_own_task(commitment, planners):
    ProgressUpdateFactory(commitment=commitment, is_published=False)

    assert services.updates_notify_pending(older_than_minutes=5) == 0
    assert mail.outbox == []


def test_a_mail_server_failure_leaves_the_notice_to_send_again(commitment, planners, monkeypatch):
    """The claim is released when sending fails, so the task's retry or the sweep still sends the notice."""
    update = ProgressUpdateFactory(commitment=commitment, is_published=False)

    def mail_server_down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", mail_server_down)
        with pytest.raises(ConnectionRefusedError):
            services.update_notify_staff(update_id=update.pk)
    update.refresh_from_db()
    assert update.staff_notified_at is None

    assert services.update_notify_staff(update_id=update.pk) is True
    assert len(mail.outbox) == 1
