"""Redis stopped (the cache and the broker both unreachable): every public page still answers, from the database,
and a citizen's message is stored, its confirmation e-mail sent by the sweep once the broker is back."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from feedback.models import Suggestion
from feedback.services import suggestions_notify_pending

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/es/",
    "/qu/",
    "/es/compromisos/",
    "/es/compromisos/?q=agua&page=1",
    "/es/compromisos/ECPTZ0001/",
    "/qu/compromisos/ECPTZ0002/",
    "/es/territorio/",
    "/es/informes/",
    "/es/informes/2025-t4/",
    "/es/informes/feed/",
    "/es/plan/",
    "/es/participa/",
    "/es/participa/sugerencia/",
    "/es/participa/compromisos/ECPTZ0001/comentar/",
    "/es/participa/seguimiento/?codigo=PZ-7K3M-Q9",
    "/es/participa/respuestas/",
    "/es/reuniones/",
    "/es/novedades/feed/",
    "/sitemap.xml",
]
HIDDEN = re.compile(r'<input type="hidden" name="(csrfmiddlewaretoken|token)" value="([^"]*)"')


@pytest.fixture
def portal(real_plan, settings):
    """The demo plan (three commitments, a published report), with the page cache on as in production."""
    settings.CONECTA_PLAN_SLUG = real_plan.slug
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    return real_plan


def test_every_public_page_answers_while_redis_is_down(portal, dead_cache, dead_broker, client):
    for url in PUBLIC_PAGES:
        for visit in (1, 2):
            response = client.get(url)
            assert response.status_code == 200, (url, visit)


def test_a_suggestion_sent_while_redis_is_down_is_stored_and_confirmed_by_the_sweep_later(
    portal, dead_cache, dead_broker, client, django_capture_on_commit_callbacks
):
    form = client.get("/es/participa/sugerencia/")
    assert form.status_code == 200
    data = {
        **dict(HIDDEN.findall(form.text)),
        "kind": "suggestion",
        "text": "Más talleres en Sarayaku, por favor.",
        "email": "rosa@example.org",
        "consent": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/es/participa/sugerencia/", data)

    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/es/participa/recibido/{suggestion.tracking_code}/"
    assert suggestion.text == "Más talleres en Sarayaku, por favor."
    assert suggestion.confirmation_sent_at is None  # the broker did not take the e-mail
    assert mail.outbox == []

    # Redis is back (tasks run again) and beat runs the sweep.
    from conecta.celery import app

    app.conf.task_always_eager = True
    assert suggestions_notify_pending(older_than_minutes=0) == 1
    assert suggestions_notify_pending(older_than_minutes=0) == 0

    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
    assert suggestion.tracking_code in mail.outbox[0].body
