"""The chart of an indicator on its commitment's page: its baseline, its measured totals and its target as a line
(conecta's line chart), with every published figure in a table beside it (the groups of a disaggregated
indicator, the sources, the independent monitor's verdicts)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from conecta.templatetags.charts import line_chart_data

register = template.Library()


@register.inclusion_tag("commitments/includes/_indicator_chart.html")
def indicator_chart(indicator):
    """`indicator` with its published values prefetched in date order (selectors.commitment_public_detail)."""
    values = list(indicator.values.all())
    points = [
        {"on": indicator.baseline_on, "value": indicator.baseline_value, "kind": "start", "label": gettext("Baseline")},
        *(
            {
                "on": value.observed_on,
                "value": value.value,
                "kind": "measured",
                "label": gettext("Measured"),
                "legend": gettext("Measured values"),
            }
            for value in values
            if not value.group
        ),
        {
            "on": indicator.target_on,
            "value": indicator.target_value,
            "kind": "end",
            "label": gettext("Target"),
            "legend": gettext("Target (the dashed line is what is still to go)"),
        },
    ]
    chart = line_chart_data(points, title=indicator.name, unit=indicator.unit, chart_id=f"indicator-{indicator.pk}")
    return {
        **chart,
        "indicator": indicator,
        "rows": [{"value": value, "verification": getattr(value, "verification", None)} for value in values],
        "disaggregated": any(value.group for value in values),
        # A column of sources only when a value has its own (the indicator's is shown above the chart).
        "sourced": any(value.source or value.evidence_url or value.note for value in values),
    }
