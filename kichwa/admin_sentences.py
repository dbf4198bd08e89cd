"""The staff admin's messages about the Kichwa review, as whole sentences that agree in every language
(conecta.admin_messages, which finds this module as Django finds admin.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from conecta.admin_messages import Sentences, register

from .models import GlossaryTerm, InterfaceString, ReviewerProfile

register(InterfaceString, Sentences(changed=_("The review of the interface text “%(obj)s” was saved.")))
register(
    GlossaryTerm,
    Sentences(
        added=_("The glossary term “%(obj)s” was added."),
        changed=_("The changes to the glossary term “%(obj)s” were saved."),
        deleted=_("The glossary term “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d glossary term was deleted.", "%(count)d glossary terms were deleted.", "count"
        ),
    ),
)
register(
    ReviewerProfile,
    Sentences(
        added=_("The Kichwa reviewer “%(obj)s” was added."),
        changed=_("The changes to the Kichwa reviewer “%(obj)s” were saved."),
        deleted=_("The Kichwa reviewer “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d Kichwa reviewer was deleted.", "%(count)d Kichwa reviewers were deleted.", "count"
        ),
    ),
)
