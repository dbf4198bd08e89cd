from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("E-mail alerts")

    def ready(self):
        """What this app adds to the floors below it: the "Follow" panel of the pages that can be followed, and the
        staff's dashboard lines (subscribers, alerts sent); and each role's rights on alerts (alerts.roles), after
        every migrate."""
        from conecta.extensions import register_dashboard_items, register_panel

        from . import dashboard, panels, roles

        for page in panels.FOLLOWABLE_PAGES:
            register_panel(page, panels.follow_panel)
        register_dashboard_items(dashboard.dashboard_items)
        post_migrate.connect(roles.alerts_roles_grant, sender=self, dispatch_uid="alerts-roles")
