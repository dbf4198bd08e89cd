"""The staff admin's messages about meetings and agreements, as whole sentences that agree in every language
(conecta.admin_messages, which finds this module as Django finds admin.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from conecta.admin_messages import Sentences, register

from .models import Agreement, Meeting

register(
    Meeting,
    Sentences(
        added=_("The meeting “%(obj)s” was added."),
        changed=_("The changes to the meeting “%(obj)s” were saved."),
        deleted=_("The meeting “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d meeting was deleted.", "%(count)d meetings were deleted.", "count"),
    ),
)
register(
    Agreement,
    Sentences(
        added=_("The agreement “%(obj)s” was added."),
        changed=_("The changes to the agreement “%(obj)s” were saved."),
        deleted=_("The agreement “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d agreement was deleted.", "%(count)d agreements were deleted.", "count"),
    ),
)
