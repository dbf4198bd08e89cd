"""Answering and publishing are separate decisions: answering a suggestion still pending moderation neither approves
nor publishes it; it is public only once a moderator approves it and staff make the answer public; and the public
page never carries the person's name, neither in what they said nor in the answer's greeting."""

import pytest
from django.utils import translation

from feedback import services
from feedback.models import Moderation, Suggestion
from feedback.public_text import answer_publicly, said_publicly, without_greeting, without_name
from tests.commitments.admin_helpers import form_data

from .factories import AnsweredSuggestionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

ANSWERS = "/es/participa/respuestas/"


def answer_in_admin(client, suggestion, **changes):
    url = f"/admin/feedback/suggestion/{suggestion.pk}/change/"
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return Suggestion.objects.get(pk=suggestion.pk)


def test_answering_a_pending_suggestion_and_ticking_public_does_not_publish_it(planner_client, citizen):
    pending = SuggestionFactory(text="Arreglen la vía a Tarqui.", moderation=Moderation.PENDING)

    answered = answer_in_admin(
        planner_client, pending, status="answered", answer_es="La arreglamos en marzo.", answer_qu="", is_public="on"
    )

    assert (answered.status, answered.is_public, answered.moderation) == ("answered", True, "pending")
    assert answered.moderated_at is None and answered.moderated_by is None
    assert "Arreglen la vía a Tarqui." not in citizen.get(ANSWERS).text
    assert Suggestion.objects.pending().filter(pk=pending.pk).exists()  # still in the moderators' queue


def test_it_is_public_once_approved_and_made_public_and_not_before(planner_client, planner, citizen):
    suggestion = SuggestionFactory(text="Publiquen las actas.", moderation=Moderation.PENDING)
    answer_in_admin(planner_client, suggestion, status="answered", answer_es="Ya se publican.", answer_qu="")

    services.contributions_moderate(
        queryset=Suggestion.objects.filter(pk=suggestion.pk), decision="approved", by=planner
    )
    assert "Publiquen las actas." not in citizen.get(ANSWERS).text  # approved, but not made public

    answer_in_admin(planner_client, suggestion, is_public="on")
    assert "Publiquen las actas." in citizen.get(ANSWERS).text


def test_a_suggestion_made_public_while_pending_appears_only_when_a_moderator_approves_it(planner, citizen):
    suggestion = AnsweredSuggestionFactory(text="Más ferias en Mera.", moderation=Moderation.PENDING)
    assert "Más ferias en Mera." not in citizen.get(ANSWERS).text

    services.contributions_moderate(
        queryset=Suggestion.objects.filter(pk=suggestion.pk), decision="approved", by=planner
    )

    assert "Más ferias en Mera." in citizen.get(ANSWERS).text


def test_the_public_page_never_shows_the_name_in_the_text_or_the_greeting(citizen):
    AnsweredSuggestionFactory(
        name="Rosa Gualinga",
        text="Soy Rosa Gualinga, de Puyo: arreglen la vía.",
        answer_es="Estimada Rosa Gualinga:\nGracias por escribir. La vía se arregla en marzo, señora Gualinga.",
        answer_qu="Alli puncha, Rosa: marzo killapi allichishunchik.",
    )

    text = citizen.get(ANSWERS).text
    kichwa = citizen.get("/qu/participa/respuestas/").text

    for page in (text, kichwa):
        assert "Rosa" not in page and "Gualinga" not in page
    assert "Soy […], de Puyo: arreglen la vía." in text
    assert "Gracias por escribir. La vía se arregla en marzo, señora […]." in text
    assert "Estimada" not in text
    assert "Marzo killapi allichishunchik." in kichwa and "Alli puncha" not in kichwa


def test_the_person_still_reads_the_whole_answer_on_the_tracking_page(citizen):
    suggestion = AnsweredSuggestionFactory(name="Rosa Gualinga", answer_es="Estimada Rosa:\nListo.")

    text = citizen.get(f"/es/participa/seguimiento/?codigo={suggestion.tracking_code}").text

    assert "Estimada Rosa:" in text


def test_a_spanish_answer_standing_in_for_kichwa_stays_marked(citizen):
    AnsweredSuggestionFactory(name="Rosa", answer_es="Hola Rosa: listo.", answer_qu="")

    with translation.override("qu"):
        text = citizen.get("/qu/participa/respuestas/").text

    assert '<span lang="es">Listo.</span>' in text


@pytest.mark.parametrize(
    ("answer", "public"),
    [
        ("Estimada Rosa:\nListo.", "Listo."),
        ("Hola, Rosa: listo.", "Listo."),
        ("¡Hola Rosa! Listo.", "Listo."),
        ("Buenos días, señora Gualinga: listo.", "Listo."),
        ("Buena parte de la obra, Rosa, está lista.", "Buena parte de la obra, […], está lista."),
        ("Gracias, Rosa Gualinga, por escribir.", "Gracias, […], por escribir."),
        ("La rosa del jardín: no es un nombre aquí.", "La […] del jardín: no es un nombre aquí."),
        ("Sin saludo ni nombre.", "Sin saludo ni nombre."),
    ],
)
def test_the_public_answer_drops_the_greeting_and_the_name(answer, public):
    assert answer_publicly(answer=answer, name="Rosa Gualinga") == public


def test_name_words_are_matched_whole_without_accents_or_capitals():
    assert without_name("MARÍA y Mariana, de la Vega", "María de la Vega") == "[…] y Mariana, de la […]"
    assert without_name("Texto", "") == "Texto"
    assert without_greeting("Saludos cordiales: texto", "") == "Texto"
    assert said_publicly(text="Soy Kuri.", summary="Un resumen de Kuri.", name="Kuri") == "Un resumen de […]."
