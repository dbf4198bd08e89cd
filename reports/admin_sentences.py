"""The staff admin's messages about reports and the monitor's records, as whole sentences that agree in every language
(conecta.admin_messages, which finds this module as Django finds admin.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from conecta.admin_messages import Sentences, register

from .models import GovernmentReply, MonitorAssessment, MonitorDocument, Report, ReportNarrative

register(
    Report,
    Sentences(
        changed=_("The changes to the progress report “%(obj)s” were saved."),
        deleted=_("The progress report “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d progress report was deleted.", "%(count)d progress reports were deleted.", "count"
        ),
    ),
)
register(
    ReportNarrative,
    Sentences(
        changed=_("The changes to the commitment narrative “%(obj)s” were saved."),
    ),
)
register(
    MonitorDocument,
    Sentences(
        added=_("The monitoring report “%(obj)s” was added."),
        changed=_("The changes to the monitoring report “%(obj)s” were saved."),
        deleted=_("The monitoring report “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d monitoring report was deleted.", "%(count)d monitoring reports were deleted.", "count"
        ),
    ),
)
register(
    MonitorAssessment,
    Sentences(
        added=_("The independent monitor's assessment “%(obj)s” was added."),
        changed=_("The changes to the independent monitor's assessment “%(obj)s” were saved."),
        deleted=_("The independent monitor's assessment “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d independent monitor's assessment was deleted.",
            "%(count)d independent monitor's assessments were deleted.",
            "count",
        ),
    ),
)
register(
    GovernmentReply,
    Sentences(
        added=_("The government reply “%(obj)s” was added."),
        changed=_("The changes to the government reply “%(obj)s” were saved."),
        deleted=_("The government reply “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d government reply was deleted.", "%(count)d government replies were deleted.", "count"
        ),
    ),
)
