"""Server-side SVG charts with their data as a table: readable without JavaScript, by screen readers
(the SVG has a text alternative, the table the numbers) and on paper (values printed beside the bars)."""

from __future__ import annotations

import textwrap

from django import template

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
        items.append({"label": str(label), "value": value})
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
