"""The commitment page's "Citizens' opinion": approved comments with their official responses, the evaluations'
figures as a chart with its table, links to the forms; nothing unapproved anywhere public."""

import re

import pytest
from django.utils import timezone

from feedback.models import Moderation
from tests.factories import CommitmentFactory

from .factories import CommentFactory, EvaluationFactory

pytestmark = pytest.mark.django_db

URL = "/{lang}/compromisos/TEST0001/"
# Measured: the commitment page's own 8 (tests/commitments/test_detail_view.py) and the panel's 5: the latest
# approved comments, the evaluations counted by score, the latest approved evaluation comments, the agreements
# of published meetings about the commitment (tests/feedback/test_agreement_panel.py) and the open surveys about it.
# 1 for the commitment's published recordings (kichwa).
PAGE_QUERIES = 8 + 5 + 1


def test_only_approved_comments_are_shown_with_their_name_date_and_response(citizen, commitment):
    CommentFactory(
        commitment=commitment,
        text="Aprobado",
        name="Kuri",
        moderation=Moderation.APPROVED,
        response_es="Respuesta oficial",
        response_at=timezone.now(),
    )
    for state in (Moderation.PENDING, Moderation.REJECTED, Moderation.HIDDEN):
        CommentFactory(commitment=commitment, text=f"Comentario {state}", moderation=state)

    text = citizen.get(URL.format(lang="es")).text

    assert "Aprobado" in text and "Kuri" in text and "Respuesta oficial" in text
    assert "<time datetime=" in text
    for state in ("pending", "rejected", "hidden"):
        assert f"Comentario {state}" not in text
    assert "kuri@example.org" not in text


def test_unapproved_contributions_never_reach_the_feeds_or_the_sitemap(citizen, commitment, current_plan):
    CommentFactory(commitment=commitment, text="Secreto sin moderar")
    EvaluationFactory(commitment=commitment, comment="Evaluación sin moderar", moderation=Moderation.PENDING)

    for url in (
        "/es/novedades/feed/",
        "/es/compromisos/TEST0001/feed/",
        "/sitemap.xml",
        "/es/participa/compromisos/TEST0001/comentarios/",
        "/es/compromisos/TEST0001/",
    ):
        response = citizen.get(url)
        assert response.status_code == 200, url
        assert "sin moderar" not in response.text, url


def test_the_evaluations_show_their_average_count_and_spread_as_a_chart_with_a_table(citizen, commitment):
    for score in (5, 4, 4, 2):
        EvaluationFactory(commitment=commitment, score=score)
    EvaluationFactory(commitment=commitment, score=1, comment="Abuso", moderation=Moderation.REJECTED)
    EvaluationFactory(commitment=commitment, score=3, comment="Lento pero avanza")
    EvaluationFactory(commitment=commitment, score=3, comment="Sin aprobar", moderation=Moderation.PENDING)

    response = citizen.get(URL.format(lang="es"))

    opinion = next(panel for panel in response.context["panels"] if "participation" in panel.context)
    figures = opinion.context["participation"].evaluations
    assert (figures.count, figures.average) == (6, 3.5)
    assert figures.distribution == {1: 0, 2: 1, 3: 2, 4: 2, 5: 1}
    table = re.search(r'<table class="chart-data">.*?</table>', response.text, re.S).group(0)
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>", table)] == [1, 2, 2, 1, 0]
    assert 'id="evaluation-t"' in response.text
    assert "3,5" in response.text
    assert "Lento pero avanza" in response.text and "Sin aprobar" not in response.text and "Abuso" not in response.text


def test_it_links_to_the_forms_and_contains_no_form_so_the_page_can_be_cached(citizen, commitment, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600

    first = citizen.get(URL.format(lang="qu"))

    assert 'href="/qu/participa/compromisos/TEST0001/comentar/"' in first.text
    assert 'href="/qu/participa/compromisos/TEST0001/evaluar/"' in first.text
    # Only GET forms, which carry no token (the alerts' "Follow by e-mail" box): nothing that would make the page
    # personal.
    assert 'method="post"' not in first.text.lower() and "csrfmiddlewaretoken" not in first.text
    assert "public" in first["Cache-Control"]


def test_a_moderation_decision_drops_the_cached_page(citizen, commitment, settings, django_capture_on_commit_callbacks):
    from feedback.models import Comment
    from feedback.services import contributions_moderate

    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    comment = CommentFactory(commitment=commitment, text="Recién aprobado")
    assert "Recién aprobado" not in citizen.get(URL.format(lang="es")).text

    with django_capture_on_commit_callbacks(execute=True):
        contributions_moderate(queryset=Comment.objects.filter(pk=comment.pk), decision=Moderation.APPROVED, by=None)

    assert "Recién aprobado" in citizen.get(URL.format(lang="es")).text


def test_only_the_latest_comments_are_shown_with_a_link_to_all(citizen, commitment):
    CommentFactory.create_batch(12, commitment=commitment, moderation=Moderation.APPROVED)

    text = citizen.get(URL.format(lang="es")).text
    every = citizen.get("/es/participa/compromisos/TEST0001/comentarios/")

    assert text.count('<li class="comment">') == 10
    assert 'href="/es/participa/compromisos/TEST0001/comentarios/"' in text
    assert every.text.count('<li class="comment">') == 12


def test_the_panels_queries_do_not_grow_with_comments_evaluations_or_commitments(
    citizen, commitment, django_assert_max_num_queries
):
    CommitmentFactory.create_batch(20, plan=commitment.plan)
    CommentFactory.create_batch(15, commitment=commitment, moderation=Moderation.APPROVED)
    EvaluationFactory.create_batch(15, commitment=commitment, comment="Bien")

    with django_assert_max_num_queries(PAGE_QUERIES + 1):  # + the count of comments beyond those shown
        assert citizen.get(URL.format(lang="es")).status_code == 200


def test_an_anonymised_comment_keeps_its_text_without_a_name(citizen, commitment):
    CommentFactory(
        commitment=commitment,
        text="Sigue visible",
        name="",
        moderation=Moderation.APPROVED,
        anonymised_at=timezone.now(),
    )

    text = citizen.get(URL.format(lang="es")).text

    assert "Sigue visible" in text
    assert "Anonymous" in text or "Anónimo" in text


def test_the_page_links_to_the_open_surveys_about_the_commitment_only(citizen, current_plan, commitment):
    from datetime import timedelta

    from django.utils import timezone

    from tests.surveys.factories import SurveyFactory

    SurveyFactory(slug="sobre-este", commitment=commitment, title_es="Encuesta sobre este compromiso")
    SurveyFactory(
        slug="cerrada-sobre-este",
        commitment=commitment,
        closes_at=timezone.now() - timedelta(hours=1),
        opens_at=timezone.now() - timedelta(days=3),
    )
    SurveyFactory(slug="borrador-sobre-este", commitment=commitment, is_published=False)
    SurveyFactory(slug="de-todo-el-plan")

    html = citizen.get(f"/es/compromisos/{commitment.code}/").text

    assert 'href="/es/participa/encuestas/sobre-este/"' in html
    assert "Encuesta sobre este compromiso" in html
    # Inside the opinion section, between its buttons and the evaluations (surveys adds it to feedback's section).
    opinion = re.search(r'<section class="opinion".*?</section>', html, re.S).group(0)
    assert opinion.index('class="open-surveys"') < opinion.index("<h3>")
    for other in ("cerrada-sobre-este", "borrador-sobre-este", "de-todo-el-plan"):
        assert f"/participa/encuestas/{other}/" not in html
