"""Staff sign-in: lockout of repeated failures (django-axes), the session's working-day lifetime, and who must
use a second factor and may unlock others (settings.STAFF_SECURITY_GROUP, the planners, and superusers).

Lockout (`lockout_parameters`): LOGIN_FAILURE_LIMIT failed sign-ins for one account, from any address, lock that
account; LOGIN_ADDRESS_FAILURE_LIMIT failed sign-ins from one network address (conecta.net.client_ip), for any
accounts, lock that address. Either lasts LOGIN_LOCKOUT_MINUTES; every further attempt meanwhile is answered with
the lockout page, the right password included. A planner unlocks sooner in the admin: "Bloqueos de inicio de
sesión", "Intentos fallidos de inicio de sesión" (axes' access attempts), select the rows of the account or
address, action "Unlock" (conecta/admin.py); from a shell, `manage.py axes_reset_username NAME` or
`axes_reset_ip ADDRESS`.
"""

from __future__ import annotations

from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import Group, Permission
from django.db.models import Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What the group of settings.STAFF_SECURITY_GROUP may do on the sign-in apps' models (app label -> model ->
# actions): see and unlock failed sign-ins, see sign-ins, reset (delete) a person's second factor.
STAFF_SECURITY_GRANTS = {
    "axes": {"accessattempt": ["view", "delete"], "accesslog": ["view"]},
    "otp_totp": {"totpdevice": ["view", "delete"]},
}
USERNAME_MAX_LENGTH = 150  # Django's own; axes stores at most 255 characters


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check of locked-out accounts and addresses, first of AUTHENTICATION_BACKENDS.

    An authentication without a request (the test client's login(), a shell) comes from no network address and
    no sign-in form: there is nothing to count or lock, so it is left to the next backend instead of refused.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_parameters(request_or_attempt, credentials=None) -> list[str]:
    """What django-axes counts a failure against (AXES_LOCKOUT_PARAMETERS): the account, always; the network
    address too once it has failed LOGIN_ADDRESS_FAILURE_LIMIT times within the cool-off, for any accounts.

    A provincial office reaches the portal from one public address: locking it at a person's fifth typo would
    lock every colleague out, the planner who could unlock them included. An address that tries password after
    password, or account after account, is still stopped at the higher limit."""
    from axes.models import AccessAttempt, AccessBase

    from .net import client_ip

    if isinstance(request_or_attempt, AccessBase):
        address = request_or_attempt.ip_address
    else:
        address = getattr(request_or_attempt, "axes_ip_address", None) or client_ip(request_or_attempt)
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    return ["username", "ip_address"] if failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT else ["username"]


def attempted_username(request, credentials) -> str | None:
    """The account an attempt is counted against: "Planificadora " and "planificadora" are one account to count,
    and a 10,000-character name is cut to what a username can be."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        return None
    return str(username).strip().casefold()[:USERNAME_MAX_LENGTH]


def lockout_minutes() -> int | None:
    cool_off = settings.AXES_COOLOFF_TIME
    if not cool_off:
        return None
    return max(1, round(cool_off.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The admin's sign-in page again, saying in the reader's language that sign-in is locked and for how long
    (429). The form stays, for when the lock has passed."""
    from django.contrib.admin.forms import AdminAuthenticationForm

    context = {
        **admin.site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": reverse("admin:login"),
        "form": AdminAuthenticationForm(request),
        "next": request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or "",
        "lockout_minutes": lockout_minutes(),
    }
    return render(request, "admin/conecta/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def needs_second_factor(user) -> bool:
    """Superusers and planners, when settings.OTP_REQUIRED is on."""
    if not (settings.OTP_REQUIRED and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_conecta_security_group", None)
    if cached is None:
        cached = user.groups.filter(name=settings.STAFF_SECURITY_GROUP).exists()
        user._conecta_security_group = cached
    return cached


def start_working_day(sender, request, user, **kwargs) -> None:
    """A signed-in session ends STAFF_SESSION_HOURS after the sign-in, however busy (user_logged_in receiver)."""
    if request is not None and hasattr(request, "session"):
        request.session.set_expiry(timezone.now() + timedelta(hours=settings.STAFF_SESSION_HOURS))


def grant_staff_security_permissions(sender=None, **kwargs) -> None:
    """Give settings.STAFF_SECURITY_GROUP the STAFF_SECURITY_GRANTS (post_migrate receiver, idempotent)."""
    codenames = {
        (app_label, f"{action}_{model}")
        for app_label, models in STAFF_SECURITY_GRANTS.items()
        for model, actions in models.items()
        for action in actions
    }
    wanted = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=STAFF_SECURITY_GRANTS, codename__in={code for _app, code in codenames}
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in codenames
    ]
    if len(wanted) < len(codenames):
        return  # the sign-in apps' permissions are not created yet: a later post_migrate grants them
    group, _created = Group.objects.get_or_create(name=settings.STAFF_SECURITY_GROUP)
    group.permissions.add(*wanted)
