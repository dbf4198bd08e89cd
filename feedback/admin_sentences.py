"""The staff admin's messages about what citizens send, as whole sentences that agree in every language
(conecta.admin_messages, which finds this module as Django finds admin.py)."""

from django.utils.translation import gettext_lazy as _

from conecta.admin_messages import Sentences, register

from .models import Comment, Evaluation, Suggestion, SuggestionReply

register(
    Suggestion,
    Sentences(
        added=_("The suggestion, complaint or question “%(obj)s” was added."),
        changed=_("The changes to the suggestion, complaint or question “%(obj)s” were saved."),
    ),
)
register(
    SuggestionReply,
    Sentences(
        changed=_("The changes to the reply to an answer “%(obj)s” were saved."),
    ),
)
register(
    Comment,
    Sentences(
        changed=_("The changes to the comment “%(obj)s” were saved."),
    ),
)
register(
    Evaluation,
    Sentences(
        changed=_("The changes to the evaluation “%(obj)s” were saved."),
    ),
)
