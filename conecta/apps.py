from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig


class LockoutConfig(AxesAppConfig):
    """django-axes under a name staff read in their language (the admin's section of failed sign-ins)."""

    verbose_name = _("Sign-in lockouts")


class SecondFactorConfig(TotpAppConfig):
    """django-otp's TOTP devices under a name staff read in their language."""

    verbose_name = _("Second factor")

    def ready(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # Its verbose name is a plain English string, which no catalogue can translate.
        TOTPDevice._meta.verbose_name = _("second-factor device")
        TOTPDevice._meta.verbose_name_plural = _("second-factor devices")


class ConectaConfig(AppConfig):
    name = "conecta"
    verbose_name = "Conecta Pastaza"

    def ready(self):
        from django.conf import settings

        from .text import connect_text_cleaning

        # No control character is stored, whichever form, import or script saves the row (conecta/text.py).
        connect_text_cleaning(settings.BASE_DIR)

        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from .signin import grant_staff_security_permissions, start_working_day

        # Staff sign-in (conecta/signin.py): a working-day session, and the planners' rights on lockouts and
        # second factors.
        user_logged_in.connect(start_working_day, dispatch_uid="conecta-working-day")
        # Every app's post_migrate: conecta has no models, so none is ever sent for it alone.
        post_migrate.connect(grant_staff_security_permissions, dispatch_uid="conecta-staff-security")
