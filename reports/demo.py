"""The illustrative report `load_demo` publishes, so the reports page is never empty: 2025-Q4 of the real plan,
built from its example milestones and updates and marked as example data everywhere it is shown."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from commitments import plan_data
from commitments.models import ActionPlan

from . import services
from .models import Report
from .periods import Period

DEMO_PERIOD = Period(2025, 4)

SUMMARY_ES = (
    "Informe de ejemplo. Este informe se generó con los hitos y avances ilustrativos que acompañan al plan "
    "mientras la Dirección de Planificación publica los datos reales: sirve para mostrar cómo se ve un informe "
    "trimestral, no para evaluar el avance del plan."
)
NARRATIVE_ES = (
    "Texto de ejemplo: aquí el equipo responsable del compromiso explica qué se hizo en el trimestre, qué se "
    "retrasó y por qué, y qué sigue."
)


@transaction.atomic
def demo_report_load() -> Report | None:
    """Publish the example report once; later runs leave it as it is (and queue its PDFs if they are missing)."""
    plan = ActionPlan.objects.filter(slug=plan_data.PLAN_SLUG).first()
    if plan is None:
        return None
    published = Report.objects.published().filter(plan=plan, period=DEMO_PERIOD.key).order_by("-version").first()
    if published is not None:
        if not published.files.exists() and published.render_state in (
            Report.RenderState.NOT_RENDERED,
            Report.RenderState.FAILED,
        ):
            services.report_queue_render(report=published)
        return published
    report = services.report_draft_for_period(plan=plan, period=DEMO_PERIOD)
    report.summary_es = SUMMARY_ES
    report.save(update_fields=["summary_es"])
    report.narratives.filter(Q(text_es="") | Q(text_es__isnull=True)).update(text_es=NARRATIVE_ES)
    # Published by nobody in particular: example data, not a report the Planning Directorate reviewed.
    Report.objects.filter(pk=report.pk).update(status=Report.Status.APPROVED)
    report.refresh_from_db()
    return services._publish(report=report, by=None)
