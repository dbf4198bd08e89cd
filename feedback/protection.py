"""What every public form of the portal shares: clean plain text, a honeypot, an idempotency token, per-address
rate limits, the page a visitor sees when limited, and the order of those checks (`submit_once`).

CSRF is Django's own (every form renders `{% csrf_token %}` and the middleware checks it; feedback.views
.csrf_failure explains a refusal in the visitor's language). The pages that hold a form are never cached whole
(conecta.cache refuses a page that used a CSRF token), so the cached pages link to them instead.

Rate limits count attempts in Django's cache (LocMemCache per process by default, Redis through CACHE_URL in
production, shared by every process): one counter per form, per network address, per fixed window. The address
itself is never stored, here or anywhere: only a keyed hash of it (`ip_hash`), made with a random key that
changes every settings.PARTICIPATION_ADDRESS_KEY_DAYS days and is deleted when its period ends (AddressKey).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from conecta.net import client_ip  # noqa: F401 - re-exported: the visitor's address (TRUSTED_PROXIES)
from conecta.text import clean_text  # noqa: F401 - the public forms' cleaning, shared with every save


def keyed_hash(kind: str, value: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY) that links records of the same contact without keeping the
    value itself; empty for an empty value. `kind` keeps e-mail and phone hashes apart.

    E-mail and phone hashes keep one key for good, unlike the network-address hashes: each is stored only beside
    the e-mail or number it hashes and wiped with it (anonymisation, rectification), so it never outlives the
    value, and only someone holding SECRET_KEY, who can read the value itself, could test a guess against it; a
    rotating key would protect nothing, and would break what the hash is for: linking everything one person sent
    over the whole retention period, to anonymise all of it when they ask."""
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


# The network-address hashes: a random key per period, kept in the database and deleted when the period ends.


def address_key_period(now: datetime | None = None) -> int:
    """The number of the period `now` falls in: periods of settings.PARTICIPATION_ADDRESS_KEY_DAYS days."""
    moment = now or timezone.now()
    return int(moment.timestamp() // (max(1, settings.PARTICIPATION_ADDRESS_KEY_DAYS) * 86400))


def address_key_secret(*, now: datetime | None = None, create: bool = True) -> str | None:
    """The key of the period `now` falls in: read, or (the period's first hash) made at random, at which point
    the keys of earlier periods are deleted. None when it does not exist and `create` is False."""
    from .models import AddressKey

    period = address_key_period(now)
    secret = AddressKey.objects.filter(period=period).values_list("secret", flat=True).first()
    if secret is not None or not create:
        return secret
    try:
        with transaction.atomic():
            AddressKey.objects.create(period=period, secret=secrets.token_hex(32))
    except IntegrityError:
        pass  # another request of the same instant made it: use theirs
    address_keys_expire(now=now)
    return AddressKey.objects.filter(period=period).values_list("secret", flat=True).get()


def address_keys_expire(*, now: datetime | None = None) -> int:
    """Delete the keys of the periods before the one `now` falls in (also run daily, with the anonymisation,
    for the days nobody sends anything). Returns how many went."""
    from .models import AddressKey

    deleted, _by_model = AddressKey.objects.filter(period__lt=address_key_period(now)).delete()
    return deleted


def _counter_hash(request) -> str:
    """The address as the rate-limit counters name it: hashed with a random key of the period that lives only in
    the cache beside the counters (no database query on a page that is only rate-limited), gone with it."""
    address = client_ip(request)
    if not address:
        return ""
    name = f"conecta:rl-key:{address_key_period()}"
    secret = cache.get(name)
    if secret is None:
        cache.add(name, secrets.token_hex(32), timeout=max(1, settings.PARTICIPATION_ADDRESS_KEY_DAYS) * 86400)
        secret = cache.get(name) or _PROCESS_SECRET  # the cache is down: the counters are too
    return _address_hmac(secret, address)


def _address_hmac(secret: str, text: str) -> str:
    return hmac.new(bytes.fromhex(secret), text.encode(), hashlib.sha256).hexdigest()


_PROCESS_SECRET = secrets.token_hex(32)


def ip_hash(request, *, now: datetime | None = None) -> str:
    """The keyed hash of the visitor's address with the key of the current period; empty with no address."""
    address = client_ip(request)
    if not address:
        return ""
    secret = address_key_secret(now=now)
    return _address_hmac(secret, f"conecta.feedback.ip:{address}")


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
    key = f"conecta:rl:{scope}:{_counter_hash(request) or 'none'}:{window}"
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


# A public form that stores something once.


def submit_once(
    request,
    *,
    scope: str,
    form: Callable[[QueryDict | None], ProtectedForm],
    save: Callable[[ProtectedForm], HttpResponse],
    show: Callable[..., HttpResponse],
    replay: Callable[[str], HttpResponse | None],
    done: date | None = None,
) -> HttpResponse:
    """The response of a public form that stores something once per form token (a suggestion, a comment, an
    evaluation, a reply, a survey's answers), to a GET or a POST. Every one of them checks in this order:

    1. A token already used (a double click, a reload, a replay): `replay(token)` gives the response the first
       send got, nothing is stored twice; None for a new token.
    2. Done before in this browser (`done`: the day its signed cookie holds, see done_on): that page,
       `show(None, done=done, status=...)`, with 409 for a POST.
    3. A GET: the empty form, `show(form(None))`.
    4. Too many attempts from this address (`scope` names the rate limit): the 429 page.
    5. The form sent: `save(form)` when it is valid (its response, a redirect), else `show(form)` with its errors.
    """
    posting = request.method == "POST"
    token = posted_token(request.POST) if posting else ""
    if token:
        response = replay(token)
        if response is not None:
            return response
    if done is not None:
        return show(None, done=done, status=409 if posting else 200)
    if not posting:
        return show(form(None))
    wait = rate_limit_hit(request, scope)
    if wait:
        return too_many_attempts(request, wait)
    sent = form(request.POST)
    return save(sent) if sent.is_valid() else show(sent)
