"""Reading a road work's line from a staff upload (roads/geometry.py): GPX, KML and GeoJSON read by their content,
hostile or wrong files refused with a clear message, every point inside Pastaza, simplified and measured."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from commitments.geomap import canton_boundaries
from roads import geometry
from roads.geometry import length_km, points_line, read_track, simplify
from roads.models import GEOMETRY_MAX_POINTS

# From Puyo towards Shell along the E45 (longitude, latitude).
PUYO_SHELL = [(-77.9936, -1.4870), (-78.0110, -1.4905), (-78.0303, -1.4951), (-78.0511, -1.5003), (-78.0612, -1.5019)]
# Quito, far outside the province.
QUITO = [(-78.5120, -0.2200), (-78.5000, -0.2100), (-78.4900, -0.2000)]

GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="OsmAnd" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
     xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">
  <metadata><name>Vía Puyo - Shell</name><time>2025-06-02T14:00:00Z</time></metadata>
  <wpt lat="-1.4870" lon="-77.9936"><name>Inicio</name></wpt>
  <trk><name>Recorrido</name>
    <trkseg>
      <trkpt lat="-1.4870" lon="-77.9936"><ele>950.2</ele><time>2025-06-02T14:00:00Z</time>
        <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>92</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>
      </trkpt>
      <trkpt lat="-1.4905" lon="-78.0110"><ele>960.0</ele></trkpt>
      <trkpt lat="-1.4951" lon="-78.0303"><ele>990.4</ele></trkpt>
    </trkseg>
    <trkseg>
      <trkpt lat="-1.5003" lon="-78.0511"/>
      <trkpt lat="-1.5019" lon="-78.0612"/>
    </trkseg>
  </trk>
</gpx>
""".encode()


def gpx_of(body: str, version: str = "1.1") -> bytes:
    return (
        f'<?xml version="1.0"?><gpx version="{version}" xmlns="http://www.topografix.com/GPX/1/{version[-1]}">'
        f"{body}</gpx>"
    ).encode()


def trkpts(points) -> str:
    return "".join(f'<trkpt lat="{lat}" lon="{lon}"/>' for lon, lat in points)


def kml_of(body: str, namespace: bool = True) -> bytes:
    xmlns = ' xmlns="http://www.opengis.net/kml/2.2"' if namespace else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><kml{xmlns}><Document>{body}</Document></kml>'.encode()


def kml_coordinates(points, altitude: bool = True) -> str:
    return " ".join(f"{lon},{lat},0" if altitude else f"{lon},{lat}" for lon, lat in points)


def upload(content: bytes, name: str = "track.gpx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(content: bytes, name: str = "track.gpx") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        read_track(upload(content, name))
    return caught.value


def close(line, expected) -> bool:
    return len(line) == len(expected) and all(math.dist(a, b) < 1e-9 for a, b in zip(line, expected, strict=True))


# What is read


def test_it_reads_every_segment_of_a_gpx_track_as_longitude_latitude():
    assert close(read_track(upload(GPX)), PUYO_SHELL)


def test_a_gpx_without_a_track_gives_its_route_or_else_its_waypoints():
    route = "<rte>" + "".join(f'<rtept lat="{lat}" lon="{lon}"/>' for lon, lat in PUYO_SHELL[:3]) + "</rte>"
    waypoints = "".join(f'<wpt lat="{lat}" lon="{lon}"/>' for lon, lat in PUYO_SHELL[3:])

    assert close(read_track(upload(gpx_of(route + waypoints))), PUYO_SHELL[:3])
    assert close(read_track(upload(gpx_of(waypoints, version="1.0"))), PUYO_SHELL[3:])


def test_it_reads_a_kml_line_with_the_kml_22_namespace_inside_placemarks_and_multigeometry():
    body = (
        f"<Folder><Placemark><name>Tramo 1</name><LineString><tessellate>1</tessellate>"
        f"<coordinates>\n  {kml_coordinates(PUYO_SHELL[:3])}\n</coordinates></LineString></Placemark>"
        f"<Placemark><MultiGeometry><Point><coordinates>{kml_coordinates(PUYO_SHELL[:1])}</coordinates></Point>"
        f"<LineString><coordinates>{kml_coordinates(PUYO_SHELL[3:])}</coordinates></LineString>"
        f"</MultiGeometry></Placemark></Folder>"
    )

    assert close(read_track(upload(kml_of(body), "tramo.kml")), PUYO_SHELL)


def test_it_reads_a_kml_without_namespace_and_its_points_when_it_has_no_line():
    line = f"<Placemark><LineString><coordinates>{kml_coordinates(PUYO_SHELL, altitude=False)}</coordinates>"
    line += "</LineString></Placemark>"
    points = "".join(
        f"<Placemark><Point><coordinates>{lon},{lat},0</coordinates></Point></Placemark>" for lon, lat in PUYO_SHELL[:2]
    )

    assert close(read_track(upload(kml_of(line, namespace=False), "tramo.kml")), PUYO_SHELL)
    assert close(read_track(upload(kml_of(points), "puntos.kml")), PUYO_SHELL[:2])


def test_it_reads_a_geojson_feature_and_ignores_the_altitude():
    feature = (
        '{"type": "Feature", "properties": {"name": "Vía"}, "geometry": {"type": "LineString", "coordinates": ['
        + ", ".join(f"[{lon}, {lat}, 950.5]" for lon, lat in PUYO_SHELL)
        + "]}}"
    )

    assert close(read_track(upload(feature.encode(), "via.geojson")), PUYO_SHELL)


def test_it_reads_a_geojson_feature_collection_of_lines_or_of_points():
    def collection(*geometries):
        features = ", ".join(f'{{"type": "Feature", "properties": {{}}, "geometry": {g}}}' for g in geometries)
        return f'{{"type": "FeatureCollection", "features": [{features}]}}'.encode()

    def positions(points):
        return "[" + ", ".join(f"[{lon}, {lat}]" for lon, lat in points) + "]"

    lines = collection(
        f'{{"type": "Point", "coordinates": [{PUYO_SHELL[0][0]}, {PUYO_SHELL[0][1]}]}}',
        f'{{"type": "MultiLineString", "coordinates": [{positions(PUYO_SHELL[:2])}, {positions(PUYO_SHELL[2:])}]}}',
        "null",
    )
    bridge = collection(f'{{"type": "Point", "coordinates": [{PUYO_SHELL[2][0]}, {PUYO_SHELL[2][1]}]}}')

    assert close(read_track(upload(lines, "vias.json")), PUYO_SHELL)
    assert close(read_track(upload(bridge, "puente.geojson")), PUYO_SHELL[2:3])


def test_the_format_is_decided_by_the_content_not_by_the_name():
    kml = kml_of(f"<Placemark><LineString><coordinates>{kml_coordinates(PUYO_SHELL)}</coordinates></LineString>")
    kml = kml.replace(b"</Document>", b"</Placemark></Document>")

    assert close(read_track(upload(GPX, "recorrido.kml")), PUYO_SHELL)
    assert close(read_track(upload(kml, "recorrido.gpx")), PUYO_SHELL)


# What is refused


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.ROAD_TRACK_MAX_BYTES = 200

    class Unread(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("a file over the limit must not be read")

    with pytest.raises(ValidationError) as caught:
        read_track(Unread("big.gpx", GPX))

    assert caught.value.code == "too_large"
    assert caught.value.messages[0].startswith("El archivo es demasiado grande")


def test_no_more_than_the_limit_is_read_when_the_size_is_not_known(settings):
    settings.ROAD_TRACK_MAX_BYTES = 200

    class Stream:
        asked = None

        def read(self, size=-1):
            Stream.asked = size
            return GPX[:size]

    with pytest.raises(ValidationError) as caught:
        read_track(Stream())

    assert caught.value.code == "too_large" and Stream.asked == 201


def test_a_track_of_too_many_points_is_refused_with_the_count(settings):
    settings.ROAD_TRACK_MAX_POINTS = 4

    kml = kml_of(f"<LineString><coordinates>{kml_coordinates(PUYO_SHELL)}</coordinates></LineString>")
    geojson = '{"type": "MultiPoint", "coordinates": [[-77.99, -1.48], [-78, -1.49], [-78, -1.5], [0, 0], [1, 1]]}'

    for content, count in ((GPX, 6), (kml, 5), (geojson.encode(), 5)):  # the GPX: 5 track points and a waypoint
        error = refusal(content)
        assert error.code == "too_many_points"
        assert f"({count})" in error.messages[0] and "4" in error.messages[0]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE {root} [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def test_an_xml_entity_bomb_is_refused_in_gpx_and_in_kml():
    gpx = BILLION_LAUGHS.format(root="gpx") + '<gpx version="1.1"><trk><name>&lol9;</name><trkseg>'
    gpx += trkpts(PUYO_SHELL) + "</trkseg></trk></gpx>"
    kml = BILLION_LAUGHS.format(root="kml") + '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark>'
    kml += f"<name>&lol9;</name><LineString><coordinates>{kml_coordinates(PUYO_SHELL)}</coordinates></LineString>"
    kml += "</Placemark></kml>"

    assert refusal(gpx.encode()).code == "not_a_track"
    assert refusal(kml.encode(), "bomb.kml").code == "not_a_track"


def test_an_external_entity_is_refused():
    gpx = '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    gpx += '<gpx version="1.1"><wpt lat="-1.49" lon="-77.99"><name>&x;</name></wpt></gpx>'

    assert refusal(gpx.encode()).code == "not_a_track"


@pytest.mark.parametrize(
    "content",
    [
        b"Lat -1.4870 Lon -77.9936\nLat -1.4905 Lon -78.0110\n",  # not XML nor JSON
        b"<gpx version='1.1'><trk><trkseg><trkpt lat='-1.48' lon='-77.99'>",  # damaged XML
        b'{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[-77.99, -1.48]',  # damaged JSON
        b"<html><body>Mapa</body></html>",  # XML, but not a track
        b"[[-77.99, -1.48], [-78.01, -1.49]]",  # JSON, but not GeoJSON
        b"[" * 100_000 + b"]" * 100_000,  # JSON nested beyond any parser's depth
    ],
)
def test_a_file_that_is_not_a_track_is_refused(content):
    assert refusal(content).code == "not_a_track"


def test_a_png_renamed_gpx_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

    assert refusal(png, "recorrido.gpx").code == "not_a_track"


def test_a_track_recorded_in_quito_is_refused_saying_how_many_points_are_outside():
    gpx = gpx_of("<trk><trkseg>" + trkpts(PUYO_SHELL[:2] + QUITO) + "</trkseg></trk>")

    error = refusal(gpx)

    assert error.code == "outside_province"
    assert error.messages == [
        "3 de los 5 puntos están fuera de la provincia de Pastaza. Compruebe que es el archivo correcto y que la "
        "longitud y la latitud no están intercambiadas."
    ]
    with translation.override("en"):
        assert error.messages[0].startswith("3 of the 5 points are outside the province of Pastaza.")


def test_latitude_and_longitude_swapped_are_outside():
    swapped = '{"type": "LineString", "coordinates": [[-1.487, -77.9936], [-1.4905, -78.011]]}'
    one_swapped = '{"type": "LineString", "coordinates": [[-77.9936, -1.487], [-1.4905, -78.011]]}'

    assert refusal(swapped.encode()).code == "outside_province"
    with translation.override("en"):
        assert refusal(one_swapped.encode()).messages[0].startswith("1 of the 2 points is outside")


def test_a_point_just_outside_the_simplified_boundary_is_accepted():
    """The boundary is simplified; a road along it (the Pastaza river, the border with Morona Santiago) must not be
    refused for that: a point 0.005 degrees (about 550 m) west of the westernmost vertex counts as inside."""
    west, _south, _east, _north = geometry._province().box
    lat = next(lat for _n, ring in canton_boundaries().values() for lon, lat in ring if lon == west)

    assert points_line((west - 0.005, lat)) == [(west - 0.005, lat)]
    with pytest.raises(ValidationError):
        points_line((west - 0.05, lat))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"type": "LineString", "coordinates": [[-77.99, -1.48], [NaN, -1.49]]}', "not_numbers"),
        (b'{"type": "LineString", "coordinates": [[-77.99, -1.48], [999, -1.49]]}', "out_of_range"),
        (b'{"type": "LineString", "coordinates": [[-77.99, -1.48], [1e999, -1.49]]}', "not_numbers"),
        (b'{"type": "LineString", "coordinates": [[-77.99, -1.48], ["-78.0", "-1.49"]]}', None),
        (b'{"type": "LineString", "coordinates": [[-77.99, -1.48], ["oeste", "sur"]]}', "not_numbers"),
        (b'{"type": "LineString", "coordinates": [[-77.99, -1.48], [true, false]]}', "not_numbers"),
        (b'{"type": "LineString", "coordinates": [[-77.99], [-78.0, -1.49]]}', "not_numbers"),
        (b'{"type": "LineString", "coordinates": "-77.99,-1.48"}', "not_numbers"),
        (gpx_of('<wpt lat="NaN" lon="-77.99"/>'), "not_numbers"),
        (gpx_of('<wpt lat="-1.48" lon="999"/>'), "out_of_range"),
        (gpx_of('<wpt lat="sur" lon="-77.99"/>'), "not_numbers"),
        (gpx_of('<wpt lon="-77.99"/>'), "not_numbers"),
        (kml_of("<Point><coordinates>-77.99,nan,0</coordinates></Point>"), "not_numbers"),
        (kml_of("<Point><coordinates>-77.99,-91</coordinates></Point>"), "out_of_range"),
        (kml_of("<Point><coordinates>-77.99;-1.48</coordinates></Point>"), "not_numbers"),
    ],
)
def test_coordinates_that_are_not_numbers_or_out_of_range_are_refused(content, code):
    if code is None:  # numbers written as text are still numbers
        assert len(read_track(upload(content))) == 2
        return
    error = refusal(content)
    assert error.code == code
    assert error.messages[0] and "%(" not in error.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        gpx_of("<trk><name>Vacío</name><trkseg></trkseg></trk>"),
        kml_of("<Placemark><LineString><coordinates>  </coordinates></LineString></Placemark>"),
        kml_of(
            "<Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>-77.99,-1.48 -78,-1.5 -77.99,-1.48"
            "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        ),  # fmt: skip
        b'{"type": "FeatureCollection", "features": []}',
        b'{"type": "Feature", "geometry": null}',
    ],
)
def test_a_track_without_coordinates_is_refused(content):
    assert refusal(content).code == "no_coordinates"


def test_an_empty_file_is_refused():
    assert refusal(b"").code == "empty"
    assert refusal(b"  \n").code == "empty"


def test_the_messages_are_in_the_language_of_the_person():
    with translation.override("es"):
        spanish = refusal(b"hola").messages[0]
    with translation.override("qu"):
        kichwa = refusal(b"hola").messages[0]
    with translation.override("en"):
        english = refusal(b"hola").messages[0]

    assert english.startswith("The file cannot be read as a GPS track.")
    assert spanish != english and kichwa != english and kichwa != spanish
    assert "GPX" in spanish and "GPX" in kichwa


# Typed start and end points


def test_start_and_end_points_make_a_line_and_a_single_point_stays_a_point():
    assert points_line(PUYO_SHELL[0], PUYO_SHELL[-1]) == [PUYO_SHELL[0], PUYO_SHELL[-1]]
    assert points_line(("-77.9936", "-1.4870"), None) == [PUYO_SHELL[0]]
    assert points_line(PUYO_SHELL[0], PUYO_SHELL[0]) == [PUYO_SHELL[0]]


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (PUYO_SHELL[0], QUITO[0], "outside_province"),
        (PUYO_SHELL[0], ("oeste", "-1.5"), "not_numbers"),
        (PUYO_SHELL[0], (float("nan"), -1.5), "not_numbers"),
        ((-181.0, -1.5), None, "out_of_range"),
        ((-77.99,), None, "not_numbers"),
    ],
)
def test_start_and_end_points_get_the_same_checks(start, end, code):
    with pytest.raises(ValidationError) as caught:
        points_line(start, end)
    assert caught.value.code == code


# Simplification and length


def test_a_dense_track_is_simplified_below_the_cap_and_stays_close_to_the_original():
    # A winding road: 30,000 points a metre apart, its heading changing all the time.
    line, lon, lat, heading = [], -77.95, -1.45, 0.0
    for i in range(30_000):
        heading += math.sin(i / 500) * 0.004
        lon, lat = lon + math.cos(heading) * 0.00001, lat + math.sin(heading) * 0.00001
        line.append((lon, lat))

    simple = simplify(line)

    assert 2 < len(simple) <= GEOMETRY_MAX_POINTS
    assert simple[0] == line[0] and simple[-1] == line[-1]
    assert abs(length_km(simple) - length_km(line)) / length_km(line) < 0.02


def test_the_tolerance_is_raised_until_the_line_fits_under_the_cap():
    # A zig-zag whose every point matters at 11 m: 5,000 teeth 100 m high.
    zigzag = [(-77.99 + i * 0.0001, -1.49 + (0.001 if i % 2 else 0)) for i in range(5_000)]

    simple = simplify(zigzag)

    assert len(simplify(zigzag[:1000])) == 1000  # under the cap, kept as it is
    assert len(simple) <= GEOMETRY_MAX_POINTS
    assert simple[0] == zigzag[0] and simple[-1] == zigzag[-1]


def test_a_straight_line_keeps_its_ends_and_a_point_stays_a_point():
    straight = [(-77.99 + i * 0.0001, -1.49) for i in range(100)]

    assert simplify(straight) == [straight[0], straight[-1]]
    assert simplify([(-77.99, -1.49)]) == [(-77.99, -1.49)]
    assert simplify([(-77.99, -1.49)] * 5) == [(-77.99, -1.49)]


def test_the_track_read_is_simplified():
    points = [(-77.99 + i * 0.00002, -1.49) for i in range(500)]  # 2 m apart, straight
    gpx = gpx_of("<trk><trkseg>" + trkpts(points) + "</trkseg></trk>")

    assert read_track(upload(gpx)) == [points[0], points[-1]]


def test_the_length_is_measured_along_the_earth():
    assert length_km([(-78.0, -1.0), (-78.0, -2.0)]) == pytest.approx(111.195, abs=0.01)  # a degree of latitude
    assert length_km([(-78.0, 0.0), (-77.0, 0.0)]) == pytest.approx(111.195, abs=0.01)  # a degree at the equator
    assert length_km(PUYO_SHELL) == pytest.approx(7.7, abs=0.2)  # Puyo to Shell along these five points
    assert length_km(PUYO_SHELL[:1]) == 0
