"""The admin's home page is a to-do dashboard (conecta.dashboard): each role sees what awaits it, an implementer
only what their institution leads, the monitor what it checks; every line links to the admin list filtered to
exactly those things; the page runs a bounded number of queries whatever the amount of data; the header names
the province and fetches nothing from elsewhere. And the suggestions' response deadline and assignee."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.models import (
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    IrmLevel,
)
from feedback import deadlines
from feedback.models import Moderation, Suggestion, SuggestionReply
from reports.models import MonitorAssessment, Report
from tests.factories import MilestoneFactory, ProgressUpdateFactory, UserFactory
from tests.feedback.factories import AnsweredSuggestionFactory, CommentFactory, EvaluationFactory, SuggestionFactory
from tests.meetings.factories import AgreementFactory, MeetingFactory
from tests.surveys.factories import SurveyResponseFactory

PASTAZA = ZoneInfo("America/Guayaquil")
TODAY = date(2026, 3, 10)  # a Tuesday
QUERY_BOUND = 25
ORDERS = itertools.count(100)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=PASTAZA), tick=False):
        yield


def make_indicator(commitment, **fields) -> Indicator:
    values = {
        "order": 1,
        "name_es": "Plantas producidas al año",
        "unit_es": "plantas",
        "baseline_value": Decimal("0"),
        "baseline_on": date(2024, 12, 31),
        "target_value": Decimal("100"),
        "target_on": date(2027, 2, 28),
        "is_published": True,
    }
    values.update(fields)
    return Indicator.objects.create(commitment=commitment, **values)


def report(plan, period: str, month: int, **fields) -> Report:
    starts = date(2025, month, 1)
    ends = date(2025, month + 2, 28 if month + 2 == 2 else 30)
    return Report.objects.create(
        plan=plan,
        kind=Report.Kind.QUARTERLY,
        period=period,
        period_starts_on=starts,
        period_ends_on=ends,
        slug=period.lower(),
        **fields,
    )


def add_scene(commitment, other_commitment, planner, monitor, *, copies: int = 1) -> None:
    """What awaits, on both departments' commitments: `copies` of everything (the query bound holds for any)."""
    for _copy in range(copies):
        for owned in (commitment, other_commitment):
            ProgressUpdateFactory(commitment=owned, is_published=False, title_qu="Willay")
            MilestoneFactory(commitment=owned, due_on=date(2025, 12, 31), title_qu="Paktana")  # overdue, Kichwa
            MilestoneFactory(commitment=owned, due_on=date(2026, 12, 31))  # in time, no Kichwa
            indicator = make_indicator(owned, order=next(ORDERS), name_qu="Yupana")
            IndicatorValue.objects.create(
                indicator=indicator, observed_on=date(2025, 6, 30), value=1, is_published=True
            )
            IndicatorValue.objects.create(indicator=indicator, observed_on=date(2025, 9, 30), value=2)
            disputed = IndicatorValue.objects.create(
                indicator=indicator, observed_on=date(2025, 12, 31), value=3, is_published=True
            )
            IndicatorVerification.objects.create(
                value=disputed, status=IndicatorVerification.Status.DISPUTED, checked_by=monitor
            )
            AgreementFactory(meeting=MeetingFactory(), commitment=owned, due_date=date(2026, 1, 31))
            # Approved, so implementers see them: one received 30 days ago (past the 15 working days), one today.
            SuggestionFactory(commitment=owned, moderation=Moderation.APPROVED, received_on=TODAY - timedelta(days=30))
            SuggestionFactory(commitment=owned, moderation=Moderation.APPROVED, assigned_to=planner)
            replied = AnsweredSuggestionFactory(
                commitment=owned, is_public=False, answered_at=timezone.now() - timedelta(days=4)
            )
            SuggestionReply.objects.create(suggestion=replied, text="¿Y en mi comunidad?", moderation="pending")
            CommentFactory(commitment=owned)
            EvaluationFactory(commitment=owned, comment="Falta información", moderation=Moderation.PENDING)
        SuggestionFactory(received_on=TODAY - timedelta(days=2))  # pending moderation, about no commitment
        SurveyResponseFactory(moderation=Moderation.PENDING)
        AgreementFactory(meeting=MeetingFactory(), due_date=date(2026, 2, 28))  # overdue, about no commitment


@pytest.fixture
def scene(commitment, other_commitment, planner, monitor):
    add_scene(commitment, other_commitment, planner, monitor)
    plan = commitment.plan
    report(plan, "2025-Q1", 1, status=Report.Status.IN_REVIEW, submitted_at=timezone.now() - timedelta(days=3))
    report(plan, "2025-Q2", 4, status=Report.Status.DRAFT, render_state=Report.RenderState.FAILED)
    report(plan, "2025-Q3", 7, status=Report.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=8))
    return plan


def dashboard_of(client, lang: str = "es"):
    client.cookies["conecta_lang"] = lang
    response = client.get("/admin/")
    assert response.status_code == 200
    return response, response.wsgi_request.conecta_dashboard


def lines_of(dashboard) -> dict[str, int]:
    """{"Group / Line": count}, as the page says them (in the language of the request)."""
    return {f"{group.title} / {line.item.label}": line.item.count for group in dashboard.groups for line in group.lines}


def test_a_planner_sees_everything_that_awaits_the_planning_directorate(scene, planner_client):
    response, dashboard = dashboard_of(planner_client)

    assert lines_of(dashboard) == {
        "Pendientes de moderación / Sugerencias, quejas y preguntas": 1,
        "Pendientes de moderación / Comentarios": 2,
        "Pendientes de moderación / Evaluaciones": 2,
        "Pendientes de moderación / Réplicas a las respuestas": 2,
        "Pendientes de moderación / Respuestas a encuestas": 1,
        "Sugerencias, quejas y preguntas / Con el plazo de respuesta vencido": 2,
        "Sugerencias, quejas y preguntas / Pendientes de respuesta": 5,
        "Sugerencias, quejas y preguntas / Asignadas a usted, pendientes de respuesta": 2,
        "Sugerencias, quejas y preguntas / Con una nueva réplica de la persona": 2,
        "Plan de acción / Hitos vencidos": 2,
        "Plan de acción / Actualizaciones de avance pendientes de revisión": 2,
        "Plan de acción / Valores de indicadores pendientes de publicación": 2,
        "Plan de acción / Valores de indicadores objetados por el organismo de seguimiento": 2,
        "Reuniones / Acuerdos vencidos": 3,
        "Informes de avance / Informes cuyos PDF fallaron o están detenidos": 1,
        "Informes de avance / Informes pendientes de aprobación": 1,
        "Texto en kichwa / Compromisos publicados sin texto en kichwa": 2,
        "Texto en kichwa / Hitos publicados sin texto en kichwa": 2,
        "Texto en kichwa / Indicadores publicados sin texto en kichwa": 2,
    }
    content = response.content.decode()
    # What is late comes first in its group, and says so in words, not by colour alone.
    assert content.index("Hitos vencidos") < content.index("Actualizaciones de avance pendientes de revisión")
    assert content.count('<span class="conecta-tag conecta-tag-late">Atrasado</span>') == 4
    changes = dashboard.lists[0]
    assert len(changes.entries) == 10
    assert changes.entries[0].when >= changes.entries[-1].when
    assert "Últimos cambios en el plan" in content


def test_the_lines_say_the_age_of_the_oldest_and_come_in_a_steady_order(scene, planner_client):
    response, dashboard = dashboard_of(planner_client)
    lines = {str(line.item.label): line for group in dashboard.groups for line in group.lines}

    assert lines["Con el plazo de respuesta vencido"].age_days == 30
    assert lines["Hitos vencidos"].age_days == (TODAY - date(2025, 12, 31)).days
    assert lines["Acuerdos vencidos"].age_days == (TODAY - date(2026, 1, 31)).days
    assert lines["Informes pendientes de aprobación"].age_days == 3
    assert lines["Pendientes de respuesta"].age_days == 30
    assert "el más antiguo: hace 30 días" in response.content.decode()
    assert [group.title for group in dashboard.groups] == [
        "Pendientes de moderación",
        "Sugerencias, quejas y preguntas",
        "Plan de acción",
        "Reuniones",
        "Informes de avance",
        "Texto en kichwa",
    ]


def test_an_implementer_sees_only_what_their_institution_leads(scene, implementer_client):
    _response, dashboard = dashboard_of(implementer_client)

    assert lines_of(dashboard) == {
        "Sugerencias, quejas y preguntas / Con el plazo de respuesta vencido": 1,
        "Sugerencias, quejas y preguntas / Pendientes de respuesta": 2,
        "Sugerencias, quejas y preguntas / Con una nueva réplica de la persona": 1,
        "Plan de acción / Hitos vencidos": 1,
        "Plan de acción / Actualizaciones de avance pendientes de revisión": 1,
        "Plan de acción / Valores de indicadores pendientes de publicación": 1,
        "Plan de acción / Valores de indicadores objetados por el organismo de seguimiento": 1,
        "Reuniones / Acuerdos vencidos": 1,
        "Texto en kichwa / Compromisos publicados sin texto en kichwa": 1,
        "Texto en kichwa / Hitos publicados sin texto en kichwa": 1,
        "Texto en kichwa / Indicadores publicados sin texto en kichwa": 1,
    }
    lines = {str(line.item.label): line for group in dashboard.groups for line in group.lines}
    # What waits on the planners is said to wait on others.
    assert lines["Actualizaciones de avance pendientes de revisión"].severity == "info"
    assert {entry.text.split(" · ")[0] for entry in dashboard.lists[0].entries} == {"TEST0001"}


def test_an_implementer_is_asked_for_the_narratives_of_draft_reports(scene, commitment, implementer_client):
    draft = Report.objects.get(period="2025-Q2")
    draft.narratives.create(commitment_code="TEST0001")
    draft.narratives.create(commitment_code="TEST0002")
    draft.narratives.create(commitment_code="TEST0009", text_es="Escrito.")

    _response, dashboard = dashboard_of(implementer_client)

    assert lines_of(dashboard)["Informes de avance / Relatos de compromisos por escribir"] == 1


def test_the_monitor_sees_what_it_checks(scene, monitor_client):
    _response, dashboard = dashboard_of(monitor_client)

    assert lines_of(dashboard) == {
        "Plan de acción / Valores publicados de indicadores por verificar u objetar": 2,
        "Informes de avance / Informes publicados pendientes de su valoración": 1,
    }
    assert len(dashboard.lists[0].entries) == 10


def test_an_assessment_of_every_commitment_after_the_period_takes_the_report_off(
    scene, commitment, other_commitment, monitor_client
):
    for assessed in (commitment, other_commitment):
        MonitorAssessment.objects.create(
            commitment=assessed,
            assessed_on=date(2025, 10, 15),
            level=IrmLevel.LIMITED,
            text="Avance limitado.",
            is_published=True,
        )

    _response, dashboard = dashboard_of(monitor_client)

    assert "Informes de avance / Informes publicados pendientes de su valoración" not in lines_of(dashboard)


@pytest.mark.parametrize("who", ["planner", "implementer", "monitor"])
def test_every_line_opens_the_list_of_exactly_what_it_counts(request, scene, who):
    client = request.getfixturevalue(f"{who}_client")
    _response, dashboard = dashboard_of(client)
    lines = [line.item for group in dashboard.groups for line in group.lines]
    assert lines

    for item in lines:
        response = client.get(item.url)
        assert response.status_code == 200, item.url
        assert response.context["cl"].result_count == item.count, (item.label, item.url)


def test_staff_without_a_role_see_nothing_awaiting_and_every_section(db, client):
    client.force_login(UserFactory(username="sin-rol"))
    response, dashboard = dashboard_of(client)

    assert dashboard.is_empty
    assert "No hay nada pendiente para usted por ahora." in response.content.decode()


def test_the_sections_of_the_admin_stay_one_click_away(scene, planner_client):
    response, _dashboard = dashboard_of(planner_client)
    content = response.content.decode()

    assert '<details class="conecta-apps">' in content
    assert 'href="/admin/commitments/commitment/"' in content


def test_the_dashboard_speaks_kichwa(scene, planner_client):
    response, dashboard = dashboard_of(planner_client, "qu")
    content = response.content.decode()

    assert '<html lang="qu"' in content
    assert "Ima shuyakun" in content  # "What awaits you"
    assert "Overdue milestones" not in content and "Hitos vencidos" not in content


@pytest.mark.parametrize("who", ["planner", "implementer", "monitor"])
def test_the_dashboard_runs_a_bounded_number_of_queries(request, commitment, other_commitment, planner, monitor, who):
    client = request.getfixturevalue(f"{who}_client")
    add_scene(commitment, other_commitment, planner, monitor)
    client.get("/admin/")  # sessions, permissions and content types warm up

    with CaptureQueriesContext(connection) as few:
        dashboard_of(client)
    add_scene(commitment, other_commitment, planner, monitor, copies=5)
    with CaptureQueriesContext(connection) as many:
        _response, dashboard = dashboard_of(client)

    assert not dashboard.is_empty
    assert len(many) == len(few) <= QUERY_BOUND, [q["sql"][:160] for q in many.captured_queries]


def test_the_header_names_the_province_and_fetches_nothing_from_elsewhere(planner_client):
    response, _dashboard = dashboard_of(planner_client)
    content = response.content.decode()

    assert "Gobierno Abierto · Gobierno Provincial de Pastaza" in content
    assert '<svg class="conecta-mark" aria-hidden="true"' in content
    assert not re.search(r'(src|href)="(https?:)?//', content)


# The response deadline and the assignee of suggestions.


def test_working_days_skip_weekends_and_listed_holidays(settings):
    friday = date(2026, 3, 6)
    assert deadlines.add_working_days(friday, 1) == date(2026, 3, 9)
    assert deadlines.add_working_days(friday, 0) == friday
    assert deadlines.add_working_days(friday, 15) == date(2026, 3, 27)
    settings.SUGGESTION_RESPONSE_HOLIDAYS = ["2026-03-09"]
    assert deadlines.response_deadline(friday) == date(2026, 3, 30)


def test_a_suggestion_is_past_its_deadline_the_day_after_it(db, settings):
    settings.SUGGESTION_RESPONSE_WORKING_DAYS = 15
    due_today = SuggestionFactory(received_on=date(2026, 2, 17))  # + 15 working days = Tuesday 10 March
    late = SuggestionFactory(received_on=date(2026, 2, 16))
    answered = AnsweredSuggestionFactory(received_on=date(2026, 1, 5))
    rejected = SuggestionFactory(received_on=date(2026, 1, 5), moderation=Moderation.REJECTED)

    assert due_today.response_deadline == TODAY and not due_today.is_past_deadline
    assert late.is_past_deadline and not answered.is_past_deadline and not rejected.is_past_deadline
    assert list(Suggestion.objects.past_deadline()) == [late]
    assert set(Suggestion.objects.awaiting_answer()) == {due_today, late}


def test_the_deadline_follows_the_setting(db, settings):
    settings.SUGGESTION_RESPONSE_WORKING_DAYS = 5
    suggestion = SuggestionFactory(received_on=date(2026, 3, 2))

    assert suggestion.response_deadline == date(2026, 3, 9)
    assert list(Suggestion.objects.past_deadline()) == [suggestion]


def test_the_suggestion_list_shows_the_deadline_and_filters_the_late_and_mine(db, planner, planner_client):
    late = SuggestionFactory(received_on=date(2026, 2, 2), assigned_to=planner)
    SuggestionFactory(received_on=TODAY)

    response = planner_client.get("/admin/feedback/suggestion/?respuesta=vencida")
    assert list(response.context["cl"].result_list) == [late]
    content = response.content.decode()
    assert "plazo vencido" in content
    response = planner_client.get("/admin/feedback/suggestion/?asignada=yo")
    assert list(response.context["cl"].result_list) == [late]


def test_a_planner_assigns_a_suggestion_and_an_implementer_cannot(
    db, planner, planner_client, implementer_client, commitment
):
    suggestion = SuggestionFactory(commitment=commitment, moderation=Moderation.APPROVED)

    form = planner_client.get(f"/admin/feedback/suggestion/{suggestion.pk}/change/").content.decode()
    assert 'name="assigned_to"' in form
    form = implementer_client.get(f"/admin/feedback/suggestion/{suggestion.pk}/change/").content.decode()
    assert 'name="assigned_to"' not in form


def test_deleting_a_staff_account_keeps_its_suggestions(db, planner):
    suggestion = SuggestionFactory(assigned_to=planner)
    planner.delete()
    suggestion.refresh_from_db()
    assert suggestion.assigned_to is None
