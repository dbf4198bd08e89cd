"""What every public form of the portal shares: clean plain text, a honeypot, an idempotency token, per-address
rate limits, and the page a visitor sees when limited.

CSRF is Django's own (every form renders `{% csrf_token %}` and the middleware checks it; feedback.views
.csrf_failure explains a refusal in the visitor's language). The pages that hold a form are never cached whole
(conecta.cache refuses a page that used a CSRF token), so the cached pages link to them instead.

Rate limits count attempts in Django's cache (LocMemCache per process by default, Redis through CACHE_URL in
production, shared by every process): one counter per form, per network address, per fixed window. The address
itself is never stored, here or anywhere: only a keyed hash of it (`ip_hash`).
"""

from __future__ import annotations

import math
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

# The characters a person may write: every Unicode letter, mark, number, symbol, emoji sequence and format
# character (Kichwa, Spanish, right-to-left scripts, zero-width joiners inside emoji) stay; control characters
# (category Cc: NUL, escape, bell...) go, except the line break and the tab.
_KEPT_CONTROLS = {"\n", "\t"}


def clean_text(value: str | None, *, multiline: bool = True) -> str:
    """Plain text as stored: line breaks normalised to "\\n", control characters (NUL included) removed, outer
    whitespace trimmed. A one-line field also turns line breaks and tabs into spaces."""
    if not value:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in _KEPT_CONTROLS or unicodedata.category(ch) != "Cc")
    if not multiline:
        text = " ".join(text.replace("\t", " ").split("\n"))
    return text.strip()


def keyed_hash(kind: str, value: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY) that links records of the same address or contact without
    keeping the value itself; empty for an empty value. `kind` keeps e-mail, phone and IP hashes apart."""
    if not value:
        return ""
    return salted_hmac(f"conecta.feedback.{kind}", value, algorithm="sha256").hexdigest()


def email_hash(email: str) -> str:
    return keyed_hash("email", (email or "").strip().casefold())


def phone_hash(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    # +593 99 123 4567 and 099 123 4567 are the same Ecuadorian mobile number.
    if digits.startswith("593"):
        digits = "0" + digits[3:]
    return keyed_hash("phone", digits)


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or, behind the portal's own reverse proxy (BEHIND_PROXY=1), the last
    address of X-Forwarded-For (the one that proxy saw; anything before it the visitor could have forged)."""
    if settings.PARTICIPATION_TRUST_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def ip_hash(request) -> str:
    return keyed_hash("ip", client_ip(request))


# Rate limits.


@dataclass(frozen=True)
class Limit:
    attempts: int
    seconds: int


def limit_for(scope: str) -> Limit:
    attempts, minutes = settings.PARTICIPATION_RATE_LIMITS.get(scope, settings.PARTICIPATION_RATE_LIMITS["default"])
    return Limit(attempts=attempts, seconds=minutes * 60)


def rate_limit_hit(request, scope: str) -> int | None:
    """Count one attempt of `scope` from this visitor's address; return the seconds to wait when it is one too
    many, else None.

    A fixed window per address: the counter's key names the window it counts, so it needs no reset and the
    wait is the rest of the window. `cache.add` then `cache.incr` is atomic in Redis and in LocMemCache.
    """
    limit = limit_for(scope)
    now = time.time()
    window = int(now // limit.seconds)
    key = f"conecta:rl:{scope}:{ip_hash(request) or 'none'}:{window}"
    cache.add(key, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this attempt as the first
        cache.set(key, 1, timeout=limit.seconds + 5)
        count = 1
    if count <= limit.attempts:
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def too_many_attempts(request, wait_seconds: int):
    """HTTP 429 with a page that says, in the visitor's language, how long to wait."""
    minutes = max(1, math.ceil(wait_seconds / 60))
    response = render(request, "feedback/too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


# "Once per browser" (an evaluation of a commitment, the answers to a survey): a signed cookie holding the day it
# was done. Signed, so it cannot be forged; dropping it is stopped by the rate limits.


def done_on(request, name: str, *, salt: str, max_age: timedelta | None = None) -> date | None:
    """The day this browser did the once-only thing our signed cookie `name` remembers, or None."""
    value = request.get_signed_cookie(name, default=None, salt=salt, max_age=max_age)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def remember_done(response, name: str, *, salt: str, day: date, keep: timedelta) -> None:
    response.set_signed_cookie(
        name,
        day.isoformat(),
        salt=salt,
        max_age=int(keep.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


# The idempotency token and the honeypot.

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
HONEYPOT_FIELD = "hp_check"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def posted_token(data) -> str:
    """The idempotency token of a POST, or "" when it is missing or not one of ours."""
    token = data.get("token", "") if data is not None else ""
    return token if isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) else ""


class PlainTextField(forms.CharField):
    """A CharField whose value is cleaned by `clean_text` before its length is checked."""

    def __init__(self, *, multiline: bool = True, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_text(super().to_python(value), multiline=self.multiline)


class ProtectedForm(forms.Form):
    """Base of every public form: the idempotency token and the honeypot.

    The honeypot is a text field no person sees (its wrapper carries the `hidden` attribute, so neither a
    browser without our stylesheet nor a screen reader shows it); its label asks to leave it empty, for the
    rare reader who meets it anyway. Programs that fill every field fill it, and the form is refused.
    """

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    hp_check = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    honeypot_message = _("We could not accept this form. If you are a person, please send it again.")
    expired_message = _("This form has expired. Please check what you wrote and send it again.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", new_token())

    def clean_token(self):
        token = self.cleaned_data.get("token", "")
        if not TOKEN_PATTERN.fullmatch(token or ""):
            raise forms.ValidationError(self.expired_message, code="token")
        return token

    def clean_hp_check(self):
        if self.cleaned_data.get("hp_check"):
            raise forms.ValidationError(self.honeypot_message, code="honeypot")
        return ""

    def renew_token_if_invalid(self) -> None:
        """After a refused token, the form shown again carries a fresh one, so the next send can succeed."""
        if "token" in self.errors:
            data = self.data.copy()
            data["token"] = new_token()
            self.data = data

    def error_list(self) -> list[dict]:
        """Every error for the summary at the top of the page: its message and the field to jump to (the first
        option of a group of radio buttons). The token's and the honeypot's errors point at the form itself
        (those fields are not visible)."""
        errors = []
        for name, messages in self.errors.items():
            if name in (forms.forms.NON_FIELD_ERRORS, "token", HONEYPOT_FIELD):
                target = "form-start"
            else:
                field = self[name]
                target = f"{field.auto_id}_0" if field.widget_type == "radioselect" else field.auto_id
            errors += [{"target": target, "message": message} for message in messages]
        return errors
