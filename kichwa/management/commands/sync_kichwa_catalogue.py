"""Load the Kichwa catalogue into the review queue (also done after every migrate)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from kichwa.catalogue import po_path, sync_catalogue


class Command(BaseCommand):
    help = (
        "Read locale/qu/LC_MESSAGES/django.po (and the Spanish of locale/es) into the Kichwa review queue: new "
        "messages await review when flagged 'review:', known ones keep their review. Runs after every migrate too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help="the Kichwa .po file (default: the project's)")
        parser.add_argument("--spanish-path", type=Path, default=None, help="the Spanish .po file")

    def handle(self, *args, path=None, spanish_path=None, **options):
        started = time.perf_counter()
        result = sync_catalogue(path=path or po_path(), spanish_path=spanish_path or po_path("es"))
        self.stdout.write(
            f"{result.total} messages: {result.created} new ({result.awaiting} awaiting review), "
            f"{result.updated} updated ({result.reopened} back to review), {result.gone} no longer in the "
            f"catalogue; {time.perf_counter() - started:.2f} s."
        )
