"""The map of Pastaza drawn as SVG on the server, from the real cantonal boundaries (commitments/geo/README.md).

1. The boundaries (INEC, through OCHA's COD-AB) and the towns (GeoNames) are read once per process from the
   files in commitments/geo/, never from outside the repository and never per request.
2. Longitude/latitude are projected to the SVG box (equirectangular, longitude scaled by the cosine of the middle
   latitude: the province spans 1.6 degrees of latitude, so the distortion is far below a pixel).
3. Each ring is simplified for the scale it is drawn at (Douglas–Peucker, tolerance half a drawing unit). The
   vertices where neighbouring cantons start or stop sharing a border are kept, so a shared border is simplified
   the same way on both sides and neighbours still meet. Coordinates are written with one decimal.
4. Two views: the whole province, and an inset that enlarges the west (Mera, Santa Clara, Puyo, Shell), where
   most people live; the inset clips the cantons to its box.

Nothing here touches the database: `province_map()` and `west_inset()` are computed once and shared by every
request (and every language). What the plan does in each canton is joined to them by INEC code in the view.
Other things to draw over the cantons (lines or points, such as road works) come through
conecta.extensions.register_map_layer and are projected with `MapView.project`.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GEO_DIR = Path(__file__).resolve().parent / "geo"
CANTONS_FILE = GEO_DIR / "pastaza-cantons.geojson"
PLACES_FILE = GEO_DIR / "pastaza-places.csv"

# The whole province in a box this wide (drawing units); its height follows from the shape.
PROVINCE_WIDTH = 480
# The west enlarged: Mera, Santa Clara, Puyo and Shell, (west, south, east, north) in degrees.
WEST_BOX = (-78.19, -1.70, -77.71, -1.15)
INSET_WIDTH = 320
MARGIN = 6
# Simplify to half a drawing unit: less cannot be seen at the sizes drawn (the map is at most 44rem wide).
TOLERANCE = 0.5
# Lines drawn over the cantons (road works) are simplified to a unit and a half and written in whole units: the
# stroke is 4 units wide, so neither shows, and a map of 300 roads stays within the page budget (bench/roads.py).
FEATURE_TOLERANCE = 1.5
# Which cantons are named on which drawing, with their count of commitments in a circle. Mera and Santa Clara are
# too small on the province map: they are named, with their count, on the inset (their box is drawn on the province
# map); the inset only holds a corner of Arajuno, named on the province map.
PROVINCE_NAMES = ("1601", "1604")
INSET_NAMES = ("1601", "1602", "1603")
# Where a canton's name goes on the inset when its centroid is not the best place (lon, lat): Santa Clara's is on
# the town of the same name, Pastaza's on Diez de Agosto and Madre Tierra.
INSET_LABELS = {"1601": (-77.84, -1.60), "1603": (-77.855, -1.31)}
# The capital is shown on the province map; the other towns inside the inset only on the inset.
PROVINCE_TOWNS_IN_WEST = ("Puyo",)
# Towns whose name is written to the left of their point on the inset (to clear a canton's name).
INSET_TOWNS_LEFT = ("Santa Clara",)

Point = tuple[float, float]


@dataclass(frozen=True)
class Town:
    name: str
    x: float
    y: float
    is_seat: bool  # seat of a canton (cabecera cantonal), drawn larger
    label_left: bool  # write the name to the left of the point

    @property
    def text_x(self) -> float:
        return round(self.x - 7 if self.label_left else self.x + 7, 1)

    @property
    def text_y(self) -> float:
        return round(self.y + 4, 1)


@dataclass(frozen=True)
class CantonShape:
    code: str  # INEC DPA code, as Canton.code
    name: str
    path: str  # SVG path data
    label_x: float
    label_y: float
    named: bool  # the name (and the count of commitments in a circle) is written on this drawing

    # The count in a circle above the label point, the name under it.
    @property
    def badge_y(self) -> float:
        return round(self.label_y - 18, 1)

    @property
    def count_y(self) -> float:
        return round(self.label_y - 13, 1)

    @property
    def name_y(self) -> float:
        return round(self.label_y + 10, 1)


@dataclass(frozen=True)
class MapView:
    """One drawing of the cantons: its box, the shapes by INEC code, the towns, and the projection."""

    width: int
    height: int
    shapes: dict[str, CantonShape]
    towns: tuple[Town, ...]
    west: float
    north: float
    scale: float  # drawing units per degree of latitude
    kx: float  # cos(middle latitude)
    frame: tuple[float, float, float, float] | None = None  # the inset's box on the province map (x, y, w, h)

    @property
    def frame_text(self) -> tuple[float, float] | None:
        """Where "Enlarged below" is written: under the inset's box."""
        if self.frame is None:
            return None
        x, y, _w, h = self.frame
        return (round(x + 2, 1), round(y + h + 14, 1))

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    def project(self, lon: float, lat: float) -> Point:
        return (MARGIN + (lon - self.west) * self.kx * self.scale, MARGIN + (self.north - lat) * self.scale)


@cache
def canton_boundaries() -> dict[str, tuple[str, list[Point]]]:
    """INEC code -> (name, exterior ring as (lon, lat)), from the GeoJSON (one Polygon per canton). Also the
    province's outline for upper apps (roads.geometry refuses a road work's track outside it)."""
    data = json.loads(CANTONS_FILE.read_text(encoding="utf-8"))
    rings = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        exterior = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
        rings[feature["properties"]["inec_code"]] = (feature["properties"]["name"], [tuple(p) for p in exterior])
    return rings


@cache
def _places() -> list[dict]:
    with PLACES_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fixed_vertices(rings: dict[str, list[Point]]) -> dict[str, set[int]]:
    """For each ring, the indexes of the vertices where the set of cantons sharing the vertex changes: the ends of
    shared borders, which simplification must keep. A ring that shares nothing keeps its first vertex."""
    owners: dict[Point, set[str]] = {}
    for code, ring in rings.items():
        for point in ring:
            owners.setdefault(point, set()).add(code)
    fixed = {}
    for code, ring in rings.items():
        n = len(ring) - 1  # closed: the last vertex repeats the first
        keep = {0}
        for i in range(n):
            here, before, after = owners[ring[i]], owners[ring[i - 1]], owners[ring[(i + 1) % n]]
            if here != before or here != after:
                keep.add(i)
        fixed[code] = keep
    return fixed


def segment_distance(p: Point, a: Point, b: Point) -> float:
    """How far `p` is from the segment a–b (in the units of the points)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The points of an open line that are kept (first and last always), iteratively."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = segment_distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def thin_line(points: list[Point], spacing: float) -> list[Point]:
    """The points of an open line farther than `spacing` from the last one kept, and its ends: one linear pass,
    each point dropped within `spacing` of one kept. A line of length L keeps at most L / spacing + 2 points."""
    if len(points) < 3:
        return list(points)
    kept = [points[0]]
    for point in points[1:-1]:
        if math.dist(point, kept[-1]) > spacing:
            kept.append(point)
    kept.append(points[-1])
    return kept


def simplify_line(points: list[Point], tolerance: float) -> list[Point]:
    """An open line (a road work's) with fewer points, none dropped farther than twice `tolerance` from it: thinned
    first (a GPS track has a point every few metres), so that Douglas–Peucker, slower on long lines, runs on few
    points. The ends are kept; a single point stays a point."""
    if len(points) < 3:
        return list(points)
    return douglas_peucker(thin_line(points, tolerance), tolerance)


def _simplify_ring(ring: list[Point], fixed: set[int], tolerance: float) -> list[Point]:
    """Simplify a closed ring piece by piece between its fixed vertices (see _fixed_vertices)."""
    n = len(ring) - 1
    anchors = sorted(fixed)
    if len(anchors) == 1:  # an island: also keep the vertex farthest from the first
        far = max(range(n), key=lambda i: math.dist(ring[i], ring[0]))
        anchors = sorted({0, far})
    out: list[Point] = []
    for k, start in enumerate(anchors):
        end = anchors[(k + 1) % len(anchors)] + (n if k == len(anchors) - 1 else 0)
        piece = [ring[i % n] for i in range(start, end + 1)]
        out += douglas_peucker(piece, tolerance)[:-1]
    return [*out, out[0]]


def _clip(ring: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland–Hodgman: the part of a ring inside an axis-aligned box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: (x0, a[1] + (b[1] - a[1]) * (x0 - a[0]) / (b[0] - a[0]))),
        (lambda p: p[0] <= x1, lambda a, b: (x1, a[1] + (b[1] - a[1]) * (x1 - a[0]) / (b[0] - a[0]))),
        (lambda p: p[1] >= y0, lambda a, b: (a[0] + (b[0] - a[0]) * (y0 - a[1]) / (b[1] - a[1]), y0)),
        (lambda p: p[1] <= y1, lambda a, b: (a[0] + (b[0] - a[0]) * (y1 - a[1]) / (b[1] - a[1]), y1)),
    )
    points = ring[:-1]
    for inside, cross in edges:
        if not points:
            break
        result = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
        points = result
    return [*points, points[0]] if points else []


def _path(ring: list[Point]) -> str:
    """SVG path data with one decimal, dropping points that round onto the one before."""
    words, last = [], None
    for x, y in ring[:-1]:
        point = (round(x, 1), round(y, 1))
        if point != last:
            words.append(f"{point[0]:g} {point[1]:g}")
            last = point
    return "M" + "L".join(words) + "Z"


def _centroid(ring: list[Point]) -> Point:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return (cx / (3 * area), cy / (3 * area))


def _view(
    *, box: tuple[float, float, float, float], width: int, clip: bool, names: tuple[str, ...], labels: dict[str, Point]
) -> MapView:
    """Project, simplify (and clip) every canton for a drawing of `box` (west, south, east, north) `width` wide."""
    west, south, east, north = box
    kx = math.cos(math.radians((south + north) / 2))
    scale = (width - 2 * MARGIN) / ((east - west) * kx)
    height = math.ceil((north - south) * scale + 2 * MARGIN)
    view = MapView(width, height, {}, (), west, north, scale, kx)
    bounds = canton_boundaries()
    fixed = _fixed_vertices({code: ring for code, (_name, ring) in bounds.items()})
    shapes = {}
    for code, (name, ring) in sorted(bounds.items()):
        projected = [view.project(lon, lat) for lon, lat in ring]
        simple = _simplify_ring(projected, fixed[code], TOLERANCE)
        if clip:
            simple = _clip(simple, (0, 0, width, height))
            if len(simple) < 4:
                continue
        centre = _centroid(simple)
        if code in labels:
            centre = view.project(*labels[code])
        shapes[code] = CantonShape(code, name, _path(simple), round(centre[0], 1), round(centre[1], 1), code in names)
    return MapView(width, height, shapes, (), west, north, scale, kx)


Box = tuple[float, float, float, float]


def _towns(view: MapView, *, inside: Box, only: tuple[str, ...] | None, left: tuple[str, ...] = ()) -> tuple:
    west, south, east, north = inside
    towns = []
    for place in _places():
        lon, lat = float(place["lon"]), float(place["lat"])
        if only is not None and place["name"] not in only:
            continue
        if not (west <= lon <= east and south <= lat <= north):
            continue
        x, y = view.project(lon, lat)
        towns.append(
            Town(
                place["name"],
                round(x, 1),
                round(y, 1),
                "cantonal" in place["role"],
                x > view.width * 0.8 or place["name"] in left,
            )  # fmt: skip
        )
    return tuple(towns)


@cache
def province_map() -> MapView:
    """The four cantons at the scale of the whole province, with the towns outside the inset, Puyo, and the
    inset's box."""
    lons = [lon for _name, ring in canton_boundaries().values() for lon, _lat in ring]
    lats = [lat for _name, ring in canton_boundaries().values() for _lon, lat in ring]
    box = (min(lons), min(lats), max(lons), max(lats))
    view = _view(box=box, width=PROVINCE_WIDTH, clip=False, names=PROVINCE_NAMES, labels={})
    west, south, east, north = WEST_BOX
    outside = tuple(
        p["name"] for p in _places()
        if p["name"] in PROVINCE_TOWNS_IN_WEST
        or not (west <= float(p["lon"]) <= east and south <= float(p["lat"]) <= north)
    )  # fmt: skip
    (x0, y0), (x1, y1) = view.project(west, north), view.project(east, south)
    frame = (round(x0, 1), round(y0, 1), round(x1 - x0, 1), round(y1 - y0, 1))
    return MapView(
        view.width, view.height, view.shapes, _towns(view, inside=box, only=outside),
        view.west, view.north, view.scale, view.kx, frame,
    )  # fmt: skip


@cache
def west_inset() -> MapView:
    """The west of the province enlarged (WEST_BOX), with every town inside it."""
    view = _view(box=WEST_BOX, width=INSET_WIDTH, clip=True, names=INSET_NAMES, labels=INSET_LABELS)
    return MapView(
        view.width, view.height, view.shapes, _towns(view, inside=WEST_BOX, only=None, left=INSET_TOWNS_LEFT),
        view.west, view.north, view.scale, view.kx,
    )  # fmt: skip


@dataclass(frozen=True)
class DrawnStatus:
    """The features of one status (conecta.extensions.MapFeature) projected onto one MapView: their lines as one
    SVG path (a piece per line, or per stretch inside the drawing: the inset cuts a road that leaves it), and their
    points. One path per status, not an element per feature, keeps a map of hundreds of road works light; the page
    lists the features, with their links, in a table."""

    status: str
    status_label: str
    path: str
    points: tuple[Point, ...]


def _clip_segment(a: Point, b: Point, box: Box) -> tuple[float, float] | None:
    """Liang–Barsky: the part of the segment a–b inside the box (x0, y0, x1, y1), as the fractions (t0, t1) of
    the way from a to b where it enters and leaves; None when the segment misses the box."""
    x0, y0, x1, y1 = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (t0, t1)


def _clip_line(line: list[Point], box: Box) -> list[list[Point]]:
    """The pieces of an open line that lie inside the box, in order."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for a, b in zip(line, line[1:], strict=False):
        part = _clip_segment(a, b, box)
        if part is None:
            continue
        t0, t1 = part
        if t0 > 0 or not current:  # the line enters the box here
            if current:
                pieces.append(current)
            current = [(a[0] + t0 * (b[0] - a[0]), a[1] + t0 * (b[1] - a[1]))]
        current.append(b if t1 == 1 else (a[0] + t1 * (b[0] - a[0]), a[1] + t1 * (b[1] - a[1])))
        if t1 < 1:  # and leaves it here
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces


def _numbers(values: list[int]) -> str:
    """Whole numbers as SVG path data writes them: a space between two, none before a minus sign."""
    return str(values[0]) + "".join(str(n) if n < 0 else f" {n}" for n in values[1:])


def _line_path(pieces: list[list[Point]]) -> str:
    """SVG path data for open lines: the first moves to its start, each other moves there from where the one before
    ended, and each goes on in relative steps (shorter to write than absolute points, and they compress better),
    in whole drawing units: a road is drawn FEATURE_TOLERANCE wide and more, so half a unit is below what the line
    shows, and whole numbers write a map of hundreds of roads in half the bytes of tenths. Points are rounded
    before the steps are taken, so the steps add up exactly; steps that round to nothing are dropped, and a line
    with no step left (too short to see at this scale) is left out."""
    words, here = [], None
    for piece in pieces:
        units = [(round(x), round(y)) for x, y in piece]
        steps = [n for a, b in zip(units, units[1:], strict=False) if a != b for n in (b[0] - a[0], b[1] - a[1])]
        if not steps:
            continue
        if here is None:
            words.append(f"M{_numbers(list(units[0]))}l{_numbers(steps)}")
        else:
            words.append(f"m{_numbers([units[0][0] - here[0], units[0][1] - here[1]])}l{_numbers(steps)}")
        here = units[-1]
    return "".join(words)


def _chained(pieces: list[list[Point]]) -> list[list[Point]]:
    """The pieces in the order a pen would draw them, each from its end nearer to where the pen is: the moves
    between them get short, and the path data shorter."""
    left = list(pieces)
    here = (0.0, 0.0)
    chain = []
    while left:
        index, reverse = min(
            ((i, r) for i in range(len(left)) for r in (False, True)),
            key=lambda ir: math.dist(here, left[ir[0]][-1 if ir[1] else 0]),
        )
        piece = left.pop(index)
        piece = piece[::-1] if reverse else piece
        chain.append(piece)
        here = piece[-1]
    return chain


def draw_features(view: MapView, features) -> list[DrawnStatus]:
    """The features that fall inside the drawing, by status in the order first seen: each line simplified for this
    scale (as the cantons are) and cut to the drawing's box. A line too short to show at this scale is drawn as a
    point."""
    box = (0.0, 0.0, float(view.width), float(view.height))
    labels: dict[str, str] = {}
    pieces: dict[str, list[list[Point]]] = {}
    points: dict[str, list[Point]] = {}
    for feature in features:
        xy = [view.project(lon, lat) for lon, lat in feature.coordinates]
        xs, ys = [x for x, _y in xy], [y for _x, y in xy]
        if max(xs) < 0 or min(xs) > view.width or max(ys) < 0 or min(ys) > view.height:
            continue  # wholly outside this drawing (the inset holds the west only): nothing to simplify
        line = _clip_line(simplify_line(xy, FEATURE_TOLERANCE), box) if len(xy) > 1 else []
        if not _line_path(line):
            line = []
            inside = [(round(x, 1), round(y, 1)) for x, y in xy if 0 <= x <= view.width and 0 <= y <= view.height]
            if not inside:
                continue
            points.setdefault(feature.status, []).append(inside[0])
        labels.setdefault(feature.status, feature.status_label)
        pieces.setdefault(feature.status, []).extend(line)
    return [
        DrawnStatus(status, label, _line_path(_chained(pieces[status])), tuple(points.get(status, ())))
        for status, label in labels.items()
    ]
