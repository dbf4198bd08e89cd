import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from commitments.roles import PLANNER


class Command(BaseCommand):
    help = "Create the first staff account (a Planning Directorate superuser) and print its password once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="planificacion@pastaza.gob.ec")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        # The address the site is served at (`make run` sets SITE_URL from its HOST and PORT).
        admin_url = settings.SITE_URL.rstrip("/") + "/admin/"
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Staff account '{username}' already exists; its password was printed when it was made.\n"
                f"  Staff admin: {admin_url}"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email=email, password=password)
        user.groups.add(Group.objects.get(name=PLANNER))
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Staff account created for {admin_url}\n"
                f"    user:     {username}\n    password: {password}\n"
                "  This password is shown only now: write it down.\n"
            )
        )
