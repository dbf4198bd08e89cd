"""Road works found by the commitments' search (roads.panels.search_works_panel), and the ways to the road
request form from the participation page and the list of works."""

from __future__ import annotations

import pytest

from tests.roads.factories import RoadWorkFactory

pytestmark = pytest.mark.django_db


def test_the_commitments_search_lists_the_published_road_works_it_finds(citizen, real_plan):
    RoadWorkFactory(code="VIA-2025-001", name_es="Mantenimiento de la vía Chuwitayu – Kumay", communities="Kumay")
    RoadWorkFactory(code="VIA-2025-002", name_es="Vía Chuwitayu norte", is_published=False)
    RoadWorkFactory(code="VIA-2025-003", name_es="Puente sobre el río Puyo")

    found = citizen.get("/es/compromisos/?q=CHUWÍTAYU kumay").text
    nothing = citizen.get("/es/compromisos/?q=ningunapalabra").text
    no_words = citizen.get("/es/compromisos/").text

    assert 'href="/es/vias/VIA-2025-001/"' in found
    assert "VIA-2025-002" not in found and "VIA-2025-003" not in found
    assert 'href="/es/vias/?q=CHUW%C3%8DTAYU%20kumay"' in found
    assert 'id="roadworks-found-h"' not in nothing and 'id="roadworks-found-h"' not in no_words


def test_a_search_finds_at_most_ten_works_and_links_to_all_of_them(citizen, real_plan):
    for n in range(12):
        RoadWorkFactory(code=f"VIA-2025-{n:03d}", name_es=f"Lastrado de la vía {n}")

    page = citizen.get("/es/compromisos/?q=lastrado").text

    assert page.count('href="/es/vias/VIA-2025-') == 10
    assert "12" in page.split('id="roadworks-found-h"')[1]


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_request_form_is_reachable_from_the_participation_page_and_the_works(citizen, real_plan, lang):
    for address in (f"/{lang}/participa/", f"/{lang}/vias/"):
        page = citizen.get(address).text
        assert f'href="/{lang}/vias/reportar/"' in page and f'href="/{lang}/vias/solicitudes/"' in page
