"""The line of a road work, read from what staff upload or type: checked, bounded, and simplified for storage.

1. `read_track(file)` takes a GPS track as GPX (phones, GPS receivers), KML (Google Earth, My Maps) or GeoJSON
   (QGIS, geojson.io). What it is is decided from its content, never from its name. The file is refused above
   settings.ROAD_TRACK_MAX_BYTES before it is read, and above settings.ROAD_TRACK_MAX_POINTS points before anything
   is computed on them. XML is only ever parsed by defusedxml, which refuses entity declarations (the "billion
   laughs") and external references; gpxpy then reads a GPX rebuilt from that tree.
2. Every point must be a number, a longitude and a latitude in range, and inside the province of Pastaza: the
   union of its four cantons (commitments/geo/pastaza-cantons.geojson, through commitments.geomap), with a margin
   of INSIDE_MARGIN for the simplified boundary. A track recorded elsewhere, or with latitude and longitude swapped,
   is refused with the number of points outside.
3. `points_line(start, end)` makes the same checks for staff who type where a work starts and ends.
4. What is stored is simplified (`simplify`, commitments.geomap's Douglas–Peucker) to at most
   roads.models.GEOMETRY_MAX_POINTS points; `length_km` measures a line, for the admin to suggest its length.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET  # noqa: S405 (only builds a document; parsing is defusedxml's)
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import gpxpy
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from commitments.geomap import canton_boundaries, segment_distance, simplify_line, thin_line
from conecta.uploads import TOO_LARGE
from roads.models import GEOMETRY_MAX_POINTS

Point = tuple[float, float]

# About 11 m at Pastaza's latitude: finer than a phone's GPS, so simplifying at it loses nothing real.
TRACK_TOLERANCE = 0.0001
# The province's boundary is simplified (about 165 m, commitments/geo/README.md): a point this close to it, in
# degrees (about 1.1 km), counts as inside, so that a road along the border is never refused for the drawing.
INSIDE_MARGIN = 0.01
# Height of the latitude bands that index the boundary's edges: a point is tested against one band's edges.
BAND = 0.01

KML_NAMESPACES = (
    "",
    "http://www.opengis.net/kml/2.2",
    "http://earth.google.com/kml/2.0",
    "http://earth.google.com/kml/2.1",
    "http://earth.google.com/kml/2.2",
)
GPX_VERSIONS = ("1.0", "1.1")

EMPTY = _("The file is empty.")
NOT_A_TRACK = _(
    "The file cannot be read as a GPS track. Upload a GPX, KML or GeoJSON file, exported again from the GPS, the "
    "phone or the map program if it may be damaged."
)
TOO_MANY_POINTS = _(
    "The file has too many points (%(count)s); the limit is %(limit)s. Export the track with fewer points (for "
    "example one every 10 metres) and try again."
)
NO_COORDINATES = _("The file holds no line and no point: it has no coordinates.")
NOT_NUMBERS = _("Some coordinates are not numbers. Check the file and try again.")
OUT_OF_RANGE = _(
    "Some coordinates are not valid: a longitude goes from -180 to 180 and a latitude from -90 to 90 (WGS84, in "
    "decimal degrees)."
)
OUTSIDE = ngettext_lazy(
    "%(count)s of the %(total)s points is outside the province of Pastaza. Check that it is the right file and "
    "that longitude and latitude are not swapped.",
    "%(count)s of the %(total)s points are outside the province of Pastaza. Check that it is the right file and "
    "that longitude and latitude are not swapped.",
    "count",
)


def read_track(file) -> list[Point]:
    """The line (or point) of a GPX, KML or GeoJSON upload as (longitude, latitude), checked and simplified.
    Raises ValidationError with a message in the user's language."""
    limit = settings.ROAD_TRACK_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise _too_large(size, limit)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(len(data), limit)
    if isinstance(data, str):
        data = data.encode("utf-8")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not head:
        raise ValidationError(EMPTY, code="empty")
    if head in (b"{", b"["):
        points = _geojson_points(data)
    elif head == b"<":
        points = _xml_points(data)
    else:
        raise ValidationError(NOT_A_TRACK, code="not_a_track")
    return simplify(checked(points), TRACK_TOLERANCE)


def points_line(start, end=None) -> list[Point]:
    """A straight line from `start` to `end`, each (longitude, latitude), or the point `start` alone when there is
    no end (a bridge) or the two are the same; checked as a track is."""
    points = [_position(start)] + ([] if end is None else [_position(end)])
    line = checked(points)
    return line[:1] if len(line) == 2 and line[0] == line[1] else line


def checked(points: list[Point]) -> list[Point]:
    """`points` if there are some, not too many, all valid and all in Pastaza; else a ValidationError."""
    if not points:
        raise ValidationError(NO_COORDINATES, code="no_coordinates")
    _check_count(len(points))
    for lon, lat in points:
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValidationError(NOT_NUMBERS, code="not_numbers")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError(OUT_OF_RANGE, code="out_of_range")
    outline = _province()
    outside = sum(1 for point in points if not outline.contains(point))
    if outside:
        raise ValidationError(
            OUTSIDE,
            code="outside_province",
            params={"count": outside, "total": len(points)},
        )
    return points


def simplify(coords: list[Point], tolerance_degrees: float = TRACK_TOLERANCE) -> list[Point]:
    """`coords` simplified (commitments.geomap.simplify_line) at `tolerance_degrees`, the tolerance doubled until
    at most GEOMETRY_MAX_POINTS remain. Repeated points are dropped first; a line whose points are all the same
    becomes that point.

    Douglas–Peucker takes time quadratic in its points on some lines (a zig-zag): the line is first thinned to a
    point every length / GEOMETRY_MAX_POINTS, which the cap implies on average anyway, so that it never gets more
    than about GEOMETRY_MAX_POINTS points whatever the upload."""
    line = [point for i, point in enumerate(coords) if i == 0 or point != coords[i - 1]]
    if len(line) < 2:
        return line
    length = sum(math.dist(a, b) for a, b in zip(line, line[1:], strict=False))
    line = thin_line(line, length / GEOMETRY_MAX_POINTS)
    tolerance = tolerance_degrees
    simple = simplify_line(line, tolerance)
    while len(simple) > GEOMETRY_MAX_POINTS:
        tolerance *= 2
        simple = simplify_line(line, tolerance)
    return simple


def length_km(coords: list[Point]) -> float:
    """The length of a line along the Earth's surface (haversine, mean radius), in kilometres."""
    radius = 6371.0088
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(coords, coords[1:], strict=False):
        phi1, phi2 = math.radians(lat1), math.radians(lat2)
        a = (
            math.sin((phi2 - phi1) / 2) ** 2
            + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
        )
        total += 2 * radius * math.asin(math.sqrt(min(1.0, a)))
    return total


def _too_large(size: int, limit: int) -> ValidationError:
    return ValidationError(
        TOO_LARGE, code="too_large", params={"size": round(size / 1048576, 1), "limit": round(limit / 1048576, 1)}
    )


def _check_count(count: int) -> None:
    limit = settings.ROAD_TRACK_MAX_POINTS
    if count > limit:
        raise ValidationError(
            TOO_MANY_POINTS,
            code="too_many_points",
            params={
                "count": number_format(count, force_grouping=True),
                "limit": number_format(limit, force_grouping=True),
            },
        )


def _number(value) -> float:
    """A coordinate as a float: numbers and numeric text; never a boolean (JSON's true is not 1 here)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationError(NOT_NUMBERS, code="not_numbers")
    try:
        return float(value)
    except (ValueError, OverflowError):
        raise ValidationError(NOT_NUMBERS, code="not_numbers") from None


def _position(value) -> Point:
    """(longitude, latitude) from a GeoJSON position or a typed pair; a third number (altitude) is ignored."""
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise ValidationError(NOT_NUMBERS, code="not_numbers")
    return (_number(value[0]), _number(value[1]))


# GeoJSON


def _geojson_points(data: bytes) -> list[Point]:
    """The positions of a FeatureCollection, a Feature or a bare geometry: its lines (LineString,
    MultiLineString) one after the other, or else its points (Point, MultiPoint)."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise ValidationError(NOT_A_TRACK, code="not_a_track") from None
    if not isinstance(document, dict):
        raise ValidationError(NOT_A_TRACK, code="not_a_track")
    if document.get("type") == "FeatureCollection":
        features = document.get("features")
        geometries = [f.get("geometry") for f in features if isinstance(f, dict)] if isinstance(features, list) else []
    elif document.get("type") == "Feature":
        geometries = [document.get("geometry")]
    else:
        geometries = [document]
    lines, points = [], []
    for geometry in geometries:
        if not isinstance(geometry, dict):
            continue
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        if kind in ("LineString", "MultiPoint", "MultiLineString") and not isinstance(coordinates, list):
            raise ValidationError(NOT_NUMBERS, code="not_numbers")
        if kind == "LineString":
            lines.append(coordinates)
        elif kind == "MultiLineString":
            if not all(isinstance(line, list) for line in coordinates):
                raise ValidationError(NOT_NUMBERS, code="not_numbers")
            lines += coordinates
        elif kind == "Point":
            points.append(coordinates)
        elif kind == "MultiPoint":
            points += coordinates
    positions = [position for line in lines for position in line] if lines else points
    _check_count(len(positions))
    return [_position(position) for position in positions]


# XML: GPX and KML


def _local(tag) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag; comments and processing instructions have none."""
    if not isinstance(tag, str):
        return ("", "")
    if tag.startswith("{"):
        namespace, _brace, name = tag[1:].partition("}")
        return (namespace, name)
    return ("", tag)


def _xml_points(data: bytes) -> list[Point]:
    try:
        root = SafeET.fromstring(data)
    except (ET.ParseError, DefusedXmlException, ValueError):
        raise ValidationError(NOT_A_TRACK, code="not_a_track") from None
    namespace, name = _local(root.tag)
    if name == "gpx":
        return _gpx_points(root)
    if name == "kml" and namespace in KML_NAMESPACES:
        return _kml_points(root, namespace)
    raise ValidationError(NOT_A_TRACK, code="not_a_track")


def _gpx_points(root) -> list[Point]:
    """The tracks' points (every segment, in order), or else the routes', or else the waypoints.

    gpxpy reads a GPX rebuilt from the tree defusedxml parsed, with only the elements and the lat/lon attributes
    that make a line: gpxpy runs regular expressions over the raw text that take quadratic time on some hostile
    files, and parses with lxml, which would expand entities; neither can happen on the rebuilt document."""
    version = root.get("version")
    clean = ET.Element("gpx", version=version if version in GPX_VERSIONS else "1.1")
    count = 0

    def copy_point(point, parent) -> None:
        nonlocal count
        count += 1
        attributes = {key: point.get(key) for key in ("lat", "lon") if point.get(key) is not None}
        ET.SubElement(parent, _local(point.tag)[1], attributes)

    for child in root:
        kind = _local(child.tag)[1]
        if kind == "wpt":
            copy_point(child, clean)
        elif kind == "rte":
            route = ET.SubElement(clean, "rte")
            for point in child:
                if _local(point.tag)[1] == "rtept":
                    copy_point(point, route)
        elif kind == "trk":
            track = ET.SubElement(clean, "trk")
            for segment in child:
                if _local(segment.tag)[1] == "trkseg":
                    piece = ET.SubElement(track, "trkseg")
                    for point in segment:
                        if _local(point.tag)[1] == "trkpt":
                            copy_point(point, piece)
    _check_count(count)
    try:
        gpx = gpxpy.parse(ET.tostring(clean, encoding="unicode"))
    except Exception:  # noqa: BLE001 (gpxpy raises bare Exception as well as GPXException for a bad value)
        raise ValidationError(NOT_NUMBERS, code="not_numbers") from None
    for points in (
        [p for track in gpx.tracks for segment in track.segments for p in segment.points],
        [p for route in gpx.routes for p in route.points],
        gpx.waypoints,
    ):
        if points:
            return [(_number(p.longitude), _number(p.latitude)) for p in points]
    return []


def _kml_points(root, namespace: str) -> list[Point]:
    """The LineStrings' coordinates one after the other (also inside MultiGeometry and Placemarks), or else the
    Points'. A polygon's rings are not a road and are left out."""
    lines, points = [], []
    for element in root.iter():
        element_namespace, name = _local(element.tag)
        if element_namespace != namespace or name not in ("LineString", "Point"):
            continue
        coordinates = element.find(f"{{{namespace}}}coordinates" if namespace else "coordinates")
        tuples = (coordinates.text or "").split() if coordinates is not None else []
        if name == "LineString":
            lines.append(tuples)
        else:
            points += tuples[:1]
    tuples = [t for line in lines for t in line] or points
    _check_count(len(tuples))
    return [_position(t.split(",")) for t in tuples]


# The province


@dataclass(frozen=True)
class _Outline:
    """The edges of Pastaza's boundary, indexed by latitude band, for a quick point-in-province test."""

    box: tuple[float, float, float, float]  # west, south, east, north
    bands: tuple[tuple[tuple[Point, Point], ...], ...]

    def contains(self, point: Point) -> bool:
        lon, lat = point
        west, south, east, north = self.box
        if not (
            west - INSIDE_MARGIN <= lon <= east + INSIDE_MARGIN
            and south - INSIDE_MARGIN <= lat <= north + INSIDE_MARGIN
        ):
            return False
        band = math.floor((lat - south) / BAND)
        if 0 <= band < len(self.bands):
            # Even–odd rule: a ray to the west crosses the boundary an odd number of times from inside.
            crossings = 0
            for (x1, y1), (x2, y2) in self.bands[band]:
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
            if crossings % 2:
                return True
        near = self.bands[max(0, band - 1) : max(0, band + 2)]
        return any(segment_distance(point, a, b) <= INSIDE_MARGIN for edges in near for a, b in edges)


@cache
def _province() -> _Outline:
    """The union of the four cantons: their edges, less those two cantons share (an inner border)."""
    count: dict[tuple[Point, Point], int] = {}
    for _name, ring in canton_boundaries().values():
        for a, b in zip(ring, ring[1:], strict=False):
            edge = (a, b) if a <= b else (b, a)
            count[edge] = count.get(edge, 0) + 1
    edges = [edge for edge, n in count.items() if n % 2]
    west = min(min(a[0], b[0]) for a, b in edges)
    south = min(min(a[1], b[1]) for a, b in edges)
    east = max(max(a[0], b[0]) for a, b in edges)
    north = max(max(a[1], b[1]) for a, b in edges)
    bands: list[list[tuple[Point, Point]]] = [[] for _ in range(math.floor((north - south) / BAND) + 1)]
    for a, b in edges:
        first = math.floor((min(a[1], b[1]) - south) / BAND)
        last = math.floor((max(a[1], b[1]) - south) / BAND)
        for band in range(first, last + 1):
            bands[band].append((a, b))
    return _Outline((west, south, east, north), tuple(tuple(band) for band in bands))
