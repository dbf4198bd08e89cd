"""A second factor for the staff who can change everything (superusers and planners), when settings.OTP_REQUIRED
is on: a time-based code (TOTP, RFC 6238) from an authenticator app, through django-otp.

1. The admin's own sign-in page takes the password, as always.
2. Until the session is verified, SecondFactorMiddleware sends every admin page to /admin/second-factor/, and
   anywhere else the person is anonymous (a public page shows what a citizen sees, never a draft).
3. With no confirmed device the page enrols one: a QR code (SVG drawn on the server) and the key as text, then a
   code from the app confirms it. With one, it asks for the code.
4. A planner resets someone's second factor in the admin ("TOTP devices", action "Reset the second factor");
   that person enrols again at their next sign-in.
Other staff (implementers, the monitor) sign in with their password only.
"""

from __future__ import annotations

import base64
import math
from urllib.parse import urlencode

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.models import MAX_THROTTLE_DELAY_SECONDS
from django_otp.plugins.otp_totp.models import TOTPDevice

from .security import is_admin_path
from .signin import needs_second_factor

DEVICE_NAME = "Conecta Pastaza"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}),
        help_text=_("Six digits. A new code appears every 30 seconds."),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Write the six digits your app shows."), code="format")
        return code


def _open_paths() -> set[str]:
    """What a signed-in person who still owes the second factor may reach."""
    return {reverse("second_factor"), reverse("admin:logout"), reverse("set_language")}


class SecondFactorMiddleware:
    """After OTPMiddleware. Only a request with a session cookie can be a signed-in one, so the public pages of
    everyone else never read the session (they stay cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.OTP_REQUIRED and settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = request.user
            if needs_second_factor(user) and not user.is_verified() and request.path_info not in _open_paths():
                if is_admin_path(request.path_info):
                    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse('second_factor')}?{query}")
                request.user = AnonymousUser()
        return self.get_response(request)


def _next_url(request) -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, inline SVG markup with its text alternative."""
    qr = segno.make(device.config_url, error="m")
    width, height = qr.symbol_size(scale=5, border=4)
    svg = qr.svg_inline(
        scale=5, border=4, dark="#000", light="#fff", omitsize=True,
        title=gettext_now("QR code of your second factor key"),
    )
    # A viewBox and a size: drawn at its size, and shrunk with it on a narrow screen. segno escapes its text.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" focusable="false" width="{width}" height="{height}" ', 1))


def readable_key(device: TOTPDevice) -> str:
    """The key as the apps ask for it when typed: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _device_to_enrol(user) -> TOTPDevice:
    """The person's unconfirmed device (the same key however often the page is reloaded), or a new one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@sensitive_post_parameters("code")
@never_cache
def second_factor(request):
    """Enrol a device, or check a code, for a planner or superuser signed in with their password."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    next_url = _next_url(request)
    if not needs_second_factor(user) or user.is_verified():
        return HttpResponseRedirect(next_url)

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    enrolling = device is None
    if enrolling:
        device = _device_to_enrol(user)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _throttled_message(device))
        elif device.verify_token(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            django_otp.login(request, device)
            return HttpResponseRedirect(next_url)
        else:
            form.add_error("code", _("That code is not right. Check that your phone's clock is on time and write "
                                     "the newest code."))

    context = {
        **admin.site.each_context(request),
        "title": _("Set up your second factor") if enrolling else _("Second factor"),
        "subtitle": None,
        "form": form,
        "enrolling": enrolling,
        "next": next_url,
        "account": user.get_username(),
    }
    if enrolling:
        context.update({"qr_svg": qr_svg(device), "secret": readable_key(device)})
    return render(request, "admin/conecta/second_factor.html", context)


def _throttled_message(device: TOTPDevice) -> str:
    """How long to wait after wrong codes: django-otp doubles the wait after each one (1 s, 2 s, 4 s...)."""
    doubled = device.get_throttle_factor() * 2 ** max(device.throttling_failure_count - 1, 0)
    wait = min(doubled, MAX_THROTTLE_DELAY_SECONDS)
    if device.throttling_failure_timestamp is not None:
        wait -= (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    seconds = max(1, math.ceil(wait))
    return ngettext(
        "Too many wrong codes in a row. Wait %(seconds)d second and try the newest code.",
        "Too many wrong codes in a row. Wait %(seconds)d seconds and try the newest code.",
        seconds,
    ) % {"seconds": seconds}
