"""The open datasets of participation, meetings, surveys, reports and roads (opendata.other_datasets): published
records only, nothing about a person, every row typed as its dataset declares, keys unique and in order, foreign
keys that hold across the catalogue, and a number of queries that does not grow with the data."""

from __future__ import annotations

import hashlib
import json
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import Evaluation, Language, Moderation, Suggestion
from meetings.models import Agreement
from opendata.datasets import FREQUENCIES, THEMES, all_datasets, dataset
from reports.models import GovernmentReply, MonitorAssessment, MonitorDocument, Report, ReportFile
from roads.models import RoadRequest
from tests.factories import CantonFactory, CommitmentFactory, UserFactory, pdf_bytes
from tests.feedback.factories import AnsweredSuggestionFactory, CommentFactory, EvaluationFactory, SuggestionFactory
from tests.meetings.factories import AgreementFactory, MeetingFactory, attendance
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory
from tests.surveys.factories import ChoiceFactory, QuestionFactory, SurveyFactory, respond, survey_with_questions

from .checks import check_foreign_keys, check_primary_key, check_types

pytestmark = pytest.mark.django_db

PASTAZA = zoneinfo.ZoneInfo("America/Guayaquil")
KEYS = [
    "participacion",
    "respuestas-publicas",
    "evaluaciones",
    "evaluaciones-del-monitor",
    "resultados-de-encuestas",
    "reuniones",
    "asistencia",
    "acuerdos",
    "informes",
    "archivos-de-informes",
    "obras-viales",
    "avance-de-obras",
    "solicitudes-viales",
]
# What these datasets may reference besides each other (the plan's datasets, opendata.plan_datasets).
PLAN_KEYS = ["compromisos", "instituciones", "cantones", "parroquias"]
THEME_OF = {
    "participacion": "participation",
    "respuestas-publicas": "participation",
    "evaluaciones": "participation",
    "evaluaciones-del-monitor": "participation",
    "resultados-de-encuestas": "participation",
    "reuniones": "meetings",
    "asistencia": "meetings",
    "acuerdos": "meetings",
    "informes": "reports",
    "archivos-de-informes": "reports",
    "obras-viales": "roads",
    "avance-de-obras": "roads",
    "solicitudes-viales": "roads",
}
# A person, written wherever citizens or staff leave something about themselves: none of it may reach a row.
NAME, EMAIL, PHONE = "Rosa Gualinga", "rosa.gualinga@example.org", "0991234567"
# Texts of records that are not public: none of them may reach a row either.
HIDDEN = "NO-PUBLICO"


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PASTAZA)


def all_rows(keys) -> dict[str, list[dict]]:
    return {key: check_types(dataset(key), dataset(key).rows()) for key in keys}


@pytest.fixture
def shown_plan(settings, plan):
    """The plan the portal shows (reports are listed for it only)."""
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


@pytest.fixture
def canton(db):
    return CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", name_qu="Pastaza llakta", seat="Puyo")


@pytest.fixture
def parish(canton):
    return ParishFactory(canton=canton)


@pytest.fixture
def staff_person(db):
    """A staff member with the same name and address as the citizen: staff never appear in a row either."""
    return UserFactory(username="rosa-staff", first_name="Rosa", last_name="Gualinga", email=EMAIL)


@pytest.fixture
def world(shown_plan, commitment, gad, canton, parish, staff_person):
    """A bit of everything, published and not, with the person's name, e-mail and phone where citizens and
    staff may write them."""
    hidden_commitment = CommitmentFactory(code="TEST0009", plan=shown_plan, is_published=False)

    # What citizens send.
    public = AnsweredSuggestionFactory(
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        text=f"Soy {NAME}, de Puyo. Pido más buses; mi teléfono es el de siempre.",
        answer_es="Estimada Rosa: ampliamos la ruta de buses.",
        answer_qu="Buskunapak ñanta mirachirkanchik.",
        kind=Suggestion.Kind.COMPLAINT,
        channel=Suggestion.Channel.WHATSAPP,
        language=Language.KICHWA,
        canton=canton,
        received_on=date(2025, 3, 10),
        answered_at=at(2025, 4, 2),
        commitment=commitment,
        answered_by=staff_person,
    )
    public.changed_commitments.add(commitment, hidden_commitment)
    AnsweredSuggestionFactory(
        text=f"Respuesta {HIDDEN} 1", is_public=False, received_on=date(2025, 3, 11), answered_at=at(2025, 3, 20)
    )
    SuggestionFactory(text=f"Pendiente {HIDDEN} 2", received_on=date(2025, 3, 12))
    SuggestionFactory(text=f"Spam {HIDDEN} 3", received_on=date(2025, 3, 13), moderation=Moderation.REJECTED)
    # The last evening of March in Pastaza is already April in UTC: it counts in March.
    for score, moderation, when in (
        (4, Moderation.APPROVED, at(2025, 3, 31, 23, 30)),
        (2, Moderation.PENDING, at(2025, 3, 5)),
        (1, Moderation.REJECTED, at(2025, 3, 6)),
    ):
        evaluation = EvaluationFactory(commitment=commitment, score=score, moderation=moderation)
        Evaluation.objects.filter(pk=evaluation.pk).update(created_at=when)
    EvaluationFactory(commitment=hidden_commitment, score=5)
    CommentFactory(commitment=commitment, name=NAME, email=EMAIL, moderation=Moderation.APPROVED)

    # Meetings.
    meeting = MeetingFactory(
        slug="comite-marzo",
        date=date(2025, 3, 14),
        canton=canton,
        agenda_es="1. Avance\n2. Acuerdos",
        minutes_file=SimpleUploadedFile("acta.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    attendance(meeting, men=3, women=2, public_sector=5)
    AgreementFactory(
        meeting=meeting,
        order=1,
        owner_institution=gad,
        commitment=commitment,
        due_date=date(2025, 4, 30),
        status=Agreement.Status.IN_PROGRESS,
    )
    AgreementFactory(meeting=meeting, order=2, commitment=hidden_commitment)
    draft_meeting = MeetingFactory(
        slug="borrador", title_es=f"Reunión {HIDDEN} con {NAME}", date=date(2025, 3, 20), is_published=False
    )
    attendance(draft_meeting, men=40)
    AgreementFactory(meeting=draft_meeting, text_es=f"Acuerdo {HIDDEN}")

    # Surveys: a closed one, an open one and an unpublished closed one.
    now = timezone.now()
    closed = survey_with_questions(slug="cerrada", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))
    respond(closed, q1=[1, 2], q2=1, q3=4, q4=f"Texto libre {HIDDEN}")
    respond(closed, q1=[1], q2=2, q3=2)
    respond(closed, q1=[3], q2=3, q3=5, moderation=Moderation.REJECTED)
    survey_with_questions(slug="abierta")
    survey_with_questions(
        slug="sin-publicar", is_published=False, opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2)
    )

    # The monitor.
    assessment = MonitorAssessment.objects.create(
        commitment=commitment,
        assessed_on=date(2025, 10, 1),
        level="limited",
        text_es="Avance limitado.",
        is_published=True,
        published_at=at(2025, 10, 2),
        author=staff_person,
    )
    GovernmentReply.objects.create(
        assessment=assessment, text_es="Aceleramos el trabajo.", is_published=True, published_at=at(2025, 10, 5)
    )
    GovernmentReply.objects.create(assessment=assessment, text_es=f"Réplica {HIDDEN}", author=staff_person)
    MonitorAssessment.objects.create(
        commitment=commitment, assessed_on=date(2025, 11, 1), level="complete", text_es=f"Borrador {HIDDEN}"
    )
    MonitorAssessment.objects.create(
        commitment=hidden_commitment, assessed_on=date(2025, 11, 1), level="limited", text_es="x", is_published=True
    )
    document = MonitorDocument.objects.create(
        title_es="Auditoría 2025",
        kind=MonitorDocument.Kind.AUDIT,
        covers="2025",
        file=SimpleUploadedFile("a.pdf", pdf_bytes()),
        is_published=True,
        published_at=at(2025, 12, 1),
        uploaded_by=staff_person,
    )
    GovernmentReply.objects.create(
        document=document, text_es="Acogemos la auditoría.", is_published=True, published_at=at(2025, 12, 3)
    )
    MonitorDocument.objects.create(title_es=f"Informe {HIDDEN}", kind="other", file=SimpleUploadedFile("b.pdf", b""))

    # Reports: a published one with its PDFs (and a stale preview), and a draft.
    report = Report.objects.create(
        plan=shown_plan,
        kind=Report.Kind.QUARTERLY,
        period="2025-Q3",
        period_starts_on=date(2025, 7, 1),
        period_ends_on=date(2025, 9, 30),
        slug="2025-t3",
        summary_es="Resumen del trimestre.",
        snapshot={"commitments": [], "totals": {}},
        status=Report.Status.PUBLISHED,
        published_at=at(2025, 10, 10),
        published_by=staff_person,
    )
    for language in ("es", "qu"):
        ReportFile.objects.create(
            report=report,
            language=language,
            file=f"{shown_plan.slug}/2025-t3/{language}.pdf",
            size=2048,
            pages=4,
            sha256=language * 32,
            rendered_at=at(2025, 10, 10, 13),
        )
    Report.objects.create(
        plan=shown_plan,
        kind=Report.Kind.QUARTERLY,
        period="2025-Q4",
        period_starts_on=date(2025, 10, 1),
        period_ends_on=date(2025, 12, 31),
        slug="2025-t4",
        summary_es=f"Borrador {HIDDEN}",
    )

    # Roads.
    work = RoadWorkFactory(code="VIA-2025-001", commitment=commitment, indigenous_territory=True)
    work.cantons.add(canton)
    work.parishes.add(parish)
    hidden_work = RoadWorkFactory(code="VIA-2025-099", name_es=f"Obra {HIDDEN}", is_published=False)
    RoadProgressFactory(work=work, observed_on=date(2025, 6, 30), physical_pct=40)
    RoadProgressFactory(work=work, observed_on=date(2025, 7, 31), physical_pct=55, is_published=False)
    RoadProgressFactory(work=hidden_work, observed_on=date(2025, 6, 30))
    RoadRequestFactory(
        parish=parish,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        community="San Jacinto",
        description=f"Llamar a {NAME} al {PHONE}.",
        answered_by_work=work,
        ip_hash="ip-hash-rosa",
    )
    RoadRequestFactory(parish=parish, answered_by_work=hidden_work, status=RoadRequest.Status.SCHEDULED)
    RoadRequestFactory(parish=parish, community=f"Comunidad {HIDDEN}", moderation=Moderation.PENDING)
    return {"suggestion": public, "report": report, "work": work, "meeting": meeting}


# The definitions.


def test_each_dataset_is_registered_with_its_theme_columns_and_keys():
    registered = {d.key: d for d in all_datasets()}
    for key in KEYS:
        found = registered[key]
        assert found.theme == THEME_OF[key] and found.theme in THEMES
        assert found.frequency == ("quarterly" if found.theme == "reports" else "continuous")
        assert found.frequency in FREQUENCIES
        assert found.keywords and found.primary_key
        assert all(str(column.description) for column in found.columns)
        assert all(column.required for column in found.columns if column.name in found.primary_key)
        for foreign_key in found.foreign_keys:
            assert foreign_key.dataset in KEYS + PLAN_KEYS
            assert foreign_key.reference == registered[foreign_key.dataset].primary_key


def test_column_descriptions_read_in_both_languages():
    from django.utils import translation

    column = dataset("reuniones").columns[1]
    with translation.override("es"):
        spanish = str(column.description)
    with translation.override("qu"):
        kichwa = str(column.description)
    assert spanish.startswith("Tipo de reunión") and "steering_committee" in spanish
    assert kichwa != spanish and "steering_committee" in kichwa


# What the rows hold.


def test_rows_are_typed_keyed_in_order_and_their_foreign_keys_hold(world):
    rows = all_rows([d.key for d in all_datasets()])
    for key in KEYS:
        assert rows[key], f"{key} has no rows"
        check_primary_key(dataset(key), rows[key])
    check_foreign_keys(rows)


def test_no_row_holds_anything_about_a_person(world):
    text = json.dumps(all_rows(KEYS), default=str, ensure_ascii=False)
    for personal in (NAME, "Rosa", "Gualinga", EMAIL, PHONE, "ip-hash", world["suggestion"].tracking_code):
        assert personal not in text


def test_only_published_records_are_read(world):
    rows = all_rows(KEYS)
    text = json.dumps(rows, default=str, ensure_ascii=False)
    assert HIDDEN not in text
    assert [r["id"] for r in rows["respuestas-publicas"]] == [world["suggestion"].pk]
    assert [r["compromiso"] for r in rows["evaluaciones"]] == ["TEST0001"]
    assert [(r["tipo"], r["compromiso"]) for r in rows["evaluaciones-del-monitor"]] == [
        ("informe", None),
        ("valoracion", "TEST0001"),
    ]
    assert {r["encuesta"] for r in rows["resultados-de-encuestas"]} == {"cerrada"}
    assert [r["slug"] for r in rows["reuniones"]] == ["comite-marzo"]
    assert {r["reunion"] for r in rows["asistencia"] + rows["acuerdos"]} == {"comite-marzo"}
    assert [r["informe"] for r in rows["informes"]] == ["2025-t3"]
    assert {r["informe"] for r in rows["archivos-de-informes"]} == {"2025-t3"}
    assert [r["codigo"] for r in rows["obras-viales"]] == ["VIA-2025-001"]
    assert [(r["codigo_obra"], r["fecha"]) for r in rows["avance-de-obras"]] == [("VIA-2025-001", date(2025, 6, 30))]
    assert len(rows["solicitudes-viales"]) == 2
    # A reference to what is not published is left empty, never a dangling code.
    assert rows["respuestas-publicas"][0]["compromisos_cambiados"] == "TEST0001"
    assert [r["compromiso"] for r in rows["acuerdos"]] == ["TEST0001", None]
    assert sorted(r["obra_que_responde"] or "" for r in rows["solicitudes-viales"]) == ["", "VIA-2025-001"]


def test_participation_is_counted_by_month_as_the_reports_count_it(world):
    rows = {(r["mes"], r["cifra"]): r for r in dataset("participacion").rows()}
    march = {cifra: row["valor"] for (mes, cifra), row in rows.items() if mes == "2025-03"}
    # Three suggestions count (the public one, the private answered one, the pending one); spam does not.
    assert march["suggestions.received"] == 3
    assert march["suggestions.kind.complaint"] == 1 and march["suggestions.kind.suggestion"] == 2
    assert march["channels.whatsapp"] == 1 and march["channels.web"] == 2 and march["channels.phone"] == 0
    assert march["languages.qu"] == 1 and march["languages.es"] == 2
    assert march["cantons.1601"] == 1
    assert march["suggestions.answered"] == 1  # answered on 20 March; the public one in April
    assert rows[("2025-04", "suggestions.answered")]["valor"] == 1
    # Evaluations of published commitments, rejected ones aside, by the day in Pastaza.
    assert march["evaluations.count"] == 2 and march["evaluations.average"] == 3.0
    assert march["evaluations.score_4"] == 1 and march["evaluations.score_1"] == 0
    assert march["meetings.held"] == 1 and march["meetings.kind.steering_committee"] == 1
    assert march["meetings.attendance"] == 5
    assert rows[("2025-04", "evaluations.average")]["valor"] is None
    canton_row = rows[("2025-03", "cantons.1601")]
    assert canton_row["canton"] == "1601"
    assert canton_row["nombre_es"] == "Sugerencias, quejas y preguntas por cantón · Pastaza"
    assert canton_row["nombre_qu"].endswith("Pastaza llakta")
    this_month = f"{timezone.localdate():%Y-%m}"
    assert rows[(this_month, "surveys.responses")]["valor"] == 2


def test_public_answers_are_printed_as_the_public_page_prints_them(world):
    (row,) = dataset("respuestas-publicas").rows()
    assert row["lo_que_se_dijo"].startswith("Soy […], de Puyo.")
    assert row["respuesta_es"] == "Ampliamos la ruta de buses."
    assert row["respuesta_qu"] == "Buskunapak ñanta mirachirkanchik."
    assert row["tipo"] == "complaint" and row["compromiso"] == "TEST0001"
    assert row["recibida_el"] == date(2025, 3, 10) and row["respondida_el"] == date(2025, 4, 2)


def test_evaluations_are_counted_as_the_commitment_page_counts_them(world):
    (row,) = dataset("evaluaciones").rows()
    assert row == {
        "compromiso": "TEST0001",
        "evaluaciones": 2,
        "promedio": 3.0,
        "puntaje_1": 0,
        "puntaje_2": 1,
        "puntaje_3": 0,
        "puntaje_4": 1,
        "puntaje_5": 0,
    }


def test_the_monitor_rows_carry_the_governments_published_replies(world):
    document, assessment = dataset("evaluaciones-del-monitor").rows()
    assert assessment["nivel_irm"] == "limited" and assessment["texto_es"] == "Avance limitado."
    assert assessment["respuesta_del_gobierno_es"] == "Aceleramos el trabajo."
    assert assessment["respuesta_del_gobierno_publicada_el"] == at(2025, 10, 5)
    assert document["tipo_de_informe"] == "audit" and document["fecha"] == date(2025, 12, 1)
    assert document["respuesta_del_gobierno_es"] == "Acogemos la auditoría." and document["compromiso"] is None
    assert document["url"].startswith(settings.SITE_URL.rstrip("/") + "/es/informes/fcd/")
    assert len(document["sha256"]) == 64 and document["tamano_bytes"] > 0


def test_survey_results_count_each_option_and_never_free_text(world):
    rows = {(r["pregunta"], r["opcion"]): r for r in dataset("resultados-de-encuestas").rows()}
    assert {question for question, _option in rows} == {1, 2, 3}  # question 4 is free text
    assert rows[(1, 1)]["personas"] == 2 and rows[(1, 1)]["porcentaje"] == 100.0
    assert rows[(1, 3)]["personas"] == 0  # the rejected response does not count
    assert rows[(1, 1)]["respuestas"] == 2 and rows[(1, 1)]["respondieron"] == 2
    assert rows[(1, 1)]["opcion_es"] == "Radio" and rows[(2, 2)]["opcion_qu"] == "Tantanakuy"
    assert rows[(3, 4)]["personas"] == 1 and rows[(3, 4)]["promedio"] == 3.0
    assert rows[(3, 5)]["opcion_es"] == "5 (máximo)" and rows[(3, 2)]["opcion_es"] == "2"
    assert rows[(1, 1)]["datos_de_ejemplo"] is False


def test_meetings_give_their_signed_minutes_and_attendance(world):
    (meeting,) = dataset("reuniones").rows()
    stored = world["meeting"]
    assert meeting["acta_firmada_sha256"] == stored.minutes_sha256 and meeting["acta_firmada_tamano_bytes"]
    assert meeting["acta_firmada_url"] == settings.SITE_URL.rstrip("/") + "/es/reuniones/comite-marzo/acta.pdf"
    assert meeting["canton"] == "1601" and meeting["tipo"] == "steering_committee"
    attended = [(r["dimension"], r["categoria"], r["personas"]) for r in dataset("asistencia").rows()]
    assert attended == [("gender", "men", 3), ("gender", "women", 2), ("sector", "public_sector", 5)]
    first = dataset("acuerdos").rows()[0]
    assert first["institucion"] == "gadppz" and first["estado"] == "in_progress"
    assert first["vencido"] is (timezone.localdate() > date(2025, 4, 30))


def test_report_files_fingerprint_what_their_addresses_serve(world, citizen):
    rows = {r["archivo"]: r for r in dataset("archivos-de-informes").rows()}
    assert set(rows) == {
        "conecta-pastaza-informe-2025-T3-es.pdf",
        "conecta-pastaza-informe-2025-T3-qu.pdf",
        "conecta-pastaza-informe-2025-T3.json",
        "conecta-pastaza-informe-2025-T3.csv",
    }
    assert rows["conecta-pastaza-informe-2025-T3-qu.pdf"]["sha256"] == "qu" * 32
    site = settings.SITE_URL.rstrip("/")
    for name in ("conecta-pastaza-informe-2025-T3.json", "conecta-pastaza-informe-2025-T3.csv"):
        row = rows[name]
        assert row["idioma"] is None and row["paginas"] is None
        body = citizen.get(row["url"].removeprefix(site)).content
        assert (row["tamano_bytes"], row["sha256"]) == (len(body), hashlib.sha256(body).hexdigest())
    (report,) = dataset("informes").rows()
    assert report["url"] == site + "/es/informes/2025-t3/" and report["corrige_a"] is None


def test_road_rows_are_the_exports_rows_with_booleans(world):
    (work,) = dataset("obras-viales").rows()
    assert work["territorio_indigena"] is True and work["consulta_previa"] is False
    assert work["datos_de_ejemplo"] is False and work["compromiso"] == "TEST0001"
    assert work["cantones"] == "Pastaza" and work["presupuesto"] == Decimal("250000.00")
    assert work["url"] == settings.SITE_URL.rstrip("/") + "/es/vias/VIA-2025-001/"
    (progress,) = dataset("avance-de-obras").rows()
    assert progress["url"] == work["url"] and progress["avance_fisico"] == 40
    answered = [r for r in dataset("solicitudes-viales").rows() if r["obra_que_responde"]]
    assert (
        answered[0]["comunidad"] == "San Jacinto" and answered[0]["parroquia_inec"] == world["work"].parishes.get().code
    )


def test_modified_is_known_for_every_dataset_with_data(world):
    for key in KEYS:
        assert isinstance(dataset(key).modified(), datetime), key


# Queries: 3 rows and 30 rows cost the same.


def _month(index: int) -> date:
    return date(2000 + index // 12, index % 12 + 1, 10)


def _participation(context, start, count):
    for i in range(start, start + count):
        day = _month(i)
        SuggestionFactory(received_on=day, canton=context["canton"], answered_at=at(day.year, day.month, 20))
        MeetingFactory(date=day)
        evaluation = EvaluationFactory(commitment=context["commitment"])
        Evaluation.objects.filter(pk=evaluation.pk).update(created_at=at(day.year, day.month, 11))


def _public_answers(context, start, count):
    for _ in range(count):
        AnsweredSuggestionFactory(commitment=context["commitment"]).changed_commitments.add(context["commitment"])


def _evaluations(context, start, count):
    for _ in range(count):
        EvaluationFactory(commitment=CommitmentFactory(plan=context["plan"]))


def _monitor(context, start, count):
    for i in range(count):
        assessment = MonitorAssessment.objects.create(
            commitment=context["commitment"],
            assessed_on=date(2025, 1, 1),
            level="limited",
            text_es="x",
            is_published=True,
        )
        GovernmentReply.objects.create(
            assessment=assessment, text_es="y", is_published=True, published_at=at(2025, 2, 1)
        )
        MonitorDocument.objects.create(
            title_es=f"Informe {i}", kind="audit", file=SimpleUploadedFile("a.pdf", pdf_bytes()), is_published=True
        )


def _surveys(context, start, count):
    now = timezone.now()
    for _ in range(count):
        survey = SurveyFactory(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
        question = QuestionFactory(survey=survey, order=1)
        ChoiceFactory(question=question, order=1)
        respond(survey, q1=1)


def _meetings(context, start, count):
    for _ in range(count):
        MeetingFactory(canton=context["canton"], plan=context["plan"])


def _attendance(context, start, count):
    for _ in range(count):
        attendance(MeetingFactory(), men=1)


def _agreements(context, start, count):
    for _ in range(count):
        AgreementFactory(owner_institution=context["gad"], commitment=context["commitment"])


def _reports(context, start, count, *, files=False):
    for i in range(start, start + count):
        report = Report.objects.create(
            plan=context["plan"],
            kind=Report.Kind.ANNUAL,
            period=str(2030 + i),
            period_starts_on=date(2030 + i, 1, 1),
            period_ends_on=date(2030 + i, 12, 31),
            slug=str(2030 + i),
            status=Report.Status.PUBLISHED,
            published_at=at(2025, 1, 1),
        )
        if files:
            ReportFile.objects.create(
                report=report,
                language="es",
                file=f"x/{i}.pdf",
                size=1,
                pages=1,
                sha256="a" * 64,
                rendered_at=at(2025, 1, 1),
            )


def _works(context, start, count):
    for _ in range(count):
        work = RoadWorkFactory(commitment=context["commitment"])
        work.cantons.add(context["canton"])
        work.parishes.add(context["parish"])


def _progress(context, start, count):
    work = RoadWorkFactory(code="VIA-PROGRESO")
    for i in range(start, start + count):
        RoadProgressFactory(work=work, observed_on=date(2020, 1, 1) + timedelta(days=i))


def _requests(context, start, count):
    work = RoadWorkFactory(code="VIA-PEDIDOS")
    for _ in range(count):
        RoadRequestFactory(parish=context["parish"], answered_by_work=work)


BUILDERS = {
    "participacion": _participation,
    "respuestas-publicas": _public_answers,
    "evaluaciones": _evaluations,
    "evaluaciones-del-monitor": _monitor,
    "resultados-de-encuestas": _surveys,
    "reuniones": _meetings,
    "asistencia": _attendance,
    "acuerdos": _agreements,
    "informes": _reports,
    "archivos-de-informes": lambda context, start, count: _reports(context, start, count, files=True),
    "obras-viales": _works,
    "avance-de-obras": _progress,
    "solicitudes-viales": _requests,
}


@pytest.mark.parametrize("key", KEYS)
def test_reading_30_rows_takes_no_more_queries_than_3(
    key, shown_plan, commitment, gad, canton, parish, django_assert_max_num_queries
):
    context = {"plan": shown_plan, "commitment": commitment, "gad": gad, "canton": canton, "parish": parish}
    build = BUILDERS[key]
    build(context, 0, 3)
    with CaptureQueriesContext(connection) as few:
        rows = dataset(key).rows()
    build(context, 3, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        more = dataset(key).rows()
    assert len(more) >= 30 and len(more) > len(rows) > 0
