from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What each role may do with the reports (commitments.roles names the groups; commitments never imports reports,
# so the reports' permissions are granted here, after every migrate, on top of what commitments granted).
ROLE_PERMISSIONS = {
    "PLANNER": {
        "report": ["view", "add", "change", "delete"],
        "reportnarrative": ["view", "add", "change"],
        "reportfile": ["view"],
        "monitordocument": ["view"],
        "monitorassessment": ["view"],
        "governmentreply": ["view", "add", "change", "delete"],
    },
    "IMPLEMENTER": {
        "report": ["view"],
        "reportnarrative": ["view", "change"],
        "reportfile": ["view"],
        "monitordocument": ["view"],
        "monitorassessment": ["view"],
        "governmentreply": ["view"],
    },
    "MONITOR": {
        "report": ["view"],
        "reportnarrative": ["view"],
        "reportfile": ["view"],
        "monitordocument": ["view", "add", "change", "delete"],
        "monitorassessment": ["view", "add", "change", "delete"],
        "governmentreply": ["view"],
    },
}


def ensure_report_permissions(**kwargs) -> None:
    """Give the role groups exactly their permissions on the reports' models (idempotent; after every migrate).

    Each app keeps its own part of the role groups (commitments.roles.sync_group_permissions).
    """
    from commitments import roles

    roles.sync_group_permissions("reports", {getattr(roles, role): models for role, models in ROLE_PERMISSIONS.items()})


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Progress reports")

    def ready(self):
        from conecta.cache import connect_invalidation

        from . import models

        connect_invalidation(
            models.Report,
            models.ReportFile,
            models.ReportNarrative,
            models.MonitorDocument,
            models.MonitorAssessment,
            models.GovernmentReply,
        )
        post_migrate.connect(ensure_report_permissions, sender=self, dispatch_uid="reports-role-permissions")
