from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):
    from .roles import ensure_role_groups

    ensure_role_groups()


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Action plan")

    def ready(self):
        from . import audit, signals

        audit.connect()
        signals.connect()
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="commitments-roles")
