"""The staff admin's messages about the sign-in records, as whole sentences that agree in every language
(conecta.admin_messages, which finds this module as Django finds admin.py)."""

from axes.models import AccessAttempt
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from conecta.admin_messages import Sentences, register

register(
    AccessAttempt,
    Sentences(
        deleted=_("The failed sign-in attempt “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d failed sign-in attempt was deleted.", "%(count)d failed sign-in attempts were deleted.", "count"
        ),
    ),
)
register(
    TOTPDevice,
    Sentences(
        deleted=_("The second-factor device “%(obj)s” was deleted."),
        deleted_many=ngettext_lazy(
            "%(count)d second-factor device was deleted.", "%(count)d second-factor devices were deleted.", "count"
        ),
    ),
)
