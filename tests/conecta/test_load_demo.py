"""`load_demo` loads the real Pastaza plan and can run any number of times without changing anything: it creates
what is missing, never changes a row that exists (`make run` runs it at every start, and staff's edits must
survive), and says what it created and what it left alone."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from commitments.models import (
    ActionPlan,
    Canton,
    ChangeRecord,
    Commitment,
    Evidence,
    Institution,
    Milestone,
    OgpValue,
    Parish,
    ProgressUpdate,
)

pytestmark = pytest.mark.django_db

MODELS = [ActionPlan, Institution, OgpValue, Canton, Parish, Commitment, Milestone, ProgressUpdate, Evidence]
THROUGH = [field.remote_field.through for field in Commitment._meta.many_to_many]

REAL_TITLES = {
    "ECPTZ0001": "Programa integral para mejorar la situación ambiental de Pastaza",
    "ECPTZ0002": "Establecer un centro de emprendimiento para promover el emprendimiento y la innovación",
    "ECPTZ0003": "Conecta Pastaza: Desarrollan portal para sistema de monitoreo y transparencia vial",
}


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in [*MODELS, *THROUGH]}


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_loads_the_real_plan_with_its_territory_and_ogp_values():
    output = load_demo()

    plan = ActionPlan.objects.get(slug="pastaza-2024-2027")
    assert not plan.is_synthetic
    assert "3 commitments" in output
    assert {c.code: c.title_es for c in Commitment.objects.all()} == REAL_TITLES
    assert all(c.plan == plan and c.is_published and c.title_qu for c in Commitment.objects.all())
    assert Canton.objects.count() == 4
    assert Parish.objects.count() == 21
    assert OgpValue.objects.count() == 4
    assert set(Milestone.objects.values_list("is_illustrative", flat=True)) == {True}
    assert set(ProgressUpdate.objects.values_list("is_illustrative", flat=True)) == {True}


def test_every_parish_code_starts_with_its_canton_code():
    load_demo()

    for parish in Parish.objects.select_related("canton"):
        parish.full_clean()
        assert parish.code.startswith(parish.canton.code)


def test_running_it_twice_gives_the_same_rows_and_records_no_change():
    load_demo()
    first = counts()
    records = ChangeRecord.objects.count()
    milestones = list(Milestone.objects.order_by("pk").values())

    load_demo()

    assert counts() == first
    assert ChangeRecord.objects.count() == records
    assert list(Milestone.objects.order_by("pk").values()) == milestones
    assert first["commitments.Commitment"] == 3
    assert first["commitments.Canton"] == 4
    assert first["commitments.Parish"] == 21
    assert first["commitments.OgpValue"] == 4
    assert first["commitments.Milestone"] == 12
    assert all(first[through._meta.label] > 0 for through in THROUGH if through is not Commitment.parishes.through)


def test_the_first_load_is_recorded_as_the_command():
    load_demo()

    sources = set(ChangeRecord.objects.values_list("source", flat=True))
    assert sources == {"load_demo"}


def test_it_keeps_the_milestones_staff_have_edited():
    load_demo()
    milestone = Milestone.objects.get(commitment__code="ECPTZ0003", order=2)
    milestone.title_es = "Portal Conecta Pastaza (hito real)"
    milestone.is_illustrative = False
    milestone.save()

    load_demo()

    milestone.refresh_from_db()
    assert (milestone.title_es, milestone.is_illustrative) == ("Portal Conecta Pastaza (hito real)", False)


def every_row() -> dict[str, list[dict]]:
    """Every row of every table (through tables of many-to-many links included), with every column."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def every_file() -> dict[str, bytes]:
    root = Path(settings.REPORTS_ROOT)
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def test_running_it_twice_changes_nothing_at_all(reports_root, django_capture_on_commit_callbacks):
    """`make run` twice in a row: not one column of one row (updated_at included), not one file, changes."""
    with django_capture_on_commit_callbacks(execute=True):  # the example report's PDFs are rendered
        load_demo()
    rows, files = every_row(), every_file()

    with django_capture_on_commit_callbacks(execute=True):
        output = load_demo()

    assert every_row() == rows
    assert every_file() == files
    assert "Created: nothing." in output


def test_a_planners_edit_of_a_commitment_survives_another_load_demo(planner):
    load_demo()
    commitment = Commitment.objects.get(code="ECPTZ0003")
    commitment.title_es = "Conecta Pastaza: portal de monitoreo vial (título corregido por Planificación)"
    commitment.lead_department = (
        Institution.objects.exclude(pk=commitment.lead_department_id)
        .filter(kind=Institution.Kind.PROVINCIAL_DEPARTMENT)
        .first()
    )
    commitment.save()
    commitment.cantons.clear()
    edited = Commitment.objects.get(code="ECPTZ0003").updated_at

    load_demo()

    commitment.refresh_from_db()
    assert commitment.title_es == "Conecta Pastaza: portal de monitoreo vial (título corregido por Planificación)"
    assert commitment.updated_at == edited
    assert not commitment.cantons.exists()


def test_it_keeps_staffs_corrections_of_reference_data_and_does_not_bring_back_what_they_removed():
    load_demo()
    canton = Canton.objects.get(code="1601")
    canton.population_2022 = 83000
    canton.save()
    examples = {"commitment__code": "ECPTZ0001"}
    ProgressUpdate.objects.filter(**examples).update(is_published=False)
    Milestone.objects.filter(**examples).update(is_published=False)
    ProgressUpdate.objects.filter(**examples).delete()
    Milestone.objects.filter(**examples).delete()

    load_demo()

    assert Canton.objects.get(code="1601").population_2022 == 83000
    assert not Milestone.objects.filter(**examples).exists()
    assert not ProgressUpdate.objects.filter(**examples).exists()


def test_it_says_what_it_created_and_what_it_left_alone():
    first = load_demo()
    Commitment.objects.filter(code="ECPTZ0002").update(title_es="Otro título")

    second = load_demo()

    assert "commitments: 3" in first.split("Already there")[0]
    assert "Already there, left as they are: nothing." in first
    assert "Created: nothing." in second
    for kind in ("OGP values: 4", "parishes: 21", "commitments: 3", "workshops: 3", "surveys: 1"):
        assert kind in second.split("Already there")[1]
    assert Commitment.objects.get(code="ECPTZ0002").title_es == "Otro título"


def test_a_missing_row_is_created_again():
    load_demo()
    Parish.objects.filter(code="160166").delete()

    output = load_demo()

    assert Parish.objects.filter(code="160166").exists()
    assert "Created: parishes: 1." in output
