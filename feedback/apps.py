from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

MODELS = ["meeting", "meetingattendance", "agreement", "survey", "question", "choice"]
# What citizens send: planners moderate and answer (no deletion: rejected items still count as received, and
# personal data are anonymised, not deleted); implementers answer the suggestions about what their institution
# leads (feedback.admin scopes them); the monitor reads.
PARTICIPATION_MODELS = ["suggestion", "comment", "evaluation", "surveyresponse", "suggestionreply"]


def feedback_roles_grant(**kwargs) -> None:
    """Give the planners every permission on the meetings and moderation of what citizens send, implementers the
    answering of suggestions, and the monitor (FCD) read access to all of it.

    Each app keeps its own part of the role groups (commitments.roles.sync_group_permissions).
    """
    from commitments.roles import IMPLEMENTER, MONITOR, PLANNER, sync_group_permissions

    sync_group_permissions(
        "feedback",
        {
            PLANNER: {
                **{model: ["view", "add", "change", "delete"] for model in MODELS},
                **{model: ["view", "add", "change"] for model in PARTICIPATION_MODELS},
                "answer": ["view"],
                "previousanswer": ["view"],
                "dailydigest": ["view"],
            },
            IMPLEMENTER: {
                "suggestion": ["view", "change"],
                "suggestionreply": ["view"],
                "previousanswer": ["view"],
                "agreement": ["view"],
            },
            MONITOR: {model: ["view"] for model in [*MODELS, *PARTICIPATION_MODELS, "answer", "previousanswer"]},
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


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Participation")

    def ready(self):
        from conecta.cache import connect_invalidation
        from conecta.extensions import register_panel, register_published_files

        from . import meeting_services, signals, survey_services
        from .models import Agreement, Choice, Meeting, MeetingAttendance, Question, Survey
        from .panels import commitment_panel

        # The plan, meetings and survey pages show these: a change drops the cached public pages.
        connect_invalidation(Meeting, MeetingAttendance, Agreement, Survey, Question, Choice)
        signals.connect()
        meeting_services.connect()
        survey_services.connect()
        register_panel("commitments:detail", commitment_panel)
        post_migrate.connect(feedback_roles_grant, sender=self, dispatch_uid="feedback-roles")
        register_published_files(published_minutes)
