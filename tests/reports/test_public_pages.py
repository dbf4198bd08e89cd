"""The public reports pages: list, report page, files, data twin, feed; drafts never shown."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import translation

from reports import services
from reports.models import Report
from reports.periods import Period

pytestmark = pytest.mark.django_db


def test_the_list_shows_published_reports_only_newest_first(published, plan_with_progress, citizen, settings):
    settings.CONECTA_PLAN_SLUG = plan_with_progress.slug
    services.report_draft_for_period(plan=plan_with_progress, period=Period(2025, 4))
    page = citizen.get("/es/informes/").content.decode()
    assert "/es/informes/2025-t3/" in page
    assert "/es/informes/2025-t4/" not in page
    assert published.files.get(language="es").sha256 in page
    assert published.files.get(language="qu").sha256 in page
    assert 'href="/es/informes/2025-t3/conecta-pastaza-informe-2025-T3-es.pdf"' in page
    assert 'href="/es/informes/2025-t3/conecta-pastaza-informe-2025-T3.json"' in page
    assert 'href="/es/informes/2025-t3/conecta-pastaza-informe-2025-T3.csv"' in page
    assert 'class="tag"' in page  # the snapshot holds example data


def test_files_are_served_as_attachments_under_their_names(published, citizen):
    for language in ("es", "qu"):
        name = f"conecta-pastaza-informe-2025-T3-{language}.pdf"
        response = citizen.get(f"/es/informes/2025-t3/{name}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for bad in ("conecta-pastaza-informe-2025-T3-en.pdf", "../../settings.py", "x.json", "%00"):
        assert citizen.get(f"/es/informes/2025-t3/{bad}").status_code == 404


def test_an_annual_report_has_the_annual_names(
    plan_with_progress, planner, second_planner, citizen, django_capture_on_commit_callbacks
):
    report = services.report_draft_for_period(plan=plan_with_progress, period=Period(2025))
    report.summary_es = "Resumen anual."
    report.save()
    services.report_submit(report=report, by=planner)
    services.report_approve(report=report, by=second_planner)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, by=planner)
    response = citizen.get("/es/informes/2025/conecta-pastaza-informe-2025-es.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="conecta-pastaza-informe-2025-es.pdf"'


def test_the_json_twin_is_the_snapshot_with_the_reports_texts(published, citizen):
    response = citizen.get("/es/informes/2025-t3/conecta-pastaza-informe-2025-T3.json")
    assert response["Content-Disposition"] == 'attachment; filename="conecta-pastaza-informe-2025-T3.json"'
    data = json.loads(response.content)
    assert data["snapshot"] == published.snapshot
    assert data["report"]["summary"] == {"es": "Resumen del tercer trimestre.", "qu": "Kimsaniki killakunapak willay."}
    assert {f["language"]: f["sha256"] for f in data["report"]["files"]} == {
        f.language: f.sha256 for f in published.files.all()
    }
    # The participation of the period, frozen with its labels (tests/reports/test_participation_figures.py).
    assert {f["key"] for f in data["snapshot"]["feedback"]["figures"]} >= {"evaluations.count", "channels.assembly"}


def test_the_csv_twin_has_a_row_per_commitment_milestone_and_update(published, citizen):
    response = citizen.get("/es/informes/2025-t3/conecta-pastaza-informe-2025-T3.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    kinds = [row["record"] for row in rows]
    assert kinds.count("commitment") == 2 and kinds.count("milestone") == 3 and kinds.count("update") == 2
    vivero = next(row for row in rows if row["title_es"] == "Vivero provincial")
    assert vivero["is_illustrative"] == "True" and vivero["title_qu"] == "Yura wiñachina wasi"


def test_the_report_page_has_the_pdfs_content(published, citizen):
    page = citizen.get("/es/informes/2025-t3/").content.decode()
    assert "<h1>" in page and "Resumen del tercer trimestre." in page
    for row in published.snapshot["commitments"]:
        assert row["code"] in page and row["title"]["es"] in page
    assert 'class="bars"' in page and 'class="chart-data"' in page  # SVG charts with their tables
    assert "Fuera del trimestre" not in page
    assert page.count('class="tag"') >= 2  # the illustrative milestone and update are marked


def test_the_kichwa_page_shows_kichwa_titles(published, citizen):
    page = citizen.get("/qu/informes/2025-t3/").content.decode()
    assert '<html lang="qu"' in page
    assert "Allpamamata kamana rurana" in page and "Yura wiñachina wasi" in page


@pytest.mark.parametrize("url", ["/es/informes/2025-t9/", "/es/informes/nada/", "/es/informes/2025-t3/x.pdf"])
def test_unknown_reports_are_a_404(url, citizen):
    assert citizen.get(url).status_code == 404


def test_drafts_are_never_public(draft, citizen, settings, plan_with_progress):
    settings.CONECTA_PLAN_SLUG = plan_with_progress.slug
    Report.objects.filter(pk=draft.pk).update(render_state="queued")
    services.report_render(report_id=draft.pk)
    assert citizen.get("/es/informes/2025-t3/").status_code == 404
    assert citizen.get("/es/informes/2025-t3/conecta-pastaza-informe-2025-T3-borrador-es.pdf").status_code == 404
    assert citizen.get("/es/informes/2025-t3/conecta-pastaza-informe-2025-T3.json").status_code == 404
    assert "2025-t3" not in citizen.get("/es/informes/").content.decode()
    assert citizen.get(f"/media/{draft.files.get(language='es').file.name}").status_code == 404


def test_the_feed_lists_published_reports_with_their_pdfs(published, citizen):
    response = citizen.get("/es/informes/feed/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<feed" in body and "/es/informes/2025-t3/" in body
    assert 'rel="enclosure"' in body and "conecta-pastaza-informe-2025-T3-qu.pdf" in body


def test_the_pages_cost_the_same_queries_whatever_the_number_of_reports(
    published,
    plan_with_progress,
    planner,
    second_planner,
    citizen,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    with django_assert_max_num_queries(8):
        citizen.get("/es/informes/")
    with django_assert_max_num_queries(7):  # with the bulletins and radio packs (issue 16)
        citizen.get("/es/informes/2025-t3/")
    for quarter in (1, 2):
        report = services.report_draft_for_period(plan=plan_with_progress, period=Period(2025, quarter))
        report.summary_es = "Resumen."
        report.save()
        services.report_submit(report=report, by=planner)
        services.report_approve(report=report, by=second_planner)
        services.report_publish(report=report, by=planner)
    with django_assert_max_num_queries(8):
        assert citizen.get("/es/informes/").content.decode().count('class="report-item') == 3


def test_the_pages_are_cached_and_dropped_when_a_report_is_published(
    approved, planner, citizen, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    assert "2025-t3" not in citizen.get("/es/informes/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=approved, by=planner)
    assert "2025-t3" in citizen.get("/es/informes/").content.decode()


def test_the_nav_links_to_the_reports(citizen, published):
    with translation.override("es"):
        page = citizen.get("/es/informes/").content.decode()
    assert 'href="/es/informes/" aria-current="page"' in page


def test_the_csv_twin_quotes_a_title_that_starts_like_a_spreadsheet_formula(published):
    from reports.models import Report
    from reports.selectors import report_data_csv

    snapshot = dict(published.snapshot)
    snapshot["commitments"] = [
        {**snapshot["commitments"][0], "title": {"es": '=HYPERLINK("http://malo")', "qu": "+1"}},
        *snapshot["commitments"][1:],
    ]
    unsaved = Report(snapshot=snapshot)  # a published report's snapshot is frozen: build the CSV of a copy

    rows = list(csv.DictReader(io.StringIO(report_data_csv(unsaved))))

    first = next(row for row in rows if row["record"] == "commitment")
    assert first["commitment_title_es"] == '\'=HYPERLINK("http://malo")'
    assert first["commitment_title_qu"] == "'+1"
