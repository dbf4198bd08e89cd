"""Indicators end to end: the staff admin (scoping, publishing, protection), the independent monitor's verdicts
(only the monitor writes them), the commitment page (chart and table, es and qu, constant queries), the spreadsheet
round trip (all or nothing) and the illustrative indicators of `load_demo`."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from commitments import services
from commitments.models import (
    ChangeRecord,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    ProgressSource,
)
from commitments.resources import IndicatorValueResource
from commitments.staff import PublishedRecordProtected
from tests.factories import CommitmentFactory, UserFactory

from .admin_helpers import (
    admin_export,
    admin_url,
    form_data,
    html,
    import_confirm,
    import_preview,
    read_spreadsheet,
    row_errors,
    row_messages,
    spanish,
    spreadsheet,
)

pytestmark = pytest.mark.django_db

VALUE_COLUMNS = [
    "id", "indicador", "compromiso", "indicador_nombre", "fecha", "grupo", "valor", "fuente_es", "fuente_qu",
    "evidencia_url", "nota_es", "nota_qu", "publicado", "datos_de_ejemplo", "verificacion_fcd", "nota_fcd",
]
INDICATOR_COLUMNS = [
    "id", "compromiso", "orden", "nombre_es", "nombre_qu", "unidad_es", "unidad_qu", "sentido", "linea_base",
    "fecha_linea_base", "meta", "fecha_meta", "metodo_es", "metodo_qu", "fuente_es", "fuente_qu", "desagregacion",
    "publicado", "datos_de_ejemplo",
]


def make_indicator(commitment, **fields) -> Indicator:
    values = {
        "order": 1,
        "name_es": "Plantas producidas al año",
        "name_qu": "Watanta wiñachishka yurakuna",
        "unit_es": "plantas",
        "unit_qu": "yurakuna",
        "baseline_value": Decimal("60000"),
        "baseline_on": date(2024, 12, 31),
        "target_value": Decimal("75000"),
        "target_on": date(2027, 2, 28),
        "method_es": "Registros de despacho del vivero.",
        "source_es": "Vivero provincial",
        "is_published": True,
    }
    values.update(fields)
    return Indicator.objects.create(commitment=commitment, **values)


def make_value(indicator, **fields) -> IndicatorValue:
    values = {"observed_on": date(2025, 6, 30), "value": Decimal("61800"), "is_published": True}
    values.update(fields)
    return IndicatorValue.objects.create(indicator=indicator, **values)


def verify(value, monitor, status=IndicatorVerification.Status.VERIFIED, note=""):
    return services.indicator_verification_save(
        verification=IndicatorVerification(value=value, status=status, note=note), by=monitor
    )


def state() -> tuple[list[dict], list[dict], list[dict], int]:
    """Every indicator, value and verification column, and how many change records."""
    return (
        list(Indicator.objects.order_by("pk").values()),
        list(IndicatorValue.objects.order_by("pk").values()),
        list(IndicatorVerification.objects.order_by("pk").values()),
        ChangeRecord.objects.count(),
    )


def listed(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.fixture
def indicator(commitment):
    return make_indicator(commitment)


@pytest.fixture
def other_indicator(other_commitment):
    return make_indicator(other_commitment, name_es="Kilómetros de vías con mantenimiento", unit_es="km",
                          baseline_value=0, baseline_on=date(2025, 1, 1), target_value=600)


@pytest.fixture
def value(indicator):
    return make_value(indicator)


@pytest.fixture
def other_value(other_indicator):
    return make_value(other_indicator, value=Decimal("85"))


# The staff admin: who enters, who publishes, what stays.


def test_an_implementer_lists_only_the_indicators_and_values_of_their_department(
    implementer_client, indicator, other_indicator, value, other_value
):
    assert listed(implementer_client.get(admin_url("indicator"))) == [indicator]
    assert listed(implementer_client.get(admin_url("indicatorvalue"))) == [value]
    assert implementer_client.get(admin_url("indicatorvalue", "change", other_value.pk)).status_code in {302, 404}


def test_an_implementer_enters_a_value_of_their_indicator_which_awaits_a_planner(
    implementer_client, implementer, indicator
):
    page = implementer_client.get(admin_url("indicatorvalue", "add") + f"?indicator={indicator.pk}")
    assert page.status_code == 200
    assert page.context["adminform"].form.initial["indicator"] == str(indicator.pk)
    data = form_data(page, indicator=indicator.pk, observed_on=date(2025, 12, 31), value="64200",
                     source_es="Vivero provincial", is_published=True)

    response = implementer_client.post(admin_url("indicatorvalue", "add"), data)

    assert response.status_code == 302
    added = IndicatorValue.objects.get(indicator=indicator, observed_on=date(2025, 12, 31))
    assert added.value == Decimal("64200")
    assert added.is_published is False, "only the Planning Directorate publishes"
    assert (added.entered_through, added.recorded_by) == (ProgressSource.ADMIN, implementer)
    assert ChangeRecord.objects.filter(model="indicatorvalue", object_id=added.pk, commitment_code="TEST0001",
                                       user=implementer).exists()


def test_an_implementer_cannot_enter_a_value_for_another_departments_indicator(
    implementer_client, indicator, other_indicator
):
    data = form_data(implementer_client.get(admin_url("indicatorvalue", "add")), indicator=other_indicator.pk,
                     observed_on=date(2025, 12, 31), value="100")
    before = state()

    response = implementer_client.post(admin_url("indicatorvalue", "add"), data)

    assert response.status_code == 200
    assert "indicator" in response.context["adminform"].form.errors
    assert state() == before


def test_a_value_cannot_be_dated_in_the_future(planner_client, indicator):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = form_data(planner_client.get(admin_url("indicatorvalue", "add")), indicator=indicator.pk,
                     observed_on=tomorrow, value="100")

    response = planner_client.post(admin_url("indicatorvalue", "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["observed_on"] == [
        spanish("A measured value cannot be dated in the future.")
    ]
    assert not IndicatorValue.objects.exists()


def test_a_planner_publishes_a_value(planner_client, planner, indicator):
    draft = make_value(indicator, is_published=False)
    data = form_data(planner_client.get(admin_url("indicatorvalue", "change", draft.pk)), is_published=True)

    assert planner_client.post(admin_url("indicatorvalue", "change", draft.pk), data).status_code == 302

    draft.refresh_from_db()
    assert draft.is_published is True


def test_an_implementer_cannot_publish_an_indicator(implementer_client, commitment):
    draft = make_indicator(commitment, is_published=False)
    data = form_data(implementer_client.get(admin_url("indicator", "change", draft.pk)), is_published=True,
                     name_es="Plantas del vivero")

    assert implementer_client.post(admin_url("indicator", "change", draft.pk), data).status_code == 302

    draft.refresh_from_db()
    assert (draft.name_es, draft.is_published) == ("Plantas del vivero", False)


def test_published_indicators_and_values_are_never_deleted(planner_client, indicator, value):
    for model, record in (("indicatorvalue", value), ("indicator", indicator)):
        assert planner_client.post(admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    # The guard raises inside Django's deletion transaction, which then cannot go on: the attempt gets its own.
    with pytest.raises(PublishedRecordProtected), transaction.atomic():
        value.delete()
    assert IndicatorValue.objects.filter(pk=value.pk).exists()


def test_a_draft_value_goes_unless_the_monitor_has_checked_it(planner_client, monitor, indicator):
    checked = make_value(indicator, is_published=False)
    verify(checked, monitor, IndicatorVerification.Status.DISPUTED, "Sin acta de entrega")
    unchecked = make_value(indicator, is_published=False, observed_on=date(2025, 12, 31))

    assert planner_client.post(admin_url("indicatorvalue", "delete", checked.pk), {"post": "yes"}).status_code == 403
    assert planner_client.post(admin_url("indicatorvalue", "delete", unchecked.pk), {"post": "yes"}).status_code == 302
    assert list(IndicatorValue.objects.all()) == [checked]


@pytest.mark.parametrize("who", ["planner_client", "implementer_client", "monitor_client"])
def test_every_role_opens_the_indicator_pages(request, who, monitor, value):
    client = request.getfixturevalue(who)
    verification = verify(value, monitor)

    for model, record in (("indicator", value.indicator), ("indicatorvalue", value),
                          ("indicatorverification", verification)):
        assert client.get(admin_url(model)).status_code == 200
        assert client.get(admin_url(model, "change", record.pk)).status_code == 200


def test_the_indicator_admins_keep_both_toolbars(planner_client, indicator):
    """Import-export's buttons beside modeltranslation's Spanish and Kichwa fields."""
    for model in ("indicator", "indicatorvalue"):
        listing = planner_client.get(admin_url(model)).text
        assert admin_url(model, "import") in listing and admin_url(model, "export") in listing
    form = planner_client.get(admin_url("indicator", "change", indicator.pk)).context["adminform"].form
    assert {"name_es", "name_qu", "unit_es", "unit_qu", "method_es", "method_qu"} <= set(form.fields)


# The independent monitor's verdicts.


def test_the_monitor_verifies_a_value(monitor_client, monitor, value):
    page = monitor_client.get(admin_url("indicatorverification", "add") + f"?value={value.pk}")
    assert page.status_code == 200
    data = form_data(page, value=value.pk, status="disputed", note="El acta no coincide con el registro.")

    assert monitor_client.post(admin_url("indicatorverification", "add"), data).status_code == 302

    verification = value.__class__.objects.get(pk=value.pk).verification
    assert (verification.status, verification.note, verification.checked_by) == (
        "disputed", "El acta no coincide con el registro.", monitor
    )
    assert ChangeRecord.objects.filter(model="indicatorverification", commitment_code="TEST0001", user=monitor).exists()


def test_the_monitor_reads_but_never_changes_the_governments_values(monitor_client, planner_client, value):
    data = form_data(planner_client.get(admin_url("indicatorvalue", "change", value.pk)), value="1")
    before = state()

    assert monitor_client.get(admin_url("indicatorvalue", "change", value.pk)).status_code == 200
    assert monitor_client.post(admin_url("indicatorvalue", "change", value.pk), data).status_code == 403
    assert monitor_client.get(admin_url("indicatorvalue", "add")).status_code == 403
    assert state() == before


@pytest.mark.parametrize("who", ["planner", "implementer", "superuser"])
def test_government_staff_cannot_write_a_verdict(request, client, monitor, monitor_client, value, who):
    """Staff read the monitor's note; they cannot add, change or delete it (403), not even a superuser."""
    user = UserFactory(username="raiz", is_superuser=True) if who == "superuser" else request.getfixturevalue(who)
    client.force_login(user)
    verification = verify(value, monitor, note="Coincide con las actas.")
    data = form_data(monitor_client.get(admin_url("indicatorverification", "change", verification.pk)),
                     status="disputed", note="Cambiado por el gobierno")
    before = state()

    page = client.get(admin_url("indicatorverification", "change", verification.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.text
    assert client.post(admin_url("indicatorverification", "change", verification.pk), data).status_code == 403
    assert client.get(admin_url("indicatorverification", "add")).status_code == 403
    assert client.post(admin_url("indicatorverification", "delete", verification.pk),
                       {"post": "yes"}).status_code == 403
    assert state() == before


@pytest.mark.parametrize("who", ["planner", "implementer", None])
def test_the_service_refuses_a_verdict_from_anyone_but_the_monitor(request, value, who):
    user = request.getfixturevalue(who) if who else None

    with pytest.raises(PermissionDenied):
        services.indicator_verification_save(
            verification=IndicatorVerification(value=value, status="verified"), by=user
        )
    assert not IndicatorVerification.objects.exists()


def test_the_value_page_shows_the_verdict_read_only(planner_client, monitor, value):
    verify(value, monitor, IndicatorVerification.Status.DISPUTED, "El acta no coincide.")

    response = planner_client.get(admin_url("indicatorvalue", "change", value.pk))

    assert response.status_code == 200
    assert "El acta no coincide." in response.text
    assert "monitor-fcd" in response.text
    form = response.context["adminform"].form
    assert "verification_display" not in form.fields and "status" not in form.fields


def test_the_monitor_holds_write_permissions_on_its_verdicts_only(monitor, planner, implementer):
    assert monitor.has_perm("commitments.add_indicatorverification")
    assert monitor.has_perm("commitments.change_indicatorverification")
    assert not monitor.has_perm("commitments.delete_indicatorverification")
    assert not monitor.has_perm("commitments.change_indicatorvalue")
    assert monitor.has_perm("commitments.view_indicatorvalue")
    for staff in (planner, implementer):
        assert staff.has_perm("commitments.view_indicatorverification")
        assert not staff.has_perm("commitments.change_indicatorverification")
    assert implementer.has_perm("commitments.add_indicatorvalue")
    assert not implementer.has_perm("commitments.delete_indicatorvalue")


# The commitment's public page.


@pytest.fixture
def measured(commitment, monitor, indicator):
    """A published indicator with published totals (one verified, one disputed), values by sex, a draft value,
    a draft indicator and a decreasing indicator."""
    indicator.disaggregation = Indicator.Disaggregation.SEX
    indicator.is_illustrative = True
    indicator.save()
    first = make_value(indicator, value=Decimal("61800"), evidence_url="https://pastaza.gob.ec/acta-vivero.pdf")
    second = make_value(indicator, observed_on=date(2025, 12, 31), value=Decimal("64200.5"))
    make_value(indicator, observed_on=date(2025, 12, 31), value=Decimal("35000"), group="Mujeres")
    make_value(indicator, observed_on=date(2026, 3, 31), value=Decimal("99999"), is_published=False)
    verify(first, monitor)
    verify(second, monitor, IndicatorVerification.Status.DISPUTED, "Faltan las actas de diciembre")
    make_indicator(commitment, order=2, name_es="Indicador en borrador", is_published=False)
    make_indicator(commitment, order=3, name_es="Días de respuesta a solicitudes", name_qu="Kutichina punchakuna",
                   unit_es="días", unit_qu="punchakuna", direction="decrease", baseline_value=90, target_value=30)
    return indicator


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_page_shows_each_published_indicator_with_its_chart_and_table(citizen, measured, lang):
    response = citizen.get(f"/{lang}/compromisos/TEST0001/")

    assert response.status_code == 200
    text = response.text
    with translation.override(lang):
        words = {key: translation.gettext(key) for key in (
            "Indicators", "Higher is better", "Lower is better", "Verified by the independent monitor",
            "Not checked yet", "example data", "Total", "Evidence", "Measured values",
        )}
        disputed = translation.gettext("Disputed by the independent monitor: %(note)s") % {
            "note": "Faltan las actas de diciembre"
        }
    for word in words.values():
        assert html(word) in text
    assert html(disputed) in text
    name = "Plantas producidas al año" if lang == "es" else "Watanta wiñachishka yurakuna"
    assert name in text
    assert ("Días de respuesta a solicitudes" if lang == "es" else "Kutichina punchakuna") in text
    # One accessible chart per published indicator, its figures in a table beside it.
    section = text[text.index('id="ind-h"'):text.index("</section>", text.index('id="ind-h"'))]
    assert section.count('role="img"') == 2
    assert section.count('<table class="chart-data indicator-data stack">') == 2
    label = section[section.index('aria-label="') : section.index('"', section.index('aria-label="') + 12)]
    for figure in ("60.000", "61.800", "64.200,5", "75.000"):
        assert figure in label
    for figure in ("60.000", "61.800", "64.200,5", "35.000", "75.000"):
        assert f'data-label="{"Valor" if lang == "es" else "Yupay"}">{figure}' in section
    assert "Mujeres" in section
    assert 'href="https://pastaza.gob.ec/acta-vivero.pdf"' in section
    for hidden in ("99.999", "Indicador en borrador"):
        assert hidden not in text
    # The section follows the milestones.
    assert text.index('id="ms-h"') < text.index('id="ind-h"')


def test_an_indicator_with_no_value_yet_draws_its_baseline_and_target(citizen, indicator):
    response = citizen.get("/es/compromisos/TEST0001/")

    section = response.text[response.text.index('id="ind-h"'):]
    assert 'class="lc-todo"' in section and 'class="lc-done"' not in section
    assert 'data-label="Valor">60.000</td>' in section and 'data-label="Valor">75.000</td>' in section


def test_a_commitment_without_published_indicators_has_no_indicators_section(citizen, commitment):
    make_indicator(commitment, is_published=False)

    assert 'id="ind-h"' not in citizen.get("/es/compromisos/TEST0001/").text


def _page_queries(citizen) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert citizen.get("/es/compromisos/TEST0001/").status_code == 200
    return len(queries)


def _add_indicators(commitment, monitor, count: int, per_indicator: int, start: int = 1) -> None:
    for order in range(start, start + count):
        indicator = make_indicator(commitment, order=order, disaggregation="canton")
        for n in range(per_indicator):
            value = make_value(indicator, observed_on=date(2025, 1, 1) + timedelta(days=30 * n), value=n * 10)
            make_value(indicator, observed_on=value.observed_on, value=n, group="Mera")
            if n % 2:
                verify(value, monitor)


def test_the_page_costs_the_same_queries_for_3_or_30_indicators_and_values(citizen, settings, commitment, monitor):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    _add_indicators(commitment, monitor, 3, 1)
    few = _page_queries(citizen)

    _add_indicators(commitment, monitor, 27, 10, start=4)
    many = _page_queries(citizen)

    assert many == few
    assert citizen.get("/es/compromisos/TEST0001/").content.count(b'role="img"') >= 30


# Spreadsheets.


def value_row(value, **changes) -> dict:
    row = {
        "id": value.pk, "indicador": value.indicator_id, "fecha": value.observed_on.isoformat(), "grupo": value.group,
        "valor": str(value.value), "publicado": "sí" if value.is_published else "no", "datos_de_ejemplo": "no",
    }
    row.update(changes)
    return row


def new_value_row(indicator, **changes) -> dict:
    row = {"id": "", "indicador": indicator.pk, "fecha": "31/12/2025", "grupo": "", "valor": "64200",
           "fuente_es": "Vivero provincial", "publicado": "no", "datos_de_ejemplo": "no"}
    row.update(changes)
    return row


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_values_round_trip_through_a_spreadsheet(planner_client, planner, monitor, indicator, fmt):
    indicator.disaggregation = "sex"
    indicator.save()
    checked = make_value(indicator, note_es="Con “comillas”, comas; y\nsaltos", source_es="Vivero",
                         evidence_url="https://pastaza.gob.ec/a.pdf", value=Decimal("61800.25"))
    make_value(indicator, group="Mujeres", value=Decimal("30000"), is_published=False, is_illustrative=True)
    verify(checked, monitor, IndicatorVerification.Status.DISPUTED, "Falta el acta")

    exported = admin_export(planner_client, "indicatorvalue", fmt).content
    sheet = read_spreadsheet(exported, fmt)
    assert sheet.headers == VALUE_COLUMNS
    first = sheet.dict[0]
    assert (first["compromiso"], first["indicador_nombre"], first["verificacion_fcd"], first["nota_fcd"]) == (
        "TEST0001", "Plantas producidas al año", "disputed", "Falta el acta"
    )
    assert str(first["valor"]) == "61800.25"
    before = state()

    # 1. What was just exported changes nothing.
    preview = import_preview(planner_client, "indicatorvalue", exported, f"valores.{fmt}", fmt)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip", "skip"]
    import_confirm(planner_client, "indicatorvalue", preview)
    assert state() == before

    # 2. The same file, edited, imports the change.
    edited = tablib.Dataset(headers=sheet.headers)
    for row in sheet.dict:
        edited.append([row[h] if h != "fuente_es" or row["grupo"] else "Vivero provincial" for h in sheet.headers])
    content = edited.export(fmt)
    content = content.encode("utf-8") if isinstance(content, str) else content
    preview = import_preview(planner_client, "indicatorvalue", content, f"valores.{fmt}", fmt)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["update", "skip"]
    import_confirm(planner_client, "indicatorvalue", preview)

    checked.refresh_from_db()
    assert checked.source_es == "Vivero provincial"
    assert checked.verification.note == "Falta el acta", "the monitor's verdict is never imported"
    record = ChangeRecord.objects.get(model="indicatorvalue", object_id=checked.pk, action="changed")
    assert (record.source, record.user) == ("import", planner)
    assert record.changes == {"source_es": ["Vivero", "Vivero provincial"]}

    # 3. What the monitor checked (figure, date, group) no longer changes, not even by a spreadsheet.
    edited = tablib.Dataset(headers=sheet.headers)
    for row in sheet.dict:
        edited.append([row[h] if h != "valor" or row["grupo"] else "62000,5" for h in sheet.headers])
    content = edited.export(fmt)
    content = content.encode("utf-8") if isinstance(content, str) else content
    refused = import_preview(planner_client, "indicatorvalue", content, f"valores.{fmt}", fmt)
    assert refused.context["result"].has_validation_errors()
    assert "El organismo independiente de seguimiento ya revisó este valor" in refused.content.decode()
    checked.refresh_from_db()
    assert checked.value == Decimal("61800.25")


def test_a_row_without_id_names_its_value_by_indicator_date_and_group(planner_client, planner, indicator, value):
    rows = [
        new_value_row(indicator, fecha=value.observed_on.isoformat(), valor="61900"),  # the same value: updated
        new_value_row(indicator, fecha="2025-12-31", valor="64200"),  # a new one
    ]

    preview = import_preview(planner_client, "indicatorvalue", spreadsheet(rows, "csv", VALUE_COLUMNS),
                             "valores.csv", "csv")
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["update", "new"]
    import_confirm(planner_client, "indicatorvalue", preview)

    value.refresh_from_db()
    added = IndicatorValue.objects.get(indicator=indicator, observed_on=date(2025, 12, 31))
    assert value.value == Decimal("61900")
    assert (added.value, added.entered_through, added.recorded_by, added.source_es) == (
        Decimal("64200"), ProgressSource.IMPORT, planner, "Vivero provincial"
    )


IN_A_YEAR = (date.today() + timedelta(days=366)).isoformat()

BAD_VALUE_ROWS = [
    pytest.param({"valor": "mucho"}, "“%(value)s” is not a number.", {"value": "mucho"}, "valor", id="not-a-number"),
    pytest.param({"fecha": IN_A_YEAR}, "A measured value cannot be dated in the future.", {}, "fecha",
                 id="future-date"),
    pytest.param({"fecha": "ayer"}, "“%(value)s” is not a date; write it as YYYY-MM-DD.", {"value": "ayer"}, "fecha",
                 id="not-a-date"),
    pytest.param({"indicador": 999999}, "Unknown indicator “%(value)s”; give its id, as the export of indicators "
                 "shows it.", {"value": "999999"}, "indicador", id="unknown-indicator"),
    pytest.param({"id": 999999}, "There is no indicator value with id %(id)s; leave the id empty to add one.",
                 {"id": "999999"}, None, id="unknown-id"),
    pytest.param({"grupo": "Mujeres"}, "This indicator is not disaggregated: leave the group empty for its total.",
                 {}, "grupo", id="group-of-a-total-only-indicator"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("bad", "msgid", "params", "column"), BAD_VALUE_ROWS)
def test_a_file_with_any_bad_value_row_is_refused_whole(planner_client, value, fmt, bad, msgid, params, column):
    params = {"indicator": value.indicator_id, **params}
    rows = [
        value_row(value, valor="61900"),  # good: an update
        new_value_row(value.indicator, fecha="2025-09-30", valor="63000"),  # good: an addition
        new_value_row(value.indicator, **{"fecha": "2025-12-31", **bad}),  # row 3: bad
    ]
    before = state()

    response = import_preview(planner_client, "indicatorvalue", spreadsheet(rows, fmt, VALUE_COLUMNS),
                              f"valores.{fmt}", fmt)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [3]
    reason = spanish(msgid, **params)
    assert reason in row_messages(result.invalid_rows[0])
    if column is not None:
        assert reason in row_errors(result.invalid_rows[0])[column]
    assert html(reason) in response.text
    assert state() == before


def test_a_value_given_twice_or_moved_onto_another_is_refused(planner_client, indicator, value):
    stored = make_value(indicator, observed_on=date(2025, 3, 31), value=Decimal("61000"))
    rows = [
        new_value_row(indicator, fecha="2025-12-31", valor="64000"),
        new_value_row(indicator, fecha="2025-12-31", valor="64500"),  # the same date and group again
        value_row(stored, fecha=value.observed_on.isoformat()),  # onto the date another value holds
    ]
    before = state()

    response = import_preview(planner_client, "indicatorvalue", spreadsheet(rows, "csv", VALUE_COLUMNS),
                              "valores.csv", "csv")

    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2, 3]
    message = "Indicator %(indicator)s already has a total on %(day)s."
    assert spanish(message, indicator=indicator.pk, day="2025-12-31") in row_messages(result.invalid_rows[0])
    assert spanish(message, indicator=indicator.pk, day="2025-06-30") in row_errors(result.invalid_rows[1])["fecha"]
    assert state() == before


def test_an_implementer_cannot_import_values_for_another_departments_indicator(
    implementer_client, value, other_value
):
    rows = [value_row(value, valor="61900"), value_row(other_value, valor="90"),
            new_value_row(other_value.indicator, fecha="2025-12-31")]
    before = state()

    response = import_preview(implementer_client, "indicatorvalue", spreadsheet(rows, "csv", VALUE_COLUMNS),
                              "valores.csv", "csv")

    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2, 3]
    reason = spanish("You may not enter values for the indicators of %(code)s.", code="TEST0002")
    for row in result.invalid_rows:
        assert reason in row_messages(row)
    assert response.context.get("confirm_form") is None
    assert state() == before


def test_an_implementer_cannot_publish_a_value_by_import(implementer_client, indicator):
    draft = make_value(indicator, is_published=False)
    before = state()

    response = import_preview(implementer_client, "indicatorvalue",
                              spreadsheet([value_row(draft, publicado="sí")], "csv", VALUE_COLUMNS),
                              "valores.csv", "csv")

    messages = row_messages(response.context["result"].invalid_rows[0])
    assert spanish("You may not change this column: the form does not let you change it either.") in messages
    assert state() == before


def test_the_resource_rolls_a_bad_file_back_whole_even_when_not_a_dry_run(planner, value):
    rows = [value_row(value, valor="61900"), new_value_row(value.indicator, valor="mucho")]
    dataset = tablib.Dataset().load(spreadsheet(rows, "csv", VALUE_COLUMNS).decode(), format="csv")
    before = state()

    result = IndicatorValueResource().import_data(dataset, dry_run=False, user=planner)

    assert result.has_validation_errors()
    assert state() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_indicators_round_trip_and_an_edit_imports(planner_client, indicator, other_indicator, fmt):
    exported = admin_export(planner_client, "indicator", fmt).content
    sheet = read_spreadsheet(exported, fmt)
    assert sheet.headers == INDICATOR_COLUMNS
    before = state()

    preview = import_preview(planner_client, "indicator", exported, f"indicadores.{fmt}", fmt)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip", "skip"]
    import_confirm(planner_client, "indicator", preview)
    assert state() == before

    rows = [dict(row) for row in sheet.dict]
    rows[0]["meta"] = "80000"
    rows.append({**rows[1], "id": "", "orden": 2, "nombre_es": "Días de respuesta", "sentido": "decrease",
                 "linea_base": "90", "meta": "30", "unidad_es": "días"})
    preview = import_preview(planner_client, "indicator", spreadsheet(rows, fmt, INDICATOR_COLUMNS),
                             f"indicadores.{fmt}", fmt)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["update", "skip", "new"]
    import_confirm(planner_client, "indicator", preview)

    indicator.refresh_from_db()
    assert indicator.target_value == Decimal("80000")
    added = Indicator.objects.get(commitment=other_indicator.commitment, order=2)
    assert (added.name_es, added.direction, added.target_value) == ("Días de respuesta", "decrease", Decimal("30"))


def test_an_indicator_file_with_a_bad_row_is_refused_whole(implementer_client, indicator, other_indicator):
    rows = [
        {"id": indicator.pk, "compromiso": "TEST0001", "orden": 1, "nombre_es": "Plantas", "unidad_es": "plantas",
         "sentido": "increase", "linea_base": "60000", "fecha_linea_base": "2024-12-31", "meta": "76000",
         "fecha_meta": "2027-02-28", "desagregacion": "none", "publicado": "sí", "datos_de_ejemplo": "no"},
        {"id": "", "compromiso": "TEST0002", "orden": 5, "nombre_es": "Puentes", "unidad_es": "puentes",
         "sentido": "increase", "linea_base": "0", "fecha_linea_base": "2025-01-01", "meta": "4",
         "fecha_meta": "2027-02-28", "desagregacion": "none", "publicado": "no", "datos_de_ejemplo": "no"},
        {"id": "", "compromiso": "TEST0001", "orden": 1, "nombre_es": "Otro", "unidad_es": "x",
         "sentido": "increase", "linea_base": "10", "fecha_linea_base": "2025-01-01", "meta": "5",
         "fecha_meta": "2027-02-28", "desagregacion": "none", "publicado": "no", "datos_de_ejemplo": "no"},
    ]
    before = state()

    response = import_preview(implementer_client, "indicator", spreadsheet(rows, "csv", INDICATOR_COLUMNS),
                              "indicadores.csv", "csv")

    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2, 3]
    assert spanish("You may not edit the indicators of %(code)s.", code="TEST0002") in row_messages(
        result.invalid_rows[0]
    )
    third = row_messages(result.invalid_rows[1])
    assert spanish("Another indicator of %(code)s already has order %(order)s.", code="TEST0001", order=1) in third
    assert response.context.get("confirm_form") is None
    assert state() == before


# load_demo.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_load_demo_adds_illustrative_indicators_to_each_real_commitment(citizen, real_plan, lang):
    for commitment in real_plan.commitments.all():
        indicators = list(Indicator.objects.published().filter(commitment=commitment))
        assert len(indicators) >= 2
        assert all(i.is_illustrative and i.name_qu and i.unit_qu for i in indicators)
        values = IndicatorValue.objects.published().filter(indicator__commitment=commitment)
        assert values.exists() and not values.filter(is_illustrative=False).exists()
        assert not values.filter(observed_on__gt=date(2026, 12, 5)).exists()
    plants = Indicator.objects.get(commitment__code="ECPTZ0001", order=1)
    assert (plants.baseline_value, plants.name_es) == (60000, "Plantas producidas al año en el vivero provincial")
    assert Indicator.objects.filter(direction="decrease").exists()
    assert IndicatorValue.objects.exclude(group="").exists()

    response = citizen.get(f"/{lang}/compromisos/ECPTZ0001/")
    with translation.override(lang):
        assert html(translation.gettext("example data")) in response.text
    assert (plants.name_es if lang == "es" else plants.name_qu) in response.text
    assert response.text.count('role="img"') >= 2


def test_the_change_records_of_values_and_verdicts_name_their_commitment(monitor):
    value = make_value(make_indicator(CommitmentFactory(code="OTRO0001")))
    verification = verify(value, monitor)

    for model, pk in (("indicator", value.indicator_id), ("indicatorvalue", value.pk),
                      ("indicatorverification", verification.pk)):
        assert ChangeRecord.objects.get(model=model, object_id=pk, action="created").commitment_code == "OTRO0001"
