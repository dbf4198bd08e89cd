from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

MODELS = ["meeting", "meetingattendance", "agreement"]


def meetings_roles_grant(**kwargs) -> None:
    """Planners record the meetings; implementers read the agreements (some are theirs to carry out); the
    monitor (FCD) reads all of it. Each app keeps its own part of the role groups (commitments.roles)."""
    from commitments.roles import IMPLEMENTER, MONITOR, PLANNER, sync_group_permissions

    sync_group_permissions(
        "meetings",
        {
            PLANNER: {model: ["view", "add", "change", "delete"] for model in MODELS},
            IMPLEMENTER: {"agreement": ["view"]},
            MONITOR: {model: ["view"] for model in MODELS},
        },
    )


def published_minutes():
    """For `manage.py verify_files`: the signed minutes of published meetings, with their SHA-256 and size."""
    from django.utils.translation import gettext

    from conecta.extensions import PublishedFile

    from .models import Meeting

    for meeting in Meeting.objects.published().exclude(minutes_file="").order_by("date", "pk"):
        yield PublishedFile(
            what=gettext("Signed minutes of “%(title)s” (%(date)s)")
            % {"title": meeting.title, "date": meeting.date.isoformat()},
            storage=meeting.minutes_file.storage,
            name=meeting.minutes_file.name,
            sha256=meeting.minutes_sha256,
            size=meeting.minutes_size,
        )


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from conecta.cache import connect_invalidation
        from conecta.extensions import register_dashboard_items, register_panel, register_published_files

        from . import dashboard, services
        from .models import Agreement, Meeting, MeetingAttendance
        from .panels import commitment_agreements_panel

        # The plan, meetings and agreements pages show these: a change drops the cached public pages.
        connect_invalidation(Meeting, MeetingAttendance, Agreement)
        services.connect()
        register_panel("commitments:detail", commitment_agreements_panel)
        post_migrate.connect(meetings_roles_grant, sender=self, dispatch_uid="meetings-roles")
        register_published_files(published_minutes)
        register_dashboard_items(dashboard.dashboard_items)
