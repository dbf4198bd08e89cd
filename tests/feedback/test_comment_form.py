"""/<lang>/participa/compromisos/<code>/comentar/: a comment, stored pending moderation."""

import pytest

from feedback.models import Comment, Moderation
from tests.factories import CommitmentFactory
from tests.participation import send

pytestmark = pytest.mark.django_db

URL = "/{lang}/participa/compromisos/{code}/comentar/"
# Measured: the commitment.
FORM_QUERIES = 1


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_form_page_names_the_commitment(citizen, commitment, lang, django_assert_max_num_queries):
    with django_assert_max_num_queries(FORM_QUERIES):
        response = citizen.get(URL.format(lang=lang, code=commitment.code.lower()))

    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert commitment.code in response.text
    assert "no-store" in response["Cache-Control"]


def test_a_comment_is_stored_pending_and_never_shown_before_approval(csrf_client, citizen, commitment):
    response = send(
        csrf_client,
        URL.format(lang="es", code=commitment.code),
        {"name": "Kuri", "email": "kuri@example.org", "text": "¿Llegará a Arajuno? 🙂", "consent": "on"},
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/es/participa/compromisos/{commitment.code}/comentar/enviado/"
    assert (comment.moderation, comment.name, comment.text) == (Moderation.PENDING, "Kuri", "¿Llegará a Arajuno? 🙂")
    assert comment.email_hash and comment.ip_hash and comment.consent_at
    assert "Arajuno" not in citizen.get(f"/es/compromisos/{commitment.code}/").text
    assert csrf_client.get(response["Location"]).status_code == 200


def test_the_name_and_the_consent_are_required(csrf_client, commitment):
    response = send(csrf_client, URL.format(lang="es", code=commitment.code), {"text": "Hola"})

    assert response.status_code == 200
    assert 'href="#id_name"' in response.text and 'href="#id_consent"' in response.text
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("code", ["NOPE0001", "HIDE0001", "%3Cscript%3E", "A" * 40, "%00"])
def test_unknown_or_unpublished_commitments_are_not_found(citizen, code):
    CommitmentFactory(code="HIDE0001", is_published=False)

    for url in (URL.format(lang="es", code=code), f"/qu/participa/compromisos/{code}/comentarios/"):
        response = citizen.get(url)
        assert response.status_code == 404
        assert b"<script" not in response.content


def test_too_many_comments_from_one_address_are_limited(csrf_client, commitment, settings):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "comment": (1, 15)}
    data = {"name": "Kuri", "text": "Uno", "consent": "on"}

    first = send(csrf_client, URL.format(lang="qu", code=commitment.code), data)
    second = send(csrf_client, URL.format(lang="qu", code=commitment.code), data)

    assert (first.status_code, second.status_code) == (302, 429)
    assert '<html lang="qu"' in second.text
    assert Comment.objects.count() == 1
