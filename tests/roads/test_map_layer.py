"""The road works on the territory map (roads/maplayer.py, drawn by commitments' page): published works with a
line or point only, in one query; each status in the legend with its words and its dash; a table of the works under
the map; lines cut to the inset; and a page that stays light with 300 works."""

import gzip
import math
import random
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from commitments import geomap
from conecta import extensions
from conecta.fallbacks import SpanishFallback
from roads.maplayer import road_works_layer
from roads.models import RoadWork, WorkKind, WorkStatus
from tests.factories import DepartmentFactory

from .factories import RoadWorkFactory

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 30 * 1024  # gzip, the page with its stylesheet
# Puyo to Shell, in the west (inside the inset); the road to Montalvo's airstrip, in the east (outside it).
WEST_LINE = [[-77.9936, -1.487], [-78.011, -1.4905], [-78.0303, -1.4951], [-78.0612, -1.5019]]
EAST_LINE = [[-76.97, -2.06], [-76.99, -2.07], [-77.01, -2.07]]
# From Puyo eastwards to Canelos: it leaves the inset (east edge -77.71) on the way.
CROSSING_LINE = [[-77.85, -1.45], [-77.75, -1.50], [-77.65, -1.55], [-77.60, -1.57]]


@pytest.fixture(autouse=True)
def only_the_road_layer(monkeypatch):
    """The map draws the road works' layer alone, whatever other test registered."""
    monkeypatch.setattr(extensions, "_map_layer_providers", [road_works_layer])


@pytest.fixture
def plan(real_plan):
    """The real plan as load_demo loads it, without its example road works: each test draws its own."""
    RoadWork.objects.update(is_published=False)
    return real_plan


def drawings(html: str) -> tuple[str, str]:
    svgs = re.findall(r'<svg class="map-svg".*?</svg>', html, re.S)
    assert len(svgs) == 2
    return svgs[0], svgs[1]


def statuses_drawn(svg: str) -> dict[str, str]:
    """status -> the lines and points drawn for it."""
    group = re.search(r'<g class="map-features" filter="url\(#[\w-]+\)" aria-hidden="true">(.*?)</g>\n', svg, re.S)
    return dict(re.findall(r'<g class="map-status-(\w+)">(.*?)</g>', group.group(1))) if group else {}


def absolute_lines(path: str) -> list[list[tuple[float, float]]]:
    """The lines of SVG path data made of M/m moves and l steps, as absolute points."""
    lines, here = [], (0.0, 0.0)
    for move, start, steps in re.findall(r"([Mm])([^l]+)l([^Mm]+)", path):
        numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", start + " " + steps)]
        x, y = numbers[:2] if move == "M" else (here[0] + numbers[0], here[1] + numbers[1])
        line = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            line.append((x, y))
        lines.append(line)
        here = (x, y)
    return lines


# The layer


def test_it_yields_the_published_works_that_have_a_line_or_a_point():
    line = RoadWorkFactory(code="VIA-001", name_es="Vía Puyo - Shell", geometry=WEST_LINE)
    bridge = RoadWorkFactory(code="PTE-002", status=WorkStatus.PREPARATION, geometry=[[-77.9, -1.45]])
    RoadWorkFactory(code="VIA-003", is_published=False)
    RoadWorkFactory(code="VIA-004", geometry=[])

    features = list(road_works_layer(None))

    assert [f.label for f in features] == [f"PTE-002 · {bridge.name_es}", "VIA-001 · Vía Puyo - Shell"]
    road = features[1]
    assert road.url == line.get_absolute_url() == "/es/vias/VIA-001/"
    assert (road.status, road.status_label) == ("implementation", "En ejecución")
    assert road.coordinates == tuple(tuple(p) for p in WEST_LINE)
    assert features[0].coordinates == ((-77.9, -1.45),) and features[0].status_label == "Preparación"


def test_a_name_not_written_in_kichwa_is_labelled_as_spanish():
    RoadWorkFactory(code="VIA-001", name_es="Vía a Canelos", name_qu="")
    RoadWorkFactory(code="VIA-002", name_es="Vía a Arajuno", name_qu="Arajunuman ñan")

    with translation.override("qu"):
        spanish, kichwa = list(road_works_layer(None))

    assert isinstance(spanish.label, SpanishFallback) and spanish.label == "VIA-001 · Vía a Canelos"
    assert not isinstance(kichwa.label, SpanishFallback) and kichwa.label == "VIA-002 · Arajunuman ñan"
    assert kichwa.url == "/qu/vias/VIA-002/"


@pytest.mark.parametrize("count", [3, 30])
def test_it_takes_one_query_whatever_the_number_of_works(count, django_assert_num_queries):
    department = DepartmentFactory()
    RoadWorkFactory.create_batch(count, institution=department)

    with django_assert_num_queries(1):
        assert len(list(road_works_layer(None))) == count


# The territory page


@pytest.fixture
def works(plan):
    department = DepartmentFactory()
    return [
        RoadWorkFactory(code="VIA-001", name_es="Vía Puyo - Shell", name_qu="Puyu - Shell ñan", geometry=WEST_LINE,
                        institution=department),
        RoadWorkFactory(code="VIA-002", name_es="Vía a Montalvo", status=WorkStatus.MAINTENANCE, geometry=EAST_LINE,
                        institution=department),
        RoadWorkFactory(code="VIA-003", name_es="Vía Puyo - Canelos", status=WorkStatus.COMPLETION,
                        geometry=CROSSING_LINE, actual_end=date(2025, 5, 30), institution=department),
        RoadWorkFactory(code="PTE-004", name_es="Puente sobre el río Pindo", status=WorkStatus.CANCELLED,
                        kind=WorkKind.BRIDGE, geometry=[[-77.98, -1.46]], institution=department),
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_map_draws_the_lines_and_points_of_each_status(citizen, works, lang):
    province, inset = drawings(citizen.get(f"/{lang}/territorio/").text)

    drawn = statuses_drawn(province)
    assert list(drawn) == ["cancelled", "implementation", "maintenance", "completion"]  # by code: PTE, VIA-001...
    assert re.fullmatch(r'<circle cx="[\d.]+" cy="[\d.]+" r="5"/>', drawn["cancelled"])
    for status in ("implementation", "maintenance", "completion"):
        assert re.fullmatch(r'<path d="M[-\d. ]+l[-\d. ]+"/>', drawn[status])
    # The inset holds the west only: Montalvo's road is not on it.
    assert list(statuses_drawn(inset)) == ["cancelled", "implementation", "completion"]
    assert 'filter="url(#map-cap-halo)"' in province and 'filter="url(#inset-cap-halo)"' in inset
    assert '<filter id="map-cap-halo">' in province and '<filter id="inset-cap-halo">' in inset


def test_the_lines_follow_the_projection_in_whole_units(citizen, works):
    province, _inset = drawings(citizen.get("/es/territorio/").text)
    view = geomap.province_map()

    path = statuses_drawn(province)["maintenance"]
    [line] = absolute_lines(re.search(r'd="([^"]+)"', path).group(1))
    ends = [view.project(*EAST_LINE[0]), view.project(*EAST_LINE[-1])]
    if math.dist(line[0], ends[1]) < math.dist(line[0], ends[0]):  # a line may be drawn from either end
        line.reverse()
    # Rounded to whole drawing units (geomap._line_path): each end within half a unit on each axis.
    assert math.dist(line[0], ends[0]) <= 0.71 and math.dist(line[-1], ends[1]) <= 0.71
    assert "." not in path


def test_a_line_leaving_the_inset_is_cut_at_its_edge(citizen, works):
    _province, inset = drawings(citizen.get("/es/territorio/").text)
    view = geomap.west_inset()

    path = re.search(r'd="([^"]+)"', statuses_drawn(inset)["completion"]).group(1)
    [line] = absolute_lines(path)
    assert all(-0.1 <= x <= view.width + 0.1 and -0.1 <= y <= view.height + 0.1 for x, y in line)
    assert abs(max(line[0][0], line[-1][0]) - view.width) <= 0.1  # cut where it leaves the box, not before


@pytest.mark.parametrize(
    ("lang", "labels", "note"),
    [
        ("es", ("Cancelado", "En ejecución", "Mantenimiento", "Terminada"), "Las líneas y los puntos se listan"),
        ("qu", ("Sakishka", "Rurakun", "Kamay", "Tukurishka"), "Shuyupak urapi kak tablapimi"),
    ],
)
def test_the_legend_names_each_status_drawn_once_with_a_line_of_its_pattern(citizen, works, lang, labels, note):
    html = citizen.get(f"/{lang}/territorio/").text
    legend = re.search(r'<ul class="map-legend".*?</ul>', html, re.S).group(0)

    keys = re.findall(r'<li><svg class="key key-line map-status-(\w+)" [^>]+><line [^>]+/></svg> ([^<]+)</li>', legend)
    assert keys == list(zip(("cancelled", "implementation", "maintenance", "completion"), labels, strict=True))
    assert note in html


def test_each_status_has_its_own_colour_and_dash_in_the_stylesheet():
    css = (Path(django_settings.BASE_DIR) / "static" / "css" / "site.css").read_text()

    styles = [re.search(rf"\.map-status-{status}\{{([^}}]+)\}}", css).group(1) for status in WorkStatus.values]
    colours = {re.search(r"stroke:(#[0-9a-f]{6})", style).group(1) for style in styles}
    dashes = {"".join(re.findall(r"stroke-dasharray:([\d ]+)", style)) for style in styles}
    assert len(colours) == len(dashes) == len(WorkStatus.values)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_table_under_the_map_lists_the_works_with_their_status_in_words(citizen, works, lang):
    html = citizen.get(f"/{lang}/territorio/").text

    table = re.search(r'<h2 id="features-h">[^<]+</h2>\s*<table class="data" aria-labelledby="features-h">.*?</table>',
                      html, re.S).group(0)  # fmt: skip
    rows = re.findall(r'<tr><th scope="row"><a href="([^"]+)">(.*?)</a></th><td>([^<]+)</td></tr>', table)
    codes = ("PTE-004", "VIA-001", "VIA-002", "VIA-003")
    assert [href for href, _name, _status in rows] == [f"/{lang}/vias/{code}/" for code in codes]
    if lang == "es":
        assert rows[1][1:] == ("VIA-001 · Vía Puyo - Shell", "En ejecución")
        assert '<h2 id="features-h">Obras en el mapa</h2>' in table
    else:
        assert rows[1][1:] == ("VIA-001 · Puyu - Shell ñan", "Rurakun")
        assert rows[2][1] == '<span lang="es">VIA-002 · Vía a Montalvo</span>'
    assert html.index('class="map-legend"') < html.index('id="features-h"') < html.index('id="cantons-h"')


def test_without_works_there_is_no_table_and_no_road_legend(citizen, plan):
    RoadWorkFactory(code="VIA-001", is_published=False)

    html = citizen.get("/es/territorio/").text

    assert 'id="features-h"' not in html and "key-line" not in html and "map-features" not in html


def test_the_page_takes_as_many_queries_with_3_works_as_with_30(citizen, plan):
    department = DepartmentFactory()
    counted = {}
    for total in (3, 30):
        RoadWorkFactory.create_batch(total - RoadWork.objects.published().count(), institution=department)
        with CaptureQueriesContext(connection) as queries:
            assert citizen.get("/es/territorio/").status_code == 200
        counted[total] = len(queries)

    assert RoadWork.objects.published().count() == 30
    assert counted[3] == counted[30]


# Weight

# Places of the province (parishes and communities) to name 300 works as staff would, so that the names compress no
# better than real ones.
PLACES = (
    "Puyo",
    "Shell",
    "Mera",
    "Madre Tierra",
    "Tarqui",
    "Veracruz",
    "Pomona",
    "Fátima",
    "Teniente Hugo Ortiz",
    "Diez de Agosto",
    "El Triunfo",
    "Canelos",
    "Sarayaku",
    "Montalvo",
    "Simón Bolívar",
    "Curaray",
    "Río Tigre",
    "Arajuno",
    "Santa Clara",
    "San José",
    "Chuwitayu",
    "Nuevo Mundo",
    "San Jacinto",
    "Pitirishca",
    "Putuimi",
    "Shiwakucha",
    "Unión Base",
    "Ceslao Marín",
    "Llandia",
    "Murialdo",
    "Santa Rosa",
    "Zarentza",
    "Tashapi",
    "Kawsak Sacha",
    "Victoria",
    "Amazonas",
    "San Ramón",
    "Moravia",
    "Jatun Paccha",
    "Wituk",
)
KINDS = ("Mantenimiento de la vía", "Lastrado de la vía", "Asfaltado de la vía", "Rehabilitación del camino vecinal",
         "Apertura de la vía", "Puente sobre el río", "Estudios de la vía")  # fmt: skip


def road_work_name(rng: random.Random) -> str:
    first, second = rng.sample(PLACES, 2)
    return f"{rng.choice(KINDS)} {first} – {second}"


def winding_road(rng: random.Random) -> list[list[float]]:
    """A road as stored after simplification: 20 to 120 points 100 m apart (2 to 12 km), bending as rural roads
    do; seven in ten in the populated west (the inset), the others in the centre and east."""
    if rng.random() < 0.7:
        lon, lat = rng.uniform(-78.15, -77.75), rng.uniform(-1.65, -1.2)
    else:
        lon, lat = rng.uniform(-77.7, -76.6), rng.uniform(-2.2, -1.3)
    heading = rng.uniform(0, 2 * math.pi)
    line = [[lon, lat]]
    for _ in range(rng.randint(10, 80)):
        heading += rng.gauss(0, 0.12)
        lon, lat = lon + math.cos(heading) * 0.0009, lat + math.sin(heading) * 0.0009
        line.append([round(lon, 6), round(lat, 6)])
    return line


def page_and_stylesheet_gzip(client, url: str) -> int:
    html = client.get(url).content
    stylesheet = (Path(django_settings.BASE_DIR) / "static" / "css" / "site.css").read_bytes()
    return len(gzip.compress(html, 9)) + len(gzip.compress(stylesheet, 9))


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_page_with_300_works_and_its_stylesheet_stays_within_the_budget(citizen, plan, lang):
    rng = random.Random(13)
    department = DepartmentFactory()
    statuses = WorkStatus.values
    RoadWork.objects.bulk_create(
        RoadWork(
            code=f"VIA-2025-{n:03d}",
            name_es=road_work_name(rng),
            kind=WorkKind.MAINTENANCE,
            status=statuses[n % len(statuses)],
            institution=department,
            geometry=winding_road(rng)[:1] if n % 10 == 0 else winding_road(rng),  # one in ten a point (a bridge)
            is_published=True,
        )
        for n in range(300)
    )

    html = citizen.get(f"/{lang}/territorio/").text
    assert html.count('<th scope="row"><a href="/') == 300 + 4  # the works, and the cantons' table
    assert page_and_stylesheet_gzip(citizen, f"/{lang}/territorio/") <= PAGE_BUDGET
