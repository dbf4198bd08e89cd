"""The Atom feed of road works (/vias/feed/): published progress of published works, and their starts and
completions, newest first, in the page's language."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roads.models import WorkStatus
from roads.services import road_progress_refresh

from .factories import RoadProgressFactory, RoadWorkFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def observe(work, day: date, pct: int, **fields):
    progress = RoadProgressFactory(work=work, observed_on=day, physical_pct=pct, **fields)
    road_progress_refresh()
    return progress


@pytest.fixture
def work(db):
    return RoadWorkFactory(code="VIA-2025-001", name_es="Asfaltado Puyo – Tarqui", name_qu="Puyo – Tarqui ñan")


def test_the_feed_is_atom_in_the_page_language(citizen, work):
    observe(work, date(2025, 6, 30), 40)

    for lang in ("es", "qu"):
        feed = read_feed(citizen, f"/{lang}/vias/feed/")

        assert feed.get(XML_LANG) == lang
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"http://testserver/{lang}/vias/feed/"
        assert entries(feed)[0]["link"] == f"http://testserver/{lang}/vias/VIA-2025-001/#progress"
        assert entries(feed)[0]["id"].endswith(f"/{lang}")
    assert "Puyo – Tarqui ñan" in entries(read_feed(citizen, "/qu/vias/feed/"))[0]["summary"]


def test_each_observation_says_the_progress_before_and_after_newest_first(citizen, work):
    observe(work, date(2025, 5, 31), 20, paid_amount=Decimal("50000"))
    observe(work, date(2025, 6, 30), 45, paid_amount=Decimal("90000"), note_es="Capa de rodadura.")

    found = entries(read_feed(citizen, "/es/vias/feed/"))

    assert [entry["title"] for entry in found] == [
        "VIA-2025-001 · Avance físico 20 % → 45 % (30 de junio de 2025)",
        "VIA-2025-001 · Avance físico 20 % (31 de mayo de 2025)",
    ]
    assert found[0]["published"] == "2025-06-30T12:00:00-05:00"
    assert "USD 90.000,00" in found[0]["summary"] and "Capa de rodadura." in found[0]["summary"]


def test_a_start_and_a_completion_are_entries_too(citizen, work):
    planned_end = date(2025, 5, 31)
    RoadWorkFactory(
        code="VIA-2025-002",
        status=WorkStatus.COMPLETION,
        planned_end=planned_end,
        actual_start=date(2025, 3, 3),
        actual_end=planned_end + timedelta(days=10),
    )
    observe(work, date(2025, 4, 30), 10)

    titles = [entry["title"] for entry in entries(read_feed(citizen, "/es/vias/feed/"))]

    assert titles == [
        "VIA-2025-002 · La obra terminó (10 de junio de 2025) [completado con retraso]",
        "VIA-2025-001 · Avance físico 10 % (30 de abril de 2025)",
        "VIA-2025-002 · La obra empezó (3 de marzo de 2025)",
    ]


def test_unpublished_progress_and_works_are_not_in_the_feed(citizen, work):
    observe(work, date(2025, 5, 31), 20)
    observe(work, date(2025, 6, 30), 90, is_published=False)
    hidden = RoadWorkFactory(code="VIA-2025-002", is_published=False, actual_start=date(2025, 3, 3))
    observe(hidden, date(2025, 6, 30), 50)

    titles = [entry["title"] for entry in entries(read_feed(citizen, "/es/vias/feed/"))]

    assert titles == ["VIA-2025-001 · Avance físico 20 % (31 de mayo de 2025)"]


def test_example_data_is_said_in_the_title(citizen):
    example = RoadWorkFactory(code="VIA-2025-003", is_example=True)
    observe(example, date(2025, 6, 30), 40)

    titles = [entry["title"] for entry in entries(read_feed(citizen, "/es/vias/feed/"))]

    assert titles == ["VIA-2025-003 · Avance físico 40 % (30 de junio de 2025) [datos de ejemplo]"]


def test_the_feed_costs_the_same_queries_for_3_or_30_works(citizen):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            read_feed(citizen, "/es/vias/feed/")
        return len(captured)

    def add(first: int, count: int) -> None:
        for n in range(first, first + count):
            work = RoadWorkFactory(code=f"VIA-2025-{n:03d}", actual_start=date(2025, 1, 2))
            for month in (3, 4):
                RoadProgressFactory(work=work, observed_on=date(2025, month, 28), physical_pct=10 * month)
        road_progress_refresh()

    add(1, 3)
    few = queries()
    add(4, 27)
    many = queries()

    assert few == many == 3
    assert len(entries(read_feed(citizen, "/es/vias/feed/"))) == 50
