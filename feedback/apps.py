from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What citizens send: planners moderate and answer (no deletion: rejected items still count as received, and
# personal data are anonymised, not deleted); implementers answer the suggestions about what their institution
# leads (feedback.admin scopes them); the monitor reads.
PARTICIPATION_MODELS = ["suggestion", "comment", "evaluation", "suggestionreply"]


def feedback_roles_grant(**kwargs) -> None:
    """Give the planners the moderation of what citizens send, implementers the answering of suggestions, and the
    monitor (FCD) read access to all of it.

    Each app keeps its own part of the role groups (commitments.roles.sync_group_permissions).
    """
    from commitments.roles import IMPLEMENTER, MONITOR, PLANNER, sync_group_permissions

    sync_group_permissions(
        "feedback",
        {
            PLANNER: {
                **{model: ["view", "add", "change"] for model in PARTICIPATION_MODELS},
                "previousanswer": ["view"],
                "dailydigest": ["view"],
            },
            IMPLEMENTER: {
                "suggestion": ["view", "change"],
                "suggestionreply": ["view"],
                "previousanswer": ["view"],
            },
            MONITOR: {model: ["view"] for model in [*PARTICIPATION_MODELS, "previousanswer"]},
        },
    )


def register_own_contributions() -> None:
    """This app's kinds of contribution, listed in the digest (feedback/email/digest.txt has their blocks) and
    anonymised by feedback.services.anonymise_expired."""
    from .contributions import ContributionKind, register_contributions
    from .models import Comment, Evaluation, Suggestion, SuggestionReply

    for key, model, lists, public in (
        ("suggestions", Suggestion, "commitment", True),
        ("comments", Comment, "commitment", True),
        ("evaluations", Evaluation, "commitment", True),
        ("replies", SuggestionReply, "suggestion", False),  # never public: shown on the tracking page only
    ):
        register_contributions(ContributionKind(key=key, model=model, digest_lists=lists, shown_publicly=public))


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Participation")

    def ready(self):
        from conecta.extensions import register_dashboard_items, register_panel

        from . import dashboard, signals
        from .panels import commitment_panel

        register_own_contributions()
        signals.connect()
        register_panel("commitments:detail", commitment_panel)
        register_dashboard_items(dashboard.dashboard_items)
        post_migrate.connect(feedback_roles_grant, sender=self, dispatch_uid="feedback-roles")
