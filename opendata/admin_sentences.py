"""The staff admin's messages about the open-data bundles, as whole sentences that agree in every language
(conecta.admin_messages, which finds this module as Django finds admin.py). Staff only read bundles; these are
said should that ever change."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from conecta.admin_messages import Sentences, register

from .models import Bundle

register(
    Bundle,
    Sentences(
        added=_("The open data bundle “%(obj)s” was added."),
        changed=_("The changes to the open data bundle “%(obj)s” were saved."),
        deleted=_("The open data bundle “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d open data bundle was deleted.", "%(count)d open data bundles were deleted.", "count"
        ),
    ),
)
