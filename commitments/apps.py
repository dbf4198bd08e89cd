from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):
    from .roles import ensure_role_groups

    ensure_role_groups()


def published_evidence_files():
    """For `manage.py verify_files`: the files of published evidence of published milestones and updates of
    published commitments (Evidence.objects.published()), with the SHA-256 and size the portal shows for each."""
    from django.utils.translation import gettext

    from conecta.extensions import PublishedFile

    from .models import Evidence

    for evidence in Evidence.objects.published().exclude(file="").order_by("pk"):
        yield PublishedFile(
            what=gettext("Evidence “%(title)s”") % {"title": evidence.title},
            storage=evidence.file.storage,
            name=evidence.file.name,
            sha256=evidence.sha256,
            size=evidence.size,
        )


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Action plan")

    def ready(self):
        from conecta.extensions import register_dashboard_items, register_published_files

        from . import dashboard, signals

        signals.connect()
        register_published_files(published_evidence_files)
        register_dashboard_items(dashboard.dashboard_items)
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="commitments-roles")
