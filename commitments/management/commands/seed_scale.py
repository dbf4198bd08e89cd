import time

from django.core.management.base import BaseCommand, CommandError

from commitments.loaders import synthetic_plan_load


class Command(BaseCommand):
    help = "Build a synthetic plan of N commitments (about 5 milestones, 3 updates each) beside the real plan."

    def add_arguments(self, parser):
        parser.add_argument("--commitments", type=int, default=300, help="How many commitments (1-1000).")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, commitments, seed, **options):
        if not 1 <= commitments <= 1000:
            raise CommandError("--commitments must be between 1 and 1000.")
        started = time.perf_counter()
        plan = synthetic_plan_load(commitments=commitments, seed=seed)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Synthetic plan '{plan.slug}': {plan.commitments.count()} commitments in {elapsed:.2f} s "
            f"(show it with CONECTA_PLAN_SLUG={plan.slug})."
        )
