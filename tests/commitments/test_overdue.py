"""Late is said out loud (issue 11): a milestone past its due date and not complete is "overdue", with its days,
one completed after its due date was "completed late", and a commitment whose end date passed while incomplete
"ended without being completed" — on every public page that lists them, in both languages, in the feeds, the
exports and the admin lists; each read from the one SQL rule (commitments.models), with a frozen clock."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext, ngettext

from commitments.models import Commitment, Milestone
from commitments.selectors import milestones_overdue
from tests.factories import CantonFactory, CommitmentFactory, MilestoneFactory, ProgressUpdateFactory

from .admin_helpers import admin_export, import_confirm, import_preview, read_spreadsheet, state
from .test_institution_view import INSTITUTION_QUERIES

pytestmark = pytest.mark.django_db

PASTAZA = ZoneInfo("America/Guayaquil")
TODAY = date(2026, 3, 10)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def frozen_clock():
    """Noon of TODAY in Pastaza, for every test here: "today" is fixed, whatever day the suite runs."""
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=PASTAZA), tick=False):
        yield


@pytest.fixture
def canton(db):
    return CantonFactory(slug="canton-retrasos", name_es="Cantón de prueba")


@pytest.fixture
def late(settings, plan, gad, department, other_department, canton):
    """The cast of a late plan, on TODAY (10 March 2026):
    TEST0001 runs to 2027 with one milestone 9 days overdue, one completed late, one on time;
    TEST0002 ended on 28 February 2026 at 50 %, with one milestone 37 days overdue;
    TEST0003 runs to 2027 with nothing late; TEST0004 ended complete, on time."""
    settings.CONECTA_PLAN_SLUG = plan.slug
    running = CommitmentFactory(
        code="TEST0001", plan=plan, order=1, lead_institution=gad, lead_department=department, title_es="En curso"
    )
    ended = CommitmentFactory(
        code="TEST0002",
        plan=plan,
        order=2,
        lead_institution=gad,
        lead_department=other_department,
        title_es="Terminado a medias",
        ends_on=date(2026, 2, 28),
    )
    on_time = CommitmentFactory(code="TEST0003", plan=plan, order=3, lead_institution=gad, title_es="Al día")
    done = CommitmentFactory(
        code="TEST0004", plan=plan, order=4, lead_institution=gad, title_es="Cumplido", ends_on=date(2026, 1, 31)
    )
    for commitment in (running, ended, on_time, done):
        commitment.cantons.add(canton)
    milestones = {
        "late": MilestoneFactory(commitment=running, order=1, title_es="Hito atrasado", due_on=date(2026, 3, 1)),
        "done_late": MilestoneFactory(
            commitment=running,
            order=2,
            title_es="Hito tardío",
            progress=100,
            due_on=date(2026, 1, 31),
            completed_on=date(2026, 2, 15),
        ),
        "on_time": MilestoneFactory(commitment=running, order=3, title_es="Hito a tiempo", due_on=date(2026, 6, 30)),
        "very_late": MilestoneFactory(
            commitment=ended, order=1, title_es="Hito muy atrasado", progress=50, due_on=date(2026, 2, 1)
        ),
        "fine": MilestoneFactory(commitment=on_time, order=1, title_es="Hito tranquilo", due_on=date(2026, 9, 30)),
        "done": MilestoneFactory(
            commitment=done,
            order=1,
            title_es="Hito cumplido",
            progress=100,
            due_on=date(2026, 1, 31),
            completed_on=date(2026, 1, 20),
        ),
    }
    return milestones


def overdue_text(lang: str, days: int) -> str:
    with translation.override(lang):
        return (
            f"{gettext('Overdue')} ({ngettext('%(days)s day overdue', '%(days)s days overdue', days) % {'days': days}})"
        )


def completed_late_text(lang: str) -> str:
    with translation.override(lang):
        return gettext("completed late")


def ended_text(lang: str, days: int) -> str:
    with translation.override(lang):
        days_text = ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}
        return f"{gettext('Ended without being completed')} ({days_text})"


def overdue_count_text(lang: str, count: int) -> str:
    with translation.override(lang):
        return ngettext("%(counter)s milestone overdue", "%(counter)s milestones overdue", count) % {"counter": count}


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_the_words_are_spanish_and_kichwa_not_english():
    assert overdue_text("es", 9) == "Vencido (9 días de retraso)"
    assert overdue_text("es", 1) == "Vencido (1 día de retraso)"
    assert completed_late_text("es") == "completado con retraso"
    assert ended_text("es", 10) == "Terminó sin completarse (10 días de retraso)"
    assert overdue_text("qu", 9) == "Pachanta mana paktachishka (9 punchakuna yallishka)"
    for text in (overdue_text, ended_text):
        assert text("qu", 9) not in (text("en", 9), text("es", 9))
    assert completed_late_text("qu") not in ("completed late", "completado con retraso")


# The SQL rule and the selectors.


def test_the_overdue_milestones_are_the_published_late_ones_most_overdue_first(late, plan):
    Milestone.objects.filter(pk=late["late"].pk).update(is_published=False)
    MilestoneFactory(commitment=late["late"].commitment, order=9, due_on=date(2026, 3, 9), title_es="Ayer")

    found = milestones_overdue(plan=plan, today=TODAY, limit=5)

    assert [m.title_es for m in found] == ["Hito muy atrasado", "Ayer"]
    assert [m.days_overdue for m in found] == [37, 1]


def test_a_milestone_due_today_is_not_overdue_yet(late, plan):
    MilestoneFactory(commitment=late["late"].commitment, order=9, due_on=TODAY, title_es="Hoy")

    assert "Hoy" not in [m.title_es for m in milestones_overdue(plan=plan, today=TODAY)]


# Every public page that lists them, in both languages.


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_commitment_page_says_which_milestones_are_overdue_or_were_completed_late(citizen, late, lang):
    html = citizen.get(f"/{lang}/compromisos/TEST0001/").text

    milestones = section(html, "ms-h")
    late_item = milestones.split("Hito atrasado")[1].split("</li>")[0]
    assert overdue_text(lang, 9) in late_item
    assert '<strong class="late">' in late_item  # text and a class, never colour alone
    assert completed_late_text(lang) in milestones.split("Hito tardío")[1].split("</li>")[0]
    on_time = milestones.split("Hito a tiempo")[1].split("</li>")[0]
    assert 'class="late"' not in on_time
    assert ended_text(lang, 0).split(" (")[0] not in html  # TEST0001 has not ended


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_commitment_page_says_a_commitment_ended_without_being_completed(citizen, late, lang):
    ended = citizen.get(f"/{lang}/compromisos/TEST0002/").text
    done = citizen.get(f"/{lang}/compromisos/TEST0004/").text

    assert ended_text(lang, 10) in section(ended, "progress-h")
    assert overdue_text(lang, 37) in section(ended, "ms-h")
    assert ended_text(lang, 0).split(" (")[0] not in done
    assert 'class="late"' not in done


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_home_page_lists_the_overdue_milestones_before_the_next_ones(citizen, late, lang):
    response = citizen.get(f"/{lang}/")
    html = response.text

    assert [m.title_es for m in response.context["overdue"]] == ["Hito muy atrasado", "Hito atrasado"]
    assert html.index('id="late-h"') < html.index('id="next-h"')
    overdue = section(html, "late-h")
    assert overdue.index("Hito muy atrasado") < overdue.index("Hito atrasado")
    assert overdue_text(lang, 37) in overdue and overdue_text(lang, 9) in overdue
    assert f'href="/{lang}/compromisos/TEST0002/"' in overdue
    upcoming = section(html, "next-h")
    assert "Hito a tiempo" in upcoming and "Hito atrasado" not in upcoming


def test_the_home_page_links_to_the_full_list_when_more_are_overdue(citizen, late):
    for n in range(5):
        MilestoneFactory(commitment=late["late"].commitment, order=10 + n, due_on=date(2026, 3, 2))

    response = citizen.get("/es/")

    assert len(response.context["overdue"]) == 5
    assert 'href="/es/compromisos/?vencidos=si"' in section(response.text, "late-h")


def test_the_home_page_says_so_when_nothing_is_overdue(citizen, late):
    Milestone.objects.filter(pk__in=[late["late"].pk, late["very_late"].pk]).update(due_on=date(2026, 12, 1))

    overdue = section(citizen.get("/es/").text, "late-h")

    assert "Ningún hito está vencido." in overdue
    assert "vencidos=si" not in overdue


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_commitment_rows_say_how_late_they_run(citizen, late, lang):
    for url in (f"/{lang}/", f"/{lang}/compromisos/"):
        html = citizen.get(url).text
        rows = {
            code: html.split(f'<p class="code">{code} · ')[1].split("</li>")[0]
            for code in ("TEST0001", "TEST0002", "TEST0003")
        }

        assert overdue_count_text(lang, 1) in rows["TEST0001"], url
        assert ended_text(lang, 10) in rows["TEST0002"], url
        assert overdue_count_text(lang, 1) in rows["TEST0002"], url
        assert 'class="late"' not in rows["TEST0003"], url


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_institution_page_says_how_late_its_commitments_run(citizen, late, lang):
    led = section(citizen.get(f"/{lang}/instituciones/direccion-obras/").text, "led-h")

    assert ended_text(lang, 10) in led
    assert overdue_count_text(lang, 1) in led


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_canton_page_marks_its_late_milestones_and_commitments(citizen, late, canton, lang):
    html = citizen.get(f"/{lang}/territorio/{canton.slug}/").text
    cards = {code: html.split(f"{code} · ")[1].split("</article>")[0] for code in ("TEST0001", "TEST0002", "TEST0004")}

    assert overdue_text(lang, 9) in cards["TEST0001"].split("Hito atrasado")[1].split("</li>")[0]
    assert completed_late_text(lang) in cards["TEST0001"].split("Hito tardío")[1].split("</li>")[0]
    assert ended_text(lang, 10) in cards["TEST0002"]
    assert overdue_text(lang, 37) in cards["TEST0002"]
    assert 'class="late"' not in cards["TEST0004"]


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_territory_page_counts_the_overdue_milestones_of_each_canton(citizen, late, canton, lang):
    response = citizen.get(f"/{lang}/territorio/")

    counted = {c.slug: c.milestones_overdue for c in response.context["cantons"]}
    assert counted == {canton.slug: 2}
    with translation.override(lang):
        assert gettext("Overdue milestones") in response.text
    assert '<strong class="late">2</strong>' in response.text


# The list's filter.


def test_the_list_filters_the_commitments_with_overdue_milestones_or_ended_incomplete(citizen, late):
    response = citizen.get("/es/compromisos/?vencidos=si")

    assert [c.code for c in response.context["commitments"]] == ["TEST0001", "TEST0002"]
    html = response.text
    assert 'id="f-vencidos" name="vencidos" value="si" checked' in html
    assert "Solo los que tienen hitos vencidos o terminaron sin completarse" in html.split('class="chips"')[1]
    assert [c.code for c in citizen.get("/es/compromisos/?vencidos=otro").context["commitments"]] == [
        "TEST0001",
        "TEST0002",
        "TEST0003",
        "TEST0004",
    ]


def test_the_overdue_filter_combines_with_the_others(citizen, late, department):
    response = citizen.get(f"/qu/compromisos/?vencidos=si&institucion={department.slug}")

    assert [c.code for c in response.context["commitments"]] == ["TEST0001"]
    assert response.context["page"].paginator.count == 1


def test_a_commitment_that_ended_unmeasured_ended_incomplete(citizen, late, plan):
    CommitmentFactory(code="TEST0005", plan=plan, order=5, ends_on=date(2026, 3, 9))  # no milestone at all

    codes = [c.code for c in citizen.get("/es/compromisos/?vencidos=si").context["commitments"]]

    assert codes == ["TEST0001", "TEST0002", "TEST0005"]


# The feeds.


def read_entries(client, url: str) -> dict[str, dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # well-formed XML
    assert feed.tag == f"{ATOM}feed"
    return {
        entry.findtext(f"{ATOM}title"): {"summary": entry.findtext(f"{ATOM}summary") or ""}
        for entry in feed.findall(f"{ATOM}entry")
    }


def entry_titled(entries: dict, start: str) -> tuple[str, dict]:
    return next((title, entry) for title, entry in entries.items() if title.startswith(start))


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_feed_entry_about_a_late_milestone_says_so(client, late, lang):
    ProgressUpdateFactory(commitment=late["late"].commitment, milestone=late["late"], title_es="Sobre el atrasado")
    ProgressUpdateFactory(commitment=late["late"].commitment, milestone=late["done_late"], title_es="Sobre el tardío")
    ProgressUpdateFactory(commitment=late["late"].commitment, milestone=late["on_time"], title_es="Sobre el puntual")
    with translation.override(lang):
        tag_overdue, tag_late = gettext("milestone overdue"), gettext("milestone completed late")
        said = ngettext(
            "The milestone “%(title)s” is overdue: %(days)s day past its due date.",
            "The milestone “%(title)s” is overdue: %(days)s days past its due date.",
            9,
        ) % {"title": "Hito atrasado", "days": 9}

    for url in (f"/{lang}/novedades/feed/", f"/{lang}/compromisos/TEST0001/feed/"):
        entries = read_entries(client, url)

        title, entry = entry_titled(entries, "TEST0001 · Sobre el atrasado")
        assert title == f"TEST0001 · Sobre el atrasado [{tag_overdue}]"
        assert said in entry["summary"]
        assert entry_titled(entries, "TEST0001 · Sobre el tardío")[0] == f"TEST0001 · Sobre el tardío [{tag_late}]"
        assert entry_titled(entries, "TEST0001 · Sobre el puntual")[0] == "TEST0001 · Sobre el puntual"


def test_a_feed_entry_about_a_late_milestones_progress_says_so(client, late):
    """The milestones' dated progress is in the feeds too (an entry per observation): those of a late milestone
    say so as well."""
    entries = read_entries(client, "/es/compromisos/TEST0001/feed/")

    titles = sorted(entries)
    assert len(titles) == 3  # one observation of each of TEST0001's three milestones, and no update
    assert sum(title.endswith("[hito vencido]") for title in titles) == 1
    assert sum(title.endswith("[hito completado con retraso]") for title in titles) == 1
    overdue = next(entry for title, entry in entries.items() if title.endswith("[hito vencido]"))
    assert "El hito “Hito atrasado” está vencido: 9 días" in overdue["summary"]


# Exports and admin.


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_milestone_export_says_how_late_each_runs(planner_client, late, fmt):
    rows = {
        row["titulo_es"]: row
        for row in read_spreadsheet(admin_export(planner_client, "milestone", fmt).content, fmt).dict
    }

    def late_columns(title):
        row = rows[title]
        return row["vencido"], str(row["dias_de_retraso"]), row["completado_con_retraso"]

    assert late_columns("Hito atrasado") == ("sí", "9", "no")
    assert late_columns("Hito muy atrasado") == ("sí", "37", "no")
    assert late_columns("Hito tardío") == ("no", "0", "sí")
    assert late_columns("Hito a tiempo") == ("no", "0", "no")
    assert late_columns("Hito cumplido") == ("no", "0", "no")


def test_the_milestone_export_costs_the_same_queries_for_more_milestones(planner_client, late):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_export(planner_client, "milestone", "csv").status_code == 200
        return len(captured)

    few = queries()
    for n in range(10):
        MilestoneFactory(commitment=late["late"].commitment, order=20 + n, due_on=date(2026, 3, 1))

    assert queries() == few


def test_the_export_of_the_overdue_filter_holds_only_the_overdue_milestones(planner_client, late):
    response = planner_client.post("/admin/commitments/milestone/export/?vencido=si", {"resource": "0", "format": "1"})

    rows = read_spreadsheet(response.content, "csv").dict
    assert sorted(row["titulo_es"] for row in rows) == ["Hito atrasado", "Hito muy atrasado"]
    assert {row["vencido"] for row in rows} == {"sí"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_commitment_export_says_which_ended_incomplete(planner_client, late, fmt):
    rows = {
        row["codigo"]: row
        for row in read_spreadsheet(admin_export(planner_client, "commitment", fmt).content, fmt).dict
    }

    assert {code: row["vencido"] for code, row in rows.items()} == {
        "TEST0001": "no",
        "TEST0002": "sí",
        "TEST0003": "no",
        "TEST0004": "no",
    }


@pytest.mark.parametrize("model", ["milestone", "commitment"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_late_columns_are_ignored_when_the_export_is_imported_again(planner_client, late, model, fmt):
    exported = admin_export(planner_client, model, fmt).content
    before = state()

    preview = import_preview(planner_client, model, exported, f"{model}.{fmt}", fmt)

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.valid_rows()} == {"skip"}
    import_confirm(planner_client, model, preview)
    assert state() == before


def test_a_late_column_changed_in_the_file_changes_nothing(planner_client, late):
    dataset = read_spreadsheet(admin_export(planner_client, "milestone", "csv").content, "csv")
    dataset.dict = [
        {**row, "vencido": "no", "dias_de_retraso": "0", "completado_con_retraso": "sí"} for row in dataset.dict
    ]
    before = state()

    preview = import_preview(planner_client, "milestone", dataset.export("csv").encode(), "hitos.csv", "csv")

    assert {row.import_type for row in preview.context["result"].valid_rows()} == {"skip"}
    import_confirm(planner_client, "milestone", preview)
    assert state() == before


def listed(response) -> list[str]:
    assert response.status_code == 200
    return sorted(str(obj.pk) for obj in response.context["cl"].result_list)


def test_the_milestone_admin_filters_the_overdue_ones(planner_client, late):
    overdue = listed(planner_client.get("/admin/commitments/milestone/?vencido=si"))
    not_overdue = listed(planner_client.get("/admin/commitments/milestone/?vencido=no"))

    assert overdue == sorted(str(late[key].pk) for key in ("late", "very_late"))
    assert not_overdue == sorted(str(late[key].pk) for key in ("done_late", "on_time", "fine", "done"))


def test_the_milestone_admin_shows_how_late_each_runs(planner_client, late):
    html = planner_client.get("/admin/commitments/milestone/").content.decode()

    assert '<strong class="late">9 días de retraso</strong>' in html
    assert '<strong class="late">37 días de retraso</strong>' in html
    assert "completado con retraso" in html
    assert "Vencido" in html and "No vencido" in html  # the filter's choices


def test_the_commitment_admin_filters_and_shows_the_ones_that_ended_incomplete(planner_client, late):
    ended = planner_client.get("/admin/commitments/commitment/?vencido=si")
    others = planner_client.get("/admin/commitments/commitment/?vencido=no")

    assert [c.code for c in ended.context["cl"].result_list] == ["TEST0002"]
    assert sorted(c.code for c in others.context["cl"].result_list) == ["TEST0001", "TEST0003", "TEST0004"]
    assert '<strong class="late">10 días de retraso</strong>' in ended.content.decode()


def test_an_implementer_filters_only_what_their_department_leads(implementer_client, late):
    response = implementer_client.get("/admin/commitments/milestone/?vencido=si")

    assert listed(response) == [str(late["late"].pk)]


# One query plan per page: as many queries for 3 commitments as for 30.


PAGES = [
    "/{lang}/",
    "/{lang}/compromisos/",
    "/{lang}/compromisos/?vencidos=si",
    "/{lang}/compromisos/?vencidos=si&orden=fin&page=2",
    "/{lang}/compromisos/TEST0001/",
    "/{lang}/instituciones/direccion-ambiente/",
    "/{lang}/territorio/",
    "/{lang}/territorio/canton-retrasos/",
    "/{lang}/novedades/feed/",
    "/{lang}/compromisos/TEST0001/feed/",
]


def _late_plan(plan, department, canton, size: int) -> None:
    """`size` commitments, each with an overdue milestone, one completed late and one on time, and an update
    about the overdue one; every third ended incomplete."""
    existing = Commitment.objects.count()
    for n in range(existing + 1, size + 1):
        commitment = CommitmentFactory(
            code=f"TEST{n:04d}",
            plan=plan,
            order=n,
            lead_department=department,
            ends_on=date(2026, 2, 28) if n % 3 == 0 else date(2027, 2, 28),
        )
        commitment.cantons.add(canton)
        overdue = MilestoneFactory(commitment=commitment, order=1, due_on=date(2026, 3, 1))
        MilestoneFactory(
            commitment=commitment, order=2, progress=100, due_on=date(2026, 1, 31), completed_on=date(2026, 2, 15)
        )
        MilestoneFactory(commitment=commitment, order=3, due_on=date(2026, 6, 30))
        ProgressUpdateFactory(commitment=commitment, milestone=overdue)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_pages_cost_the_same_queries_for_3_and_30_late_commitments(
    citizen, settings, plan, department, canton, lang
):
    settings.CONECTA_PLAN_SLUG = plan.slug
    counts = {}
    for size in (3, 30):
        _late_plan(plan, department, canton, size)
        counts[size] = {page: _queries(citizen, page.format(lang=lang)) for page in PAGES}

    # An institution page counts what it leads only when it leads more than it lists (20): one query more.
    institution = PAGES[5]
    assert counts[30].pop(institution) <= INSTITUTION_QUERIES and counts[3].pop(institution) <= INSTITUTION_QUERIES
    assert counts[3] == counts[30]
    home = citizen.get(f"/{lang}/")
    assert len(home.context["overdue"]) == 5
    assert overdue_count_text(lang, 1) in home.text
