"""Kichwa gaps are visible, never hidden (issue 12): on a /qu/ page every text shown in Spanish because its Kichwa
is missing sits inside an element with lang="es", with a short Kichwa note; the Kichwa PDF marks it the same way.
Fully translated content carries no such mark, and the Spanish pages never show the note.

Every Spanish-only text below carries the word SOLOES, every Kichwa text the word KICHWAQU: a page is checked by
finding each text node with SOLOES in its body and asking which language its nearest `lang` ancestor declares.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from commitments.models import Evidence, Indicator, IndicatorValue, IrmLevel, Parish
from commitments.roles import PLANNER
from feedback.models import Moderation
from meetings.models import Meeting
from reports import services as report_services
from reports.models import GovernmentReply, MonitorAssessment, ReportNarrative
from reports.periods import Period
from reports.selectors import report_context
from tests.factories import (
    ActionPlanFactory,
    CantonFactory,
    CommitmentFactory,
    DepartmentFactory,
    InstitutionFactory,
    MilestoneFactory,
    OgpValueFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tests.feedback.factories import AnsweredSuggestionFactory, CommentFactory
from tests.meetings.factories import AgreementFactory, MeetingFactory, attendance
from tests.surveys.factories import ChoiceFactory, QuestionFactory, SurveyFactory, respond

pytestmark = pytest.mark.django_db

SPANISH = "SOLOES"
KICHWA = "KICHWAQU"
NOTE = 'class="fallback-note"'
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Texts(HTMLParser):
    """Each text node of the <body> with the language its nearest ancestor with a `lang` attribute declares."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append((tag, dict(attrs).get("lang")))

    def handle_startendtag(self, tag, attrs):
        pass  # <path/>, <br/>: no text inside

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        if data.strip() and any(tag == "body" for tag, _lang in self.open):
            lang = next((lang for _tag, lang in reversed(self.open) if lang), None)
            self.texts.append((data.strip(), lang))


def texts_with(html: str, word: str) -> list[tuple[str, str | None]]:
    parser = _Texts()
    parser.feed(html)
    return [(text, lang) for text, lang in parser.texts if word in text]


def assert_marked(html: str, *, at_least: int = 1) -> None:
    """Every Spanish stand-in of the page is inside lang="es", there are some, and the Kichwa note is said."""
    found = texts_with(html, SPANISH)
    assert len(found) >= at_least, found
    unmarked = [text for text, lang in found if lang != "es"]
    assert unmarked == [], unmarked
    assert "(kastilla shimipi)" in html or "kastilla shimipimi kan" in html


def get(client, url: str) -> str:
    cache.clear()  # public pages are cached per address; each test builds its own data
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# The data: a plan whose every text is written in Spanish only, and, beside it, one fully translated commitment.


@pytest.fixture
def spanish_only(settings):
    """Every public text in Spanish only (no Kichwa), all of them reachable from the public pages."""
    plan = ActionPlanFactory(
        slug="plan-solo-es",
        title_es=f"Plan {SPANISH} de gobierno abierto",
        foreword_es=f"Presentación {SPANISH}.",
        vision_es=f"Visión {SPANISH}.",
        challenges_es=f"Retos {SPANISH}.",
        monitoring_es=f"Seguimiento {SPANISH}.",
    )
    settings.CONECTA_PLAN_SLUG = plan.slug
    gad = InstitutionFactory(slug="gad-solo-es", name_es=f"Gobierno {SPANISH}", acronym="")
    department = DepartmentFactory(slug="dir-solo-es", name_es=f"Dirección {SPANISH}", acronym="", parent=gad)
    # The seat is a place name, one for both languages (a field with no Kichwa column): never a fallback.
    canton = CantonFactory(
        slug="canton-solo-es", name_es=f"Cantón {SPANISH}", seat="Puyo", population_note=f"Nota {SPANISH}"
    )
    Parish.objects.create(canton=canton, code="169950", name_es=f"Parroquia {SPANISH}", kind="rural")
    value = OgpValueFactory(name_es=f"Valor {SPANISH}")
    commitment = CommitmentFactory(
        code="SOLO0001",
        plan=plan,
        lead_institution=gad,
        lead_department=department,
        title_es=f"Compromiso {SPANISH}",
        problem_es=f"Problema {SPANISH}.\n\nSegundo párrafo {SPANISH}.",
        status_quo_es=f"Situación {SPANISH}.",
        action_es=f"Acción {SPANISH}.",
        contribution_es=f"Contribución {SPANISH}.",
        budget_planned=Decimal("1000"),
        budget_source_es=f"Fuente {SPANISH}",
    )
    commitment.cantons.add(canton)
    commitment.ogp_values.add(value)
    commitment.supporting_institutions.add(InstitutionFactory(slug="apoyo-solo-es", name_es=f"Apoyo {SPANISH}"))
    milestone = MilestoneFactory(
        commitment=commitment,
        order=1,
        title_es=f"Hito {SPANISH}",
        description_es=f"Descripción {SPANISH}",
        starts_on=date(2025, 7, 1),
        due_on=date(2025, 8, 31),
        progress=40,
    )
    MilestoneFactory(
        commitment=commitment, order=2, title_es=f"Hito próximo {SPANISH}", due_on=timezone.localdate() + timedelta(30)
    )
    Evidence.objects.create(milestone=milestone, title_es=f"Evidencia {SPANISH}", url="https://pastaza.gob.ec/acta.pdf")
    ProgressUpdateFactory(
        commitment=commitment,
        milestone=milestone,
        occurred_on=date(2025, 8, 15),
        title_es=f"Avance {SPANISH}",
        text_es=f"Texto del avance {SPANISH}.",
    )
    indicator = Indicator.objects.create(
        commitment=commitment,
        name_es=f"Indicador {SPANISH}",
        unit_es=f"unidades{SPANISH}",
        method_es=f"Método {SPANISH}",
        source_es=f"Origen {SPANISH}",
        baseline_value=Decimal("10"),
        baseline_on=date(2024, 12, 31),
        target_value=Decimal("20"),
        target_on=date(2027, 2, 28),
        is_published=True,
    )
    IndicatorValue.objects.create(
        indicator=indicator,
        observed_on=date(2025, 6, 30),
        value=Decimal("12"),
        source_es=f"Registro {SPANISH}",
        note_es=f"Nota del valor {SPANISH}",
        is_published=True,
    )
    meeting = MeetingFactory(
        slug="taller-solo-es",
        plan=plan,
        kind=Meeting.Kind.COCREATION_WORKSHOP,
        axis=commitment.axis,
        title_es=f"Taller {SPANISH}",
        place_es=f"Coliseo {SPANISH}",
        canton=canton,
        summary_es=f"Resumen {SPANISH}.",
        agenda_es=f"1. Bienvenida {SPANISH}\n2. Trabajo {SPANISH}",
        minutes_es=f"Acta {SPANISH}.",
        date=date(2024, 11, 21),
    )
    attendance(meeting, men=3, women=2)
    AgreementFactory(
        meeting=meeting,
        text_es=f"Acuerdo {SPANISH}",
        owner_es=f"Responsable {SPANISH}",
        owner_institution=department,
        status_note_es=f"Estado {SPANISH}",
        commitment=commitment,
    )
    survey = SurveyFactory(
        slug="encuesta-solo-es",
        commitment=commitment,
        title_es=f"Encuesta {SPANISH}",
        title_qu="",
        description_es=f"Descripción de la encuesta {SPANISH}.",
    )
    question = QuestionFactory(
        survey=survey, order=1, text_es=f"Pregunta {SPANISH}", text_qu="", help_text_es=f"Ayuda {SPANISH}"
    )
    ChoiceFactory(question=question, order=1, text_es=f"Opción {SPANISH}", text_qu="")
    closed = SurveyFactory(
        slug="cerrada-solo-es",
        title_es=f"Encuesta cerrada {SPANISH}",
        title_qu="",
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=1),
    )
    asked = QuestionFactory(survey=closed, order=1, text_es=f"Pregunta cerrada {SPANISH}", text_qu="")
    ChoiceFactory(question=asked, order=1, text_es=f"Respuesta {SPANISH}", text_qu="")
    respond(closed, q1=1)
    AnsweredSuggestionFactory(answer_es=f"Lo hicimos {SPANISH}.", commitment=commitment)
    CommentFactory(
        commitment=commitment,
        moderation=Moderation.APPROVED,
        response_es=f"Respuesta oficial {SPANISH}.",
        response_at=timezone.now(),
    )
    return commitment


@pytest.fixture
def report(spanish_only):
    """The 2025-Q3 report of that plan, published (its PDFs are not rendered here), summary and narrative in
    Spanish only."""
    report = report_services.report_draft_for_period(plan=spanish_only.plan, period=Period(2025, 3))
    report.summary_es = f"Resumen del trimestre {SPANISH}."
    report.save()
    ReportNarrative.objects.update_or_create(
        report=report, commitment_code=spanish_only.code, defaults={"text_es": f"Lo que pasó {SPANISH}."}
    )
    planner = UserFactory(username="planificadora-informe", groups=[PLANNER])
    reviewer = UserFactory(username="revisor-informe", groups=[PLANNER])
    report_services.report_submit(report=report, by=planner)
    report_services.report_approve(report=report, by=reviewer)
    return report_services.report_publish(report=report, by=planner)


PAGES = [
    pytest.param("/qu/", id="home"),
    pytest.param("/qu/compromisos/", id="list"),
    pytest.param("/qu/compromisos/?institucion=dir-solo-es&canton=canton-solo-es", id="list-filtered"),
    pytest.param("/qu/compromisos/SOLO0001/", id="commitment"),
    pytest.param("/qu/instituciones/dir-solo-es/", id="institution"),
    pytest.param("/qu/territorio/", id="territory"),
    pytest.param("/qu/territorio/canton-solo-es/", id="canton"),
    pytest.param("/qu/plan/", id="plan"),
    pytest.param("/qu/reuniones/", id="meetings"),
    pytest.param("/qu/reuniones/taller-solo-es/", id="meeting"),
    pytest.param("/qu/reuniones/acuerdos/", id="agreements"),
    pytest.param("/qu/participa/", id="participation"),
    pytest.param("/qu/participa/respuestas/", id="answers"),
    pytest.param("/qu/participa/compromisos/SOLO0001/comentarios/", id="comments"),
    pytest.param("/qu/participa/compromisos/SOLO0001/evaluar/", id="evaluate"),
    pytest.param("/qu/participa/encuestas/", id="surveys"),
    pytest.param("/qu/participa/encuestas/encuesta-solo-es/", id="survey"),
    pytest.param("/qu/participa/encuestas/cerrada-solo-es/resultados/", id="survey-results"),
]


@pytest.mark.parametrize("url", PAGES)
def test_every_spanish_fallback_on_a_kichwa_page_is_marked_spanish(citizen, spanish_only, url):
    assert_marked(get(citizen, url))


def test_the_commitment_page_marks_each_text_and_says_it_once_per_block(citizen, spanish_only):
    html = get(citizen, "/qu/compromisos/SOLO0001/")

    assert_marked(html, at_least=15)
    # A long text: one note before it, both paragraphs inside one lang="es".
    problem = html[html.index(f"Problema {SPANISH}") - 200 : html.index(f"Segundo párrafo {SPANISH}")]
    assert problem.count(NOTE) == 1
    assert f'<div lang="es"><p>Problema {SPANISH}.</p>' in html
    # A title: its own short note after it.
    note = '<span class="fallback-note">(kastilla shimipi)</span>'
    assert f'<h1><span lang="es">Compromiso {SPANISH}</span> {note}</h1>' in html


def test_place_names_are_marked_without_a_note(citizen, spanish_only):
    html = get(citizen, "/qu/territorio/canton-solo-es/")

    assert f'<span lang="es">Cantón {SPANISH}</span>' in html
    assert f'<span lang="es">Cantón {SPANISH}</span> <span class="fallback-note">' not in html
    assert_marked(html)


def test_the_kichwa_report_page_and_its_pdf_mark_the_spanish_texts(citizen, report):
    assert_marked(get(citizen, "/qu/informes/2025-t3/"), at_least=6)

    # The PDF is rendered from this HTML (reports/pdf.py), in Kichwa: the tagged PDF keeps lang="es".
    with translation.override("qu"):
        html = render_to_string("reports/pdf.html", {**report_context(report, "qu"), "front": True})
    assert html.startswith('<!doctype html>\n<html lang="qu">')
    assert_marked(html, at_least=6)
    for text in (
        f"Resumen del trimestre {SPANISH}.",
        f"Lo que pasó {SPANISH}.",
        f"Compromiso {SPANISH}",
        f"Hito {SPANISH}",
        f"Avance {SPANISH}",
        f"Plan {SPANISH} de gobierno abierto",
    ):
        assert (text, "es") in texts_with(html, SPANISH), text


def test_the_reports_list_marks_the_monitors_texts_and_the_replies(citizen, report, spanish_only):
    assessment = MonitorAssessment.objects.create(
        commitment=spanish_only,
        assessed_on=date(2025, 10, 1),
        level=IrmLevel.LIMITED,
        text_es=f"Valoración {SPANISH}.",
        is_published=True,
        published_at=timezone.now(),
    )
    GovernmentReply.objects.create(
        assessment=assessment, text_es=f"Réplica {SPANISH}.", is_published=True, published_at=timezone.now()
    )

    html = get(citizen, "/qu/informes/")

    assert_marked(html, at_least=3)
    assert (f"Réplica {SPANISH}.", "es") in texts_with(html, SPANISH)


def test_the_tracking_page_marks_the_spanish_answer(citizen, spanish_only):
    code = spanish_only.citizen_suggestions.get().tracking_code

    html = get(citizen, f"/qu/participa/seguimiento/?codigo={code}")

    assert (f"Lo hicimos {SPANISH}.", "es") in texts_with(html, SPANISH)
    assert_marked(html, at_least=2)


def test_the_spanish_pdf_has_no_mark(report):
    with translation.override("es"):
        html = render_to_string("reports/pdf.html", {**report_context(report, "es"), "front": True})

    assert SPANISH in html
    assert NOTE not in html
    assert 'lang="es"><' not in html.split("<body>", 1)[1]


@pytest.mark.parametrize("url", [p.values[0].replace("/qu/", "/es/", 1) for p in PAGES])
def test_spanish_pages_never_show_the_note(citizen, spanish_only, url):
    html = get(citizen, url)

    assert SPANISH in html
    assert NOTE not in html
    assert "kastilla shimipi" not in html


# Fully translated content: no mark, no note.


@pytest.fixture
def translated(plan, settings):
    settings.CONECTA_PLAN_SLUG = plan.slug
    plan.title_qu = f"Plan {KICHWA}"
    plan.save()
    gad = InstitutionFactory(slug="gad-qu", name_es=f"Gobierno {SPANISH}", name_qu=f"Kamachik {KICHWA}")
    commitment = CommitmentFactory(
        code="QICH0001",
        plan=plan,
        lead_institution=gad,
        lead_department=None,
        title_es=f"Compromiso {SPANISH}",
        title_qu=f"Rurana {KICHWA}",
        problem_es=f"Problema {SPANISH}.",
        problem_qu=f"Llaki {KICHWA}.",
    )
    MilestoneFactory(commitment=commitment, title_es=f"Hito {SPANISH}", title_qu=f"Paktana {KICHWA}")
    ProgressUpdateFactory(
        commitment=commitment,
        title_es=f"Avance {SPANISH}",
        title_qu=f"Ñawpaman {KICHWA}",
        text_es=f"Texto {SPANISH}.",
        text_qu=f"Killka {KICHWA}.",
    )
    return commitment


@pytest.mark.parametrize("url", ["/qu/", "/qu/compromisos/", "/qu/compromisos/QICH0001/"])
def test_fully_translated_content_carries_no_mark(citizen, translated, url):
    html = get(citizen, url)

    assert KICHWA in html
    assert SPANISH not in html
    assert NOTE not in html
    assert [text for text, lang in texts_with(html, KICHWA) if lang != "qu"] == []


def test_marking_costs_no_query(citizen, spanish_only, django_assert_max_num_queries):
    """The marks read the columns the page already loaded: a second commitment adds no query."""
    get(citizen, "/qu/compromisos/")
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        citizen.get("/qu/compromisos/")
    CommitmentFactory(code="SOLO0002", plan=spanish_only.plan, title_es=f"Otro {SPANISH}")
    cache.clear()
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = citizen.get("/qu/compromisos/").content.decode()
    assert f'<span lang="es">Otro {SPANISH}</span>' in html
