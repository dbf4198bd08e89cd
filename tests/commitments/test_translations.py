"""Content in Spanish and Kichwa: Kichwa readers see Spanish wherever no Kichwa text exists yet."""

import pytest
from django.utils import translation

from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_a_commitment_with_only_a_spanish_title_shows_it_in_kichwa():
    commitment = CommitmentFactory(title_es="Programa ambiental", title_qu=None)

    with translation.override("qu"):
        assert commitment.title == "Programa ambiental"


def test_a_commitment_with_a_kichwa_title_shows_it_in_kichwa_and_spanish_in_spanish():
    commitment = CommitmentFactory(title_es="Programa ambiental", title_qu="Allpamamata kamana")

    with translation.override("qu"):
        assert commitment.title == "Allpamamata kamana"
    with translation.override("es"):
        assert commitment.title == "Programa ambiental"


def test_an_empty_kichwa_text_falls_back_to_spanish_too():
    milestone = MilestoneFactory(title_es="Diagnóstico participativo", title_qu="")

    with translation.override("qu"):
        assert milestone.title == "Diagnóstico participativo"


def test_the_kichwa_detail_page_shows_the_kichwa_title(citizen):
    CommitmentFactory(code="TEST0001", title_es="Programa ambiental", title_qu="Allpamamata kamana")

    response = citizen.get("/qu/compromisos/TEST0001/")

    assert response.status_code == 200
    assert "<h1>Allpamamata kamana</h1>" in response.text
    assert "Programa ambiental" not in response.text


def test_the_kichwa_detail_page_falls_back_to_the_spanish_title(citizen):
    CommitmentFactory(code="TEST0001", title_es="Programa ambiental", title_qu=None)

    response = citizen.get("/qu/compromisos/TEST0001/")

    assert response.status_code == 200
    # Marked as Spanish, with a short Kichwa note (issue 12; tests/conecta/test_kichwa_fallbacks.py).
    assert '<h1><span lang="es">Programa ambiental</span> <span class="fallback-note">' in response.text
