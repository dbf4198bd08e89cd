"""A spreadsheet import does exactly what the same user may do in the admin form, field by field: a row that
changes a column the form shows read-only (or not at all), or adds a record the user may not add, is refused by
the column's name and nothing is written; the planner's same file passes."""

import pytest
import tablib
from django.contrib.auth.models import Group, Permission

from commitments.admin import MilestoneAdmin
from commitments.resources import MilestoneResource
from tests.factories import MilestoneFactory, StaffProfileFactory, UserFactory

from .admin_helpers import import_confirm, import_preview, milestone_row, row_errors, spanish, spreadsheet, state

pytestmark = pytest.mark.django_db

READ_ONLY = "You may not change this column: the form does not let you change it either."
COMMITMENT_COLUMNS = ["codigo", "titulo_es", "eje", "institucion_lider", "departamento_lider", "inicio", "fin",
                      "publicado"]


@pytest.fixture
def draft(commitment):
    """A draft milestone of the implementer's commitment."""
    return MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico", is_published=False)


def commitment_row(commitment, **changes) -> dict:
    row = {
        "codigo": commitment.code, "titulo_es": commitment.title_es, "eje": commitment.axis,
        "institucion_lider": commitment.lead_institution.acronym,
        "departamento_lider": commitment.lead_department.acronym, "inicio": commitment.starts_on.isoformat(),
        "fin": commitment.ends_on.isoformat(), "publicado": "sí" if commitment.is_published else "no",
    }
    row.update(changes)
    return row


def refused(response) -> dict[str, list[str]]:
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    [invalid] = response.context["result"].invalid_rows
    return row_errors(invalid)


def test_an_implementer_cannot_publish_a_milestone_by_import(implementer_client, draft):
    content = spreadsheet([milestone_row(draft, avance=60, nivel_irm="substantial", publicado="sí")], "csv")
    before = state()

    response = import_preview(implementer_client, "milestone", content, "hitos.csv", "csv")

    assert refused(response) == {"publicado": [spanish(READ_ONLY)]}
    assert state() == before


def test_the_planner_may_publish_with_the_same_file(planner_client, draft):
    content = spreadsheet([milestone_row(draft, avance=60, nivel_irm="substantial", publicado="sí")], "csv")

    preview = import_preview(planner_client, "milestone", content, "hitos.csv", "csv")
    import_confirm(planner_client, "milestone", preview)

    draft.refresh_from_db()
    assert (draft.is_published, draft.progress) == (True, 60)


def test_an_implementer_may_import_a_file_that_leaves_read_only_columns_as_they_are(implementer_client, draft):
    content = spreadsheet([milestone_row(draft, avance=60, nivel_irm="substantial")], "xlsx")

    preview = import_preview(implementer_client, "milestone", content, "hitos.xlsx", "xlsx")
    import_confirm(implementer_client, "milestone", preview)

    draft.refresh_from_db()
    assert (draft.is_published, draft.progress) == (False, 60)


def test_an_implementer_cannot_add_a_published_milestone(implementer_client, commitment, draft):
    new = milestone_row(draft, id="", orden=2, titulo_es="Hito publicado por su cuenta", publicado="sí")
    before = state()

    response = import_preview(implementer_client, "milestone", spreadsheet([new], "csv"), "hitos.csv", "csv")

    assert refused(response) == {"publicado": [spanish(READ_ONLY)]}
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "column"),
    [({"departamento_lider": "DOP"}, "departamento_lider"), ({"publicado": "no"}, "publicado"),
     ({"institucion_lider": "DOP"}, "institucion_lider")],
)
def test_an_implementer_cannot_change_who_leads_a_commitment_or_whether_it_is_public(
    implementer_client, commitment, other_department, changes, column
):
    content = spreadsheet([commitment_row(commitment, **changes)], "csv", COMMITMENT_COLUMNS)
    before = state()

    response = import_preview(implementer_client, "commitment", content, "compromisos.csv", "csv")

    assert refused(response) == {column: [spanish(READ_ONLY)]}
    assert state() == before


def test_every_forbidden_column_of_a_row_is_named(implementer_client, commitment, other_department):
    row = commitment_row(commitment, titulo_es="Nuevo título", departamento_lider="DOP", publicado="no")
    content = spreadsheet([row], "csv", COMMITMENT_COLUMNS)

    response = import_preview(implementer_client, "commitment", content, "compromisos.csv", "csv")

    assert set(refused(response)) == {"departamento_lider", "publicado"}


def test_the_planner_may_change_the_lead_with_the_same_file(planner_client, commitment, other_department):
    content = spreadsheet([commitment_row(commitment, departamento_lider="DOP")], "csv", COMMITMENT_COLUMNS)

    preview = import_preview(planner_client, "commitment", content, "compromisos.csv", "csv")
    import_confirm(planner_client, "commitment", preview)

    commitment.refresh_from_db()
    assert commitment.lead_department == other_department


def test_a_user_who_may_not_add_milestones_cannot_add_one_by_import(client, department, commitment, draft):
    """The admin's has_add_permission decides, as it hides the form's "Add" button."""
    group = Group.objects.create(name="Solo edición")
    group.permissions.add(*Permission.objects.filter(codename__in=["view_milestone", "change_milestone"]))
    editor = UserFactory(username="solo-edicion")
    editor.groups.add(group)
    StaffProfileFactory(user=editor, institution=department)
    client.force_login(editor)
    new = milestone_row(draft, id="", orden=2, titulo_es="Hito nuevo", publicado="no")
    before = state()

    response = import_preview(client, "milestone", spreadsheet([new], "csv"), "hitos.csv", "csv")

    assert refused(response) == {"id": [spanish("You may not add records of this kind.")]}
    assert state() == before


def test_the_import_follows_the_admin_rules_as_they_change(implementer_client, draft, monkeypatch):
    """One source of truth: what the admin makes read-only, the import refuses (a translated column follows its
    field: titulo_es is the title)."""
    original = MilestoneAdmin.get_readonly_fields

    def title_read_only(self, request, obj=None):
        return [*original(self, request, obj), "title"]

    monkeypatch.setattr(MilestoneAdmin, "get_readonly_fields", title_read_only)
    content = spreadsheet([milestone_row(draft, titulo_es="Otro título")], "csv")

    response = import_preview(implementer_client, "milestone", content, "hitos.csv", "csv")

    assert refused(response) == {"titulo_es": [spanish(READ_ONLY)]}


def test_an_import_run_for_a_user_without_the_admin_follows_the_same_rules(implementer, draft):
    dataset = tablib.Dataset().load(spreadsheet([milestone_row(draft, publicado="sí")], "csv").decode(), format="csv")
    before = state()

    result = MilestoneResource().import_data(dataset, dry_run=False, user=implementer)

    [invalid] = result.invalid_rows
    assert row_errors(invalid) == {"publicado": [spanish(READ_ONLY)]}
    assert state() == before


def test_an_import_with_no_user_acts_for_the_planning_directorate(draft):
    """Management commands and benchmarks."""
    dataset = tablib.Dataset().load(spreadsheet([milestone_row(draft, publicado="sí")], "csv").decode(), format="csv")

    result = MilestoneResource().import_data(dataset, dry_run=False)

    assert not result.has_validation_errors()
    draft.refresh_from_db()
    assert draft.is_published
