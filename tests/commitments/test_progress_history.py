"""A milestone's progress is a dated history: entered in the admin with its date, by spreadsheet (avance_al) or by
a published progress update; shown on the commitment's page as a timeline with a sparkline; an entry of the feeds;
and built, for the data that came before it, from the change records and updates (migration 0007)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import tablib
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation

from commitments import services
from commitments.models import BudgetExecution, IrmLevel, Milestone, MilestoneProgress, ProgressSource, ProgressUpdate
from commitments.resources import CommitmentResource, MilestoneResource
from tests.factories import MilestoneFactory, ProgressUpdateFactory

from .admin_helpers import (
    MILESTONE_COLUMNS,
    admin_url,
    form_data,
    html,
    import_confirm,
    import_preview,
    milestone_row,
    row_errors,
    spanish,
    spreadsheet,
    state,
)

pytestmark = pytest.mark.django_db

PASTAZA = ZoneInfo("America/Guayaquil")
TODAY = date(2026, 12, 5)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 12, 5, 12, 0, tzinfo=PASTAZA), tick=False):
        yield


@pytest.fixture
def milestone(commitment):
    """40 % since 1 October 2026, entered in the admin; due in 2027 (not overdue)."""
    return MilestoneFactory(
        commitment=commitment,
        order=2,
        title_es="Vivero provincial",
        due_on=date(2027, 6, 30),
        progress=40,
        observed=date(2026, 10, 1),
    )


def history(milestone) -> list[tuple]:
    return list(
        MilestoneProgress.objects.filter(milestone=milestone)
        .order_by("observed_on", "pk")
        .values_list("observed_on", "progress", "level", "source", "is_published")
    )


def shown(milestone) -> tuple[int, str]:
    milestone.refresh_from_db()
    return milestone.progress, milestone.level


def post_change(client, milestone, follow=False, **changes):
    data = form_data(client.get(admin_url("milestone", "change", milestone.pk)), **changes)
    return client.post(admin_url("milestone", "change", milestone.pk), data, follow=follow)


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def progressed(milestone, progress: int, day: date, by=None) -> Milestone:
    """The milestone, read again, saved with a new progress observed on `day` (as its admin form does)."""
    stored = Milestone.objects.get(pk=milestone.pk)
    stored.progress, stored.level = progress, IrmLevel.for_progress(progress).value
    return services.milestone_save(milestone=stored, by=by, observed_on=day)


# Entered in the admin.


def test_an_admin_edit_records_an_observation_with_who_when_and_where(planner_client, planner, milestone):
    response = post_change(planner_client, milestone, progress=60, level="substantial", observed_on="2026-11-20")

    assert response.status_code == 302
    latest = MilestoneProgress.objects.filter(milestone=milestone).latest("observed_on", "pk")
    assert (latest.observed_on, latest.progress, latest.level, latest.source) == (
        date(2026, 11, 20),
        60,
        IrmLevel.SUBSTANTIAL,
        ProgressSource.ADMIN,
    )
    assert (latest.recorded_by, latest.recorded_by_name) == (planner, "planificadora")
    assert shown(milestone) == (60, IrmLevel.SUBSTANTIAL)


def test_the_date_of_a_progress_is_today_unless_changed(planner_client, milestone):
    response = post_change(planner_client, milestone, progress=55, level="substantial")

    assert response.status_code == 302
    assert history(milestone)[-1][:2] == (TODAY, 55)


def test_a_progress_dated_before_a_later_one_enters_the_history_without_changing_the_current(planner_client, milestone):
    response = post_change(
        planner_client, milestone, follow=True, progress=20, level="limited", observed_on="2026-09-01"
    )

    assert response.status_code == 200
    assert history(milestone) == [
        (date(2026, 9, 1), 20, IrmLevel.LIMITED, ProgressSource.ADMIN, True),
        (date(2026, 10, 1), 40, IrmLevel.LIMITED, ProgressSource.ADMIN, True),
    ]
    assert shown(milestone) == (40, IrmLevel.LIMITED)
    message = spanish(
        "The progress of %(day)s is in the milestone's history; a later one is recorded, so the milestone still "
        "shows %(progress)s %%.",
        day="2026-09-01",
        progress=40,
    )
    assert html(message) in response.text


@pytest.mark.parametrize(
    ("day", "message"),
    [
        pytest.param("2026-12-06", "This date is in the future: give the day it was reached or reported.", id="future"),
        pytest.param("", "Give the date of this progress: when it was reached or reported.", id="missing"),
    ],
)
def test_a_changed_progress_needs_a_date_that_has_come(planner_client, milestone, day, message):
    before = (state(), history(milestone))

    response = post_change(planner_client, milestone, progress=60, level="substantial", observed_on=day)

    assert response.status_code == 200
    assert spanish(message) in form_errors(response)["observed_on"]
    assert (state(), history(milestone)) == before


def test_a_change_that_leaves_the_progress_needs_no_date_and_records_nothing(planner_client, milestone):
    response = post_change(planner_client, milestone, title_es="Vivero provincial ampliado", observed_on="")

    assert response.status_code == 302
    assert len(history(milestone)) == 1


def test_the_milestone_form_shows_its_dated_history(planner_client, milestone, planner):
    progressed(milestone, 75, date(2026, 11, 3), by=planner)

    page = planner_client.get(admin_url("milestone", "change", milestone.pk)).text

    assert spanish("Progress history") in page
    assert spanish("Date of this progress") in page
    for text in ("2026-11-03", "75 %", "2026-10-01", "40 %", "planificadora"):
        assert text in page
    assert f"{admin_url('milestoneprogress')}?milestone={milestone.pk}" in page
    assert planner_client.get(f"{admin_url('milestoneprogress')}?milestone={milestone.pk}").status_code == 200


def test_the_history_is_read_only_and_scoped_in_the_admin(
    implementer_client, other_implementer_client, monitor_client, milestone
):
    url = admin_url("milestoneprogress")
    observation = MilestoneProgress.objects.get(milestone=milestone)

    for client in (implementer_client, monitor_client):
        assert "Vivero provincial" in client.get(url).text
        assert client.get(admin_url("milestoneprogress", "change", observation.pk)).status_code == 200
    assert "Vivero provincial" not in other_implementer_client.get(url).text
    assert implementer_client.get(admin_url("milestoneprogress", "add")).status_code == 403
    change = implementer_client.post(admin_url("milestoneprogress", "change", observation.pk), {"progress": 99})
    assert change.status_code == 403
    assert MilestoneProgress.objects.get(pk=observation.pk).progress == 40
    assert monitor_client.get(admin_url("budgetexecution")).status_code == 200
    # The forms' date of change shows, empty, to those who may only read them.
    assert monitor_client.get(admin_url("milestone", "change", milestone.pk)).status_code == 200
    assert monitor_client.get(admin_url("commitment", "change", milestone.commitment_id)).status_code == 200


def test_a_draft_milestone_deleted_in_the_admin_takes_its_history_with_it(planner_client, commitment):
    draft = MilestoneFactory(commitment=commitment, order=5, is_published=False, observed=date(2026, 10, 1))

    response = planner_client.post(admin_url("milestone", "delete", draft.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=draft.pk).exists()
    assert not MilestoneProgress.objects.filter(milestone_id=draft.pk).exists()


def test_the_executed_budget_is_recorded_as_of_its_date(planner_client, planner, commitment):
    page = planner_client.get(admin_url("commitment", "change", commitment.pk))

    future = form_data(page, budget_planned="120000", budget_executed="45000", executed_on="2026-12-31")
    refused = planner_client.post(admin_url("commitment", "change", commitment.pk), future)
    assert refused.status_code == 200 and "executed_on" in form_errors(refused)
    assert not BudgetExecution.objects.filter(commitment=commitment, amount=Decimal("45000")).exists()

    data = form_data(page, budget_planned="120000", budget_executed="45000", executed_on="2026-11-30")
    response = planner_client.post(admin_url("commitment", "change", commitment.pk), data)

    assert response.status_code == 302
    record = BudgetExecution.objects.filter(commitment=commitment).latest("observed_on", "pk")
    assert (record.observed_on, record.amount, record.source, record.recorded_by) == (
        date(2026, 11, 30),
        Decimal("45000.00"),
        ProgressSource.ADMIN,
        planner,
    )


# Reported by a progress update.


def add_update(client, commitment, **changes):
    page = client.get(admin_url("progressupdate", "add"))
    values = {
        "commitment": commitment.pk,
        "occurred_on": "2026-11-03",
        "title_es": "Vivero entregado",
        "text_es": "Se entregaron las plantas.",
        **changes,
    }
    return client.post(admin_url("progressupdate", "add"), form_data(page, **values))


def test_a_published_update_with_progress_records_the_observation_on_its_date(
    planner_client, planner, commitment, milestone
):
    response = add_update(
        planner_client, commitment, milestone=milestone.pk, progress=75, is_published=True, publish_without_kichwa=True
    )

    assert response.status_code == 302
    update = ProgressUpdate.objects.get(title_es="Vivero entregado")
    observation = MilestoneProgress.objects.get(update=update)
    assert (observation.milestone, observation.observed_on, observation.progress, observation.level) == (
        milestone,
        date(2026, 11, 3),
        75,
        IrmLevel.SUBSTANTIAL,
    )
    assert (observation.source, observation.is_published, observation.recorded_by) == (
        ProgressSource.UPDATE,
        True,
        planner,
    )
    assert shown(milestone) == (75, IrmLevel.SUBSTANTIAL)


def test_the_update_form_says_what_the_reported_progress_does_and_refuses_it_without_a_milestone(
    planner_client, commitment, milestone
):
    page = planner_client.get(admin_url("progressupdate", "add")).text
    assert (
        html(
            spanish(
                "The milestone's progress this update reports, if any (choose the milestone above). Once the update is "
                "published, it is the milestone's progress on the update's date, in its public history."
            )
        )
        in page
    )

    response = add_update(planner_client, commitment, progress=75, is_published=True)

    assert response.status_code == 200
    assert (
        spanish("A reported progress needs its milestone: choose the milestone it measures, or leave it empty.")
        in form_errors(response)["progress"]
    )
    assert not ProgressUpdate.objects.filter(title_es="Vivero entregado").exists()
    assert shown(milestone) == (40, IrmLevel.LIMITED)

    future = add_update(planner_client, commitment, milestone=milestone.pk, progress=75, occurred_on="2026-12-24")

    assert future.status_code == 200
    assert (
        spanish("An update that reports a progress cannot be dated in the future.")
        in form_errors(future)["occurred_on"]
    )
    assert shown(milestone) == (40, IrmLevel.LIMITED)


def test_unpublishing_the_update_removes_its_effect(planner, commitment, milestone, citizen):
    update = services.update_save(
        update=ProgressUpdate(
            commitment=commitment,
            milestone=milestone,
            occurred_on=date(2026, 11, 3),
            title_es="Entrega",
            text_es="Plantas entregadas.",
            progress=75,
            is_published=True,
        ),
        by=planner,
    )
    assert shown(milestone) == (75, IrmLevel.SUBSTANTIAL)

    update.is_published = False
    services.update_save(update=update, by=planner)

    assert shown(milestone) == (40, IrmLevel.LIMITED)
    assert history(milestone)[-1] == (date(2026, 11, 3), 75, IrmLevel.SUBSTANTIAL, ProgressSource.UPDATE, False)
    page = citizen.get("/es/compromisos/TEST0001/").text
    assert 'datetime="2026-11-03"' not in page
    assert "75 %" not in page


def test_an_update_without_progress_records_nothing(planner, commitment, milestone):
    services.update_save(
        update=ProgressUpdate(
            commitment=commitment,
            milestone=milestone,
            occurred_on=date(2026, 11, 3),
            title_es="Visita",
            text_es="Visita al vivero.",
            is_published=True,
        ),
        by=planner,
    )

    assert len(history(milestone)) == 1
    assert shown(milestone) == (40, IrmLevel.LIMITED)


# Imported from a spreadsheet.

COLUMNS = [*MILESTONE_COLUMNS, "avance_al"]


def import_rows(client, rows):
    preview = import_preview(client, "milestone", spreadsheet(rows, "csv", COLUMNS), "hitos.csv", "csv")
    return preview, preview.context["result"]


def test_an_import_records_each_progress_on_its_avance_al_date_as_the_importing_user(
    planner_client, planner, milestone, commitment
):
    other = MilestoneFactory(commitment=commitment, order=3, progress=10, observed=date(2026, 9, 1))
    rows = [
        milestone_row(milestone, avance=70, nivel_irm="substantial", avance_al="15/11/2026"),
        milestone_row(other, avance=30, nivel_irm="limited", avance_al=""),
    ]

    preview, result = import_rows(planner_client, rows)
    assert not result.has_errors() and not result.has_validation_errors()
    assert "avance_al" in preview.text
    assert len(history(milestone)) == 1, "a preview is a dry run"
    response = import_confirm(planner_client, "milestone", preview)

    assert response.status_code == 302
    latest = MilestoneProgress.objects.filter(milestone=milestone).latest("observed_on", "pk")
    assert (latest.observed_on, latest.progress, latest.source, latest.recorded_by) == (
        date(2026, 11, 15),
        70,
        ProgressSource.IMPORT,
        planner,
    )
    assert history(other)[-1][:2] == (TODAY, 30)  # a blank avance_al is today
    assert shown(milestone) == (70, IrmLevel.SUBSTANTIAL)


def test_an_avance_al_in_the_future_refuses_the_whole_file(planner_client, planner, milestone, commitment):
    other = MilestoneFactory(commitment=commitment, order=3, progress=10)
    rows = [
        milestone_row(other, avance=30, nivel_irm="limited", avance_al="2026-12-01"),
        milestone_row(milestone, avance=70, nivel_irm="substantial", avance_al="2026-12-06"),
    ]
    before = (state(), MilestoneProgress.objects.count())

    preview, result = import_rows(planner_client, rows)

    assert result.has_validation_errors()
    (invalid,) = result.invalid_rows
    message = spanish(
        "“%(value)s” is in the future: give the day it was reached or reported, today at the latest.",
        value="2026-12-06",
    )
    assert row_errors(invalid) == {"avance_al": [message]}
    assert preview.context.get("confirm_form") is None
    assert (state(), MilestoneProgress.objects.count()) == before
    # Not a dry run either: the valid first row is rolled back with the file.
    dataset = tablib.Dataset(*([row.get(c, "") for c in COLUMNS] for row in rows), headers=COLUMNS)
    assert MilestoneResource().import_data(dataset, dry_run=False, user=planner).has_validation_errors()
    assert (state(), MilestoneProgress.objects.count()) == before


def test_an_avance_al_alone_changes_nothing(planner_client, milestone):
    _preview, result = import_rows(planner_client, [milestone_row(milestone, avance_al="2026-11-01")])

    assert [row.import_type for row in result.rows] == ["skip"]
    assert len(history(milestone)) == 1


def test_an_import_dates_the_executed_budget_with_ejecutado_al(planner, commitment):
    exported = CommitmentResource().export(queryset=type(commitment).objects.filter(pk=commitment.pk))
    row = dict(zip(exported.headers, exported[0], strict=True))
    row.update(presupuesto_planificado_usd="100000", presupuesto_ejecutado_usd="25000", ejecutado_al="2026-10-31")
    dataset = tablib.Dataset(list(row.values()), headers=list(row))

    result = CommitmentResource().import_data(dataset, dry_run=False, user=planner)

    assert not result.has_errors() and not result.has_validation_errors()
    record = BudgetExecution.objects.filter(commitment=commitment).latest("observed_on", "pk")
    assert (record.observed_on, record.amount, record.source, record.recorded_by) == (
        date(2026, 10, 31),
        Decimal("25000.00"),
        ProgressSource.IMPORT,
        planner,
    )
    assert "ejecutado_al" not in exported.headers  # read from a file, never written to one


# The commitment's page.


def _reported(commitment, milestone, day: date, progress: int, *, published=True) -> ProgressUpdate:
    update = ProgressUpdateFactory(
        commitment=commitment, milestone=milestone, occurred_on=day, progress=progress, is_published=published
    )
    services.update_progress_record(update=update)
    return update


def _sparkline(page: str, milestone) -> str:
    start = page.index(f'id="milestone-{milestone.pk}-history"')
    return re.search(r"<svg class=\"spark\".*?</svg>", page[start:], re.S).group(0)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_each_milestone_shows_its_history_as_a_dated_timeline_and_a_sparkline(citizen, commitment, milestone, lang):
    update = _reported(commitment, milestone, date(2026, 11, 3), 75)

    page = citizen.get(f"/{lang}/compromisos/TEST0001/").text

    with translation.override(lang):
        label = translation.gettext("From %(start)s %% on %(start_day)s to %(end)s %% on %(end_day)s") % {
            "start": 40,
            "start_day": formats.date_format(date(2026, 10, 1), "DATE_FORMAT"),
            "end": 75,
            "end_day": formats.date_format(date(2026, 11, 3), "DATE_FORMAT"),
        }
        summary = translation.gettext("Progress history")
        from_update = translation.gettext("from a progress update")
    svg = _sparkline(page, milestone)
    assert 'role="img"' in svg and f'aria-label="{html(label)}"' in svg
    assert "40 %" in label and "75 %" in label
    assert summary in page
    assert '<time datetime="2026-10-01">' in page and '<time datetime="2026-11-03">' in page
    assert f'<a href="#update-{update.pk}">{html(from_update)}</a>' in page
    assert f'id="update-{update.pk}"' in page  # the link lands on the update


def test_the_kichwa_and_spanish_timelines_differ(citizen, commitment, milestone):
    _reported(commitment, milestone, date(2026, 11, 3), 75)

    spanish_svg = _sparkline(citizen.get("/es/compromisos/TEST0001/").text, milestone)
    kichwa_svg = _sparkline(citizen.get("/qu/compromisos/TEST0001/").text, milestone)

    assert spanish_svg != kichwa_svg


def test_the_sparkline_reads_without_colour_and_stays_under_a_kilobyte(citizen, commitment):
    milestone = MilestoneFactory(commitment=commitment, order=1, progress=95, observed=False)
    for n in range(20):
        MilestoneProgress.objects.create(
            milestone=milestone,
            observed_on=date(2025, 1, 6 + n),
            progress=5 * n,
            level=IrmLevel.for_progress(5 * n),
            source=ProgressSource.ADMIN,
        )

    svg = _sparkline(citizen.get("/es/compromisos/TEST0001/").text, milestone)

    assert len(svg.encode()) < 1024
    assert svg.count("h0") == 20  # every observation is marked, not only drawn
    assert "#" not in svg and 'fill="currentColor"' not in svg  # drawn in the text colour: its shape says it all
    assert 'stroke="currentColor"' in svg


def test_a_single_observation_is_listed_without_a_sparkline(citizen, commitment, milestone):
    page = citizen.get("/es/compromisos/TEST0001/").text

    assert f'id="milestone-{milestone.pk}-history"' in page
    assert '<time datetime="2026-10-01">' in page
    assert '<svg class="spark"' not in page


def test_the_history_adds_one_query_whatever_the_number_of_milestones_and_observations(citizen, commitment):
    MilestoneFactory(commitment=commitment, order=1, progress=10)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert citizen.get("/es/compromisos/TEST0001/").status_code == 200
        return len(captured)

    small = queries()
    for order in range(2, 8):
        milestone = MilestoneFactory(commitment=commitment, order=order, progress=90, observed=False)
        MilestoneProgress.objects.bulk_create(
            MilestoneProgress(
                milestone=milestone,
                observed_on=date(2025, 3, 1 + n),
                progress=4 * n + 10,
                level=IrmLevel.LIMITED,
                source=ProgressSource.LOADED,
            )
            for n in range(20)
        )

    assert queries() == small


# The feeds.


def feed_entries(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in ET.fromstring(response.content).findall(f"{ATOM}entry")
    ]


@pytest.fixture
def current_plan(plan, settings):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


def test_a_new_observation_is_an_entry_of_the_feeds_by_date_with_the_updates(
    client, current_plan, commitment, milestone, planner
):
    progressed(milestone, 75, date(2026, 11, 3), by=planner)
    ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 11, 10), title_es="Feria del vivero")
    ProgressUpdateFactory(commitment=commitment, occurred_on=date(2026, 10, 20), title_es="Visita técnica")

    for url in ("/es/novedades/feed/", "/es/compromisos/TEST0001/feed/"):
        entries = feed_entries(client, url)

        assert [e["title"] for e in entries] == [
            "TEST0001 · Feria del vivero",
            "TEST0001 · Hito 2: avance 40 % → 75 % (3 de noviembre de 2026)",
            "TEST0001 · Visita técnica",
            "TEST0001 · Hito 2: avance 40 % (1 de octubre de 2026)",
        ]
        assert entries[1]["link"] == f"http://testserver/es/compromisos/TEST0001/#milestone-{milestone.pk}-history"
        assert "Vivero provincial" in entries[1]["summary"]
    kichwa = feed_entries(client, "/qu/compromisos/TEST0001/feed/")[1]
    assert "40 % → 75 %" in kichwa["title"] and "Hito" not in kichwa["title"]
    assert kichwa["id"].endswith("/qu") and kichwa["id"] != feed_entries(client, url)[1]["id"]


def test_only_published_observations_of_published_milestones_are_entries(client, current_plan, commitment, gad):
    hidden = MilestoneFactory(commitment=commitment, order=1, is_published=False, title_es="Hito oculto")
    shown_milestone = MilestoneFactory(commitment=commitment, order=2, observed=False)
    _reported(commitment, shown_milestone, date(2026, 11, 3), 60, published=False)

    titles = [e["title"] for e in feed_entries(client, "/es/compromisos/TEST0001/feed/")]

    assert titles == []
    assert MilestoneProgress.objects.filter(milestone=hidden).exists()


def test_the_feeds_cost_the_same_queries_with_a_long_history(client, current_plan, commitment, milestone):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = ("/es/novedades/feed/", "/es/compromisos/TEST0001/feed/")
    small = [queries(url) for url in urls]
    for order in range(3, 8):
        other = MilestoneFactory(commitment=commitment, order=order, observed=False)
        MilestoneProgress.objects.bulk_create(
            MilestoneProgress(
                milestone=other,
                observed_on=date(2025, 5, 1 + n),
                progress=n + 1,
                level=IrmLevel.LIMITED,
                source=ProgressSource.LOADED,
            )
            for n in range(20)
        )

    assert [queries(url) for url in urls] == small
    assert len(feed_entries(client, "/es/novedades/feed/")) == 50


# The synthetic plan of the benchmarks.


def test_seed_scale_builds_milestones_with_as_many_observations_as_asked(db):
    call_command("seed_scale", "--commitments", "2", "--observations", "20", stdout=io.StringIO())

    per_milestone = (
        MilestoneProgress.objects.filter(milestone__commitment__plan__slug="sintetico-2")
        .values("milestone")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert set(per_milestone) == {20}


# The data from before the history: migration 0007.

BEFORE = [("commitments", "0006_progress_history_indicators")]
AFTER = [("commitments", "0007_progress_history_from_records")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PASTAZA)


@pytest.fixture
def before_history(transactional_db, commitment, planner):
    """The database as it was before the history: three milestones, what the change records say of them, two
    updates that reported a progress (one a draft), and a commitment's executed budget."""
    apps = migrate(BEFORE)
    OldMilestone = apps.get_model("commitments", "Milestone")
    OldUpdate = apps.get_model("commitments", "ProgressUpdate")
    OldRecord = apps.get_model("commitments", "ChangeRecord")
    OldCommitment = apps.get_model("commitments", "Commitment")
    OldRecord.objects.all().delete()  # what the fixtures' saves recorded: not the history under test
    common = {"commitment_id": commitment.pk, "starts_on": date(2025, 2, 1), "due_on": date(2026, 11, 30)}
    recorded = OldMilestone.objects.create(
        order=1,
        title="Diagnóstico",
        title_es="Diagnóstico",
        progress=40,
        level="limited",
        is_published=True,
        **common,
    )
    done = OldMilestone.objects.create(
        order=2,
        title="Vivero",
        title_es="Vivero",
        progress=100,
        level="complete",
        completed_on=date(2025, 11, 30),
        is_published=True,
        **common,
    )
    reported = OldMilestone.objects.create(
        order=3, title="Feria", title_es="Feria", progress=45, level="limited", is_published=True, **common
    )

    def record(model, pk, day, changes):
        row = OldRecord.objects.create(
            user_id=planner.pk,
            user_display="planificadora",
            source="admin",
            action="changed",
            model=model,
            object_id=pk,
            object_repr="x",
            commitment_code=commitment.code,
            changes=changes,
        )
        OldRecord.objects.filter(pk=row.pk).update(at=_at(day))

    record("milestone", recorded.pk, date(2025, 5, 10), {"progress": [0, 20], "level": ["not_started", "limited"]})
    record("milestone", recorded.pk, date(2025, 8, 1), {"progress": [20, 40]})
    record("milestone", reported.pk, date(2026, 1, 10), {"progress": [None, 30], "level": [None, "limited"]})
    record("milestone", reported.pk, date(2026, 3, 1), {"progress": [30, 45]})
    draft = OldUpdate.objects.create(
        commitment_id=commitment.pk,
        milestone_id=recorded.pk,
        occurred_on=date(2025, 9, 15),
        title="Borrador",
        title_es="Borrador",
        text="-",
        text_es="-",
        progress=60,
        author_id=planner.pk,
        is_published=False,
    )
    published = OldUpdate.objects.create(
        commitment_id=commitment.pk,
        milestone_id=reported.pk,
        occurred_on=date(2026, 6, 1),
        title="Feria hecha",
        title_es="Feria hecha",
        text="-",
        text_es="-",
        progress=70,
        author_id=planner.pk,
        is_published=True,
    )
    OldCommitment.objects.filter(pk=commitment.pk).update(budget_executed=Decimal("30000.00"))
    record("commitment", commitment.pk, date(2026, 2, 1), {"budget_executed": [None, "30000.00"]})
    yield {
        "recorded": recorded.pk,
        "done": done.pk,
        "reported": reported.pk,
        "draft": draft.pk,
        "published": published.pk,
    }
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_migration_dates_todays_values_from_the_change_records_and_the_updates(before_history, planner, commitment):
    migrate(AFTER)

    def rows(key):
        return list(
            MilestoneProgress.objects.filter(milestone_id=before_history[key])
            .order_by("observed_on", "pk")
            .values_list("observed_on", "progress", "level", "source", "is_published", "update_id")
        )

    assert rows("recorded") == [
        (date(2025, 5, 10), 20, "limited", "history", True, None),
        (date(2025, 8, 1), 40, "limited", "history", True, None),
        (date(2025, 9, 15), 60, "substantial", "update", False, before_history["draft"]),
    ]
    first = MilestoneProgress.objects.filter(milestone_id=before_history["recorded"]).earliest("observed_on")
    assert (first.recorded_by, first.recorded_by_name) == (planner, "planificadora")
    # Nothing recorded its value: observed on the day it was last saved.
    assert rows("done") == [(TODAY, 100, "complete", "history", True, None)]
    # The published update of June is later than the change of March: the milestone now shows it.
    assert rows("reported") == [
        (date(2026, 1, 10), 30, "limited", "history", True, None),
        (date(2026, 3, 1), 45, "limited", "history", True, None),
        (date(2026, 6, 1), 70, "substantial", "update", True, before_history["published"]),
    ]
    # Only the columns of the migration's state (a later migration adds others).
    milestones = Milestone.objects.filter(commitment=commitment).values_list("pk", "progress", "level")
    current = {pk: (progress, level) for pk, progress, level in milestones}
    assert current == {
        before_history["recorded"]: (40, "limited"),
        before_history["done"]: (100, "complete"),
        before_history["reported"]: (70, "substantial"),
    }
    assert list(BudgetExecution.objects.filter(commitment=commitment).values_list("observed_on", "amount")) == [
        (date(2026, 2, 1), Decimal("30000.00"))
    ]
