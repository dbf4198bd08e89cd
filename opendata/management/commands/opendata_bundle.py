from django.core.management.base import BaseCommand

from conecta.audit import acting_as
from opendata import bundle


class Command(BaseCommand):
    help = (
        "Make today's bundle of the open-data catalogue (a ZIP of every dataset's CSV and JSON, the Data Package "
        "and SHA256SUMS) unless today has one, then delete the bundles no longer kept: what the nightly task does."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command"):
            made, created = bundle.bundle_create()
            pruned = bundle.bundles_prune()
        self.stdout.write(
            f"{made.download_name} ({'made now' if created else 'already made today'}): {made.datasets} datasets, "
            f"{made.size} bytes, sha256 {made.sha256}, {made.file.path}"
        )
        if pruned:
            self.stdout.write(f"{pruned} bundle(s) no longer kept were deleted.")
