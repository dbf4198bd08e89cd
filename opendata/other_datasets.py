"""The datasets of participation, meetings, surveys, reports and roads, and the Kichwa glossary (opendata.datasets).

Each dataset reads what the public pages read, through the selectors and exports of the app it belongs to, and
follows the catalogue's rules (opendata.datasets): published records only, never anything about a person, rows
in primary-key order, a bounded number of queries whatever the amount of data. Beyond those:

- Values are codes rather than labels (a label changes with the language, a code does not), both languages' texts
  where staff write both (`_es`, `_qu`; a missing Kichwa text is empty, never the Spanish one), ISO dates, and
  absolute addresses (SITE_URL) in Spanish, the default language, as the portal's CSV downloads have them.
- An empty text is written as a missing value (None), so that "no Kichwa text" reads the same in every format.
- Rows are sorted in Python by their primary key: the database's collation (PostgreSQL's follows the locale)
  would sort codes with hyphens differently on another server, and two builds must give the same bytes.
- `modified` is the latest change to any record that feeds the dataset (published or not), or the latest
  publication where records have no change date: never earlier than the last real change, at worst later.

`participacion` is tidy: one row per month and figure (`mes`, `cifra`, `valor`). A wide table (a column per
figure) would gain a column each time a channel, a meeting kind or a canton is added, and break the files people
have built on it; a row per figure keeps the columns fixed. Its figures are those the progress reports freeze
(reports.snapshot.feedback_of), named by the same keys as the `figure` column of a report's CSV (so that both
can be joined), counted by the same rules (feedback.selectors.participation_figures, meeting_figures,
survey_response_count) but per calendar month in Pastaza, plus the suggestions by canton.
"""

from __future__ import annotations

import hashlib
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from commitments.models import Axis, Canton, Commitment, IrmLevel
from commitments.selectors import plan_current
from feedback import public_text
from feedback.models import Comment, Evaluation, Language, Moderation, PreviousAnswer, Suggestion
from feedback.selectors import EvaluationFigures, answers_public, evaluation_summary
from kichwa.glossary import glossary_modified, glossary_rows
from kichwa.models import ReviewState
from meetings.models import Agreement, Meeting, MeetingAttendance
from meetings.selectors import AgreementFilters, agreements_register
from reports.models import GovernmentReply, MonitorAssessment, MonitorDocument, Report, ReportFile, ReportOutreachFile
from reports.selectors import report_data_csv, report_data_json, reports_public
from roads.exports import WORK_COLUMNS, progress_exported, requests_exported, work_rows, works_exported
from roads.models import Executor, Financing, RoadProgress, RoadRequest, RoadWork, WorkKind, WorkStatus
from roads.oc4ids import site_url
from surveys.models import Answer, Question, Survey, SurveyResponse
from surveys.selectors import NOT_COUNTED, SCALE, scale_label

from .datasets import Column, Dataset, ForeignKey, register
from .plan_datasets import commitments_shown

PASTAZA = zoneinfo.ZoneInfo(settings.TIME_ZONE)
# Addresses in files name the Spanish pages, as every export of the portal does.
ADDRESS_LANGUAGE = "es"
# Names in a list cell are separated by this, as in roads.exports (place names may hold commas, never semicolons).
LIST_SEPARATOR = "; "
# The questions whose answers are counted; free-text answers are never part of open data.
COUNTED_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SCALE)


# Shared helpers.


def _coded(description, choices) -> Any:
    """A column's description followed by the codes it may hold, in the reader's language when rendered."""
    return format_lazy("{} ({})", description, ", ".join(str(value) for value in choices.values))


def _in_order(rows: Iterable[dict[str, Any]], dataset: Dataset) -> list[dict[str, Any]]:
    """Rows as `dataset` declares them: its columns in their order, an empty text as None, sorted by its primary
    key."""
    names = dataset.column_names
    cleaned = [{name: None if row[name] == "" else row[name] for name in names} for row in rows]
    return sorted(cleaned, key=lambda row: tuple(row[name] for name in dataset.primary_key))


def _shown_codes() -> set[str]:
    """The codes of the commitments the dataset "compromisos" holds (one query): a row names only those, so that
    its foreign key holds (an unpublished commitment, or one of a synthetic plan, is left empty)."""
    return set(commitments_shown().values_list("code", flat=True))


def _latest(*values):
    found = [value for value in values if value is not None]
    return max(found) if found else None


def _latest_update(*models) -> datetime | None:
    return _latest(*(model.objects.aggregate(at=Max("updated_at"))["at"] for model in models))


def _month(value) -> str:
    """The calendar month ("2025-03") of a date, or of an instant in Pastaza."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = value.astimezone(PASTAZA)
    return f"{value.year:04d}-{value.month:02d}"


def _local_day(value: datetime | None):
    return timezone.localdate(value, PASTAZA) if value else None


def _in_languages(label) -> dict[str, str]:
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = str(label)
    return out


def _joined(*parts) -> str:
    return " · ".join(part for part in parts if part)


# Descriptions several datasets share.

COMMITMENT = _("OGP code of the commitment it concerns (dataset “compromisos”); empty when none is published.")
PAGE = _("Address of its page on the portal (Spanish).")
EXAMPLE = _("True for example data loaded to show how the portal works, not a real record.")
CANTON = _("INEC code of the canton (dataset “cantones”).")
SHA256 = _("SHA-256 of the file, to check that a copy is the one published.")
SIZE = _("Size of the file in bytes.")


# Participation: figures by month.

_GROUPS = {
    "evaluations": _("Citizens' evaluations of progress"),
    "suggestions": _("Suggestions, complaints and questions"),
    "channels": _("Suggestions, complaints and questions by channel"),
    "languages": _("Suggestions, complaints and questions by language"),
    "cantons": _("Suggestions, complaints and questions by canton"),
    "comments": _("Comments on the commitments"),
    "meetings": _("Meetings of the participation spaces"),
    "surveys": _("Surveys"),
}
# Plural names of what citizens send, as the reports' rows say them (the models' choices are singular).
_KIND_ROWS = {
    Suggestion.Kind.SUGGESTION: _("Suggestions"),
    Suggestion.Kind.COMPLAINT: _("Complaints"),
    Suggestion.Kind.QUESTION: _("Questions"),
}


def _figure_names(cantons: list[Canton]) -> list[tuple[str, str, Any, Canton | None]]:
    """(key, group, label, canton) of every figure a month has, zero included, so that traditional channels and
    cantons show even in a month without them, as in the reports."""
    names: list[tuple[str, str, Any, Canton | None]] = [
        ("evaluations.count", "evaluations", _("Evaluations received"), None),
        ("evaluations.average", "evaluations", _("Average score (1 to 5)"), None),
        *((f"evaluations.score_{s}", "evaluations", Evaluation.Score(s).label, None) for s in range(5, 0, -1)),
        ("suggestions.received", "suggestions", _("Received"), None),
        *((f"suggestions.kind.{kind}", "suggestions", label, None) for kind, label in _KIND_ROWS.items()),
        ("suggestions.answered", "suggestions", _("Answered in the period"), None),
        *((f"channels.{c.value}", "channels", c.label, None) for c in Suggestion.Channel),
        *((f"languages.{lang.value}", "languages", lang.label, None) for lang in Language),
        *((f"cantons.{canton.code}", "cantons", None, canton) for canton in cantons),
        ("comments.received", "comments", _("Received"), None),
        ("comments.approved", "comments", _("Approved and published"), None),
        ("meetings.held", "meetings", _("Meetings held"), None),
        *((f"meetings.kind.{kind.value}", "meetings", kind.label, None) for kind in Meeting.Kind),
        ("meetings.attendance", "meetings", _("People who attended"), None),
        ("surveys.responses", "surveys", _("Survey responses"), None),
    ]
    return names


def _participation_counts() -> dict[str, dict[str, Any]]:
    """{month: {figure key: value}} from seven grouped queries, whatever the number of contributions."""
    months: dict[str, Counter] = defaultdict(Counter)
    suggestions = Suggestion.objects.counted()
    for month, kind, channel, language, canton, n in (
        suggestions.annotate(month=TruncMonth("received_on"))
        .order_by()
        .values_list("month", "kind", "channel", "language", "canton__code")
        .annotate(n=Count("pk"))
    ):
        figures = months[_month(month)]
        for key in ("suggestions.received", f"suggestions.kind.{kind}", f"channels.{channel}", f"languages.{language}"):
            figures[key] += n
        if canton:
            figures[f"cantons.{canton}"] += n

    # Answered in a month: a first answer or a new one, each suggestion once (participation_figures' rule).
    answered: dict[str, set[int]] = defaultdict(set)
    for month, pk in (
        suggestions.filter(answered_at__isnull=False)
        .annotate(month=TruncMonth("answered_at", tzinfo=PASTAZA))
        .order_by()
        .values_list("month", "pk")
    ):
        answered[_month(month)].add(pk)
    for month, pk in (
        PreviousAnswer.objects.filter(suggestion__in=suggestions.values("pk"))
        .annotate(month=TruncMonth("answered_at", tzinfo=PASTAZA))
        .order_by()
        .values_list("month", "suggestion_id")
    ):
        answered[_month(month)].add(pk)
    for month, pks in answered.items():
        months[month]["suggestions.answered"] = len(pks)

    # Evaluations and comments of the commitments the catalogue shows (published, of a real plan), as reports
    # count those of their plan's published commitments.
    shown = commitments_shown().values("pk")
    evaluations: dict[str, EvaluationFigures] = defaultdict(EvaluationFigures)
    for month, score, n in (
        Evaluation.objects.counted()
        .filter(commitment__in=shown)
        .annotate(month=TruncMonth("created_at", tzinfo=PASTAZA))
        .order_by()
        .values_list("month", "score")
        .annotate(n=Count("pk"))
    ):
        evaluations[_month(month)].add(score, n)
    for month, figures in evaluations.items():
        months[month]["evaluations.count"] = figures.count
        for score, n in figures.distribution.items():
            months[month][f"evaluations.score_{score}"] = n

    for month, received, approved in (
        Comment.objects.counted()
        .filter(commitment__in=shown)
        .annotate(month=TruncMonth("created_at", tzinfo=PASTAZA))
        .order_by()
        .values_list("month")
        .annotate(received=Count("pk"), approved=Count("pk", filter=Q(moderation=Moderation.APPROVED)))
    ):
        months[_month(month)]["comments.received"] += received
        months[_month(month)]["comments.approved"] += approved

    # Attendance as meetings.selectors.meeting_figures counts it: by gender, or by sector where gender was not.
    gender, sector = MeetingAttendance.Dimension.GENDER, MeetingAttendance.Dimension.SECTOR
    for day, kind, by_gender, by_sector in (
        Meeting.objects.published()
        .order_by()
        .annotate(
            by_gender=Sum("attendance__count", filter=Q(attendance__dimension=gender)),
            by_sector=Sum("attendance__count", filter=Q(attendance__dimension=sector)),
        )
        .values_list("date", "kind", "by_gender", "by_sector")
    ):
        figures = months[_month(day)]
        figures["meetings.held"] += 1
        figures[f"meetings.kind.{kind}"] += 1
        figures["meetings.attendance"] += (by_gender if by_gender is not None else by_sector) or 0

    # surveys.selectors.survey_response_count's rule: the demo data's example surveys are not counted.
    for month, n in (
        SurveyResponse.objects.counted()
        .filter(survey__is_published=True, survey__is_illustrative=False)
        .annotate(month=TruncMonth("created_at", tzinfo=PASTAZA))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    ):
        months[_month(month)]["surveys.responses"] += n

    out: dict[str, dict[str, Any]] = {}
    for month, figures in months.items():
        values: dict[str, Any] = dict(figures)
        values["evaluations.average"] = evaluations[month].average if month in evaluations else None
        out[month] = values
    return out


def participation_rows() -> list[dict[str, Any]]:
    cantons = list(Canton.objects.order_by("code"))
    names = _figure_names(cantons)
    titles = {group: _in_languages(title) for group, title in _GROUPS.items()}
    labels = {}
    for key, group, label, canton in names:
        if canton is not None:
            label_es, label_qu = canton.name_es, canton.name_qu or canton.name_es
        else:
            texts = _in_languages(label)
            label_es, label_qu = texts["es"], texts["qu"]
        labels[key] = (
            _joined(titles[group]["es"], label_es),
            _joined(titles[group]["qu"], label_qu),
            canton.code if canton is not None else None,
        )
    rows = []
    for month, values in _participation_counts().items():
        for key, _group, _label, _canton in names:
            name_es, name_qu, canton_code = labels[key]
            default = None if key == "evaluations.average" else 0
            rows.append(
                {
                    "mes": month,
                    "cifra": key,
                    "canton": canton_code,
                    "nombre_es": name_es,
                    "nombre_qu": name_qu,
                    "valor": values.get(key, default),
                }
            )
    return _in_order(rows, PARTICIPACION)


def participation_modified():
    return _latest_update(Suggestion, Evaluation, Comment, Meeting, SurveyResponse)


# Participation: "You said, we did".


def public_answer_rows() -> list[dict[str, Any]]:
    """The public answers page's items (feedback.selectors.answers_public; three queries): what the person said
    and the answer as the page prints them (feedback.public_text: no name, no greeting), never who sent it, how
    to reach them, or the tracking code that opens their private exchange."""
    shown = _shown_codes()
    rows = []
    for suggestion in answers_public().order_by("pk"):
        commitment = suggestion.commitment.code if suggestion.commitment_id else ""
        answer_qu = suggestion.answer_qu or ""
        rows.append(
            {
                "id": suggestion.pk,
                "tipo": suggestion.kind,
                "recibida_el": suggestion.received_on,
                "respondida_el": _local_day(suggestion.answered_at),
                "lo_que_se_dijo": suggestion.said_publicly,
                "respuesta_es": public_text.answer_publicly(answer=suggestion.answer_es or "", name=suggestion.name),
                "respuesta_qu": public_text.answer_publicly(answer=answer_qu, name=suggestion.name)
                if answer_qu.strip()
                else "",
                "compromiso": commitment if commitment in shown else "",
                "compromisos_cambiados": LIST_SEPARATOR.join(
                    sorted(c.code for c in suggestion.changed_commitments.all() if c.code in shown)
                ),
            }
        )
    return _in_order(rows, RESPUESTAS_PUBLICAS)


# Participation: evaluations per commitment.


def evaluation_rows() -> list[dict[str, Any]]:
    """Every commitment of the dataset "compromisos" with its evaluations as its page counts them
    (feedback.selectors.evaluation_summary: what moderators rejected or hid is not counted): two queries."""
    codes = sorted(_shown_codes())
    figures = evaluation_summary(codes)
    rows = []
    for code in codes:
        found = figures[code]
        rows.append(
            {
                "compromiso": code,
                "evaluaciones": found.count,
                "promedio": found.average,
                **{f"puntaje_{score}": found.distribution.get(score, 0) for score in range(1, 6)},
            }
        )
    return _in_order(rows, EVALUACIONES)


# Participation: the independent monitor.

ASSESSMENT = "valoracion"
MONITOR_REPORT = "informe"


def _replies() -> Prefetch:
    return Prefetch(
        "replies", queryset=GovernmentReply.objects.filter(is_published=True).order_by("published_at", "pk")
    )


def _reply_columns(record) -> dict[str, Any]:
    replies = list(record.replies.all())
    return {
        "respuesta_del_gobierno_es": "\n\n".join(r.text_es for r in replies if r.text_es),
        "respuesta_del_gobierno_qu": "\n\n".join(r.text_qu for r in replies if r.text_qu),
        "respuesta_del_gobierno_publicada_el": _latest(*(r.published_at for r in replies)),
    }


def monitor_rows() -> list[dict[str, Any]]:
    """What the reports page shows of the monitor (reports.selectors.monitoring_public): its published
    assessments of published commitments and its published reports, each with the government's published
    replies. Four queries."""
    empty = {
        "compromiso": "",
        "nivel_irm": "",
        "tipo_de_informe": "",
        "titulo_es": "",
        "titulo_qu": "",
        "periodo_cubierto": "",
        "url": "",
        "sha256": "",
        "tamano_bytes": None,
    }
    rows = []
    assessments = (
        MonitorAssessment.objects.filter(is_published=True, commitment__in=commitments_shown().values("pk"))
        .select_related("commitment")
        .prefetch_related(_replies())
    )
    for assessment in assessments:
        rows.append(
            {
                **empty,
                "tipo": ASSESSMENT,
                "id": assessment.pk,
                "compromiso": assessment.commitment.code,
                "fecha": assessment.assessed_on,
                "nivel_irm": assessment.level,
                "texto_es": assessment.text_es,
                "texto_qu": assessment.text_qu,
                "publicado_el": assessment.published_at,
                **_reply_columns(assessment),
            }
        )
    with translation.override(ADDRESS_LANGUAGE):
        for document in MonitorDocument.objects.filter(is_published=True).prefetch_related(_replies()):
            rows.append(
                {
                    **empty,
                    "tipo": MONITOR_REPORT,
                    "id": document.pk,
                    "fecha": _local_day(document.published_at or document.created_at),
                    "tipo_de_informe": document.kind,
                    "titulo_es": document.title_es,
                    "titulo_qu": document.title_qu,
                    "texto_es": document.description_es,
                    "texto_qu": document.description_qu,
                    "periodo_cubierto": document.covers,
                    "url": site_url(
                        reverse(
                            "reports:monitor_document", kwargs={"pk": document.pk, "filename": document.download_name}
                        )
                    )
                    if document.file
                    else "",
                    "sha256": document.sha256,
                    "tamano_bytes": document.size,
                    "publicado_el": document.published_at,
                    **_reply_columns(document),
                }
            )
    return _in_order(rows, EVALUACIONES_DEL_MONITOR)


def monitor_modified():
    return _latest_update(MonitorAssessment, MonitorDocument, GovernmentReply)


# Meetings.


def meeting_rows() -> list[dict[str, Any]]:
    """Published meetings, with the address and fingerprint of their signed minutes when there are some: one
    query."""
    rows = []
    with translation.override(ADDRESS_LANGUAGE):
        for meeting in Meeting.objects.published().select_related("canton", "plan"):
            has_minutes = bool(meeting.minutes_file)
            rows.append(
                {
                    "slug": meeting.slug,
                    "tipo": meeting.kind,
                    "titulo_es": meeting.title_es,
                    "titulo_qu": meeting.title_qu,
                    "fecha": meeting.date,
                    "fecha_fin": meeting.end_date,
                    "lugar_es": meeting.place_es,
                    "lugar_qu": meeting.place_qu,
                    "canton": meeting.canton.code if meeting.canton_id else "",
                    "plan": meeting.plan.slug if meeting.plan_id else "",
                    "eje": meeting.axis or "",
                    "resumen_es": meeting.summary_es,
                    "resumen_qu": meeting.summary_qu,
                    "orden_del_dia_es": meeting.agenda_es,
                    "orden_del_dia_qu": meeting.agenda_qu,
                    "acta_es": meeting.minutes_es,
                    "acta_qu": meeting.minutes_qu,
                    "acta_firmada_url": site_url(reverse("meetings:minutes", kwargs={"slug": meeting.slug}))
                    if has_minutes
                    else "",
                    "acta_firmada_sha256": meeting.minutes_sha256 if has_minutes else "",
                    "acta_firmada_tamano_bytes": meeting.minutes_size if has_minutes else None,
                    "url": site_url(reverse("meetings:detail", kwargs={"slug": meeting.slug})),
                }
            )
    return _in_order(rows, REUNIONES)


def attendance_rows() -> list[dict[str, Any]]:
    """The people counted at each published meeting, by gender and by sector: one query."""
    rows = (
        {"reunion": slug, "dimension": dimension, "categoria": category, "personas": count}
        for slug, dimension, category, count in MeetingAttendance.objects.filter(
            meeting__is_published=True
        ).values_list("meeting__slug", "dimension", "category", "count")
    )
    return _in_order(rows, ASISTENCIA)


def agreement_rows() -> list[dict[str, Any]]:
    """The agreements register (meetings.selectors.agreements_register, unfiltered; two queries) with the CSV's
    rules (meetings.selectors.agreements_csv): a commitment only when published, overdue as of today."""
    register_rows = agreements_register(filters=AgreementFilters(), today=timezone.localdate())
    shown = _shown_codes()
    rows = []
    for agreement in register_rows:
        commitment = agreement.commitment.code if agreement.commitment_id else ""
        institution = agreement.owner_institution if agreement.owner_institution_id else None
        rows.append(
            {
                "reunion": agreement.meeting.slug,
                "numero": agreement.order,
                "fecha_reunion": agreement.meeting.date,
                "acuerdo_es": agreement.text_es,
                "acuerdo_qu": agreement.text_qu,
                "institucion": institution.slug if institution else "",
                "institucion_nombre": institution.name_es if institution else "",
                "responsable_es": agreement.owner_es,
                "responsable_qu": agreement.owner_qu,
                "fecha_limite": agreement.due_date,
                "estado": agreement.status,
                "vencido": bool(agreement.is_overdue),
                "nota_estado_es": agreement.status_note_es,
                "nota_estado_qu": agreement.status_note_qu,
                "compromiso": commitment if commitment in shown else "",
            }
        )
    return _in_order(rows, ACUERDOS)


def meetings_modified():
    return _latest_update(Meeting)


def agreements_modified():
    return _latest_update(Meeting, Agreement)


# Surveys.


def survey_result_rows() -> list[dict[str, Any]]:
    """Every closed survey's figures, counted as its results page counts them (surveys.selectors.survey_results:
    responses moderators rejected or hid never count; percentages are of the people who answered the question),
    for all surveys at once: six queries, whatever the number of surveys, questions and responses. One row per
    option of a choice question and per point of a 1-5 scale; free-text questions have none."""
    now = timezone.now()
    shown = _shown_codes()
    closed = Survey.objects.closed_at(now)
    surveys = {
        survey.pk: survey
        for survey in closed.select_related("commitment").annotate(
            responses_counted=Count("responses", filter=~Q(responses__moderation__in=NOT_COUNTED))
        )
    }
    questions = list(
        Question.objects.filter(survey__in=closed.values("pk"), kind__in=COUNTED_KINDS)
        .order_by("survey_id", "order", "pk")
        .prefetch_related("choices")
    )
    answers = Answer.objects.filter(question__survey__in=closed.values("pk"), question__kind__in=COUNTED_KINDS).exclude(
        response__moderation__in=NOT_COUNTED
    )
    counts = {
        (row["question_id"], row["choice_id"], row["scale"]): row["n"]
        for row in answers.values("question_id", "choice_id", "scale").annotate(n=Count("id")).order_by()
    }
    respondents = {
        row["question_id"]: row["people"]
        for row in answers.values("question_id").annotate(people=Count("response_id", distinct=True)).order_by()
    }
    scale_labels = {}
    for value in SCALE:
        texts = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                texts[code] = scale_label(value)
        scale_labels[value] = texts

    rows = []
    for question in questions:
        survey = surveys.get(question.survey_id)
        if survey is None:
            continue
        people = respondents.get(question.pk, 0)
        common = {
            "encuesta": survey.slug,
            "titulo_encuesta_es": survey.title_es,
            "titulo_encuesta_qu": survey.title_qu,
            "abre_el": survey.opens_at,
            "cierra_el": survey.closes_at,
            "respuestas": survey.responses_counted,
            "compromiso": survey.commitment.code if survey.commitment_id and survey.commitment.code in shown else "",
            "pregunta": question.order,
            "tipo_pregunta": question.kind,
            "pregunta_es": question.text_es,
            "pregunta_qu": question.text_qu,
            "respondieron": people,
            "datos_de_ejemplo": survey.is_illustrative,
        }
        if question.kind == Question.Kind.SCALE:
            total = sum(counts.get((question.pk, None, value), 0) for value in SCALE)
            weighted = sum(value * counts.get((question.pk, None, value), 0) for value in SCALE)
            options = [
                (value, scale_labels[value]["es"], scale_labels[value]["qu"], counts.get((question.pk, None, value), 0))
                for value in SCALE
            ]
            average = round(weighted / total, 2) if total else None
        else:
            choices = sorted(question.choices.all(), key=lambda c: (c.order, c.pk))
            options = [(c.order, c.text_es, c.text_qu, counts.get((question.pk, c.pk, None), 0)) for c in choices]
            average = None
        for number, text_es, text_qu, count in options:
            rows.append(
                {
                    **common,
                    "opcion": number,
                    "opcion_es": text_es,
                    "opcion_qu": text_qu,
                    "personas": count,
                    "porcentaje": round(100 * count / people, 1) if people else None,
                    "promedio": average,
                }
            )
    return _in_order(rows, RESULTADOS_DE_ENCUESTAS)


def surveys_modified():
    return _latest_update(Survey, SurveyResponse)


# Reports.


def report_rows() -> list[dict[str, Any]]:
    """The published reports of the plan the portal shows (reports.selectors.reports_public, as the reports
    page lists them; their pages exist for that plan only): three queries."""
    reports = reports_public(plan=plan_current())
    slugs = {report.pk: report.slug for report in reports}
    rows = []
    with translation.override(ADDRESS_LANGUAGE):
        for report in reports:
            rows.append(
                {
                    "informe": report.slug,
                    "tipo": report.kind,
                    "periodo": report.period,
                    "inicio_periodo": report.period_starts_on,
                    "fin_periodo": report.period_ends_on,
                    "version": report.version,
                    "publicado_el": report.published_at,
                    "corrige_a": slugs.get(report.supersedes_id, ""),
                    "corregido_el": report.superseded_at,
                    "resumen_es": report.summary_es,
                    "resumen_qu": report.summary_qu,
                    "nota_de_correccion_es": report.correction_note_es,
                    "nota_de_correccion_qu": report.correction_note_qu,
                    "url": site_url(report.get_absolute_url()),
                    "datos_de_ejemplo": report.has_example_data,
                }
            )
    return _in_order(rows, INFORMES)


def _digest(body: str) -> tuple[int, str]:
    data = body.encode("utf-8")
    return len(data), hashlib.sha256(data).hexdigest()


def _report_file_address(report: Report, name: str) -> str:
    return site_url(reverse("reports:download", kwargs={"slug": report.slug, "filename": name}))


def report_file_rows() -> list[dict[str, Any]]:
    """Each published report's files as its download address serves them (reports.views.report_download): the
    final PDFs (not a draft's preview), the JSON and CSV of its frozen snapshot, whose bytes are rebuilt here
    exactly as the download builds them (the same reads as reports.selectors.report_public), and its bulletins and
    radio packs (reports.views.outreach_file). Five queries."""
    plan = plan_current()
    if plan is None:
        return []
    reports = (
        Report.objects.published()
        .filter(plan=plan)
        .select_related("supersedes")
        .prefetch_related(
            Prefetch("files", queryset=ReportFile.objects.order_by("language")),
            "narratives",
            Prefetch("outreach_files", queryset=ReportOutreachFile.objects.public().select_related("canton")),
        )
    )
    rows = []
    with translation.override(ADDRESS_LANGUAGE):
        for report in reports:
            for file in report.files.all():
                if file.is_preview:
                    continue
                rows.append(
                    {
                        "archivo": file.download_name,
                        "informe": report.slug,
                        "formato": "pdf",
                        "idioma": file.language,
                        "paginas": file.pages,
                        "tamano_bytes": file.size,
                        "sha256": file.sha256,
                        "url": _report_file_address(report, file.download_name),
                        "generado_el": file.rendered_at,
                    }
                )
            for extension, body in (("json", report_data_json(report)), ("csv", report_data_csv(report))):
                size, sha256 = _digest(body)
                name = report.data_name(extension)
                rows.append(
                    {
                        "archivo": name,
                        "informe": report.slug,
                        "formato": extension,
                        "idioma": "",
                        "paginas": None,
                        "tamano_bytes": size,
                        "sha256": sha256,
                        "url": _report_file_address(report, name),
                        "generado_el": None,
                    }
                )
            # A quarterly report's bulletins to print and its radio pack's editions (not a withdrawn one).
            for outreach in report.outreach_files.all():
                outreach.report = report
                rows.append(
                    {
                        "archivo": outreach.download_name,
                        "informe": report.slug,
                        "formato": "pdf" if outreach.is_bulletin else "zip",
                        "idioma": outreach.language,
                        "paginas": 1 if outreach.is_bulletin else None,
                        "tamano_bytes": outreach.size,
                        "sha256": outreach.sha256,
                        "url": site_url(outreach.get_absolute_url()),
                        "generado_el": outreach.rendered_at,
                    }
                )
    return _in_order(rows, ARCHIVOS_DE_INFORMES)


def reports_modified():
    published = Report.objects.published().aggregate(at=Max("published_at"), superseded=Max("superseded_at"))
    return _latest(published["at"], published["superseded"])


def report_files_modified():
    rendered = ReportFile.objects.final().aggregate(at=Max("rendered_at"))["at"]
    outreach = ReportOutreachFile.objects.public().aggregate(at=Max("rendered_at"))["at"]
    return _latest(reports_modified(), rendered, outreach)


# Roads: roads.exports' reads and rows, as dictionaries with booleans where the CSV writes "sí"/"no".

_YES_NO_COLUMNS = ("territorio_indigena", "consulta_previa", "datos_de_ejemplo")


def road_work_rows() -> list[dict[str, Any]]:
    """roads.exports.work_rows of the published works (four queries, with the commitments shown)."""
    shown = _shown_codes()
    rows = []
    for values in work_rows(works_exported()):
        row = dict(zip(WORK_COLUMNS, values, strict=True))
        for name in _YES_NO_COLUMNS:
            row[name] = row[name] == "sí"
        if row["compromiso"] not in shown:
            row["compromiso"] = ""
        rows.append(row)
    return _in_order(rows, OBRAS_VIALES)


def road_progress_rows() -> list[dict[str, Any]]:
    """roads.exports.progress_exported's published observations of published works (one query), with their
    work's page and example flag."""
    rows = []
    with translation.override(ADDRESS_LANGUAGE):
        for progress in progress_exported():
            work = progress.work
            rows.append(
                {
                    "codigo_obra": work.code,
                    "nombre_obra_es": work.name_es,
                    "fecha": progress.observed_on,
                    "avance_fisico": progress.physical_pct,
                    "monto_pagado": progress.paid_amount,
                    "nota_es": progress.note_es,
                    "nota_qu": progress.note_qu,
                    "url": site_url(work.get_absolute_url()),
                    "datos_de_ejemplo": work.is_example,
                }
            )
    return _in_order(rows, AVANCE_DE_OBRAS)


def road_request_rows() -> list[dict[str, Any]]:
    """roads.exports.requests_exported's public requests (one query that reads no contact field), with the
    columns of its CSV."""
    rows = []
    with translation.override(ADDRESS_LANGUAGE):
        for road_request in requests_exported():
            work = road_request.answered_by_work
            rows.append(
                {
                    "codigo": road_request.tracking_code,
                    "tipo": road_request.kind,
                    "canton": road_request.parish.canton.name_es,
                    "parroquia_inec": road_request.parish.code,
                    "parroquia": road_request.parish.name_es,
                    "comunidad": road_request.community,
                    "estado": road_request.status,
                    "recibida_el": road_request.received_on,
                    "arreglada_el": road_request.fixed_on,
                    "obra_que_responde": work.code if work is not None and work.is_published else "",
                    "url": site_url(road_request.get_absolute_url()),
                }
            )
    return _in_order(rows, SOLICITUDES_VIALES)


def road_progress_modified():
    created = RoadProgress.objects.aggregate(at=Max("created_at"))["at"]
    return _latest(created, _latest_update(RoadWork))


# The definitions.

PARTICIPACION = Dataset(
    key="participacion",
    title=_("Citizen participation by month"),
    description=_(
        "How many suggestions, complaints and questions, evaluations, comments, meetings and survey responses "
        "the portal recorded each month, counted as the progress reports count them (what moderators rejected "
        "or hid is not counted). One row per month and figure. Figures only: nothing about any person."
    ),
    theme="participation",
    columns=(
        Column("mes", "string", _("Calendar month in Pastaza, as YYYY-MM."), required=True),
        Column(
            "cifra",
            "string",
            _(
                "What is counted, named as in the “figure” column of the progress reports' CSV (for example "
                "channels.whatsapp); cantons.<INEC code> counts suggestions, complaints and questions by canton."
            ),
            required=True,
        ),
        Column("canton", "string", _("For a figure by canton: the canton's INEC code (dataset “cantones”).")),
        Column("nombre_es", "string", _("Name of the figure in Spanish."), required=True),
        Column("nombre_qu", "string", _("Name of the figure in Kichwa."), required=True),
        Column(
            "valor",
            "number",
            _("The figure: a count, or the average score (empty when nobody evaluated in that month)."),
        ),
    ),
    rows=participation_rows,
    primary_key=("mes", "cifra"),
    foreign_keys=(ForeignKey(("canton",), "cantones", ("codigo",)),),
    keywords=("participación ciudadana", "sugerencias", "quejas", "evaluaciones", "reuniones", "encuestas"),
    modified=participation_modified,
)

RESPUESTAS_PUBLICAS = Dataset(
    key="respuestas-publicas",
    title=_("You said, we did: public answers"),
    description=_(
        "The suggestions, complaints and questions whose answers were made public, as the “You said, we did” "
        "page prints them: what the person said, without their name, and what the Provincial Government "
        "answered. Who sent them and how to reach them are never included."
    ),
    theme="participation",
    columns=(
        Column("id", "integer", _("Number of the answered suggestion, complaint or question."), required=True),
        Column("tipo", "string", _coded(_("What it is"), Suggestion.Kind), required=True),
        Column("recibida_el", "date", _("Day it was received."), required=True),
        Column("respondida_el", "date", _("Day it was answered, in Pastaza.")),
        Column(
            "lo_que_se_dijo",
            "string",
            _("What the person said, or the staff's summary of it, with their name taken out."),
            required=True,
        ),
        Column("respuesta_es", "string", _("The Provincial Government's answer in Spanish, without greeting or name.")),
        Column("respuesta_qu", "string", _("The answer in Kichwa, when it was written in Kichwa.")),
        Column("compromiso", "string", COMMITMENT),
        Column(
            "compromisos_cambiados",
            "string",
            _("OGP codes of the published commitments it changed, separated by “; ”."),
        ),
    ),
    rows=public_answer_rows,
    primary_key=("id",),
    foreign_keys=(ForeignKey(("compromiso",), "compromisos", ("codigo",)),),
    keywords=("participación ciudadana", "sugerencias", "quejas", "preguntas", "rendición de cuentas"),
    modified=lambda: _latest_update(Suggestion),
)

EVALUACIONES = Dataset(
    key="evaluaciones",
    title=_("Citizens' evaluations of the commitments"),
    description=_(
        "For each published commitment, how many citizens evaluated its progress, their average score (1 to 5) "
        "and how the scores spread, as its page shows them."
    ),
    theme="participation",
    columns=(
        Column("compromiso", "string", _("OGP code of the commitment (dataset “compromisos”)."), required=True),
        Column("evaluaciones", "integer", _("Evaluations received."), required=True),
        Column("promedio", "number", _("Average score from 1 to 5, with one decimal; empty without evaluations.")),
        *(
            Column(f"puntaje_{score}", "integer", description, required=True)
            for score, description in (
                (1, _("Evaluations that gave 1 (very poor).")),
                (2, _("Evaluations that gave 2 (poor).")),
                (3, _("Evaluations that gave 3 (fair).")),
                (4, _("Evaluations that gave 4 (good).")),
                (5, _("Evaluations that gave 5 (very good).")),
            )
        ),
    ),
    rows=evaluation_rows,
    primary_key=("compromiso",),
    foreign_keys=(ForeignKey(("compromiso",), "compromisos", ("codigo",)),),
    keywords=("participación ciudadana", "evaluaciones", "compromisos", "plan de acción"),
    modified=lambda: _latest(_latest_update(Evaluation), _latest_update(Commitment)),
)

EVALUACIONES_DEL_MONITOR = Dataset(
    key="evaluaciones-del-monitor",
    title=_("Independent monitor's assessments and reports (FCD)"),
    description=_(
        "What the independent monitor, Fundación Ciudadanía y Desarrollo, published: its assessments of the "
        "commitments on the IRM completion scale and its monitoring reports, each with the government's "
        "published replies."
    ),
    theme="participation",
    columns=(
        Column(
            "tipo",
            "string",
            _("valoracion: an assessment of a commitment; informe: a monitoring report."),
            required=True,
        ),
        Column("id", "integer", _("Number of the assessment or of the report."), required=True),
        Column("compromiso", "string", _("For an assessment: OGP code of the commitment (dataset “compromisos”).")),
        Column("fecha", "date", _("Day of the assessment, or day the report was published."), required=True),
        Column("nivel_irm", "string", _coded(_("For an assessment: IRM completion level"), IrmLevel)),
        Column("tipo_de_informe", "string", _coded(_("For a report: its kind"), MonitorDocument.Kind)),
        Column("titulo_es", "string", _("For a report: its title in Spanish.")),
        Column("titulo_qu", "string", _("For a report: its title in Kichwa.")),
        Column("texto_es", "string", _("The assessment, or the report's description, in Spanish.")),
        Column("texto_qu", "string", _("The assessment, or the report's description, in Kichwa.")),
        Column("periodo_cubierto", "string", _("For a report: the period it covers.")),
        Column("url", "string", _("For a report: address of its PDF.")),
        Column("sha256", "string", SHA256),
        Column("tamano_bytes", "integer", SIZE),
        Column("publicado_el", "datetime", _("When it was published.")),
        Column(
            "respuesta_del_gobierno_es",
            "string",
            _("The government's published replies in Spanish, oldest first, separated by a blank line."),
        ),
        Column("respuesta_del_gobierno_qu", "string", _("The government's published replies in Kichwa.")),
        Column("respuesta_del_gobierno_publicada_el", "datetime", _("When the latest reply was published.")),
    ),
    rows=monitor_rows,
    primary_key=("tipo", "id"),
    foreign_keys=(ForeignKey(("compromiso",), "compromisos", ("codigo",)),),
    keywords=("monitoreo independiente", "FCD", "IRM", "rendición de cuentas", "compromisos"),
    modified=monitor_modified,
)

REUNIONES = Dataset(
    key="reuniones",
    title=_("Meetings of the participation spaces"),
    description=_(
        "Published meetings of the plan's participation spaces (co-creation workshops, steering committee, "
        "technical working groups, citizen assemblies): date, place, agenda, minutes, and the address and "
        "SHA-256 of the signed minutes."
    ),
    theme="meetings",
    columns=(
        Column("slug", "string", _("Identifier of the meeting: the last part of its address."), required=True),
        Column("tipo", "string", _coded(_("Kind of meeting"), Meeting.Kind), required=True),
        Column("titulo_es", "string", _("Title in Spanish."), required=True),
        Column("titulo_qu", "string", _("Title in Kichwa.")),
        Column("fecha", "date", _("First day of the meeting."), required=True),
        Column("fecha_fin", "date", _("Last day, for a meeting over several days.")),
        Column("lugar_es", "string", _("Place in Spanish.")),
        Column("lugar_qu", "string", _("Place in Kichwa.")),
        Column("canton", "string", CANTON),
        Column("plan", "string", _("Identifier of the action plan it belongs to.")),
        Column("eje", "string", _coded(_("Thematic axis"), Axis)),
        Column("resumen_es", "string", _("Summary in Spanish.")),
        Column("resumen_qu", "string", _("Summary in Kichwa.")),
        Column("orden_del_dia_es", "string", _("Agenda in Spanish, one item per line.")),
        Column("orden_del_dia_qu", "string", _("Agenda in Kichwa, one item per line.")),
        Column("acta_es", "string", _("Minutes as text in Spanish.")),
        Column("acta_qu", "string", _("Minutes as text in Kichwa.")),
        Column("acta_firmada_url", "string", _("Address of the signed minutes (PDF), when there are some.")),
        Column("acta_firmada_sha256", "string", SHA256),
        Column("acta_firmada_tamano_bytes", "integer", SIZE),
        Column("url", "string", PAGE, required=True),
    ),
    rows=meeting_rows,
    primary_key=("slug",),
    foreign_keys=(ForeignKey(("canton",), "cantones", ("codigo",)),),
    keywords=("reuniones", "participación ciudadana", "comité de seguimiento", "talleres", "actas"),
    modified=meetings_modified,
)

ASISTENCIA = Dataset(
    key="asistencia",
    title=_("Attendance at the meetings"),
    description=_(
        "How many people attended each published meeting, counted by gender and by sector, as the plan "
        "reports its workshops. Counts only, never names."
    ),
    theme="meetings",
    columns=(
        Column("reunion", "string", _("Identifier of the meeting (dataset “reuniones”)."), required=True),
        Column(
            "dimension", "string", _coded(_("What people are counted by"), MeetingAttendance.Dimension), required=True
        ),
        Column("categoria", "string", _coded(_("Category"), MeetingAttendance.Category), required=True),
        Column("personas", "integer", _("People of that category who attended."), required=True),
    ),
    rows=attendance_rows,
    primary_key=("reunion", "dimension", "categoria"),
    foreign_keys=(ForeignKey(("reunion",), "reuniones", ("slug",)),),
    keywords=("reuniones", "asistencia", "género", "participación ciudadana"),
    modified=meetings_modified,
)

ACUERDOS = Dataset(
    key="acuerdos",
    title=_("Agreements of the meetings"),
    description=_(
        "The agreements reached at published meetings (the agreements register): who is responsible, by when, "
        "how each stands, and the commitment it concerns."
    ),
    theme="meetings",
    columns=(
        Column("reunion", "string", _("Identifier of the meeting (dataset “reuniones”)."), required=True),
        Column("numero", "integer", _("Number of the agreement within its meeting."), required=True),
        Column("fecha_reunion", "date", _("First day of the meeting."), required=True),
        Column("acuerdo_es", "string", _("The agreement in Spanish."), required=True),
        Column("acuerdo_qu", "string", _("The agreement in Kichwa.")),
        Column("institucion", "string", _("Identifier of the responsible institution (dataset “instituciones”).")),
        Column("institucion_nombre", "string", _("Name of the responsible institution in Spanish.")),
        Column("responsable_es", "string", _("Who else is responsible, in Spanish (an organisation or group).")),
        Column("responsable_qu", "string", _("Who else is responsible, in Kichwa.")),
        Column("fecha_limite", "date", _("Day by which it is due.")),
        Column("estado", "string", _coded(_("Status"), Agreement.Status), required=True),
        Column("vencido", "boolean", _("True when its due day has passed while it is still open."), required=True),
        Column("nota_estado_es", "string", _("How it stands, in Spanish.")),
        Column("nota_estado_qu", "string", _("How it stands, in Kichwa.")),
        Column("compromiso", "string", COMMITMENT),
    ),
    rows=agreement_rows,
    primary_key=("reunion", "numero"),
    foreign_keys=(
        ForeignKey(("reunion",), "reuniones", ("slug",)),
        ForeignKey(("institucion",), "instituciones", ("slug",)),
        ForeignKey(("compromiso",), "compromisos", ("codigo",)),
    ),
    keywords=("acuerdos", "reuniones", "seguimiento", "compromisos"),
    modified=agreements_modified,
)

RESULTADOS_DE_ENCUESTAS = Dataset(
    key="resultados-de-encuestas",
    title=_("Survey results"),
    description=_(
        "Results of the closed surveys: for every choice question and every 1-to-5 scale, how many people chose "
        "each option. Answers that moderators rejected or hid are not counted; free-text answers are never "
        "included."
    ),
    theme="participation",
    columns=(
        Column("encuesta", "string", _("Identifier of the survey: the last part of its address."), required=True),
        Column("titulo_encuesta_es", "string", _("Title of the survey in Spanish."), required=True),
        Column("titulo_encuesta_qu", "string", _("Title of the survey in Kichwa.")),
        Column("abre_el", "datetime", _("When the survey opened."), required=True),
        Column("cierra_el", "datetime", _("When the survey closed."), required=True),
        Column("respuestas", "integer", _("People who answered the survey."), required=True),
        Column("compromiso", "string", COMMITMENT),
        Column("pregunta", "integer", _("Number of the question within the survey."), required=True),
        Column("tipo_pregunta", "string", _coded(_("Kind of question"), Question.Kind), required=True),
        Column("pregunta_es", "string", _("The question in Spanish."), required=True),
        Column("pregunta_qu", "string", _("The question in Kichwa.")),
        Column("respondieron", "integer", _("People who answered this question."), required=True),
        Column(
            "opcion",
            "integer",
            _("Number of the option within the question, or the point of the 1-to-5 scale."),
            required=True,
        ),
        Column("opcion_es", "string", _("The option in Spanish."), required=True),
        Column("opcion_qu", "string", _("The option in Kichwa.")),
        Column("personas", "integer", _("People who chose this option."), required=True),
        Column(
            "porcentaje",
            "number",
            _(
                "Share of the people who answered the question, in percent with one decimal (a multiple-choice "
                "question's add up to more than 100)."
            ),
        ),
        Column("promedio", "number", _("For a 1-to-5 scale: the average point, with two decimals.")),
        Column("datos_de_ejemplo", "boolean", EXAMPLE, required=True),
    ),
    rows=survey_result_rows,
    primary_key=("encuesta", "pregunta", "opcion"),
    foreign_keys=(ForeignKey(("compromiso",), "compromisos", ("codigo",)),),
    keywords=("encuestas", "consulta ciudadana", "participación ciudadana", "resultados"),
    modified=surveys_modified,
)

INFORMES = Dataset(
    key="informes",
    title=_("Progress reports"),
    description=_(
        "The published progress reports of the action plan, quarterly and annual: period, version, publication "
        "date and summary. A correction is a new version that names the one it corrects."
    ),
    theme="reports",
    columns=(
        Column("informe", "string", _("Identifier of the report: the last part of its address."), required=True),
        Column("tipo", "string", _coded(_("Kind of report"), Report.Kind), required=True),
        Column("periodo", "string", _("Period it reports on: 2025-Q3 for a quarter, 2025 for a year."), required=True),
        Column("inicio_periodo", "date", _("First day of the period."), required=True),
        Column("fin_periodo", "date", _("Last day of the period."), required=True),
        Column("version", "integer", _("Version: 1, or higher for a correction."), required=True),
        Column("publicado_el", "datetime", _("When it was published."), required=True),
        Column("corrige_a", "string", _("For a correction: the identifier of the version it corrects.")),
        Column("corregido_el", "datetime", _("When a later version corrected it; empty while it is current.")),
        Column("resumen_es", "string", _("Summary of the period in Spanish.")),
        Column("resumen_qu", "string", _("Summary of the period in Kichwa.")),
        Column("nota_de_correccion_es", "string", _("For a correction: what it corrects and why, in Spanish.")),
        Column("nota_de_correccion_qu", "string", _("For a correction: what it corrects and why, in Kichwa.")),
        Column("url", "string", PAGE, required=True),
        Column("datos_de_ejemplo", "boolean", _("True when the report holds example data."), required=True),
    ),
    rows=report_rows,
    primary_key=("informe",),
    foreign_keys=(ForeignKey(("corrige_a",), "informes", ("informe",)),),
    frequency="quarterly",
    keywords=("informes de avance", "rendición de cuentas", "plan de acción", "gobierno abierto"),
    modified=reports_modified,
)

ARCHIVOS_DE_INFORMES = Dataset(
    key="archivos-de-informes",
    title=_("Files of the progress reports"),
    description=_(
        "The files of each published progress report: its PDF in Spanish and in Kichwa, its data in JSON and CSV, "
        "and for a quarterly report its bulletins to print (one per canton and language) and its radio pack (ZIP), "
        "with the size and SHA-256 that let anyone check that the copy they hold is the one published."
    ),
    theme="reports",
    columns=(
        Column("archivo", "string", _("Name of the file, as it is downloaded."), required=True),
        Column("informe", "string", _("Identifier of the report (dataset “informes”)."), required=True),
        Column("formato", "string", _("Format of the file: pdf, json, csv or zip (a radio pack)."), required=True),
        Column(
            "idioma",
            "string",
            _("Language of a PDF: es (Spanish) or qu (Kichwa); data files and radio packs hold both."),
        ),
        Column("paginas", "integer", _("Pages of a PDF.")),
        Column("tamano_bytes", "integer", SIZE, required=True),
        Column("sha256", "string", SHA256, required=True),
        Column("url", "string", _("Address the file is downloaded from."), required=True),
        Column("generado_el", "datetime", _("When a PDF was rendered.")),
    ),
    rows=report_file_rows,
    primary_key=("archivo",),
    foreign_keys=(ForeignKey(("informe",), "informes", ("informe",)),),
    frequency="quarterly",
    keywords=("informes de avance", "PDF", "SHA-256", "rendición de cuentas"),
    modified=report_files_modified,
)

OBRAS_VIALES = Dataset(
    key="obras-viales",
    title=_("Road works"),
    description=_(
        "The published road works of the Provincial Government: kind, status, places, length, budget, amount "
        "paid, physical progress, dates, who executes them and their procurement codes."
    ),
    theme="roads",
    columns=(
        Column("codigo", "string", _("Code of the road work."), required=True),
        Column("nombre_es", "string", _("Name in Spanish."), required=True),
        Column("nombre_qu", "string", _("Name in Kichwa.")),
        Column("tipo", "string", _coded(_("Kind of work"), WorkKind), required=True),
        Column("estado", "string", _coded(_("Status, as OC4IDS names it"), WorkStatus), required=True),
        Column("cantones", "string", _("Cantons it runs through, separated by “; ”.")),
        Column("parroquias", "string", _("Parishes it runs through, separated by “; ”.")),
        Column("comunidades", "string", _("Communities it serves, separated by “; ”.")),
        Column("longitud_km", "number", _("Length in kilometres.")),
        Column("presupuesto", "number", _("Budget in US dollars.")),
        Column("monto_pagado", "number", _("Amount paid to date in US dollars.")),
        Column(
            "avance_fisico",
            "integer",
            _("Physical progress in percent (latest published observation)."),
            required=True,
        ),
        Column("avance_al", "date", _("Day of the latest published observation of its progress.")),
        Column("inicio_previsto", "date", _("Planned start.")),
        Column("fin_previsto", "date", _("Planned end.")),
        Column("inicio_real", "date", _("Actual start.")),
        Column("fin_real", "date", _("Actual end.")),
        Column("ejecutor", "string", _coded(_("Who executes it"), Executor), required=True),
        Column("contratista", "string", _("Name of the contractor, for a contracted work.")),
        Column("ruc", "string", _("Tax number (RUC) of the contractor.")),
        Column("financiamiento", "string", _coded(_("Source of the financing"), Financing)),
        Column("proceso", "string", _("Code of the public procurement process (SERCOP).")),
        Column("ocid", "string", _("Identifier of the process in Ecuador's OCDS publication.")),
        Column("territorio_indigena", "boolean", _("True when it crosses indigenous territory."), required=True),
        Column("consulta_previa", "boolean", _("True when a prior consultation was held."), required=True),
        Column("compromiso", "string", COMMITMENT),
        Column("url", "string", PAGE, required=True),
        Column("datos_de_ejemplo", "boolean", EXAMPLE, required=True),
    ),
    rows=road_work_rows,
    primary_key=("codigo",),
    foreign_keys=(ForeignKey(("compromiso",), "compromisos", ("codigo",)),),
    keywords=("vialidad", "obras públicas", "OC4IDS", "infraestructura", "contratación pública"),
    modified=lambda: _latest_update(RoadWork),
)

AVANCE_DE_OBRAS = Dataset(
    key="avance-de-obras",
    title=_("Progress of the road works"),
    description=_("The dated observations of each published road work's physical progress and amount paid."),
    theme="roads",
    columns=(
        Column("codigo_obra", "string", _("Code of the road work (dataset “obras-viales”)."), required=True),
        Column("nombre_obra_es", "string", _("Name of the road work in Spanish."), required=True),
        Column("fecha", "date", _("Day of the observation."), required=True),
        Column("avance_fisico", "integer", _("Physical progress in percent on that day."), required=True),
        Column("monto_pagado", "number", _("Amount paid by that day in US dollars.")),
        Column("nota_es", "string", _("Note in Spanish.")),
        Column("nota_qu", "string", _("Note in Kichwa.")),
        Column("url", "string", _("Address of the road work's page on the portal (Spanish)."), required=True),
        Column("datos_de_ejemplo", "boolean", EXAMPLE, required=True),
    ),
    rows=road_progress_rows,
    primary_key=("codigo_obra", "fecha"),
    foreign_keys=(ForeignKey(("codigo_obra",), "obras-viales", ("codigo",)),),
    keywords=("vialidad", "obras públicas", "avance físico", "seguimiento"),
    modified=road_progress_modified,
)

SOLICITUDES_VIALES = Dataset(
    key="solicitudes-viales",
    title=_("Road requests"),
    description=_(
        "Problems on the roads reported by citizens or gathered by staff, once a moderator made them public: "
        "kind, place, status and the road work that answers them. Nothing about who reported them."
    ),
    theme="roads",
    columns=(
        Column("codigo", "string", _("Tracking code of the request, as its public page shows it."), required=True),
        Column("tipo", "string", _coded(_("Problem reported"), RoadRequest.Kind), required=True),
        Column("canton", "string", _("Name of the canton.")),
        Column("parroquia_inec", "string", _("INEC code of the parish (dataset “parroquias”)."), required=True),
        Column("parroquia", "string", _("Name of the parish.")),
        Column("comunidad", "string", _("Community or sector.")),
        Column("estado", "string", _coded(_("Status"), RoadRequest.Status), required=True),
        Column("recibida_el", "date", _("Day it was received."), required=True),
        Column("arreglada_el", "date", _("Day it was fixed.")),
        Column(
            "obra_que_responde",
            "string",
            _("Code of the published road work that fixes it (dataset “obras-viales”)."),
        ),
        Column("url", "string", PAGE, required=True),
    ),
    rows=road_request_rows,
    primary_key=("codigo",),
    foreign_keys=(
        ForeignKey(("parroquia_inec",), "parroquias", ("codigo",)),
        ForeignKey(("obra_que_responde",), "obras-viales", ("codigo",)),
    ),
    keywords=("vialidad", "pedidos ciudadanos", "baches", "derrumbes", "Open311"),
    modified=lambda: _latest_update(RoadRequest),
)

register(
    PARTICIPACION,
    RESPUESTAS_PUBLICAS,
    EVALUACIONES,
    EVALUACIONES_DEL_MONITOR,
    RESULTADOS_DE_ENCUESTAS,
    REUNIONES,
    ASISTENCIA,
    ACUERDOS,
    INFORMES,
    ARCHIVOS_DE_INFORMES,
    OBRAS_VIALES,
    AVANCE_DE_OBRAS,
    SOLICITUDES_VIALES,
)


# The glossary of Kichwa terms (kichwa.glossary): the rows its page and CSV show.


def glossary_dataset_rows() -> list[dict[str, Any]]:
    return _in_order(glossary_rows(), GLOSARIO_KICHWA)


GLOSARIO_KICHWA = Dataset(
    key="glosario-kichwa",
    title=_("Glossary of Kichwa terms"),
    description=_(
        "The portal's key terms in Spanish and Kichwa, with their meaning, where each Kichwa term comes from and "
        "whether the community has reviewed it."
    ),
    theme="plan",
    columns=(
        Column("termino_es", "string", _("Term in Spanish."), required=True),
        Column("termino_qu", "string", _("Term in Kichwa, as its source gives it."), required=True),
        Column("significado_es", "string", _("What the term means on the portal, in Spanish.")),
        Column(
            "fuente",
            "string",
            _("Where the Kichwa term comes from: a dictionary, a public translation file, an organisation."),
            required=True,
        ),
        Column("estado", "string", _coded(_("Review state"), ReviewState), required=True),
        Column("revisado_por", "string", _("Organisation that reviewed the term, once approved.")),
        Column("revisado_el", "date", _("Day the term was approved.")),
    ),
    rows=glossary_dataset_rows,
    primary_key=("termino_es",),
    keywords=("kichwa", "glosario", "traducción", "lenguas indígenas"),
    modified=glossary_modified,
)

register(GLOSARIO_KICHWA)
