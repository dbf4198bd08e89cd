"""An import that fails at the confirm step says so, writes no admin log entry and no "Import finished" message;
an upload is kept (in a folder of ours) only while its preview offers to confirm it, and a daily sweep removes
the previews nobody confirmed."""

import os
import tempfile
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.contrib.messages import constants

from commitments.models import Milestone
from tests.factories import MilestoneFactory

from .admin_helpers import admin_url, import_confirm, import_preview, spanish, spreadsheet, state

pytestmark = pytest.mark.django_db

FAILED = (
    "The import failed and nothing was saved: the data changed since the preview. Correct the file and import it "
    "again."
)
GONE = (
    "The uploaded file is no longer here (it was already imported, or its preview is too old). Nothing was saved: "
    "upload the file again."
)


@pytest.fixture(autouse=True)
def folders(settings, tmp_path, monkeypatch):
    """Our upload folder, and the system's temp folder (where django-import-export would put uploads), both empty."""
    settings.IMPORT_TMP_DIR = tmp_path / "ours"
    system = tmp_path / "system"
    system.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system))
    return settings.IMPORT_TMP_DIR, system


def files(*folders) -> list:
    return [path for folder in folders if folder.exists() for path in folder.iterdir()]


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, order=1)


def new_row(code: str, order: int, **changes) -> dict:
    row = {"id": "", "compromiso": code, "orden": order, "peso": 1, "titulo_es": f"Hito {order}",
           "inicio": "2025-03-01", "vencimiento": "2025-06-30", "nivel_irm": "not_started", "avance": 0,
           "publicado": "no", "datos_de_ejemplo": "no"}
    row.update(changes)
    return row


def shown(response) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in response.context["messages"]]


def test_a_confirm_step_that_fails_says_so_and_logs_nothing(planner_client, milestone, commitment):
    content = spreadsheet([new_row(commitment.code, 8), new_row(commitment.code, 9)], "csv")
    preview = import_preview(planner_client, "milestone", content, "hitos.csv", "csv")
    assert preview.context["confirm_form"] is not None
    MilestoneFactory(commitment=commitment, order=9)  # someone takes order 9 before the confirmation
    before, log_entries = state(), LogEntry.objects.count()

    response = import_confirm(planner_client, "milestone", preview)

    assert response.status_code == 302
    assert response["Location"] == admin_url("milestone", "import")
    page = planner_client.get(response["Location"])
    messages = shown(page)
    assert (constants.ERROR, spanish(FAILED)) in messages
    assert any("9" in text and "orden" in text for level, text in messages if level == constants.ERROR)
    assert not [text for level, text in messages if level == constants.SUCCESS]
    assert LogEntry.objects.count() == log_entries
    assert state() == before


def test_a_confirm_step_that_succeeds_still_logs_and_reports(planner_client, milestone, commitment):
    preview = import_preview(planner_client, "milestone", spreadsheet([new_row(commitment.code, 8)], "csv"),
                             "hitos.csv", "csv")

    response = import_confirm(planner_client, "milestone", preview)

    assert response["Location"] == admin_url("milestone")
    assert LogEntry.objects.filter(object_id=str(Milestone.objects.get(order=8).pk)).exists()


def test_confirming_an_upload_that_is_gone_says_so_instead_of_failing(planner_client, milestone, commitment, folders):
    preview = import_preview(planner_client, "milestone", spreadsheet([new_row(commitment.code, 8)], "csv"),
                             "hitos.csv", "csv")
    for path in files(*folders):
        path.unlink()  # swept, or confirmed twice
    before = state()

    response = import_confirm(planner_client, "milestone", preview)

    assert response.status_code == 302
    assert (constants.ERROR, spanish(GONE)) in shown(planner_client.get(response["Location"]))
    assert state() == before


def test_a_preview_refused_for_a_bad_row_keeps_no_upload(planner_client, milestone, commitment, folders):
    content = spreadsheet([new_row(commitment.code, 8, avance=150)], "csv")

    preview = import_preview(planner_client, "milestone", content, "hitos.csv", "csv")

    assert preview.context["result"].has_validation_errors()
    assert files(*folders) == []


def test_a_file_refused_before_reading_keeps_no_upload(planner_client, milestone, folders):
    preview = import_preview(planner_client, "milestone", b"no es una hoja de calculo", "hitos.xlsx", "xlsx")

    assert preview.context["form"].errors
    assert files(*folders) == []


def test_a_preview_waits_in_our_folder_until_it_is_confirmed(planner_client, milestone, commitment, folders):
    ours, system = folders

    preview = import_preview(planner_client, "milestone", spreadsheet([new_row(commitment.code, 8)], "xlsx"),
                             "hitos.xlsx", "xlsx")

    assert len(files(ours)) == 1 and files(system) == []
    import_confirm(planner_client, "milestone", preview)
    assert files(ours) == []


def test_the_daily_sweep_removes_previews_nobody_confirmed(settings, folders):
    from commitments.tasks import sweep_import_uploads_task

    ours, _system = folders
    ours.mkdir()
    old, fresh = ours / "import-old", ours / "import-fresh"
    old.write_bytes(b"id\n1\n")
    fresh.write_bytes(b"id\n2\n")
    day_and_a_bit = time.time() - (settings.IMPORT_TMP_MAX_AGE_HOURS + 1) * 3600
    os.utime(old, (day_and_a_bit, day_and_a_bit))

    assert sweep_import_uploads_task.delay().get() == 1

    assert files(ours) == [fresh]
    assert sweep_import_uploads_task.delay().get() == 0


def test_the_sweep_runs_daily_from_beat():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert "commitments.tasks.sweep_import_uploads_task" in {entry["task"] for entry in schedule.values()}
