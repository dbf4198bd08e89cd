"""The road works on the territory map (commitments' page), registered as a map layer in RoadsConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterator

from conecta.extensions import MapFeature
from conecta.fallbacks import SpanishFallback, text_in

from .models import RoadWork


def road_works_layer(plan) -> Iterator[MapFeature]:
    """Every published road work that has a line or a point, in one query of the few fields drawn.

    The works are drawn whatever plan the page shows: the roads are the province's, and a work outlives the plan
    whose commitment it started under. The label is "code · name" in the active language; a name shown in Spanish
    on a Kichwa page stays a SpanishFallback, so that the page can mark it lang="es"."""
    works = (
        RoadWork.objects.published()
        .exclude(geometry=[])
        .only("code", "name_es", "name_qu", "status", "geometry")
        .order_by("code")
    )
    for work in works:
        name = text_in(work, "name")
        label = f"{work.code} · {name}"
        yield MapFeature(
            label=SpanishFallback(label) if isinstance(name, SpanishFallback) else label,
            url=work.get_absolute_url(),
            status=work.status,
            status_label=str(work.get_status_display()),
            coordinates=tuple((float(lon), float(lat)) for lon, lat in work.geometry),
        )
