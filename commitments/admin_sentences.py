"""The staff admin's messages about the plan's records, as whole sentences that agree in every language
(conecta.admin_messages, which finds this module as Django finds admin.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from conecta.admin_messages import Sentences, register

from .models import (
    ActionPlan,
    Canton,
    Commitment,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    Institution,
    Milestone,
    OgpValue,
    Parish,
    ProgressUpdate,
    StaffProfile,
)

register(
    ActionPlan,
    Sentences(
        added=_("The action plan “%(obj)s” was added."),
        changed=_("The changes to the action plan “%(obj)s” were saved."),
        deleted=_("The action plan “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d action plan was deleted.", "%(count)d action plans were deleted.", "count"
        ),
    ),
)
register(
    Institution,
    Sentences(
        added=_("The institution “%(obj)s” was added."),
        changed=_("The changes to the institution “%(obj)s” were saved."),
        deleted=_("The institution “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d institution was deleted.", "%(count)d institutions were deleted.", "count"
        ),
    ),
)
register(
    OgpValue,
    Sentences(
        added=_("The OGP value “%(obj)s” was added."),
        changed=_("The changes to the OGP value “%(obj)s” were saved."),
        deleted=_("The OGP value “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d OGP value was deleted.", "%(count)d OGP values were deleted.", "count"),
    ),
)
register(
    Canton,
    Sentences(
        added=_("The canton “%(obj)s” was added."),
        changed=_("The changes to the canton “%(obj)s” were saved."),
        deleted=_("The canton “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d canton was deleted.", "%(count)d cantons were deleted.", "count"),
    ),
)
register(
    Parish,
    Sentences(
        added=_("The parish “%(obj)s” was added."),
        changed=_("The changes to the parish “%(obj)s” were saved."),
        deleted=_("The parish “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d parish was deleted.", "%(count)d parishes were deleted.", "count"),
    ),
)
register(
    Commitment,
    Sentences(
        added=_("The commitment “%(obj)s” was added."),
        changed=_("The changes to the commitment “%(obj)s” were saved."),
        deleted=_("The commitment “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d commitment was deleted.", "%(count)d commitments were deleted.", "count"),
    ),
)
register(
    Milestone,
    Sentences(
        added=_("The milestone “%(obj)s” was added."),
        changed=_("The changes to the milestone “%(obj)s” were saved."),
        deleted=_("The milestone “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d milestone was deleted.", "%(count)d milestones were deleted.", "count"),
    ),
)
register(
    ProgressUpdate,
    Sentences(
        added=_("The progress update “%(obj)s” was added."),
        changed=_("The changes to the progress update “%(obj)s” were saved."),
        deleted=_("The progress update “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d progress update was deleted.", "%(count)d progress updates were deleted.", "count"
        ),
    ),
)
register(
    StaffProfile,
    Sentences(
        added=_("The staff profile “%(obj)s” was added."),
        changed=_("The changes to the staff profile “%(obj)s” were saved."),
        deleted=_("The staff profile “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d staff profile was deleted.", "%(count)d staff profiles were deleted.", "count"
        ),
    ),
)
register(
    Indicator,
    Sentences(
        added=_("The indicator “%(obj)s” was added."),
        changed=_("The changes to the indicator “%(obj)s” were saved."),
        deleted=_("The indicator “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy("%(count)d indicator was deleted.", "%(count)d indicators were deleted.", "count"),
    ),
)
register(
    IndicatorValue,
    Sentences(
        added=_("The indicator value “%(obj)s” was added."),
        changed=_("The changes to the indicator value “%(obj)s” were saved."),
        deleted=_("The indicator value “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d indicator value was deleted.", "%(count)d indicator values were deleted.", "count"
        ),
    ),
)
register(
    IndicatorVerification,
    Sentences(
        added=_("The independent monitor's verification “%(obj)s” was added."),
        changed=_("The changes to the independent monitor's verification “%(obj)s” were saved."),
    ),
)
