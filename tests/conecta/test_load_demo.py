"""`load_demo` loads the real Pastaza plan and can run any number of times without changing anything."""

import io

import pytest
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


def test_it_restores_a_commitment_title_that_drifted_from_the_official_record():
    load_demo()
    Commitment.objects.filter(code="ECPTZ0002").update(title_es="Otro título")

    load_demo()

    assert Commitment.objects.get(code="ECPTZ0002").title_es == REAL_TITLES["ECPTZ0002"]
