from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext, ngettext

from commitments.roles import planner_emails
from conecta.published_files import published_files_notify, published_files_verify


class Command(BaseCommand):
    help = (
        "Read every published file again (report PDFs, the monitor's documents, signed minutes, evidence) and "
        "compare its SHA-256 and size with what the portal shows. Prints each file that is missing or differs and "
        "exits with status 1 if any does; with --notify, also e-mails the planners (group Planificación)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--notify", action="store_true", help="e-mail the planners when a file is missing or differs"
        )

    def handle(self, *args, **options):
        # In the portal's language (Spanish): the people who read this, and the planners' e-mail, speak it.
        with translation.override(settings.LANGUAGE_CODE):
            checked, problems = published_files_verify()
            for problem in problems:
                self.stdout.write(problem.describe())
            if options["notify"] and problems:
                published_files_notify(
                    problems=problems, checked=checked, recipients=planner_emails(), language=settings.LANGUAGE_CODE
                )
            if problems:
                raise CommandError(
                    ngettext(
                        "%(count)s of %(checked)s published files is missing or differs.",
                        "%(count)s of %(checked)s published files are missing or differ.",
                        len(problems),
                    )
                    % {"count": len(problems), "checked": checked},
                    returncode=1,
                )
            self.stdout.write(
                gettext("%(checked)s published files checked: every one matches what the portal shows.")
                % {"checked": checked}
            )

