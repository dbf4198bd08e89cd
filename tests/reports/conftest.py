"""What the reports tests share: report files in a temporary root, a plan with milestones and updates in the
third quarter of 2025, a second planner (approval needs another person), and reports at each workflow step."""

from __future__ import annotations

from datetime import date

import pytest

from commitments.roles import PLANNER
from reports import services
from reports.periods import Period
from tests.factories import (
    MilestoneFactory,
    ProgressUpdateFactory,
    UserFactory,
    pdf_bytes,  # noqa: F401 - tests import it from here too
)

Q3 = Period(2025, 3)


@pytest.fixture(autouse=True)
def reports_root(settings, tmp_path):
    """Rendered PDFs and uploads go to a fresh directory per test, never to var/."""
    settings.REPORTS_ROOT = tmp_path / "reports"
    return settings.REPORTS_ROOT


@pytest.fixture
def second_planner(db):
    return UserFactory(username="planificador-revisor", email="revision@pastaza.gob.ec", groups=[PLANNER])


@pytest.fixture
def plan_with_progress(plan, commitment, other_commitment):
    """Two published commitments with Kichwa titles, milestones and updates (one illustrative) in 2025-Q3."""
    commitment.title_qu = "Allpamamata kamana rurana"
    commitment.save()
    other_commitment.title_qu = "Ñankunata allichina rurana"
    other_commitment.save()
    MilestoneFactory(
        commitment=commitment,
        order=1,
        title_es="Diagnóstico de fuentes de agua",
        title_qu="Yaku pukyukunata rikuna",
        progress=100,
        due_on=date(2025, 9, 30),
    )
    MilestoneFactory(
        commitment=commitment,
        order=2,
        title_es="Vivero provincial",
        title_qu="Yura wiñachina wasi",
        progress=40,
        is_illustrative=True,
    )
    MilestoneFactory(
        commitment=other_commitment,
        order=1,
        title_es="Mantenimiento de vías",
        title_qu="Ñankunata allichina",
        progress=0,
        due_on=date(2025, 8, 31),
    )
    ProgressUpdateFactory(
        commitment=commitment,
        occurred_on=date(2025, 8, 15),
        title_es="Taller con comunidades",
        title_qu="Ayllu llaktakunawan tantanakuy",
        text_es="Se presentó el diagnóstico.",
    )
    ProgressUpdateFactory(
        commitment=other_commitment,
        occurred_on=date(2025, 7, 2),
        title_es="Inicio de obras",
        text_es="Arrancaron las obras.",
        is_illustrative=True,
    )
    ProgressUpdateFactory(
        commitment=commitment,
        occurred_on=date(2025, 11, 2),
        title_es="Fuera del trimestre",
        text_es="No entra en el informe del tercer trimestre.",
    )
    return plan


@pytest.fixture
def draft(plan_with_progress):
    return services.report_draft_for_period(plan=plan_with_progress, period=Q3)


@pytest.fixture
def approved(draft, planner, second_planner):
    draft.summary_es = "Resumen del tercer trimestre."
    draft.summary_qu = "Kimsaniki killakunapak willay."
    draft.save()
    services.report_submit(report=draft, by=planner)
    return services.report_approve(report=draft, by=second_planner)


@pytest.fixture
def published(approved, planner, django_capture_on_commit_callbacks):
    """Published, with its PDFs rendered (the on-commit render runs eagerly, as in the embedded setup)."""
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_publish(report=approved, by=planner)
    report.refresh_from_db()
    return report


def pdf_text(path) -> str:
    """The text of a PDF with its whitespace folded, so that a title wrapped over two lines still matches."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture
def rerender(django_capture_on_commit_callbacks):
    """Ask for a report's PDFs again, as the admin action does, and run the queued task (eagerly)."""

    def run(report):
        with django_capture_on_commit_callbacks(execute=True):
            queued = services.report_queue_render(report=report)
        report.refresh_from_db()
        return queued

    return run
