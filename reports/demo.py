"""The illustrative report `load_demo` publishes, so the reports page is never empty: 2025-Q4 of the real plan,
built from its example milestones and updates and marked as example data everywhere it is shown. Like any report,
it tells the plan as it stood at the end of its quarter (31 December 2025) from the example history
(commitments.plan_data.EXAMPLE_PROGRESS), whatever day it is made, and it is published only once that quarter has
ended. Made once: a report of that period that exists, the example or a planner's own, is never touched."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commitments import plan_data
from commitments.models import ActionPlan
from conecta.loading import LoadTally

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
def demo_report_load(*, tally: LoadTally | None = None) -> Report | None:
    """Publish the example report once. When any report of its period exists (the example, or a planner's own
    draft or report), it is left as it is; only the example's PDFs are queued again if they were never made."""
    tally = tally if tally is not None else LoadTally()
    plan = ActionPlan.objects.filter(slug=plan_data.PLAN_SLUG).first()
    if plan is None or not DEMO_PERIOD.has_ended(timezone.localdate()):
        return None
    existing = Report.objects.filter(plan=plan, period=DEMO_PERIOD.key).order_by("-version").first()
    if existing is not None:
        tally.add("example reports", created=False)
        example = existing.is_published and existing.published_by_id is None and existing.has_example_data
        if example and existing.render_state in (Report.RenderState.NOT_RENDERED, Report.RenderState.FAILED):
            if services.report_missing_pdfs(existing):
                services.report_queue_render(report=existing)
        return existing
    report = services.report_draft_for_period(plan=plan, period=DEMO_PERIOD)
    report.summary_es = SUMMARY_ES
    report.save(update_fields=["summary_es"])
    report.narratives.filter(Q(text_es="") | Q(text_es__isnull=True)).update(text_es=NARRATIVE_ES)
    # Published by nobody in particular: example data, not a report the Planning Directorate reviewed.
    Report.objects.filter(pk=report.pk).update(status=Report.Status.APPROVED)
    report.refresh_from_db()
    tally.add("example reports", created=True)
    return services._publish(report=report, by=None)
