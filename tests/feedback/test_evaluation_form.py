"""/<lang>/participa/compromisos/<code>/evaluar/: a score of 1-5, once per person as far as a browser tells."""

import pytest
from django.test import Client

from feedback.models import Evaluation, Moderation
from tests.participation import hidden_values, send

pytestmark = pytest.mark.django_db

URL = "/{lang}/participa/compromisos/{code}/evaluar/"


def test_a_score_counts_at_once_and_a_comment_waits_for_moderation(csrf_client, commitment):
    response = send(csrf_client, URL.format(lang="es", code=commitment.code), {"score": "4", "comment": "Avanza"})

    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/es/participa/compromisos/{commitment.code}/evaluar/enviado/"
    assert (evaluation.score, evaluation.comment, evaluation.moderation) == (4, "Avanza", Moderation.PENDING)
    assert evaluation in Evaluation.objects.counted()


def test_a_score_without_comment_has_nothing_to_moderate(csrf_client, commitment):
    send(csrf_client, URL.format(lang="es", code=commitment.code), {"score": "2"})

    assert Evaluation.objects.get().moderation == Moderation.APPROVED


def test_a_browser_evaluates_a_commitment_once(csrf_client, commitment, other_commitment):
    send(csrf_client, URL.format(lang="es", code=commitment.code), {"score": "5"})

    again = csrf_client.get(URL.format(lang="qu", code=commitment.code))
    repost = csrf_client.post(
        URL.format(lang="es", code=commitment.code), {**hidden_values(again.text), "score": "1", "token": "y" * 32}
    )

    assert again.status_code == 200 and again.context["form"] is None
    assert 'name="score"' not in again.text
    assert repost.status_code in (403, 409)  # no form, so no CSRF token to send: refused either way
    assert Evaluation.objects.count() == 1
    assert send(csrf_client, URL.format(lang="es", code=other_commitment.code), {"score": "3"}).status_code == 302
    assert Evaluation.objects.count() == 2


def test_the_cookie_is_signed_so_it_cannot_be_forged(commitment):
    client = Client()
    client.cookies["conecta_eval_TEST0001"] = "2026-01-01"

    response = client.get(URL.format(lang="es", code=commitment.code))

    assert response.context["form"] is not None


def test_the_cookie_remembers_it_in_the_browser_only(csrf_client, commitment):
    response = send(csrf_client, URL.format(lang="es", code=commitment.code), {"score": "5"})

    cookie = response.cookies["conecta_eval_TEST0001"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert Client().get(URL.format(lang="es", code=commitment.code)).context["form"] is not None


def test_a_script_dropping_cookies_meets_the_rate_limit(commitment, settings):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "evaluation": (3, 15)}

    statuses = [
        send(Client(), URL.format(lang="es", code=commitment.code), {"score": "1"}).status_code for _ in range(4)
    ]

    assert statuses == [302, 302, 302, 429]
    assert Evaluation.objects.count() == 3
