from django.core.management.base import BaseCommand

from conecta.audit import acting_as
from feedback.services import anonymise_expired


class Command(BaseCommand):
    help = (
        "Anonymise the personal data (name, e-mail, phone, network-address hash) of citizen participation kept "
        "longer than PARTICIPATION_RETENTION_MONTHS after it was settled; texts and figures stay. Celery beat "
        "runs it daily; safe to run at any time."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command"):
            done = anonymise_expired()
        self.stdout.write(done.summary())
