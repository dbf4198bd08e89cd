"""The territory map drawn from the real cantonal boundaries (commitments/geomap.py, commitments/geo/): the four
cantons linked to their pages, the towns, the inset of the west, the sources' attribution, and its weight."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments import geomap
from commitments.loaders import synthetic_plan_load
from commitments.models import Canton
from conecta import extensions
from conecta.extensions import MapFeature

pytestmark = pytest.mark.django_db

SLUGS = {"1601": "pastaza", "1602": "mera", "1603": "santa-clara", "1604": "arajuno"}
TOWNS = ("Puyo", "Mera", "Santa Clara", "Arajuno", "Shell", "Madre Tierra", "Fátima", "Diez de Agosto", "Montalvo")
ATTRIBUTION_ES = (
    "Límites cantonales: INEC Ecuador / OCHA (COD-AB, 2019), CC BY 3.0 IGO; simplificados. "
    "Lugares: GeoNames, CC BY 4.0."
)
PAGE_BUDGET = 30 * 1024  # gzip, the page with its stylesheet


def drawings(html: str) -> tuple[str, str]:
    """The province map and the inset of the west."""
    svgs = re.findall(r'<svg class="map-svg".*?</svg>', html, re.S)
    assert len(svgs) == 2
    return svgs[0], svgs[1]


def canton_links(svg: str) -> dict[str, str]:
    """href -> the path data of the canton it links."""
    return dict(re.findall(r'<a href="([^"]+)" aria-label="[^"]+"><path d="([^"]+)"', svg))


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_map_draws_the_four_cantons_of_the_geojson_each_linking_to_its_page(citizen, real_plan, lang):
    Canton.objects.update(map_path="M1 1L2 2Z")  # the old schematic shapes are no longer drawn

    province, _inset = drawings(citizen.get(f"/{lang}/territorio/").text)

    links = canton_links(province)
    assert sorted(links) == sorted(f"/{lang}/territorio/{slug}/" for slug in SLUGS.values())
    assert "M1 1L2 2Z" not in province
    for path in links.values():
        assert path.startswith("M") and path.endswith("Z")
        assert path.count("L") >= 40  # a real boundary, not a schematic shape
        assert re.fullmatch(r"M[-\d. L]+Z", path) and not re.search(r"\.\d\d", path)  # one decimal at most
    assert '<svg class="map-svg" viewBox="0 0 480 ' in province and 'role="group"' in province


def test_the_shapes_are_matched_to_the_cantons_by_inec_code(citizen, real_plan):
    Canton.objects.filter(code="1603").update(slug="santa-clara-2")

    province, _inset = drawings(citizen.get("/es/territorio/").text)

    shapes = geomap.province_map().shapes
    assert canton_links(province)["/es/territorio/santa-clara-2/"] == shapes["1603"].path
    assert canton_links(province)["/es/territorio/mera/"] == shapes["1602"].path


def test_the_towns_are_points_with_their_names(citizen, real_plan):
    province, inset = drawings(citizen.get("/es/territorio/").text)

    def towns(svg):
        return re.findall(r'<g class="map-town( seat)?"><circle [^>]+/><text [^>]+>([^<]+)</text></g>', svg)

    assert {name for _seat, name in towns(province) + towns(inset)} == set(TOWNS)
    assert {name for seat, name in towns(inset) if seat} == {"Mera", "Santa Clara", "Puyo"}
    assert [name for _seat, name in towns(province)] == ["Puyo", "Arajuno", "Montalvo"]


def test_the_inset_enlarges_the_west_and_is_marked_on_the_province_map(citizen, real_plan):
    html = citizen.get("/qu/territorio/").text
    province, inset = drawings(html)

    assert sorted(canton_links(inset)) == sorted(f"/qu/territorio/{slug}/" for slug in SLUGS.values())
    for name in ("Mera", "Santa Clara", "Puyo", "Shell"):
        assert f">{name}</text>" in inset
    assert '<g class="map-frame" aria-hidden="true"><rect ' in province
    assert re.search(r'<figure class="map-inset" aria-labelledby="inset-cap">\s*<figcaption id="inset-cap">', html)
    # The inset is drawn larger: Mera's outline spans more of it than of the province map.
    assert geomap.west_inset().scale > 3 * geomap.province_map().scale


def test_the_sources_are_attributed_in_both_languages(citizen, real_plan):
    spanish = citizen.get("/es/territorio/").text
    kichwa = citizen.get("/qu/territorio/").text

    assert ATTRIBUTION_ES in spanish
    assert '<html lang="qu"' in kichwa
    assert "INEC Ecuador / OCHA (COD-AB, 2019), CC BY 3.0 IGO" in kichwa and "GeoNames, CC BY 4.0" in kichwa
    assert "simplificados" not in kichwa


def test_neighbours_still_meet_after_simplification():
    """A shared border is simplified once for both sides: the drawn vertices of Mera and Pastaza have many in
    common (their common border), as do Pastaza and Arajuno."""

    def vertices(code):
        return set(re.findall(r"[-\d.]+ [-\d.]+", geomap.province_map().shapes[code].path))

    assert len(vertices("1602") & vertices("1601")) >= 10
    assert len(vertices("1601") & vertices("1604")) >= 20


def test_the_geometry_is_computed_once_and_read_from_the_repository():
    assert geomap.province_map() is geomap.province_map()
    assert geomap.west_inset() is geomap.west_inset()
    assert geomap.CANTONS_FILE.is_relative_to(Path(django_settings.BASE_DIR))
    assert geomap.PLACES_FILE.is_relative_to(Path(django_settings.BASE_DIR))


def page_and_stylesheet_gzip(client, url: str) -> int:
    html = client.get(url).content
    stylesheet = (Path(django_settings.BASE_DIR) / "static" / "css" / "site.css").read_bytes()
    assert b"css/site" in html
    return len(gzip.compress(html, 9)) + len(gzip.compress(stylesheet, 9))


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_page_with_its_stylesheet_stays_within_the_budget(citizen, real_plan, lang):
    assert page_and_stylesheet_gzip(citizen, f"/{lang}/territorio/") <= PAGE_BUDGET


def test_the_queries_and_the_weight_do_not_grow_with_the_number_of_commitments(citizen, settings):
    measured = {}
    for size in (3, 30):
        plan = synthetic_plan_load(commitments=size)
        settings.CONECTA_PLAN_SLUG = plan.slug
        with CaptureQueriesContext(connection) as captured:
            response = citizen.get("/es/territorio/")
        assert response.status_code == 200
        measured[size] = (len(captured), page_and_stylesheet_gzip(citizen, "/es/territorio/"))

    assert measured[3][0] == measured[30][0]
    assert measured[30][1] <= PAGE_BUDGET


def test_an_upper_app_can_draw_lines_and_points_over_the_cantons(citizen, real_plan, monkeypatch):
    monkeypatch.setattr(extensions, "_map_layer_providers", [])
    road = MapFeature("Vía Puyo–Shell", "/es/x/1/", "in_progress", "En ejecución", ((-78.0, -1.49), (-78.06, -1.5)))
    bridge = MapFeature("Puente", "/es/x/2/", "done", "Terminado", ((-77.9, -1.45),))
    extensions.register_map_layer(lambda plan: [road, bridge] if plan == real_plan else [])

    html = citizen.get("/es/territorio/").text
    province, inset = drawings(html)

    # Drawn by status (a path for the lines, circles for the points), over the cantons of both drawings...
    for svg in (province, inset):
        assert re.search(r'<g class="map-status-in_progress"><path d="M[-\d. ]+l[-\d. ]+"/></g>', svg)
        assert re.search(r'<g class="map-status-done"><circle cx="[\d.]+" cy="[\d.]+" r="5"/></g>', svg)
    # ...with each status in words in the legend, and each feature linked from the table under the map.
    assert re.search(r'<svg class="key key-line map-status-in_progress" [^>]+>.*?</svg> En ejecución</li>', html)
    assert '<tr><th scope="row"><a href="/es/x/1/">Vía Puyo–Shell</a></th><td>En ejecución</td></tr>' in html
    assert '<tr><th scope="row"><a href="/es/x/2/">Puente</a></th><td>Terminado</td></tr>' in html
