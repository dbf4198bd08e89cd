from django.core.management.base import BaseCommand

from commitments.loaders import real_plan_load
from conecta.audit import acting_as
from feedback.loaders import workshops_load
from feedback.survey_loaders import survey_demo_load
from reports.demo import demo_report_load


class Command(BaseCommand):
    help = (
        "Load the real Pastaza action plan 2024-2027 (its three OGP commitments, institutions, cantons and "
        "parishes, and the three co-creation workshops with their participants) with illustrative milestones and "
        "updates. Idempotent: running it twice gives the same rows."
    )

    def handle(self, *args, **options):
        with acting_as(None, "load_demo"):
            plan = real_plan_load()
            workshops = workshops_load(plan=plan)
            survey_demo_load(plan=plan)
            report = demo_report_load()
        self.stdout.write(
            f"Loaded '{plan.title_es}': {plan.commitments.count()} commitments "
            "(milestones and updates are example data until staff replace them) "
            f"and {len(workshops)} co-creation workshops."
        )
        if report is not None:
            self.stdout.write(f"Example report {report.period} v{report.version} published (example data).")
