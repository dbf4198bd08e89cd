from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

MODELS = ["survey", "question", "choice"]


def surveys_roles_grant(**kwargs) -> None:
    """Planners build the surveys and moderate the responses; the monitor (FCD) reads all of it. Each app keeps
    its own part of the role groups (commitments.roles)."""
    from commitments.roles import MONITOR, PLANNER, sync_group_permissions

    sync_group_permissions(
        "surveys",
        {
            PLANNER: {
                **{model: ["view", "add", "change", "delete"] for model in MODELS},
                "surveyresponse": ["view", "add", "change"],
                "answer": ["view"],
            },
            MONITOR: {model: ["view"] for model in [*MODELS, "surveyresponse", "answer"]},
        },
    )


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from conecta.cache import connect_invalidation
        from conecta.extensions import register_panel
        from feedback.contributions import register_contributions

        from . import services
        from .models import Choice, Question, Survey
        from .panels import commitment_surveys_panel, participate_surveys_panel

        # The survey pages show these: a change drops the cached public pages.
        connect_invalidation(Survey, Question, Choice)
        services.connect()
        register_contributions(services.SURVEY_RESPONSES)
        register_panel("feedback:opinion", commitment_surveys_panel)
        register_panel("feedback:participate", participate_surveys_panel)
        post_migrate.connect(surveys_roles_grant, sender=self, dispatch_uid="surveys-roles")
