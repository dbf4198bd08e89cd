from django.core.management.base import BaseCommand, CommandError

from commitments.models import ActionPlan
from commitments.selectors import plan_current
from conecta.audit import acting_as
from reports import services
from reports.models import Report
from reports.periods import Period


class Command(BaseCommand):
    help = (
        "Create the draft report of a period (2025-Q3 for a quarter, 2025 for a year), or take the snapshot of its "
        "existing draft again, and render its PDFs here and now (marked DRAFT until the report is published)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2025-Q3 (a quarter) or 2025 (a year)")
        parser.add_argument("--plan", help="the plan's slug (default: the plan the portal shows)")
        parser.add_argument(
            "--correction", action="store_true", help="the period is published: start a correction (next version)"
        )
        parser.add_argument("--no-render", action="store_true", help="only the draft and its snapshot, no PDFs")

    def handle(self, *args, **options):
        try:
            period = Period.parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["plan"]:
            plan = ActionPlan.objects.filter(slug=options["plan"]).first()
            if plan is None:
                raise CommandError(f"no plan with slug {options['plan']!r}")
        else:
            plan = plan_current()
            if plan is None:
                raise CommandError("no plan loaded: run load_demo first, or give --plan")
        with acting_as(None, "command"):
            try:
                report = services.report_draft_for_period(plan=plan, period=period, correction=options["correction"])
            except services.ReportActionRefused as exc:
                raise CommandError(f"{exc} (use --correction to start one)") from exc
            self.stdout.write(
                f"Draft {report.slug} (version {report.version}) of {plan.slug}: "
                f"{len(report.snapshot['commitments'])} commitments, snapshot taken {report.snapshot['taken_at']}."
            )
            if options["no_render"]:
                return
            Report.objects.filter(pk=report.pk).update(render_state=Report.RenderState.QUEUED)
            result = services.report_render(report_id=report.pk)
        report.refresh_from_db()
        if result != "ready":
            raise CommandError(f"rendering {result}: {report.render_error or report.get_render_state_display()}")
        for row in report.files.all():
            self.stdout.write(
                f"  {row.language}: {row.file.path} · {row.size} bytes · {row.pages} pages · sha256 {row.sha256}"
            )
