"""Every change to a commitment, milestone or update is recorded: who, when, through what, old -> new."""

import pickle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import capfirst

from commitments.models import ChangeRecord, Milestone
from conecta.audit import acting_as
from tests.factories import MilestoneFactory

from .admin_helpers import admin_url, form_data, html, spanish

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1, title_es="Diagnóstico", progress=40)


@pytest.fixture
def edited(planner_client, milestone):
    """The planner raises the milestone from 40 % to 60 % in the admin."""
    data = form_data(planner_client.get(admin_url("milestone", "change", milestone.pk)), progress=60,
                     level="substantial")
    started = timezone.now()
    response = planner_client.post(admin_url("milestone", "change", milestone.pk), data)
    assert response.status_code == 302
    return started


def label(field: str) -> str:
    """A milestone field's label as the Spanish change history shows it."""
    return spanish(capfirst(Milestone._meta.get_field(field).verbose_name))


def test_editing_a_milestone_in_the_admin_records_who_when_and_what(planner, milestone, edited):
    record = ChangeRecord.objects.filter(model="milestone", object_id=milestone.pk, action="changed").get()

    assert (record.user, record.user_display, record.source) == (planner, "planificadora", "admin")
    assert edited <= record.at <= timezone.now()
    assert record.changes == {"progress": [40, 60], "level": ["limited", "substantial"]}
    assert record.commitment_code == "TEST0001"
    assert record.object_repr == str(milestone)


def test_saving_without_changes_records_nothing(planner_client, milestone):
    before = ChangeRecord.objects.count()
    data = form_data(planner_client.get(admin_url("milestone", "change", milestone.pk)))

    assert planner_client.post(admin_url("milestone", "change", milestone.pk), data).status_code == 302

    assert ChangeRecord.objects.count() == before


def test_the_change_page_shows_the_change_history(planner_client, milestone, edited):
    response = planner_client.get(admin_url("milestone", "change", milestone.pk))

    assert html(spanish("Change history")) in response.text
    assert f"<strong>{html(label('progress'))}</strong>: 40 → 60" in response.text
    assert f"<strong>{html(label('level'))}</strong>: Limitado → Sustancial" in response.text
    assert "<code>progress</code>" not in response.text
    assert "planificadora" in response.text


def test_the_change_record_list_shows_the_change(planner_client, milestone, edited):
    response = planner_client.get(f"/admin/commitments/changerecord/?model=milestone&object_id={milestone.pk}")

    assert response.status_code == 200
    records = list(response.context["cl"].result_list)
    assert [r.action for r in records] == ["changed", "created"]
    assert f"<strong>{html(label('progress'))}</strong>: 40 → 60" in response.text


def test_change_records_cannot_be_edited_or_deleted_even_by_a_superuser(planner_client, milestone, edited):
    from django.contrib.auth import get_user_model
    from django.test import Client

    root = Client()
    root.force_login(get_user_model().objects.create_superuser("raiz", "raiz@pastaza.gob.ec", "x"))
    record = ChangeRecord.objects.filter(object_id=milestone.pk, action="changed").get()

    assert root.get("/admin/commitments/changerecord/add/").status_code == 403
    assert root.post(admin_url("changerecord", "delete", record.pk), {"post": "yes"}).status_code == 403
    assert ChangeRecord.objects.filter(pk=record.pk).exists()


def test_a_change_made_by_a_command_names_the_command(milestone):
    with acting_as(None, "command"):
        milestone.progress, milestone.level = 100, "complete"
        milestone.completed_on = milestone.due_on
        milestone.save()

    record = ChangeRecord.objects.filter(object_id=milestone.pk, action="changed").get()
    assert (record.user, record.user_display, record.source) == (None, "", "command")
    assert record.changes["progress"] == [40, 100]
    assert record.changes["completed_on"] == [None, "2025-12-31"]


def test_a_new_translation_is_recorded_in_its_language(milestone):
    milestone.title_qu = "Rikuna"
    milestone.save()

    record = ChangeRecord.objects.filter(object_id=milestone.pk, action="changed").get()
    assert record.changes == {"title_qu": [None, "Rikuna"]}


def test_adding_an_ogp_value_to_a_commitment_is_recorded(commitment):
    from commitments.models import OgpValue

    value = OgpValue.objects.create(code="civic-participation", name_es="Participación cívica")
    commitment.ogp_values.add(value)

    record = ChangeRecord.objects.filter(model="commitment", action="changed").get()
    assert record.changes == {"ogp_values": [None, {"added": ["Participación cívica"]}]}


def test_deleting_a_draft_milestone_is_recorded(planner_client, planner, commitment):
    draft = MilestoneFactory(commitment=commitment, is_published=False)

    planner_client.post(admin_url("milestone", "delete", draft.pk), {"post": "yes"})

    record = ChangeRecord.objects.filter(object_id=draft.pk, model="milestone", action="deleted").get()
    assert (record.user, record.source) == (planner, "admin")


def reads_of_the_milestone_table(queries) -> int:
    return sum(q["sql"].startswith("SELECT") and 'FROM "commitments_milestone"' in q["sql"] for q in queries)


def test_a_loaded_milestone_is_saved_without_reading_it_again_and_each_save_records_its_own_change(milestone):
    loaded = Milestone.objects.get(pk=milestone.pk)
    loaded.progress, loaded.level = 60, "substantial"
    with CaptureQueriesContext(connection) as first_save:
        loaded.save()
    loaded.progress = 70
    loaded.save()

    assert reads_of_the_milestone_table(first_save.captured_queries) == 0
    records = ChangeRecord.objects.filter(object_id=milestone.pk, action="changed").order_by("pk")
    assert [r.changes for r in records] == [
        {"progress": [40, 60], "level": ["limited", "substantial"]},
        {"progress": [60, 70]},
    ]


def test_a_refreshed_milestone_records_the_change_from_what_the_row_held_at_the_refresh(milestone):
    loaded = Milestone.objects.get(pk=milestone.pk)
    Milestone.objects.filter(pk=milestone.pk).update(progress=70, level="substantial")  # no signal, no record
    loaded.refresh_from_db()
    loaded.progress = 80
    loaded.save()

    record = ChangeRecord.objects.filter(object_id=milestone.pk, action="changed").get()
    assert record.changes == {"progress": [70, 80]}


def test_a_milestone_loaded_in_part_records_the_change_from_the_whole_row(milestone):
    loaded = Milestone.objects.only("pk", "progress", "level").get(pk=milestone.pk)
    loaded.progress, loaded.level = 60, "substantial"
    loaded.save()

    record = ChangeRecord.objects.filter(object_id=milestone.pk, action="changed").get()
    assert record.changes == {"progress": [40, 60], "level": ["limited", "substantial"]}


def test_a_copy_of_a_loaded_milestone_reads_the_row_before_its_save(milestone):
    """A copy (or an instance back from a cache) may outlive the row it was read from."""
    kept = pickle.dumps(Milestone.objects.get(pk=milestone.pk))
    Milestone.objects.filter(pk=milestone.pk).update(progress=70, level="substantial")
    restored = pickle.loads(kept)
    restored.title_es = "Diagnóstico participativo"
    restored.save()

    record = ChangeRecord.objects.filter(object_id=milestone.pk, action="changed").get()
    assert record.changes == {
        "title_es": ["Diagnóstico", "Diagnóstico participativo"],
        "progress": [70, 40],
        "level": ["substantial", "limited"],
    }
