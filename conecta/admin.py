"""The admin pages of staff sign-in, as planners use them (rights granted by conecta.signin):

- "Intentos fallidos de inicio de sesión" (django-axes' access attempts): failed sign-ins by account and
  address; action "Unlock" forgets the selected ones, so that account or address may sign in again at once.
- "Dispositivos de segundo factor" (django-otp's TOTP devices): who has a second factor; action "Reset the
  second factor" removes the selected ones, and their owners enrol a new one at their next sign-in. No page ever
  shows a device's key.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from .admin_messages import AdminMessagesMixin

admin.site.unregister(AccessAttempt)
admin.site.unregister(TOTPDevice)


@admin.register(AccessAttempt)
class LockoutAdmin(AdminMessagesMixin, AccessAttemptAdmin):
    actions = ["unlock", "cleanup_expired_attempts"]

    @admin.action(description=_("Unlock: forget these failed sign-ins"), permissions=["delete"])
    def unlock(self, request, queryset):
        count, _details = queryset.delete()
        self.message_user(
            request,
            ngettext(
                "%(count)d failed sign-in record forgotten: that account or address may sign in again.",
                "%(count)d failed sign-in records forgotten: those accounts or addresses may sign in again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(TOTPDevice)
class SecondFactorDeviceAdmin(AdminMessagesMixin, admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    actions = ["reset_second_factor"]

    def has_add_permission(self, request) -> bool:
        return False  # a person enrols their own device when they sign in

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Reset the second factor"), permissions=["delete"])
    def reset_second_factor(self, request, queryset):
        owners = sorted({device.user.get_username() for device in queryset.select_related("user")})
        queryset.delete()
        self.message_user(
            request,
            _("Second factor reset for: %(people)s. They will set up a new one at their next sign-in.")
            % {"people": ", ".join(owners)},
            messages.SUCCESS,
        )
