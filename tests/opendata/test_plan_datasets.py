"""The action plan's open datasets (opendata.plan_datasets): published records of real plans only, nothing about
a person, every row typed as its dataset declares, keys that hold within and across the datasets, example data
flagged, and a number of queries that does not grow with the plan."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from commitments import services
from commitments.models import (
    Evidence,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    IrmLevel,
    MilestoneProgress,
    ProgressSource,
)
from opendata.datasets import all_datasets, dataset
from tests.factories import (
    ActionPlanFactory,
    CantonFactory,
    CommitmentFactory,
    InstitutionFactory,
    MilestoneFactory,
    OgpValueFactory,
    ProgressUpdateFactory,
    pdf_bytes,
)
from tests.roads.factories import ParishFactory

from .checks import check_foreign_keys, check_primary_key, check_types

pytestmark = pytest.mark.django_db

PLAN_KEYS = [
    "plan",
    "compromisos",
    "hitos",
    "avance-de-hitos",
    "actualizaciones",
    "evidencias",
    "indicadores",
    "valores-de-indicadores",
    "instituciones",
    "cantones",
    "parroquias",
]
# The most queries each dataset's rows() may take, whatever the size of the plan (measured: the plan's rows read
# the plans, their commitments' progress and the current plan, which may take two).
QUERY_BOUNDS = {
    "plan": 4,
    "compromisos": 5,
    "hitos": 1,
    "avance-de-hitos": 1,
    "actualizaciones": 1,
    "evidencias": 1,
    "indicadores": 1,
    "valores-de-indicadores": 1,
    "instituciones": 1,
    "cantones": 1,
    "parroquias": 1,
}


def checked_rows() -> dict[str, list[dict]]:
    """Every plan dataset's rows, each checked for its types and primary key, and the foreign keys across them."""
    rows = {}
    for key in PLAN_KEYS:
        rows[key] = check_types(dataset(key), dataset(key).rows())
        check_primary_key(dataset(key), rows[key])
    check_foreign_keys(rows)
    return rows


def as_text(rows) -> str:
    return json.dumps(rows, default=str, ensure_ascii=False)


def by_key(rows: list[dict], name: str) -> dict:
    return {row[name]: row for row in rows}


def make_indicator(commitment, **fields) -> Indicator:
    values = {
        "order": 1,
        "name_es": "Plantas producidas al año",
        "name_qu": "Watanta wiñachishka yurakuna",
        "unit_es": "plantas",
        "baseline_value": Decimal("60000"),
        "baseline_on": date(2024, 12, 31),
        "target_value": Decimal("75000"),
        "target_on": date(2027, 2, 28),
        "is_published": True,
    }
    values.update(fields)
    return Indicator.objects.create(commitment=commitment, **values)


def make_value(indicator, **fields) -> IndicatorValue:
    values = {"observed_on": date(2025, 6, 30), "value": Decimal("61800.50"), "is_published": True}
    values.update(fields)
    return IndicatorValue.objects.create(indicator=indicator, **values)


def verify(value, monitor, status=IndicatorVerification.Status.VERIFIED, note=""):
    services.indicator_verification_save(
        verification=IndicatorVerification(value=value, status=status, note=note), by=monitor
    )


def file_evidence(**fields) -> Evidence:
    evidence = Evidence(file=SimpleUploadedFile("acta.pdf", pdf_bytes()), **fields)
    evidence.save()
    return evidence


@pytest.fixture
def published(commitment, plan, gad, department, planner, implementer, monitor):
    """A published commitment with a milestone, an update, evidence, an indicator and values: published, and
    beside them their unpublished kin (marked SECRETO), an unpublished commitment's published records and a
    synthetic plan's, none of which may be open data. Staff are recorded as authors, recorders and checkers."""
    canton = CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", seat="Puyo", population_2022=62016)
    other_canton = CantonFactory(code="1602", slug="mera", name_es="Mera", seat="Mera")
    parish = ParishFactory(canton=canton, code="160150", name_es="Puyo", kind="urban")
    supporter = InstitutionFactory(slug="fcd", name_es="Fundación Ciudadanía y Desarrollo", acronym="FCD")
    commitment.cantons.set([other_canton, canton])
    commitment.parishes.set([parish])
    commitment.ogp_values.set([OgpValueFactory(code="transparencia"), OgpValueFactory(code="acceso-informacion")])
    commitment.supporting_institutions.set([supporter, department])
    commitment.budget_planned = Decimal("150000.00")
    commitment.source_url = "https://www.opengovpartnership.org/members/pastaza-ecuador/commitments/TEST0001/"
    commitment.save()

    milestone = MilestoneFactory(commitment=commitment, order=1, title_es="Vivero ampliado", title_qu="Yura wasi")
    MilestoneProgress.objects.create(
        milestone=milestone,
        observed_on=date(2025, 5, 1),
        progress=40,
        level=IrmLevel.LIMITED,
        source=ProgressSource.ADMIN,
        recorded_by=planner,
        recorded_by_name=planner.username,
    )
    MilestoneProgress.objects.create(
        milestone=milestone,
        observed_on=date(2025, 5, 2),
        progress=45,
        level=IrmLevel.LIMITED,
        source=ProgressSource.ADMIN,
        is_published=False,
    )
    hidden_milestone = MilestoneFactory(commitment=commitment, order=2, title_es="SECRETO-M", is_published=False)
    update = ProgressUpdateFactory(
        commitment=commitment, milestone=milestone, title_es="Entrega de plantas", author=implementer
    )
    ProgressUpdateFactory(commitment=commitment, title_es="SECRETO-U", is_published=False)
    ProgressUpdateFactory(commitment=commitment, milestone=hidden_milestone, title_es="SECRETO-UM")

    pdf = file_evidence(milestone=milestone, title_es="Acta de entrega")
    link = Evidence.objects.create(update=update, title_es="Fotos", url="https://example.org/fotos")
    shared = Evidence.objects.create(
        milestone=hidden_milestone, update=update, title_es="Acta compartida", url="https://example.org/acta"
    )
    Evidence.objects.create(
        milestone=milestone, title_es="SECRETO-E", url="https://example.org/SECRETO-E", is_published=False
    )
    Evidence.objects.create(milestone=hidden_milestone, title_es="SECRETO-EM", url="https://example.org/x")

    indicator = make_indicator(commitment, disaggregation=Indicator.Disaggregation.SEX)
    checked = make_value(indicator, group="Mujeres", recorded_by=implementer)
    verify(checked, monitor, note="Coincide con las actas")
    unchecked = make_value(indicator, group="Hombres")
    make_value(indicator, observed_on=date(2025, 7, 31), note_es="SECRETO-V", is_published=False)
    make_indicator(commitment, order=2, name_es="SECRETO-I", is_published=False)

    hidden = CommitmentFactory(code="HIDE0001", plan=plan, title_es="SECRETO-C", is_published=False)
    MilestoneFactory(commitment=hidden, order=1, title_es="SECRETO-CM")
    ProgressUpdateFactory(commitment=hidden, title_es="SECRETO-CU")
    make_value(make_indicator(hidden, name_es="SECRETO-CI"), note_es="SECRETO-CV")

    synthetic = ActionPlanFactory(slug="sintetico-9", title_es="SECRETO-P", is_synthetic=True)
    made_up = CommitmentFactory(code="SYNT0001", plan=synthetic, title_es="SECRETO-S")
    MilestoneFactory(commitment=made_up, order=1, title_es="SECRETO-SM")
    ProgressUpdateFactory(commitment=made_up, title_es="SECRETO-SU")

    return {
        "milestone": milestone,
        "update": update,
        "pdf": pdf,
        "link": link,
        "shared": shared,
        "indicator": indicator,
        "checked": checked,
        "unchecked": unchecked,
    }


def test_the_plan_datasets_are_registered_with_keys_and_a_dictionary_in_spanish_and_kichwa():
    registered = {item.key: item for item in all_datasets() if item.theme == "plan"}
    assert set(PLAN_KEYS) <= set(registered)
    for key in PLAN_KEYS:
        item = registered[key]
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", key)
        assert item.primary_key and item.keywords and item.frequency in ("continuous", "irregular")
        for foreign_key in item.foreign_keys:
            assert dataset(foreign_key.dataset).primary_key == foreign_key.reference
        texts = [item.title, item.description, *(column.description for column in item.columns)]
        for column in item.columns:
            assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", column.name), column.name
        for text in texts:
            with translation.override(None):
                english = str(text)
            with translation.override("es"):
                spanish = str(text)
            with translation.override("qu"):
                kichwa = str(text)
            assert english and spanish != english and kichwa not in (english, spanish), english


def test_rows_hold_only_published_records_of_real_plans(published):
    rows = checked_rows()

    text = as_text(rows)
    assert "SECRETO" not in text
    assert "HIDE0001" not in text and "SYNT0001" not in text and "sintetico-9" not in text
    assert [row["codigo"] for row in rows["compromisos"]] == ["TEST0001"]
    assert [row["id"] for row in rows["hitos"]] == [published["milestone"].pk]
    assert [row["id"] for row in rows["actualizaciones"]] == [published["update"].pk]
    assert [row["id"] for row in rows["evidencias"]] == sorted(published[name].pk for name in ("pdf", "link", "shared"))
    assert [row["id"] for row in rows["indicadores"]] == [published["indicator"].pk]
    assert [row["id"] for row in rows["valores-de-indicadores"]] == [published["checked"].pk, published["unchecked"].pk]
    # The milestone's published history: the factory's observation and the dated one, not the unpublished one.
    assert [(row["fecha"], row["avance"]) for row in rows["avance-de-hitos"]] == [
        (date(2025, 2, 1), 40),
        (date(2025, 5, 1), 40),
    ]
    assert [row["slug"] for row in rows["plan"]] == ["plan-de-prueba"]


def test_rows_name_no_person_nor_where_a_file_is_stored(published, planner, implementer, monitor):
    text = as_text(checked_rows())

    for user in (planner, implementer, monitor):
        assert user.username not in text
        assert user.email not in text
    assert published["pdf"].file.name not in text
    assert settings.MEDIA_ROOT not in text


def test_a_commitment_row_holds_its_progress_links_and_territory_as_codes(published, commitment):
    row = by_key(checked_rows()["compromisos"], "codigo")["TEST0001"]

    assert row["plan"] == "plan-de-prueba"
    assert (row["titulo_es"], row["titulo_qu"]) == ("Compromiso ambiental", None)
    assert (row["institucion_lider"], row["departamento_lider"]) == ("gadppz", "direccion-ambiente")
    assert row["instituciones_de_apoyo"] == "direccion-ambiente;fcd"
    assert (row["avance"], row["nivel_irm"]) == (40, "limited")
    assert (row["vencido"], row["dias_de_retraso"]) == (False, 0)
    assert row["presupuesto_planificado_usd"] == Decimal("150000.00")
    assert row["presupuesto_ejecutado_usd"] is None
    assert row["valores_ogp"] == "acceso-informacion;transparencia"
    assert (row["cantones"], row["parroquias"]) == ("1601;1602", "160150")
    assert row["url"] == settings.SITE_URL.rstrip("/") + "/es/compromisos/TEST0001/"
    assert row["url_ogp"] == commitment.source_url
    assert row["datos_de_ejemplo"] is False


def test_the_plan_row_counts_what_is_published_and_names_the_current_plan(published):
    row = checked_rows()["plan"][0]

    assert (row["numero_de_compromisos"], row["numero_de_hitos"], row["avance"]) == (1, 1, 40)
    assert row["plan_vigente"] is True
    assert row["url"] == settings.SITE_URL.rstrip("/") + "/es/plan/"
    assert row["datos_de_ejemplo"] is False


def test_milestones_say_how_late_they_run_as_of_today(commitment):
    today = timezone.localdate()
    late = MilestoneFactory(commitment=commitment, order=1, due_on=today - timedelta(days=3))
    MilestoneFactory(
        commitment=commitment,
        order=2,
        progress=100,
        due_on=date(2025, 11, 1),
        completed_on=date(2025, 11, 20),
    )
    on_time = MilestoneFactory(commitment=commitment, order=3, due_on=today + timedelta(days=30))

    rows = checked_rows()["hitos"]

    late_row, completed_row, on_time_row = rows
    assert (late_row["id"], late_row["vencido"], late_row["dias_de_retraso"]) == (late.pk, True, 3)
    assert (completed_row["vencido"], completed_row["completado_con_retraso"]) == (False, True)
    assert completed_row["completado_el"] == date(2025, 11, 20)
    assert (on_time_row["id"], on_time_row["vencido"], on_time_row["dias_de_retraso"]) == (on_time.pk, False, 0)


def test_evidence_gives_public_addresses_and_names_only_what_is_shown(published):
    rows = by_key(checked_rows()["evidencias"], "id")

    pdf = rows[published["pdf"].pk]
    assert pdf["url"] == settings.SITE_URL.rstrip("/") + published["pdf"].get_file_url()
    assert "/es/evidencias/" in pdf["url"]
    assert (pdf["tipo_de_contenido"], pdf["tamano_bytes"]) == ("application/pdf", published["pdf"].size)
    assert pdf["sha256"] == published["pdf"].sha256 and len(pdf["sha256"]) == 64
    assert (pdf["hito"], pdf["actualizacion"]) == (published["milestone"].pk, None)
    link = rows[published["link"].pk]
    assert (link["url"], link["tipo_de_contenido"], link["tamano_bytes"], link["sha256"]) == (
        "https://example.org/fotos",
        None,
        None,
        None,
    )
    # Evidence of an unpublished milestone shown through its published update names the update only.
    shared = rows[published["shared"].pk]
    assert (shared["hito"], shared["actualizacion"]) == (None, published["update"].pk)


def test_indicator_values_carry_the_monitors_verdict(published):
    rows = by_key(checked_rows()["valores-de-indicadores"], "id")

    checked, unchecked = rows[published["checked"].pk], rows[published["unchecked"].pk]
    assert (checked["verificacion_fcd"], checked["nota_fcd"]) == ("verified", "Coincide con las actas")
    assert (unchecked["verificacion_fcd"], unchecked["nota_fcd"]) == (None, None)
    assert (checked["indicador"], checked["compromiso"], checked["grupo"]) == (
        published["indicator"].pk,
        "TEST0001",
        "Mujeres",
    )
    assert checked["valor"] == Decimal("61800.50")
    indicator = checked_rows()["indicadores"][0]
    assert (indicator["desagregacion"], indicator["sentido"], indicator["linea_base"]) == (
        "sex",
        "increase",
        Decimal("60000.00"),
    )


def test_institutions_and_territory_hold_their_codes_and_parents(published, gad, department):
    rows = checked_rows()

    institutions = by_key(rows["instituciones"], "slug")
    assert institutions["direccion-ambiente"]["forma_parte_de"] == "gadppz"
    assert institutions["gadppz"]["forma_parte_de"] is None
    assert institutions["gadppz"]["url"] == settings.SITE_URL.rstrip("/") + "/es/instituciones/gadppz/"
    cantons = by_key(rows["cantones"], "codigo")
    assert (cantons["1601"]["nombre_es"], cantons["1601"]["cabecera"], cantons["1601"]["poblacion_2022"]) == (
        "Pastaza",
        "Puyo",
        62016,
    )
    assert by_key(rows["parroquias"], "codigo")["160150"] == {
        "codigo": "160150",
        "canton": "1601",
        "nombre_es": "Puyo",
        "nombre_qu": None,
        "tipo": "urban",
    }


def test_the_real_plan_is_typed_its_keys_hold_and_its_example_data_is_flagged(real_plan):
    rows = checked_rows()

    assert [row["slug"] for row in rows["plan"]] == [real_plan.slug]
    assert rows["plan"][0]["datos_de_ejemplo"] is True
    assert [row["codigo"] for row in rows["compromisos"]] == ["ECPTZ0001", "ECPTZ0002", "ECPTZ0003"]
    assert all(row["cantones"] for row in rows["compromisos"])
    for key in ("compromisos", "hitos", "avance-de-hitos", "actualizaciones", "indicadores", "valores-de-indicadores"):
        assert rows[key], key
        assert all(row["datos_de_ejemplo"] for row in rows[key]), key
    assert len(rows["cantones"]) == 4 and rows["parroquias"]


def build(plan, first: int, count: int, *, canton, parish, value, supporter, monitor) -> None:
    """`count` published commitments, each with every kind of record a plan dataset reads."""
    for number in range(first, first + count):
        commitment = CommitmentFactory(code=f"QRY{number:04d}", plan=plan, order=number)
        commitment.cantons.set([canton])
        commitment.parishes.set([parish])
        commitment.ogp_values.set([value])
        commitment.supporting_institutions.set([supporter])
        milestone = MilestoneFactory(commitment=commitment, order=1)
        update = ProgressUpdateFactory(commitment=commitment, milestone=milestone)
        Evidence.objects.create(milestone=milestone, update=update, title_es="Acta", url="https://example.org/a")
        verify(make_value(make_indicator(commitment)), monitor)


def queries(key: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        dataset(key).rows()
    return len(captured)


def test_reading_rows_takes_as_many_queries_for_30_commitments_as_for_3(plan, monitor, django_assert_max_num_queries):
    links = {
        "canton": CantonFactory(code="1601", slug="pastaza", name_es="Pastaza", seat="Puyo"),
        "value": OgpValueFactory(code="transparencia"),
        "supporter": InstitutionFactory(slug="fcd"),
        "monitor": monitor,
    }
    links["parish"] = ParishFactory(canton=links["canton"])
    build(plan, 1, 3, **links)
    few = {key: queries(key) for key in PLAN_KEYS}

    build(plan, 4, 27, **links)

    assert {key: queries(key) for key in PLAN_KEYS} == few
    for key in PLAN_KEYS:
        with django_assert_max_num_queries(QUERY_BOUNDS[key]):
            rows = dataset(key).rows()
        if key in ("compromisos", "hitos", "avance-de-hitos", "actualizaciones", "evidencias", "indicadores"):
            assert len(rows) == 30, key
