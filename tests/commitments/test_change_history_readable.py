"""The change history (the panel on a record's admin page and the change record list) reads as a person reads it:
field labels in the admin's language, related records by name, yes/no, choices and dates in words, lists as
sentences, and every time in America/Guayaquil. The records themselves keep what the save wrote."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.text import capfirst

from commitments.models import ChangeRecord, Commitment, Milestone, OgpValue
from tests.factories import MilestoneFactory

from .admin_helpers import admin_url, html, spanish

pytestmark = pytest.mark.django_db


def label(model, field: str, language: str = "es") -> str:
    with translation.override(language):
        return str(capfirst(model._meta.get_field(field).verbose_name))


def line(name: str, old: str | None, new: str) -> str:
    """One line of the history as the page writes it."""
    if old is None:
        return f"<strong>{html(name)}</strong>: {html(new)}"
    return f"<strong>{html(name)}</strong>: {html(old)} → {html(new)}"


def history(text: str) -> str:
    """The change history table of an admin page."""
    start = text.index('<table class="conecta-changelog">')
    return text[start : text.index("</table>", start)]


def change_page(client, commitment) -> str:
    response = client.get(admin_url("commitment", "change", commitment.pk))
    assert response.status_code == 200
    return response.text


def test_a_new_lead_department_reads_as_its_label_and_the_institution_name(planner_client, commitment, department,
                                                                            other_department):
    commitment.lead_department = other_department
    commitment.save()

    record = ChangeRecord.objects.filter(model="commitment", action="changed").get()
    assert record.changes == {"lead_department_id": [department.pk, other_department.pk]}  # stored as ids, as before
    text = change_page(planner_client, commitment)

    assert line(label(Commitment, "lead_department"), "Dirección de Gestión Ambiental (DGA)",
                "Dirección de Obras Públicas (DOP)") in text
    assert "lead_department_id" not in history(text)


def test_a_record_whose_related_object_is_gone_says_so(planner_client, commitment):
    ChangeRecord.objects.create(
        source="admin", action="changed", model="commitment", object_id=commitment.pk, object_repr=str(commitment),
        commitment_code=commitment.code, changes={"lead_department_id": [987654, None]},
    )

    text = change_page(planner_client, commitment)

    assert line(label(Commitment, "lead_department"), "#987654 (eliminado)", "—") in text


def test_booleans_choices_dates_and_translations_read_in_words(planner_client, commitment):
    milestone = MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico", progress=40,
                                 is_published=False)
    milestone.is_published, milestone.level = True, "complete"
    milestone.progress, milestone.completed_on = 100, milestone.due_on.replace(month=12, day=31)
    milestone.title_qu = "Rikuna"
    milestone.save()

    response = planner_client.get(admin_url("milestone", "change", milestone.pk))

    assert line(label(Milestone, "is_published"), "no", "sí") in response.text
    assert line(label(Milestone, "level"), "Limitado", "Completo") in response.text
    assert line(label(Milestone, "completed_on"), "—", f"31 de diciembre de {milestone.due_on.year}") in response.text
    assert line(f"{label(Milestone, 'title')} (kichwa)", "—", "Rikuna") in response.text
    assert "is_published" not in history(response.text) and "title_qu" not in history(response.text)


def test_a_creation_lists_the_values_it_set_without_arrows(planner_client, commitment):
    milestone = MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico", progress=40)

    response = planner_client.get(admin_url("milestone", "change", milestone.pk))

    assert line(label(Milestone, "commitment"), None, str(commitment)) in response.text
    assert line(label(Milestone, "progress"), None, "40") in response.text


def test_ogp_values_added_and_removed_read_as_sentences(planner_client, commitment):
    value = OgpValue.objects.create(code="civic-participation", name_es="Participación cívica")
    other = OgpValue.objects.create(code="access-to-information", name_es="Acceso a la información")
    commitment.ogp_values.add(value, other)
    commitment.ogp_values.remove(other)

    text = change_page(planner_client, commitment)

    name = label(Commitment, "ogp_values")
    assert line(name, None, "Se agregaron: Acceso a la información, Participación cívica") in text
    assert line(name, None, "Se quitó: Acceso a la información") in text
    assert "{&#x27;added&#x27;" not in text and "{'added'" not in text


def test_times_are_in_guayaquil_on_the_record_page_as_in_the_list(planner_client, commitment):
    record = ChangeRecord.objects.create(
        source="admin", action="changed", model="commitment", object_id=commitment.pk, object_repr=str(commitment),
        commitment_code=commitment.code, changes={"order": [1, 2]},
    )
    ChangeRecord.objects.filter(pk=record.pk).update(at=datetime(2026, 3, 1, 15, 30, tzinfo=UTC))

    text = change_page(planner_client, commitment)
    listed = planner_client.get(f"/admin/commitments/changerecord/?model=commitment&object_id={commitment.pk}").text

    assert "01/03/2026 10:30" in text  # 15:30 UTC is 10:30 in Puyo
    assert "15:30" not in text
    assert "1 de marzo de 2026, 10:30" in listed


def test_the_labels_follow_the_admins_language(planner_client, commitment, other_department):
    commitment.lead_department = other_department
    commitment.save()
    planner_client.cookies["conecta_lang"] = "qu"

    text = change_page(planner_client, commitment)

    assert f"<strong>{html(label(Commitment, 'lead_department', 'qu'))}</strong>" in text
    assert label(Commitment, "lead_department", "qu") != label(Commitment, "lead_department", "es")


def test_the_change_record_list_names_related_records_in_one_query_per_model(planner_client, commitment, gad,
                                                                             department, other_department):
    def listing() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = planner_client.get("/admin/commitments/changerecord/?model=commitment")
        assert response.status_code == 200
        return len(queries.captured_queries)

    commitment.lead_department = other_department
    commitment.save()
    few = listing()
    for n in range(12):
        commitment.lead_department = department if n % 2 else other_department
        commitment.order = 10 + n
        commitment.save()
    many = listing()

    assert many == few
    text = planner_client.get("/admin/commitments/changerecord/?model=commitment").text
    assert text.count(html("Dirección de Obras Públicas (DOP)")) >= 12
    assert spanish("#%(id)s (deleted)", id=department.pk) not in text


def test_the_change_record_list_names_the_record_type_and_the_way_in_as_staff_read_them(planner_client, commitment):
    MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico")

    response = planner_client.get("/admin/commitments/changerecord/?model=milestone")

    assert response.status_code == 200
    assert [r.model for r in response.context["cl"].result_list] == ["milestone"]
    assert '<td class="field-record_type">Hito</td>' in response.text
    assert f'<td class="field-through">{html(spanish("The portal itself"))}</td>' in response.text
    assert html(spanish("Server command")) in response.text  # a choice of the "through" filter
    assert '<td class="field-model">' not in response.text


def test_one_change_records_page_reads_like_the_list(planner_client, commitment, other_department):
    commitment.lead_department = other_department
    commitment.save()
    record = ChangeRecord.objects.filter(model="commitment", action="changed").get()
    ChangeRecord.objects.filter(pk=record.pk).update(at=datetime(2026, 3, 1, 15, 30, tzinfo=UTC))
    record.refresh_from_db()

    response = planner_client.get(f"/admin/commitments/changerecord/{record.pk}/change/")

    assert response.status_code == 200
    assert line(label(Commitment, "lead_department"), "Dirección de Gestión Ambiental (DGA)",
                "Dirección de Obras Públicas (DOP)") in response.text
    assert "lead_department_id" not in response.text
    assert str(record).startswith("2026-03-01 10:30 ")  # the title and breadcrumbs: Puyo's time too
    assert "15:30" not in response.text
