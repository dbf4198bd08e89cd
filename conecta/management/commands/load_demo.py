from django.core.management.base import BaseCommand

from commitments.loaders import real_plan_load
from conecta.audit import acting_as
from conecta.loading import LoadTally
from kichwa.loaders import glossary_load
from meetings.loaders import workshops_load
from reports.demo import demo_report_load
from roads.loaders import road_demo_load
from surveys.loaders import survey_demo_load


class Command(BaseCommand):
    help = (
        "Load the real Pastaza action plan 2024-2027 (its three OGP commitments, institutions, cantons and "
        "parishes, and the three co-creation workshops with their participants) with illustrative milestones and "
        "updates, example road works of commitment ECPTZ0003 with a few road requests, a demo survey and an "
        "example report, and the sourced terms of the Kichwa glossary. It creates what is missing and never changes "
        "a row that exists, so staff's edits survive every run (`make run` runs it at each start); it says what it "
        "created and what it left alone."
    )

    def handle(self, *args, **options):
        tally = LoadTally()
        with acting_as(None, "load_demo"):
            plan = real_plan_load(tally=tally)
            workshops = workshops_load(plan=plan, tally=tally)
            road_works = road_demo_load(plan=plan, tally=tally)
            survey_demo_load(plan=plan, tally=tally)
            report = demo_report_load(tally=tally)
            glossary_load(tally=tally)
        self.stdout.write(
            f"Loaded '{plan.title_es}': {plan.commitments.count()} commitments "
            "(milestones and updates are example data until staff replace them) "
            f"and {len(workshops)} co-creation workshops; {len(road_works)} road works of ECPTZ0003 "
            "(example data, with approximate lines)."
        )
        if report is not None and tally.created["example reports"]:
            self.stdout.write(f"Example report {report.period} v{report.version} published (example data).")
        self.stdout.write(tally.summary())
