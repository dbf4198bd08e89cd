"""No control character is stored, whatever the entry point: an admin form, a spreadsheet import, a citizen's
form, a script's save. The line break and the tab stay; JSON data is left as it is."""

import pytest

from commitments.models import ChangeRecord, Commitment, Milestone
from conecta.text import clean_text, strip_control_characters
from tests.commitments.admin_helpers import admin_url, form_data, import_confirm, import_preview, spreadsheet
from tests.factories import MilestoneFactory
from tests.feedback.factories import SuggestionFactory


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("hola\x00mundo", "holamundo"),
        ("línea 1\r\nlínea 2\rlínea 3", "línea 1\nlínea 2\nlínea 3"),
        ("tab\tkept", "tab\tkept"),
        ("bell\x07 escape\x1b[31m del\x7f c1\x85", "bell escape[31m del c1"),
        ("  Ñukanchik llakta 🙂👩🏽‍🌾  ", "  Ñukanchik llakta 🙂👩🏽‍🌾  "),
        ("مرحبا \u202eRTL\u202c שלום", "مرحبا \u202eRTL\u202c שלום"),
    ],
)
def test_control_characters_go_and_everything_else_stays(raw, stored):
    assert strip_control_characters(raw) == stored


def test_the_public_forms_clean_text_is_the_same_function():
    from feedback import protection

    assert protection.clean_text is clean_text
    assert clean_text("  Rosa\x01\nGualinga\tT.  ", multiline=False) == "Rosa Gualinga T."


@pytest.mark.django_db
def test_a_control_character_typed_into_an_admin_form_is_not_stored(planner_client, commitment):
    page = planner_client.get(admin_url("commitment", "change", commitment.pk))
    data = form_data(page, title_es="Compromiso\x01 ambiental\x1b", problem_es="Primera línea\x07\nsegunda\tlínea")
    data["publish_without_kichwa"] = "on"  # it is published and its Kichwa is not written (commitments.staff)

    response = planner_client.post(admin_url("commitment", "change", commitment.pk), data)

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.title_es, commitment.problem_es) == ("Compromiso ambiental", "Primera línea\nsegunda\tlínea")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_control_character_in_an_imported_cell_is_not_stored(planner_client, commitment, fmt):
    milestone = MilestoneFactory(commitment=commitment, order=1)
    row = {
        "id": milestone.pk, "compromiso": commitment.code, "orden": 1, "peso": 1, "titulo_es": "Hito\x07 limpio\x1b",
        "inicio": "2025-02-01", "vencimiento": "2025-12-31", "nivel_irm": milestone.level,
        "avance": milestone.progress, "publicado": "sí", "datos_de_ejemplo": "no",
    }
    if fmt == "xlsx":
        row["titulo_es"] = "Hito\x7f limpio\x9b"  # XML 1.0 (an XLSX sheet) can hold DEL and C1 controls only

    preview = import_preview(planner_client, "milestone", spreadsheet([row], fmt), f"hitos.{fmt}", fmt)
    import_confirm(planner_client, "milestone", preview)

    milestone.refresh_from_db()
    assert milestone.title_es == "Hito limpio"


@pytest.mark.django_db
def test_every_save_of_the_projects_own_models_cleans_text_fields(commitment):
    milestone = MilestoneFactory(commitment=commitment, order=1, title_es="Hito\x01 uno", title_qu="Ñawpa\x02")
    suggestion = SuggestionFactory(text="Sugerencia\x00 con\x1b control", name="Rosa\x07")
    Commitment.objects.filter(pk=commitment.pk).update(title_es="Antes\x01")  # update() bypasses save
    commitment.refresh_from_db()
    commitment.save()

    milestone.refresh_from_db()
    suggestion.refresh_from_db()
    commitment.refresh_from_db()
    assert (milestone.title_es, milestone.title_qu) == ("Hito uno", "Ñawpa")
    assert (suggestion.text, suggestion.name) == ("Sugerencia con control", "Rosa")
    assert commitment.title_es == "Antes"
    assert Milestone.objects.filter(title_es__contains="\x01").count() == 0


@pytest.mark.django_db
def test_json_data_is_left_as_it_is():
    record = ChangeRecord.objects.create(model="milestone", object_id=1, action="changed", changes={"t": ["\x01", ""]})

    record.refresh_from_db()
    assert record.changes == {"t": ["\x01", ""]}
