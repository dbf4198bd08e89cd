"""The printable bulletins of a published quarterly report (issue 16): one per canton and language, one A4 landscape
sheet with the same A5 bulletin twice, made from the report's snapshot, written once with the report's PDFs,
listed and served from its page, checked by verify_files; none for a draft or an annual report."""

from __future__ import annotations

import hashlib
import re
import subprocess
import zoneinfo
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from commitments.models import Canton
from conecta.extensions import published_files
from conecta.published_files import published_files_verify
from reports import bulletins, services
from reports.models import Report, ReportFrozenError, ReportOutreachFile
from reports.periods import Period
from roads.models import RoadWork
from tests.factories import CantonFactory, MilestoneFactory
from tests.roads.factories import ParishFactory, RoadProgressFactory, RoadRequestFactory, RoadWorkFactory

from .conftest import Q3

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL.rstrip("/")
# The four cantons of Pastaza (INEC); Mera alone has a Kichwa name, the others fall back to Spanish.
CANTONS = [
    ("1601", "pastaza", "Pastaza", ""),
    ("1602", "mera", "Mera", "Mira"),
    ("1603", "santa-clara", "Santa Clara", ""),
    ("1604", "arajuno", "Arajuno", ""),
]
BEFORE_THE_END = datetime(2025, 6, 1, 12, tzinfo=zoneinfo.ZoneInfo("America/Guayaquil"))


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def pdf_info(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in out.splitlines())}


@pytest.fixture
def cantons(db):
    return [CantonFactory(code=code, slug=slug, name_es=es, name_qu=qu) for code, slug, es, qu in CANTONS]


@pytest.fixture
def mera_road(cantons):
    """A road work in Mera recorded before the quarter, 40 % done on 31 August 2025, and two road requests from a
    parish of Mera in the quarter; a road work in Pastaza only."""
    mera, pastaza = Canton.objects.get(code="1602"), Canton.objects.get(code="1601")
    work = RoadWorkFactory(code="VIA-MERA-01", name_es="Lastrado de la vía Shell – Madre Tierra", name_qu="")
    work.cantons.add(mera)
    RoadProgressFactory(work=work, observed_on=date(2025, 8, 31), physical_pct=40, paid_amount=Decimal("1000.00"))
    other = RoadWorkFactory(code="VIA-PUYO-01", name_es="Bacheo de la vía Puyo – Tarqui")
    other.cantons.add(pastaza)
    RoadWork.objects.update(created_at=BEFORE_THE_END)
    shell = ParishFactory(canton=mera, code="160252", name_es="Shell")
    RoadRequestFactory(parish=shell, received_on=date(2025, 8, 1))
    RoadRequestFactory(parish=shell, received_on=date(2025, 8, 2))
    return work


@pytest.fixture
def overdue_in_spanish(plan_with_progress, other_commitment):
    """An overdue milestone written in Spanish only: the Kichwa bulletin shows it marked as Spanish."""
    return MilestoneFactory(
        commitment=other_commitment, order=2, title_es="Puente sobre el río Pindo", title_qu="", due_on=date(2025, 9, 1)
    )


def publish(plan, planner, second_planner, capture, period=Q3) -> Report:
    report = services.report_draft_for_period(plan=plan, period=period)
    report.summary_es = "Resumen del periodo."
    report.save()
    services.report_submit(report=report, by=planner)
    services.report_approve(report=report, by=second_planner)
    with capture(execute=True):
        services.report_publish(report=report, by=planner)
    report.refresh_from_db()
    return report


@pytest.fixture
def report(
    mera_road,
    overdue_in_spanish,
    plan_with_progress,
    planner,
    second_planner,
    django_capture_on_commit_callbacks,
):
    return publish(plan_with_progress, planner, second_planner, django_capture_on_commit_callbacks)


def bulletins_of(report) -> dict[tuple[str, str], ReportOutreachFile]:
    rows = ReportOutreachFile.objects.bulletins().filter(report=report).select_related("canton", "report")
    return {(row.canton.slug, row.language): row for row in rows}


def test_each_canton_gets_a_one_sheet_bulletin_in_each_language(report):
    rows = bulletins_of(report)
    assert set(rows) == {(slug, language) for _code, slug, _es, _qu in CANTONS for language in ("es", "qu")}
    assert report.render_state == Report.RenderState.READY
    for (slug, language), row in rows.items():
        path = Path(row.file.path)
        assert (row.size, row.sha256) == (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
        info = pdf_info(path)
        assert info["Pages"] == "1", (slug, language)
        assert info["Page size"].startswith("841.89 x 595.27"), (slug, language, info["Page size"])  # A4 landscape
        text = pdf_text(path)
        canton = row.canton.name_qu if language == "qu" and row.canton.name_qu else row.canton.name_es
        with translation.override(language):
            period = report.period_obj.label()
        address = f"{SITE}/{language}/informes/2025-t3/"
        # The two halves say the same: each has the canton, the period and the QR code's address.
        assert text.count(canton) >= 2 and text.count(period) >= 2 and text.count(address) == 2, (slug, language)


def test_a_bulletin_lists_the_road_works_of_its_canton_from_the_snapshot(report):
    rows = bulletins_of(report)
    mera = pdf_text(rows[("mera", "es")].file.path)
    assert "Lastrado de la vía Shell" in mera and "40 %" in mera and "Bacheo" not in mera
    assert "2 recibidos" in mera  # the road requests of Mera's parishes in the quarter
    assert "Bacheo de la vía Puyo" in pdf_text(rows[("pastaza", "es")].file.path)
    arajuno = pdf_text(rows[("arajuno", "es")].file.path)
    assert "Lastrado" not in arajuno and "El informe no registra obras viales en este cantón." in arajuno
    # Live data changed after publication is not what the bulletin says: it reads the snapshot.
    RoadWork.objects.filter(code="VIA-MERA-01").update(name_es="Otro nombre")
    sheet = bulletins.bulletin_html(
        bulletins.bulletin_prepare(report, Canton.objects.get(code="1602"), "es"), fit=bulletins.STEPS[0], sheet=True
    )
    assert "Lastrado de la vía Shell" in sheet and "Otro nombre" not in sheet


def test_a_bulletin_says_so_when_the_snapshot_recorded_no_road_works(report):
    # As a snapshot taken before the portal followed road works (never saved: the published row is frozen).
    report.snapshot = {key: value for key, value in report.snapshot.items() if key != "roads"}
    bulletin = bulletins.bulletin_prepare(report, Canton.objects.get(code="1602"), "es")
    html = bulletins.bulletin_html(bulletin, fit=bulletins.STEPS[0], sheet=False)
    assert "Las obras viales no se registraron en este informe" in html


def test_the_kichwa_bulletin_marks_spanish_texts_as_spanish(report):
    bulletin = bulletins.bulletin_prepare(report, Canton.objects.get(code="1604"), "qu")
    html = bulletins.bulletin_html(bulletin, fit=bulletins.STEPS[0], sheet=True)
    assert re.search(r'<html lang="qu">', html)
    assert '<span lang="es">Arajuno</span>' in html  # the canton's name, Spanish only
    assert '<span lang="es">Puente sobre el río Pindo</span>' in html  # the overdue milestone, Spanish only
    mera = bulletins.bulletin_html(
        bulletins.bulletin_prepare(report, Canton.objects.get(code="1602"), "qu"), fit=bulletins.STEPS[0], sheet=True
    )
    assert "Mira kiti" in mera and '<span lang="es">Mira' not in mera
    assert "(kastilla shimipi)" in pdf_text(bulletins_of(report)[("arajuno", "qu")].file.path)


def test_a_published_bulletin_is_never_replaced_nor_deleted(report, rerender):
    row = bulletins_of(report)[("mera", "qu")]
    before = (row.file.name, row.sha256, Path(row.file.path).read_bytes())
    row.sha256 = "0" * 64
    with pytest.raises(ReportFrozenError):
        row.save()
    with pytest.raises(ReportFrozenError):
        ReportOutreachFile.objects.filter(pk=row.pk).update(file="otro.pdf")
    with pytest.raises(ReportFrozenError), transaction.atomic():
        ReportOutreachFile.objects.get(pk=row.pk).delete()
    # Asking for the files again renders nothing: everything is in place.
    with pytest.raises(services.ReportActionRefused):
        rerender(report)
    Report.objects.filter(pk=report.pk).update(render_state=Report.RenderState.QUEUED)  # a stray re-delivery
    assert services.report_render(report_id=report.pk) == "ready"
    row.refresh_from_db()
    assert (row.file.name, row.sha256, Path(row.file.path).read_bytes()) == before
    assert ReportOutreachFile.objects.filter(report=report).count() == 9  # 8 bulletins and one radio pack


def test_a_missing_bulletin_is_rendered_again_under_a_new_name(report, rerender):
    row = bulletins_of(report)[("santa-clara", "es")]
    old_name = row.file.name
    Path(row.file.path).unlink()
    assert rerender(report) is True
    row.refresh_from_db()
    assert row.file.name != old_name and Path(row.file.path).exists()
    assert row.sha256 == hashlib.sha256(Path(row.file.path).read_bytes()).hexdigest()


def test_drafts_and_annual_reports_have_no_bulletins(
    cantons, plan_with_progress, draft, planner, second_planner, rerender, django_capture_on_commit_callbacks
):
    rerender(draft)  # the draft's previews
    assert draft.files.count() == 2 and not ReportOutreachFile.objects.exists()
    year = publish(plan_with_progress, planner, second_planner, django_capture_on_commit_callbacks, Period(2025))
    assert year.files.count() == 2 and not ReportOutreachFile.objects.filter(report=year).exists()


def test_the_report_page_lists_and_serves_each_bulletin(report, citizen, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        page = citizen.get("/es/informes/2025-t3/").content.decode()
    assert "Boletines para imprimir" in page
    for row in bulletins_of(report).values():
        assert row.sha256 in page and row.download_name in page
    row = bulletins_of(report)[("mera", "qu")]
    url = f"/es/informes/2025-t3/difusion/{row.sha256[:16]}/conecta-pastaza-boletin-2025-T3-mera-qu.pdf"
    assert f'href="{url}"' in page
    response = citizen.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{row.sha256}"' and "inline" in response["Content-Disposition"]
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == row.sha256
    assert citizen.get(url.replace(row.sha256[:16], "0" * 16)).status_code == 404
    assert citizen.get(url.replace("mera-qu", "mera-es")).status_code == 404


def test_verify_files_checks_the_bulletins(report):
    names = {item.name for item in published_files()}
    rows = bulletins_of(report)
    assert {row.file.name for row in rows.values()} <= names
    path = Path(rows[("pastaza", "es")].file.path)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.7 tampered")
    checked, problems = published_files_verify()
    assert [problem.file.name for problem in problems] == [rows[("pastaza", "es")].file.name]


def test_the_sweep_renders_the_bulletins_of_a_report_published_before_they_existed(
    report, django_capture_on_commit_callbacks
):
    ReportOutreachFile.objects.filter(report=report, kind="bulletin")._raw_delete(using="default")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_queue_outreach() == 1
    assert len(bulletins_of(report)) == 8
    assert services.reports_queue_outreach() == 0
