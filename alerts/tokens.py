"""The links of the alerts' e-mails. Each carries an opaque random token (nothing in it says who or what) signed
with SECRET_KEY, so that a mistyped or forged link is refused before the database is asked:

- confirm: the double opt-in link of one subscription; it expires after ALERTS_CONFIRM_HOURS.
- unsubscribe: in every alert (List-Unsubscribe, RFC 8058): ends the address's subscriptions of that e-mail's
  frequency. Never expires: an old e-mail's link must still work.
- manage: the page that lists and manages every subscription of one address. Never expires.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing

from .models import Frequency

_CONFIRM = "conecta.alerts.confirm"
_UNSUBSCRIBE = "conecta.alerts.unsubscribe"
_MANAGE = "conecta.alerts.manage"


def confirm_token(subscription) -> str:
    return signing.TimestampSigner(salt=_CONFIRM).sign(subscription.token)


def read_confirm_token(value: str) -> tuple[str | None, bool]:
    """(the subscription's token, expired?): (token, False) when valid, (token, True) when well signed but too old,
    (None, False) when forged or damaged."""
    signer = signing.TimestampSigner(salt=_CONFIRM)
    try:
        return signer.unsign(value, max_age=timedelta(hours=settings.ALERTS_CONFIRM_HOURS)), False
    except signing.SignatureExpired:
        return signer.unsign(value), True
    except signing.BadSignature:
        return None, False


def unsubscribe_token(recipient, frequency: str) -> str:
    return signing.Signer(salt=_UNSUBSCRIBE).sign(f"{recipient.token}.{frequency}")


def read_unsubscribe_token(value: str) -> tuple[str, str] | None:
    """(the recipient's token, the frequency) of a valid link, else None."""
    try:
        raw = signing.Signer(salt=_UNSUBSCRIBE).unsign(value)
    except signing.BadSignature:
        return None
    token, _sep, frequency = raw.rpartition(".")
    if not token or frequency not in Frequency.values:
        return None
    return token, frequency


def manage_token(recipient) -> str:
    return signing.Signer(salt=_MANAGE).sign(recipient.token)


def read_manage_token(value: str) -> str | None:
    """The recipient's token of a valid link, else None."""
    try:
        return signing.Signer(salt=_MANAGE).unsign(value)
    except signing.BadSignature:
        return None
