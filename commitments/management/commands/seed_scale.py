import time

from django.core.management.base import BaseCommand, CommandError

from commitments.loaders import synthetic_plan_load


class Command(BaseCommand):
    help = (
        "Build a synthetic plan of N commitments (about 5 milestones, 3 updates each) beside the real plan, each "
        "milestone with a dated history of its progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commitments", type=int, default=300, help="How many commitments (1-1000).")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--observations",
            type=int,
            default=3,
            help="Dated observations of each milestone's progress, the last its current progress (1-100).",
        )

    def handle(self, *args, commitments, seed, observations, **options):
        if not 1 <= commitments <= 1000:
            raise CommandError("--commitments must be between 1 and 1000.")
        if not 1 <= observations <= 100:
            raise CommandError("--observations must be between 1 and 100.")
        started = time.perf_counter()
        plan = synthetic_plan_load(commitments=commitments, seed=seed, observations=observations)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Synthetic plan '{plan.slug}': {plan.commitments.count()} commitments, {observations} observations "
            f"per milestone, in {elapsed:.2f} s (show it with CONECTA_PLAN_SLUG={plan.slug})."
        )
