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
        "reportoutreachfile": ["view"],
        "monitordocument": ["view"],
        "monitorassessment": ["view"],
        "governmentreply": ["view", "add", "change", "delete"],
    },
    "IMPLEMENTER": {
        "report": ["view"],
        "reportnarrative": ["view", "change"],
        "reportfile": ["view"],
        "reportoutreachfile": ["view"],
        "monitordocument": ["view"],
        "monitorassessment": ["view"],
        "governmentreply": ["view"],
    },
    "MONITOR": {
        "report": ["view"],
        "reportnarrative": ["view"],
        "reportfile": ["view"],
        "reportoutreachfile": ["view"],
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


def published_report_files():
    """For `manage.py verify_files`: the PDFs of published reports (not a draft's preview) and the monitor's
    published documents, with the SHA-256 and size the portal shows for each."""
    from django.conf import settings
    from django.utils.translation import gettext

    from conecta.extensions import PublishedFile

    from .models import MonitorDocument, ReportFile

    languages = dict(settings.LANGUAGES)
    rows = (
        ReportFile.objects.final().select_related("report").order_by("report__period_ends_on", "report_id", "language")
    )
    for row in rows:
        what = gettext("Progress report %(period)s, version %(version)s, PDF in %(language)s") % {
            "period": row.report.period_obj.label(),
            "version": row.report.version,
            "language": languages.get(row.language, row.language),
        }
        yield PublishedFile(what=what, storage=row.file.storage, name=row.file.name, sha256=row.sha256, size=row.size)
    yield from published_outreach_files()
    for document in MonitorDocument.objects.filter(is_published=True).exclude(file="").order_by("pk"):
        yield PublishedFile(
            what=gettext("Monitoring report (FCD) “%(title)s”") % {"title": document.title},
            storage=document.file.storage,
            name=document.file.name,
            sha256=document.sha256,
            size=document.size,
        )


def published_outreach_files():
    """For `manage.py verify_files`: the bulletins and radio packs of published reports (a withdrawn radio pack's
    file is deleted on purpose, and not checked)."""
    from django.utils.translation import gettext

    from conecta.extensions import PublishedFile

    from .models import ReportOutreachFile

    rows = (
        ReportOutreachFile.objects.public()
        .select_related("report", "canton")
        .order_by("report__period_ends_on", "report_id", "kind", "canton__code", "language", "version")
    )
    for row in rows:
        values = {"period": row.report.period_obj.label(), "version": row.report.version, "name": row.download_name}
        if row.is_bulletin:
            what = gettext("Progress report %(period)s, version %(version)s, bulletin %(name)s") % values
        else:
            what = gettext("Progress report %(period)s, version %(version)s, radio pack %(name)s") % values
        yield PublishedFile(what=what, storage=row.file.storage, name=row.file.name, sha256=row.sha256, size=row.size)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Progress reports")

    def ready(self):
        from conecta.extensions import register_dashboard_items, register_published_files

        from . import dashboard, signals

        signals.connect()
        register_dashboard_items(dashboard.dashboard_items)
        post_migrate.connect(ensure_report_permissions, sender=self, dispatch_uid="reports-role-permissions")
        register_published_files(published_report_files)
