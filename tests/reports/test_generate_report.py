"""`manage.py generate_report --period ...`: the draft of a period, with its PDFs, from the command line."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from reports.models import Report

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_report", *args, stdout=out)
    return out.getvalue()


def test_it_drafts_a_quarter_and_renders_its_draft_pdfs(plan_with_progress, reports_root):
    output = generate("--period", "2025-Q3", "--plan", plan_with_progress.slug)
    report = Report.objects.get()
    assert (report.period, report.status, report.render_state) == ("2025-Q3", "draft", "ready")
    names = sorted(p.name for p in reports_root.rglob("*.pdf"))
    # Each file's name holds the report's id and a random token: a name no other rendering takes.
    assert [re.sub(r"-\d+-[0-9a-f]{16}\.pdf$", ".pdf", name) for name in names] == [
        "conecta-pastaza-informe-2025-T3-borrador-es.pdf",
        "conecta-pastaza-informe-2025-T3-borrador-qu.pdf",
    ]
    assert report.files.get(language="es").sha256 in output


def test_running_it_again_refreshes_the_same_draft(plan_with_progress, commitment):
    generate("--period", "2025-Q3", "--plan", plan_with_progress.slug, "--no-render")
    commitment.title_es = "Título nuevo"
    commitment.save()
    generate("--period", "2025-Q3", "--plan", plan_with_progress.slug, "--no-render")
    report = Report.objects.get()
    assert report.snapshot["commitments"][0]["title"]["es"] == "Título nuevo"
    assert not report.files.exists()


def test_it_drafts_a_year(plan_with_progress):
    generate("--period", "2025", "--plan", plan_with_progress.slug, "--no-render")
    report = Report.objects.get()
    assert (report.kind, report.slug, str(report.period_ends_on)) == ("annual", "2025", "2025-12-31")


def test_a_published_period_needs_correction(published, plan_with_progress):
    with pytest.raises(CommandError, match="--correction"):
        generate("--period", "2025-Q3", "--plan", plan_with_progress.slug)
    generate("--period", "2025-Q3", "--plan", plan_with_progress.slug, "--correction", "--no-render")
    assert Report.objects.filter(period="2025-Q3").count() == 2


@pytest.mark.parametrize("args", [["--period", "2025-Q7"], ["--period", "2025-Q3", "--plan", "no-such-plan"]])
def test_bad_arguments_are_refused(args, plan_with_progress):
    with pytest.raises(CommandError):
        generate(*args)
