"""The staff admin's messages about road works, their progress and road requests, as whole sentences that agree
in every language (conecta.admin_messages, which finds this module as Django finds admin.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from conecta.admin_messages import Sentences, register

from .models import RoadProgress, RoadRequest, RoadWork

register(
    RoadWork,
    Sentences(
        added=_("The road work “%(obj)s” was added."),
        changed=_("The changes to the road work “%(obj)s” were saved."),
        deleted=_("The road work “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d road work was deleted.", "%(count)d road works were deleted.", "count"),
    ),
)
register(
    RoadProgress,
    Sentences(
        added=_("The progress of a road work “%(obj)s” was added."),
        changed=_("The changes to the progress of a road work “%(obj)s” were saved."),
        deleted=_("The progress of a road work “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d progress observation of road works was deleted.",
            "%(count)d progress observations of road works were deleted.",
            "count",
        ),
    ),
)
register(
    RoadRequest,
    Sentences(
        added=_("The road request “%(obj)s” was added."),
        changed=_("The changes to the road request “%(obj)s” were saved."),
    ),
)
