"""/<lang>/participa/respuestas/: "You said / We did", only what staff answered and made public."""

import pytest

from feedback.models import Moderation, Suggestion
from tests.factories import CommitmentFactory

from .factories import AnsweredSuggestionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

# Measured: the page's answers (with their subject); the commitments they changed; the count for the pager.
ANSWERS_QUERIES = 3


def test_it_shows_public_answers_with_the_commitments_they_changed(citizen, commitment):
    hidden = CommitmentFactory(code="HIDE0001", is_published=False, title_es="Secreto")
    answered = AnsweredSuggestionFactory(
        text="Publiquen las actas.", answer_es="Ya se publican.", name="Rosa Gualinga", email="rosa@example.org"
    )
    answered.changed_commitments.add(commitment, hidden)

    response = citizen.get("/es/participa/respuestas/")

    assert response.status_code == 200
    assert "Publiquen las actas." in response.text and "Ya se publican." in response.text
    assert f'href="/es/compromisos/{commitment.code}/"' in response.text
    for private in ("Rosa", "rosa@example.org", "HIDE0001", "Secreto"):
        assert private not in response.text


def test_a_public_summary_replaces_the_text_as_received(citizen):
    AnsweredSuggestionFactory(text="Soy Rosa, de tal casa: arreglen la vía.", public_summary="Arreglen la vía.")

    text = citizen.get("/es/participa/respuestas/").text

    assert "Arreglen la vía." in text and "Soy Rosa" not in text


def test_it_hides_what_is_not_public_answered_and_approved(citizen):
    SuggestionFactory(text="Sin responder")
    AnsweredSuggestionFactory(text="Respondida pero privada", is_public=False)
    AnsweredSuggestionFactory(text="Ocultada", moderation=Moderation.HIDDEN)
    AnsweredSuggestionFactory(text="Pendiente", moderation=Moderation.PENDING)
    AnsweredSuggestionFactory(text="Sin respuesta escrita", answer_es="")
    AnsweredSuggestionFactory(text="En revisión", status=Suggestion.Status.UNDER_REVIEW, is_public=False)

    response = citizen.get("/es/participa/respuestas/")

    assert response.context["answers"] == []
    for text in ("Sin responder", "privada", "Ocultada", "Pendiente", "Sin respuesta", "En revisión"):
        assert text not in response.text


def test_its_queries_do_not_grow_with_the_answers(citizen, commitment, django_assert_max_num_queries):
    for _n in range(25):
        AnsweredSuggestionFactory().changed_commitments.add(commitment)

    with django_assert_max_num_queries(ANSWERS_QUERIES):
        response = citizen.get("/qu/participa/respuestas/?page=2")

    assert response.status_code == 200
    assert len(response.context["answers"]) == 5


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999", "%00"])
def test_nonsense_page_numbers_are_clamped(citizen, page):
    assert citizen.get(f"/es/participa/respuestas/?page={page}").status_code == 200
