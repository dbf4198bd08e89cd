"""/<lang>/participa/seguimiento/: a message followed by its code: status, dates and answer, never who sent it."""

import pytest

from commitments.models import Parish
from tests.factories import CantonFactory, CommitmentFactory

from .factories import AnsweredSuggestionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

# Measured: the suggestion with its commitment, canton and parish; the commitments it changed; its earlier answers;
# its replies.
TRACK_QUERIES = 4


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{compact}", " {spaced} ", "{short}"])
def test_the_code_is_found_however_it_was_typed(citizen, typed):
    suggestion = SuggestionFactory(tracking_code="PZ-7K3M-Q9")
    query = typed.format(code="PZ-7K3M-Q9", lower="pz-7k3m-q9", compact="PZ7K3MQ9", spaced="pz 7k3m q9", short="7k3mq9")

    response = citizen.get("/es/participa/seguimiento/", {"codigo": query})

    assert response.status_code == 200
    assert response.context["suggestion"] == suggestion
    assert "Message PZ-7K3M-Q9" in response.text or "PZ-7K3M-Q9" in response.text


def test_it_shows_the_status_dates_and_answer_but_never_personal_data(
    citizen, commitment, django_assert_max_num_queries
):
    pastaza = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza")
    puyo = Parish.objects.create(canton=pastaza, code="160150", name="Puyo", kind="urban")
    hidden = CommitmentFactory(code="HIDE0001", is_published=False)
    suggestion = AnsweredSuggestionFactory(
        name="Rosa Gualinga",
        email="rosa@example.org",
        phone="0991234567",
        commitment=commitment,
        canton=pastaza,
        parish=puyo,
        text="Mi cédula es 1600000000",
        answer_es="Respondido: lo haremos.",
    )
    suggestion.changed_commitments.add(commitment, hidden)

    with django_assert_max_num_queries(TRACK_QUERIES):
        response = citizen.get("/es/participa/seguimiento/", {"codigo": suggestion.tracking_code})

    text = response.text
    assert "Respondido: lo haremos." in text
    assert 'aria-current="step"' in text
    assert commitment.title_es in text and "Puyo" in text
    for private in ("Rosa", "rosa@example.org", "0991234567", "1600000000", "HIDE0001"):
        assert private not in text


def test_an_unknown_or_malformed_code_says_so_next_to_the_field(citizen):
    SuggestionFactory(tracking_code="PZ-7K3M-Q9")

    for query in ("PZ-2222-22", "<script>alert(1)</script>", "x" * 10000, "\x00"):
        response = citizen.get("/es/participa/seguimiento/", {"codigo": query})
        assert response.status_code == 200
        assert 'id="codigo-error"' in response.text
        assert response.context["suggestion"] is None
        assert "<script>" not in response.text


def test_without_a_code_it_shows_only_the_form_in_both_languages(citizen):
    for lang in ("es", "qu"):
        response = citizen.get(f"/{lang}/participa/seguimiento/")
        assert response.status_code == 200
        assert f'<html lang="{lang}"' in response.text
        assert 'id="codigo-error"' not in response.text


def test_guessing_codes_is_rate_limited(citizen, settings):
    settings.PARTICIPATION_RATE_LIMITS = {**settings.PARTICIPATION_RATE_LIMITS, "track": (3, 15)}

    statuses = [citizen.get("/es/participa/seguimiento/", {"codigo": f"PZ-2222-2{n}"}).status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_the_confirmation_page_exists_only_for_real_codes(citizen):
    suggestion = SuggestionFactory()

    assert citizen.get(f"/es/participa/recibido/{suggestion.tracking_code}/").status_code == 200
    assert citizen.get("/es/participa/recibido/PZ-2222-22/").status_code == 404
    assert citizen.get("/qu/participa/recibido/%3Cscript%3E/").status_code == 404
