"""Who may do what in the staff admin: implementers are confined to their department's commitments, the
monitor (FCD) reads and exports everything and changes nothing."""

import pytest

from commitments.models import ChangeRecord, Milestone
from tests.factories import MilestoneFactory

from .admin_helpers import (
    admin_export,
    admin_url,
    form_data,
    import_preview,
    read_spreadsheet,
    row_messages,
    spanish,
    spreadsheet,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico ambiental", progress=40)


@pytest.fixture
def other_milestone(other_commitment):
    return MilestoneFactory(commitment=other_commitment, order=1, title_es="Inventario vial", progress=40)


def listed(response) -> list:
    return list(response.context["cl"].result_list)


# Implementers.


def test_an_implementer_lists_only_the_commitments_their_department_leads(
    implementer_client, commitment, other_commitment
):
    response = implementer_client.get(admin_url("commitment"))

    assert response.status_code == 200
    assert listed(response) == [commitment]
    assert other_commitment.code not in response.text


def test_an_implementer_lists_only_the_milestones_of_their_department(
    implementer_client, milestone, other_milestone
):
    response = implementer_client.get(admin_url("milestone"))

    assert listed(response) == [milestone]
    assert "Inventario vial" not in response.text


def test_being_responsible_for_a_milestone_of_another_department_does_not_open_it(
    implementer_client, department, other_commitment
):
    """The admin follows the import's rule: a department edits the milestones of the commitments it leads."""
    MilestoneFactory(commitment=other_commitment, responsible_institution=department)

    response = implementer_client.get(admin_url("milestone"))

    assert listed(response) == []


def test_an_implementer_without_a_staff_profile_sees_nothing(db, commitment, milestone):
    from django.test import Client

    from commitments.roles import IMPLEMENTER
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="sin-perfil", groups=[IMPLEMENTER]))

    assert listed(client.get(admin_url("commitment"))) == []
    assert listed(client.get(admin_url("milestone"))) == []


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_an_implementer_cannot_open_another_departments_commitment(implementer_client, other_commitment, view):
    response = implementer_client.get(admin_url("commitment", view, other_commitment.pk))

    # The admin treats a record outside the user's queryset as missing (back to the index with a message);
    # deleting is refused before that, as implementers may delete no commitment.
    assert response.status_code in {302, 403, 404}
    assert other_commitment.title_es not in response.text


def test_an_implementer_cannot_open_another_departments_milestone(implementer_client, other_milestone):
    response = implementer_client.get(admin_url("milestone", "change", other_milestone.pk))

    assert response.status_code in {302, 404}


def test_an_implementer_cannot_change_another_departments_milestone_by_posting(
    implementer_client, planner_client, other_milestone
):
    data = form_data(planner_client.get(admin_url("milestone", "change", other_milestone.pk)), progress=90,
                     level="substantial")
    before = state()

    response = implementer_client.post(admin_url("milestone", "change", other_milestone.pk), data)

    assert response.status_code in {302, 404}
    assert state() == before


def test_an_implementer_cannot_attach_a_milestone_to_another_departments_commitment(
    implementer_client, milestone, other_commitment
):
    data = form_data(implementer_client.get(admin_url("milestone", "change", milestone.pk)),
                     commitment=other_commitment.pk)
    before = state()

    response = implementer_client.post(admin_url("milestone", "change", milestone.pk), data)

    assert response.status_code == 200
    assert "commitment" in response.context["adminform"].form.errors
    assert state() == before


def test_an_implementer_cannot_import_a_milestone_of_another_department(
    implementer_client, milestone, other_milestone
):
    content = spreadsheet(
        [
            {"id": milestone.pk, "compromiso": "TEST0001", "orden": 1, "peso": 1, "titulo_es": "Diagnóstico ambiental",
             "inicio": "2025-02-01", "vencimiento": "2025-12-31", "nivel_irm": "substantial", "avance": 60,
             "publicado": "sí", "datos_de_ejemplo": "no"},
            {"id": "", "compromiso": "TEST0002", "orden": 5, "peso": 1, "titulo_es": "Hito ajeno",
             "inicio": "2025-02-01", "vencimiento": "2025-12-31", "nivel_irm": "not_started", "avance": 0,
             "publicado": "no", "datos_de_ejemplo": "no"},
        ],
        "csv",
    )
    before = state()

    response = import_preview(implementer_client, "milestone", content, "hitos.csv", "csv")

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2
    assert spanish("You may not edit the milestones of %(code)s.", code="TEST0002") in row_messages(invalid)
    assert state() == before


def test_an_implementer_cannot_move_a_foreign_milestone_into_their_commitment_by_import(
    implementer_client, other_milestone
):
    """Rewriting the commitment code of another department's milestone does not make it theirs."""
    row = {"id": other_milestone.pk, "compromiso": "TEST0001", "orden": 9, "peso": 1, "titulo_es": "Robado",
           "inicio": "2025-02-01", "vencimiento": "2025-12-31", "nivel_irm": "limited", "avance": 40,
           "publicado": "sí", "datos_de_ejemplo": "no"}
    before = state()

    response = import_preview(implementer_client, "milestone", spreadsheet([row], "csv"), "hitos.csv", "csv")

    assert response.context.get("confirm_form") is None
    [invalid] = response.context["result"].invalid_rows
    assert spanish("You may not edit the milestones of %(code)s.", code="TEST0002") in row_messages(invalid)
    assert state() == before


def test_an_implementer_can_edit_their_own_milestone(implementer_client, implementer, milestone):
    data = form_data(implementer_client.get(admin_url("milestone", "change", milestone.pk)), progress=60,
                     level="substantial")

    response = implementer_client.post(admin_url("milestone", "change", milestone.pk), data)

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.level) == (60, "substantial")
    assert ChangeRecord.objects.filter(model="milestone", object_id=milestone.pk, user=implementer).exists()


def test_an_implementer_can_edit_their_commitment_but_not_who_leads_it_or_whether_it_is_public(
    implementer_client, commitment, other_department
):
    page = implementer_client.get(admin_url("commitment", "change", commitment.pk))
    assert page.status_code == 200
    form_fields = set(page.context["adminform"].form.fields)
    assert {"lead_department", "lead_institution", "is_published", "code", "plan"}.isdisjoint(form_fields)
    data = form_data(page, problem_es="Falta de información ambiental.", lead_department=other_department.pk,
                     is_published=False, publish_without_kichwa=True)

    response = implementer_client.post(admin_url("commitment", "change", commitment.pk), data)

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.problem_es == "Falta de información ambiental."
    assert (commitment.lead_department_id, commitment.is_published) != (other_department.pk, False)
    assert commitment.lead_department.acronym == "DGA"
    assert commitment.is_published


def test_an_implementer_cannot_publish_a_milestone(implementer_client, commitment):
    draft = MilestoneFactory(commitment=commitment, is_published=False)
    data = form_data(implementer_client.get(admin_url("milestone", "change", draft.pk)), is_published=True)

    implementer_client.post(admin_url("milestone", "change", draft.pk), data)

    draft.refresh_from_db()
    assert not draft.is_published


def test_an_implementer_may_not_add_commitments(implementer_client, commitment):
    assert implementer_client.get(admin_url("commitment", "add")).status_code == 403


def test_an_implementer_sees_only_the_change_records_of_their_department(
    implementer_client, milestone, other_milestone
):
    response = implementer_client.get("/admin/commitments/changerecord/")

    assert {record.commitment_code for record in listed(response)} == {"TEST0001"}


# The monitor (FCD).


@pytest.mark.parametrize("model", ["commitment", "milestone", "progressupdate", "changerecord"])
def test_the_monitor_can_read_every_changelist_without_an_add_button(monitor_client, milestone, other_milestone,
                                                                     model):
    response = monitor_client.get(admin_url(model))

    assert response.status_code == 200
    assert response.context["has_add_permission"] is False
    assert admin_url(model, "add") not in response.text
    assert admin_url(model, "import") not in response.text


def test_the_monitor_lists_every_department_s_commitments(monitor_client, commitment, other_commitment):
    assert listed(monitor_client.get(admin_url("commitment"))) == [commitment, other_commitment]


@pytest.mark.parametrize("model", ["commitment", "milestone"])
def test_the_monitor_can_open_a_change_page_read_only(monitor_client, milestone, model):
    record = milestone if model == "milestone" else milestone.commitment

    response = monitor_client.get(admin_url(model, "change", record.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.text


@pytest.mark.parametrize("model", ["commitment", "milestone"])
def test_the_monitor_cannot_post_a_change(monitor_client, planner_client, milestone, model):
    record = milestone if model == "milestone" else milestone.commitment
    data = form_data(planner_client.get(admin_url(model, "change", record.pk)), title_es="Cambiado por el monitor")
    before = state()

    response = monitor_client.post(admin_url(model, "change", record.pk), data)

    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("model", ["commitment", "milestone"])
def test_the_monitor_cannot_add(monitor_client, model):
    assert monitor_client.get(admin_url(model, "add")).status_code == 403


@pytest.mark.parametrize("model", ["commitment", "milestone"])
def test_the_monitor_cannot_import(monitor_client, milestone, model):
    assert monitor_client.get(admin_url(model, "import")).status_code == 403
    content = spreadsheet([{"id": milestone.pk, "compromiso": "TEST0001", "avance": 90}], "csv")
    before = state()

    assert import_preview(monitor_client, model, content, "hitos.csv", "csv").status_code == 403
    assert monitor_client.post(admin_url(model, "process_import"), {"import_file_name": "x", "format": "1",
                                                                     "original_file_name": "x.csv"}).status_code == 403
    assert state() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_monitor_can_export_everything(monitor_client, milestone, other_milestone, fmt):
    response = admin_export(monitor_client, "milestone", fmt)

    assert response.status_code == 200
    assert sorted(row["compromiso"] for row in read_spreadsheet(response.content, fmt).dict) == ["TEST0001", "TEST0002"]


def test_the_monitor_cannot_delete(monitor_client, commitment):
    draft = MilestoneFactory(commitment=commitment, is_published=False)

    assert monitor_client.post(admin_url("milestone", "delete", draft.pk), {"post": "yes"}).status_code == 403
    assert Milestone.objects.filter(pk=draft.pk).exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(citizen, commitment):
    response = citizen.get(admin_url("commitment"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
