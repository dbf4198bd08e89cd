"""Write the reviewed Kichwa interface texts back into the catalogue, for the repository."""

import difflib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kichwa.catalogue import export_catalogue, po_path


class Command(BaseCommand):
    help = (
        "Write the Kichwa that reviewers approved (with or without a correction) into "
        "locale/qu/LC_MESSAGES/django.po: the approved text, without its 'review:' note, marked "
        "'# reviewed: <organisation>, <date>'; every other line stays as it is. Then `make messages` compiles it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help="the Kichwa .po file (default: the project's)")
        modes = parser.add_mutually_exclusive_group()
        modes.add_argument(
            "--check", action="store_true", help="write nothing; exit with status 1 if the file lacks reviews"
        )
        modes.add_argument("--dry-run", action="store_true", help="write nothing; show the changes as a diff")

    def handle(self, *args, path=None, check=False, dry_run=False, **options):
        path = path or po_path()
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        result = export_catalogue(path=path, write=not (check or dry_run))
        for line in result.entries:
            self.stdout.write(line)
        if dry_run and result.changed:
            self.stdout.writelines(
                difflib.unified_diff(
                    result.before.splitlines(keepends=True),
                    result.after.splitlines(keepends=True),
                    fromfile=str(path),
                    tofile=f"{path} (exported)",
                )
            )
        count = len(result.entries)
        if check and count:
            raise CommandError(
                f"{path} lacks {count} reviewed texts: run manage.py export_kichwa_catalogue.", returncode=1
            )
        verb = "would change" if (check or dry_run) else "changed"
        self.stdout.write(f"{path}: {verb} {count} entries.")
