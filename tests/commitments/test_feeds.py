"""The Atom feeds of progress updates: the current plan's latest, and one commitment's."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def current_plan(plan, settings):
    settings.CONECTA_PLAN_SLUG = plan.slug
    return plan


def read_feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> list[dict]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "published": entry.findtext(f"{ATOM}published"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def titles(feed: ET.Element) -> list[str]:
    return [entry["title"] for entry in entries(feed)]


def test_the_updates_feed_is_atom_in_the_page_language(client, current_plan, commitment):
    ProgressUpdateFactory(commitment=commitment, title_es="Taller en Puyo")

    for lang in ("es", "qu"):
        feed = read_feed(client, f"/{lang}/novedades/feed/")

        assert feed.tag == f"{ATOM}feed"
        assert feed.get(XML_LANG) == lang
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"http://testserver/{lang}/novedades/feed/"
        assert feed.find(f"{ATOM}author/{ATOM}name").text


def test_an_entry_is_titled_with_the_commitment_code(client, current_plan, commitment):
    ProgressUpdateFactory(commitment=commitment, title_es="Taller en Puyo")

    assert titles(read_feed(client, "/es/novedades/feed/")) == ["TEST0001 · Taller en Puyo"]


def test_it_shows_only_published_updates_of_published_commitments_and_milestones(client, current_plan, commitment, gad):
    hidden_commitment = CommitmentFactory(plan=current_plan, lead_institution=gad, is_published=False)
    hidden_milestone = MilestoneFactory(commitment=commitment, is_published=False)
    # Not overdue: no tag. No history: its observations' entries are tested in test_progress_history.
    shown_milestone = MilestoneFactory(commitment=commitment, due_on=date(2099, 12, 31), observed=False)
    ProgressUpdateFactory(commitment=commitment, title_es="Visible")
    ProgressUpdateFactory(commitment=commitment, milestone=shown_milestone, title_es="Visible con hito")
    ProgressUpdateFactory(commitment=commitment, title_es="Borrador", is_published=False)
    ProgressUpdateFactory(commitment=hidden_commitment, title_es="De un compromiso oculto")
    ProgressUpdateFactory(commitment=commitment, milestone=hidden_milestone, title_es="De un hito oculto")

    for url in ("/es/novedades/feed/", "/es/compromisos/TEST0001/feed/"):
        shown = titles(read_feed(client, url))

        assert sorted(shown) == ["TEST0001 · Visible", "TEST0001 · Visible con hito"]


def test_the_updates_feed_shows_only_the_current_plan(client, current_plan, commitment):
    other = CommitmentFactory(code="OTRO0001", plan=ActionPlanFactory(slug="otro-plan"))
    ProgressUpdateFactory(commitment=commitment, title_es="Del plan actual")
    ProgressUpdateFactory(commitment=other, title_es="De otro plan")

    assert titles(read_feed(client, "/es/novedades/feed/")) == ["TEST0001 · Del plan actual"]


def test_the_updates_feed_holds_the_fifty_latest(client, current_plan, commitment):
    for n in range(60):
        ProgressUpdateFactory(
            commitment=commitment, occurred_on=date(2025, 1, 1) + timedelta(days=n), title_es=f"Avance {n:02d}"
        )

    shown = titles(read_feed(client, "/es/novedades/feed/"))

    assert shown == [f"TEST0001 · Avance {n:02d}" for n in range(59, 9, -1)]


def test_an_entry_links_to_the_update_on_the_commitment_page(client, current_plan, commitment):
    update = ProgressUpdateFactory(commitment=commitment)

    for lang in ("es", "qu"):
        (entry,) = entries(read_feed(client, f"/{lang}/novedades/feed/"))

        assert entry["link"] == f"http://testserver/{lang}/compromisos/TEST0001/#update-{update.pk}"


def test_an_entry_is_dated_at_noon_in_pastaza_and_updated_when_edited(client, current_plan, commitment):
    update = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2025, 3, 14))

    (entry,) = entries(read_feed(client, "/es/novedades/feed/"))

    assert datetime.fromisoformat(entry["published"]) == datetime(2025, 3, 14, 12, tzinfo=ZoneInfo("America/Guayaquil"))
    assert entry["published"].endswith("-05:00")
    update.refresh_from_db()
    assert datetime.fromisoformat(entry["updated"]) == update.updated_at


def test_an_entry_keeps_its_id_when_edited_and_each_update_has_its_own(client, current_plan, commitment):
    first = ProgressUpdateFactory(commitment=commitment, occurred_on=date(2025, 3, 1))
    ProgressUpdateFactory(commitment=commitment, occurred_on=date(2025, 2, 1))
    before = [e["id"] for e in entries(read_feed(client, "/es/novedades/feed/"))]

    first.title_es = "Título corregido"
    first.text_es = "Texto corregido."
    first.save()
    after = [e["id"] for e in entries(read_feed(client, "/es/novedades/feed/"))]

    assert before == after
    assert len(set(after)) == 2
    assert all(i.startswith("tag:") for i in after)
    assert after[0] == [e["id"] for e in entries(read_feed(client, "/es/compromisos/TEST0001/feed/"))][0]


def test_example_data_is_marked_in_the_title_in_each_language(client, current_plan, commitment):
    ProgressUpdateFactory(commitment=commitment, title_es="Avance ilustrativo", is_illustrative=True)

    (spanish,) = titles(read_feed(client, "/es/novedades/feed/"))
    (kichwa,) = titles(read_feed(client, "/qu/novedades/feed/"))

    assert spanish == "TEST0001 · Avance ilustrativo [datos de ejemplo]"
    assert kichwa.startswith("TEST0001 · Avance ilustrativo [")
    assert "datos de ejemplo" not in kichwa


def test_kichwa_texts_are_shown_and_spanish_fills_in_the_missing_ones(client, current_plan, commitment):
    ProgressUpdateFactory(
        commitment=commitment,
        occurred_on=date(2025, 5, 1),
        title_es="Taller",
        title_qu="Tantanakuy",
        text_es="Se reunió la comunidad.",
        text_qu="Ayllu llakta tantanakurka.",
    )
    ProgressUpdateFactory(
        commitment=commitment,
        occurred_on=date(2025, 4, 1),
        title_es="Solo en castellano",
        text_es="Texto solo en castellano.",
    )

    kichwa = entries(read_feed(client, "/qu/novedades/feed/"))

    assert [e["title"] for e in kichwa] == ["TEST0001 · Tantanakuy", "TEST0001 · Solo en castellano"]
    assert "Ayllu llakta tantanakurka." in kichwa[0]["summary"]
    assert "Texto solo en castellano." in kichwa[1]["summary"]


def test_texts_are_escaped(client, current_plan, commitment):
    ProgressUpdateFactory(
        commitment=commitment, title_es="<b>Título</b>", text_es="<script>alert(1)</script>\n\nSegundo párrafo & más"
    )

    response = client.get("/es/novedades/feed/")
    (entry,) = entries(ET.fromstring(response.content))

    assert b"<script>" not in response.content
    # The summary is HTML (type="html"): once the XML is read, the staff's text is still escaped inside it.
    assert entry["summary"] == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n\n<p>Segundo párrafo &amp; más</p>"
    assert entry["title"] == "TEST0001 · <b>Título</b>"  # Atom text: shown as written, never as markup


def test_the_commitment_feed_holds_that_commitments_updates(client, current_plan, commitment, other_commitment):
    ProgressUpdateFactory(commitment=commitment, title_es="Del ambiental")
    ProgressUpdateFactory(commitment=other_commitment, title_es="Del vial")

    feed = read_feed(client, "/qu/compromisos/test0001/feed/")

    assert titles(feed) == ["TEST0001 · Del ambiental"]
    assert feed.get(XML_LANG) == "qu"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/qu/compromisos/TEST0001/"


@pytest.mark.parametrize("code", ["NOPE0000", "TEST0003", "x" * 300, "%3Cscript%3E"])
def test_an_unknown_or_unpublished_commitment_has_no_feed(client, current_plan, commitment, code):
    CommitmentFactory(code="TEST0003", plan=current_plan, is_published=False)

    for lang in ("es", "qu"):
        response = client.get(f"/{lang}/compromisos/{code}/feed/")

        assert response.status_code == 404
        assert f'<html lang="{lang}"'.encode() in response.content


def test_an_empty_plan_gives_an_empty_feed(client, current_plan):
    assert entries(read_feed(client, "/es/novedades/feed/")) == []


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_feeds_cost_the_same_queries_whatever_the_plans_size(client, current_plan, commitment, gad):
    milestone = MilestoneFactory(commitment=commitment)
    ProgressUpdateFactory(commitment=commitment, milestone=milestone)
    small = (_queries(client, "/es/novedades/feed/"), _queries(client, "/es/compromisos/TEST0001/feed/"))

    for n in range(20):
        other = CommitmentFactory(plan=current_plan, lead_institution=gad)
        other_milestone = MilestoneFactory(commitment=other)
        ProgressUpdateFactory(commitment=other, milestone=other_milestone, is_illustrative=n % 2 == 0)
        ProgressUpdateFactory(commitment=commitment, milestone=milestone)
    large = (_queries(client, "/es/novedades/feed/"), _queries(client, "/es/compromisos/TEST0001/feed/"))

    assert small == large
    assert large[0] <= 3 and large[1] <= 3


def test_every_page_points_feed_readers_to_the_updates_feed_in_its_language(client, current_plan, commitment):
    for lang in ("es", "qu"):
        for url in (f"/{lang}/", f"/{lang}/compromisos/TEST0001/", f"/{lang}/no-existe/"):
            html = client.get(url).content.decode()

            assert 'type="application/atom+xml"' in html
            assert f'href="/{lang}/novedades/feed/"' in html


def test_a_feed_keeps_its_id_whatever_address_the_site_is_reached_at(client, current_plan, commitment, settings):
    settings.SITE_URL = "https://conecta.pastaza.gob.ec"
    ids = set()
    for host in ("testserver", "localhost"):
        for url in ("/qu/novedades/feed/", "/qu/compromisos/TEST0001/feed/"):
            ids.add((url, client.get(url, HTTP_HOST=host).content.split(b"<id>")[1].split(b"</id>")[0]))

    assert ids == {
        ("/qu/novedades/feed/", b"tag:conecta.pastaza.gob.ec,2024:conecta-pastaza/updates/qu"),
        ("/qu/compromisos/TEST0001/feed/", b"tag:conecta.pastaza.gob.ec,2024:conecta-pastaza/commitment/TEST0001/qu"),
    }
