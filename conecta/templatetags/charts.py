"""Server-side SVG charts with their data as a table: readable without JavaScript, by screen readers
(the SVG has a text alternative, the table the numbers) and on paper (values printed beside the bars)."""

from __future__ import annotations

import textwrap

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.translation import gettext

from conecta.fallbacks import SPANISH, is_fallback

register = template.Library()

BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 0  # labels sit above their bars, so long Kichwa labels never squeeze the chart
# SVG text does not wrap by itself: labels longer than this go on several lines, so that they fit a 360 px phone.
LABEL_LINE_CHARS = 38
LABEL_LINE_HEIGHT = 17


@register.inclusion_tag("conecta/includes/_bar_chart.html")
def bar_chart(
    rows,
    *,
    title: str,
    unit: str = "",
    maximum: float | None = None,
    chart_id: str = "chart",
    value_label: str = "",
    caption: str = "",
):
    """A horizontal bar chart of `rows`: an iterable of (label, value) pairs or dicts with label/value.

    `maximum` fixes the scale (100 for percentages); by default the largest value fills the width.
    """
    items = []
    for row in rows:
        label, value = (row["label"], row["value"]) if isinstance(row, dict) else row
        # A label in Spanish standing in for a missing Kichwa one (conecta.fallbacks) is said to be Spanish.
        items.append({"label": str(label), "value": value, "lang": SPANISH if is_fallback(label) else ""})
    values = [item["value"] for item in items if item["value"] is not None]
    top = maximum or (max(values) if values else 0) or 1
    y = 0
    for item in items:
        value = item["value"] or 0
        item["width"] = round(max(0.0, min(1.0, value / top)) * 100, 2)
        lines = textwrap.wrap(item["label"], LABEL_LINE_CHARS) or [""]
        item["lines"] = [(line, y + 14 + i * LABEL_LINE_HEIGHT) for i, line in enumerate(lines)]
        label_height = 20 + (len(lines) - 1) * LABEL_LINE_HEIGHT
        item["bar_y"] = y + label_height
        y += label_height + BAR_HEIGHT + GAP
    return {
        "items": items,
        "title": title,
        "caption": caption,
        "unit": unit,
        "chart_id": chart_id,
        "height": max(y, 1),
        "bar_height": BAR_HEIGHT,
        "value_label": value_label,
        "summary": "; ".join(
            f"{item['label']}: {'—' if item['value'] is None else item['value']}{unit}" for item in items
        ),
    }


# A line over time: a start value (a baseline), measured values, and an end value still to reach (a target).
LINE_HEIGHT = 180
LINE_TOP = 30  # room for a value printed above the highest point
LINE_BOTTOM = 150  # the lowest value; below it, the dates
LINE_LEFT, LINE_RIGHT = 3.0, 97.0  # percent of the width: the first and last dates


def line_chart_data(points, *, title: str, unit: str = "", chart_id: str = "chart") -> dict:
    """What the SVG of a line chart draws (conecta/includes/_line_svg.html), for `points`: dicts with `on` (a
    date), `value` (a number), `kind` ("start", "measured" or "end") and `label` (what the point is, for the text
    alternative). The measured values are joined by a solid line from the start point; a dashed line goes from
    the last of them to the end point. Each kind has its own marker shape (square, dot, diamond), so nothing is
    told by colour alone; the start, the latest measured value and the end have their values printed.

    The x axis is time (from the earliest to the latest date), the y axis runs from zero (or the lowest value
    when it is negative) to the highest value, so that a change is never drawn larger than it is.
    """
    points = sorted(points, key=lambda p: ({"start": 0, "measured": 1, "end": 2}[p["kind"]], p["on"]))
    days = [p["on"].toordinal() for p in points]
    first, last = (min(days), max(days)) if days else (0, 0)
    values = [float(p["value"]) for p in points]
    low = min([0.0, *values])
    high = max([*values, low + 1.0]) if values else 1.0
    if high == low:
        high = low + 1.0

    def x(on) -> float:
        if last == first:
            return (LINE_LEFT + LINE_RIGHT) / 2
        return round(LINE_LEFT + (on.toordinal() - first) / (last - first) * (LINE_RIGHT - LINE_LEFT), 2)

    def y(value) -> float:
        return round(LINE_TOP + (high - float(value)) / (high - low) * (LINE_BOTTOM - LINE_TOP), 1)

    measured = [p for p in points if p["kind"] == "measured"]
    labelled = {id(p) for p in points if p["kind"] != "measured"} | ({id(measured[-1])} if measured else set())
    marks = []
    for point in points:
        mark = {
            **point,
            "x": x(point["on"]),
            "y": y(point["value"]),
            "text": floatformat(point["value"], "-2g"),
            "labelled": id(point) in labelled,
            "anchor": {"start": "start", "end": "end"}.get(point["kind"], "middle"),
        }
        mark["label_y"] = mark["y"] - 10  # above the point (LINE_TOP leaves room above the highest)
        marks.append(mark)
    line = [m for m in marks if m["kind"] in ("start", "measured")]
    ends = [m for m in marks if m["kind"] == "end"]
    done = list(zip(line, line[1:], strict=False))
    todo = [(line[-1], ends[0])] if line and ends else []
    labels = {p["kind"]: p.get("legend", p["label"]) for p in points}
    summary = "; ".join(
        gettext("%(what)s: %(value)s %(unit)s, %(day)s")
        % {"what": p["label"], "value": floatformat(p["value"], "-2g"), "unit": unit, "day": date_format(p["on"])}
        for p in points
    )
    return {
        "chart_id": chart_id,
        "title": title,
        "unit": unit,
        "height": LINE_HEIGHT,
        "axis_y": y(low),
        "marks": marks,
        "done": done,
        "todo": todo,
        "first_day": date_format(min(p["on"] for p in points), "YEAR_MONTH_FORMAT") if points else "",
        "last_day": date_format(max(p["on"] for p in points), "YEAR_MONTH_FORMAT") if points else "",
        "legend": [(kind, labels[kind]) for kind in ("start", "measured", "end") if kind in labels],
        "left": LINE_LEFT,
        "right": LINE_RIGHT,
        "dates_y": LINE_HEIGHT - 6,
        "summary": summary,
    }
