"""A milestone's dated progress as a sparkline: a tiny server-side SVG of its steps over time, each observation
marked, drawn in the text colour (its shape, the marks and its text alternative carry the meaning, never a
colour). The page lists the same observations beside it, dated."""

from __future__ import annotations

from django import template

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 28, 3


@register.simple_tag
def progress_sparkline(observations) -> dict | None:
    """The sparkline of `observations` (dated, oldest first, as commitment_public_detail prefetches them), or None
    with fewer than two: one point is no trend, and the list beside says it.

    Returns the SVG paths in whole units (a 20-observation history stays well under 1 KB): `line` holds each
    progress until the next observation (steps), `marks` a dot at each observation; `first` and `last` are the
    observations the text alternative names."""
    rows = list(observations)
    if len(rows) < 2:
        return None
    start, end = rows[0].observed_on, rows[-1].observed_on
    span = max((end - start).days, 1)
    points = [
        (
            PAD + round((row.observed_on - start).days * (WIDTH - 2 * PAD) / span),
            PAD + round((100 - row.progress) * (HEIGHT - 2 * PAD) / 100),
        )
        for row in rows
    ]
    line = f"M{points[0][0]} {points[0][1]}" + "".join(f"H{x}V{y}" for x, y in points[1:])
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "line": line,
        "marks": "".join(f"M{x} {y}h0" for x, y in points),
        "base": f"M{PAD} {HEIGHT - PAD}H{WIDTH - PAD}",
        "first": rows[0],
        "last": rows[-1],
    }
