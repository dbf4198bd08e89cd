"""The admin's messages after an add, a change or a delete are whole sentences of the model (conecta.admin_messages):
in Spanish they agree in gender ("La actualización de avance … se agregó", never "El actualización … fue
agregado"), in Kichwa they are Kichwa; every project admin says them."""

import re
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import translation

from commitments.models import Indicator, Milestone, ProgressUpdate
from commitments.staff import ReadOnlyAdminMixin
from conecta.admin_messages import NEUTRAL, AdminMessagesMixin, registered_models, sentences_for
from feedback.models import Moderation, Suggestion
from reports import services as report_services
from reports.models import Report
from reports.periods import Period
from tests.commitments.admin_helpers import form_data
from tests.factories import MilestoneFactory, ProgressUpdateFactory
from tests.feedback.factories import SuggestionFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {
    "conecta", "commitments", "meetings", "feedback", "surveys", "roads", "reports", "opendata", "axes", "otp_totp"
}
# What Django's own Spanish says, which these sentences replace, and the articles it got wrong.
WRONG = re.compile(
    r"\bEl (actualizaci|sugerencia|evaluaci|encuesta|pregunta|reuni|respuesta|réplica|verificaci|valoraci|"
    r"parroquia|instituci)|\bLa (hito|compromiso|indicador|informe|acuerdo|comentario)|agregad[oa]|fue "
    r"(agregad|modificad|eliminad)|editarlo|otro (actualizaci|sugerencia|encuesta)|correctamente|successfully"
)


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def url(app: str, model: str, *parts) -> str:
    return "/".join(["", "admin", app, model, *[str(p) for p in parts], ""])


def check(messages: list[str]) -> None:
    assert messages
    for message in messages:
        assert not WRONG.search(message), message


def only_sentence(messages: list[str]) -> str:
    check(messages)
    return [m for m in messages if "“" in m or "Se eliminaron" in m or "Se eliminó" in m][-1]


def test_adding_a_progress_update_says_it_in_the_feminine(planner_client, commitment):
    add = url("commitments", "progressupdate", "add")
    page = planner_client.get(f"{add}?commitment={commitment.pk}")
    data = form_data(page, commitment=commitment.pk, occurred_on="2026-03-02", title_es="Talleres", text_es="Texto.")

    response = planner_client.post(add, data, follow=True)

    update = ProgressUpdate.objects.get(title_es="Talleres")
    sentence = only_sentence(said(response))
    assert sentence.startswith("La actualización de avance “<a href=")
    assert sentence.endswith(f">{update}</a>” se agregó.")


def test_changing_a_progress_update_and_going_on_editing(planner_client, commitment):
    update = ProgressUpdateFactory(commitment=commitment, is_published=False, title_es="Avance")
    change = url("commitments", "progressupdate", update.pk, "change")
    data = form_data(planner_client.get(change), text_es="Otro texto.", _continue="1")

    response = planner_client.post(change, data, follow=True)

    sentence = only_sentence(said(response))
    assert sentence.startswith("Se guardaron los cambios de la actualización de avance “<a href=")
    assert sentence.endswith(f"{update}</a>”. Abajo puede seguir editando.")


def test_adding_a_milestone_and_another(planner_client, commitment):
    add = url("commitments", "milestone", "add")
    data = form_data(planner_client.get(add), commitment=commitment.pk, order=5, weight=1, title_es="Vivero",
                     starts_on="2026-01-05", due_on="2026-06-30", level="not_started", progress=0,
                     _addanother="1")

    response = planner_client.post(add, data, follow=True)

    milestone = Milestone.objects.get(title_es="Vivero")
    sentence = only_sentence(said(response))
    assert sentence.startswith("El hito “<a href=")
    assert sentence.endswith(f">{milestone}</a>” se agregó. Abajo puede agregar otro registro.")


def test_deleting_a_milestone_one_by_one_and_in_bulk(planner_client, commitment):
    drafts = [MilestoneFactory(commitment=commitment, is_published=False, title_es=f"Borrador {n}") for n in range(3)]
    first = str(drafts[0])

    response = planner_client.post(url("commitments", "milestone", drafts[0].pk, "delete"), {"post": "yes"},
                                   follow=True)
    assert only_sentence(said(response)) == f"El hito “{first}” se eliminó."

    response = planner_client.post(
        url("commitments", "milestone"),
        {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [m.pk for m in drafts[1:]]},
        follow=True,
    )
    assert only_sentence(said(response)) == "Se eliminaron 2 hitos."
    assert not Milestone.objects.filter(pk__in=[m.pk for m in drafts]).exists()


def test_deleting_one_progress_update_in_bulk(planner_client, commitment):
    draft = ProgressUpdateFactory(commitment=commitment, is_published=False)

    response = planner_client.post(
        url("commitments", "progressupdate"),
        {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [draft.pk]},
        follow=True,
    )

    assert only_sentence(said(response)) == "Se eliminó 1 actualización de avance."


def test_changing_a_suggestion_says_it_in_the_feminine(planner_client):
    suggestion = SuggestionFactory(moderation=Moderation.APPROVED)
    change = url("feedback", "suggestion", suggestion.pk, "change")
    data = form_data(planner_client.get(change), status=Suggestion.Status.UNDER_REVIEW, _continue="1")

    response = planner_client.post(change, data, follow=True)

    sentence = only_sentence(said(response))
    assert sentence.startswith("Se guardaron los cambios de la sugerencia, queja o pregunta “<a href=")
    assert sentence.endswith(" Abajo puede seguir editando.")


def test_adding_an_offline_suggestion_says_it_in_the_feminine(planner_client, commitment):
    add = url("feedback", "suggestion", "add")
    data = form_data(planner_client.get(add), kind="suggestion", text="Más talleres en Curaray.",
                     commitment=commitment.pk, channel="assembly", language="es", received_on="2026-01-05")

    response = planner_client.post(add, data, follow=True)

    suggestion = Suggestion.objects.get()
    sentence = only_sentence(said(response))
    assert sentence.startswith("La sugerencia, queja o pregunta “")
    assert sentence.endswith(f"{suggestion}</a>” se agregó.") or sentence.endswith(f"{suggestion}” se agregó.")


def test_changing_an_indicator(planner_client, commitment):
    indicator = Indicator.objects.create(
        commitment=commitment, order=1, name_es="Plantas producidas", unit_es="plantas", baseline_value=0,
        baseline_on=date(2024, 12, 31), target_value=100, target_on=date(2027, 2, 28), is_published=False,
    )
    change = url("commitments", "indicator", indicator.pk, "change")
    data = form_data(planner_client.get(change), name_es="Plantas entregadas")

    response = planner_client.post(change, data, follow=True)

    indicator.refresh_from_db()
    assert only_sentence(said(response)).startswith("Se guardaron los cambios del indicador “<a href=")


def test_changing_and_deleting_a_draft_report(planner_client, plan, commitment, settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"
    report = report_services.report_draft_for_period(plan=plan, period=Period(2025, 3))
    change = url("reports", "report", report.pk, "change")
    data = form_data(planner_client.get(change), summary_es="Resumen del trimestre.")

    changed = planner_client.post(change, data, follow=True)
    deleted = planner_client.post(url("reports", "report", report.pk, "delete"), {"post": "yes"}, follow=True)

    assert only_sentence(said(changed)).startswith("Se guardaron los cambios del informe de avance “<a href=")
    assert only_sentence(said(deleted)) == f"El informe de avance “{report}” se eliminó."
    assert not Report.objects.filter(pk=report.pk).exists()


def test_the_kichwa_admin_says_it_in_kichwa(planner_client, commitment):
    update = ProgressUpdateFactory(commitment=commitment, is_published=False)
    planner_client.cookies["conecta_lang"] = "qu"
    change = url("commitments", "progressupdate", update.pk, "change")

    response = planner_client.post(change, form_data(planner_client.get(change), text_es="Otro."), follow=True)

    sentence = [m for m in said(response) if "“" in m][-1]
    assert sentence.startswith("Ñawpaman rishkamanta willay “<a href=")
    assert sentence.endswith("” shukchiykunaka allichishkami.")


def test_every_project_admin_says_whole_sentences_of_its_own():
    missing = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS or isinstance(model_admin, ReadOnlyAdminMixin):
            continue
        if model._meta.app_label == "axes" and model._meta.model_name != "accessattempt":
            continue  # django-axes' own read-only logs
        if not isinstance(model_admin, AdminMessagesMixin) or sentences_for(model) is NEUTRAL:
            missing.append(model._meta.label)
    assert missing == []


@pytest.mark.parametrize("language", ["es", "qu"])
def test_every_sentence_is_translated(language):
    untranslated = []
    for label in sorted(registered_models()):
        model = next(m for m in admin.site._registry if m._meta.label_lower == label)
        sentences = sentences_for(model)
        for name in ("added", "changed", "deleted"):
            sentence = getattr(sentences, name)
            if sentence is None:
                continue
            with translation.override("en"):
                english = str(sentence)
            with translation.override(language):
                text = str(sentence)
            if text == english or "%(obj)s" not in text or (language == "es" and WRONG.search(text)):
                untranslated.append((label, name, text))
        if sentences.deleted_many is not None:
            with translation.override(language):
                one, two = (sentences.deleted_many % {"count": n} for n in (1, 2))
            if one == two or "deleted" in one or "deleted" in two:
                untranslated.append((label, "deleted_many", one))
    assert untranslated == []
