"""The staff admin's messages about surveys, their questions and responses, as whole sentences that agree in
every language (conecta.admin_messages, which finds this module as Django finds admin.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from conecta.admin_messages import Sentences, register

from .models import Question, Survey, SurveyResponse

register(
    Survey,
    Sentences(
        added=_("The survey “%(obj)s” was added."),
        changed=_("The changes to the survey “%(obj)s” were saved."),
        deleted=_("The survey “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d survey was deleted.", "%(count)d surveys were deleted.", "count"),
    ),
)
register(
    Question,
    Sentences(
        added=_("The question “%(obj)s” was added."),
        changed=_("The changes to the question “%(obj)s” were saved."),
        deleted=_("The question “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d question was deleted.", "%(count)d questions were deleted.", "count"),
    ),
)
register(
    SurveyResponse,
    Sentences(
        changed=_("The changes to the survey response “%(obj)s” were saved."),
    ),
)
