"""Everything that changes a subscription: asking to follow something, the double opt-in e-mail, confirming,
unsubscribing (one click or the page), the manage page's changes, and the retention rule. Each step adds a line
to the consent ledger (ConsentEvent); no line is ever changed or deleted.

What asking again does (the public form cannot tell who is typing an address, so it never changes what the
address already receives):
- nothing open for that address and thing: a new pending subscription and a confirmation e-mail;
- a pending one: it takes the new language and frequency, its `asked_at` becomes the new request's moment (the
  ledger keeps every request), and the confirmation e-mail is sent again (its link confirms what it describes);
- an active one: it stays exactly as it is (its `asked_at` and `confirmed_at` are those of the consent given;
  the ledger's "asked" line holds the new request's moment, which the e-mail gives); the address gets an e-mail
  saying it already follows that thing, with the link of its manage page, where only the holder of the mailbox
  can change the language or frequency. So a stranger who knows the address cannot change what it receives,
  and the person who asked still gets an answer by e-mail.
In every case, and when the address has had ALERTS_CONFIRMATIONS_PER_DAY such e-mails in 24 hours and nothing is
sent, the visitor sees the same page: the form never tells whether an address follows anything.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from conecta.claims import claim, release
from conecta.mail import send_templated

from . import targets, tokens
from .models import (
    ConsentEvent,
    ConsentEventKind,
    ConsentHow,
    Frequency,
    Recipient,
    Subscription,
    SubscriptionState,
)
from .tasks import send_confirmation_task

logger = logging.getLogger(__name__)

OPEN = (SubscriptionState.PENDING, SubscriptionState.ACTIVE)


# Reading the links' tokens (no change).


def normalise_email(email: str) -> str:
    """The address as stored: outer spaces dropped and the domain in lower case (the part before the @ is the
    mail server's to read, so it keeps its case; lookups ignore it, see _recipient_for)."""
    address = (email or "").strip()
    local, at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}" if at else address


def subscription_for_confirm_token(token: str) -> tuple[Subscription | None, bool]:
    """(the subscription of a confirmation link, whether the link expired); (None, False) for a forged or damaged
    link or one whose subscription is gone."""
    value, expired = tokens.read_confirm_token(token)
    if value is None:
        return None, False
    subscription = Subscription.objects.select_related("recipient").filter(token=value).first()
    return subscription, expired if subscription is not None else False


def recipient_for_unsubscribe_token(token: str) -> tuple[Recipient | None, str]:
    """(the recipient, the frequency) of an unsubscribe link; (None, "") for a bad link or a wiped address."""
    read = tokens.read_unsubscribe_token(token)
    if read is None:
        return None, ""
    recipient = Recipient.objects.filter(token=read[0], email__isnull=False).first()
    return recipient, read[1] if recipient is not None else ""


def recipient_for_manage_token(token: str) -> Recipient | None:
    value = tokens.read_manage_token(token)
    if value is None:
        return None
    return Recipient.objects.filter(token=value, email__isnull=False).first()


def absolute_url(viewname: str, *args) -> str:
    """The address of one of our pages in the active language, as an e-mail writes it."""
    return settings.SITE_URL.rstrip("/") + reverse(viewname, args=args)


# The ledger.


def _record(subscription, kind: str, how: str, *, at: datetime, ip_hash: str = "", detail: str = "") -> None:
    ConsentEvent.objects.create(
        subscription=subscription, kind=kind, how=how, at=at, ip_hash=ip_hash or "", detail=detail[:300]
    )


def _end(subscriptions, *, how: str, ip_hash: str, now: datetime) -> int:
    """End these (locked, open) subscriptions with one ledger line each."""
    subscriptions = list(subscriptions)
    if not subscriptions:
        return 0
    Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).update(
        state=SubscriptionState.ENDED, ended_at=now
    )
    ConsentEvent.objects.bulk_create(
        ConsentEvent(subscription=s, kind=ConsentEventKind.ENDED, how=how, at=now, ip_hash=ip_hash or "")
        for s in subscriptions
    )
    return len(subscriptions)


# Asking.


@dataclass(frozen=True)
class Asked:
    """What `subscribe` did; the visitor sees the same page whatever it was."""

    NEW = "new"
    ASKED_AGAIN = "asked_again"
    ALREADY_ACTIVE = "already_active"
    LIMITED = "limited"

    outcome: str
    subscription: Subscription | None


def confirmations_sent(email: str, *, now: datetime) -> int:
    """How many confirmation e-mails went to this address (whatever the case of the part before the @) in the
    24 hours before `now`, counted from the ledger."""
    return ConsentEvent.objects.filter(
        kind=ConsentEventKind.CONFIRMATION_SENT,
        at__gt=now - timedelta(hours=24),
        at__lte=now,
        subscription__recipient__email__iexact=email,
    ).count()


def _confirmations_queued(email: str, *, now: datetime) -> int:
    """The confirmation e-mails of this address asked for in the 24 hours before `now` and not claimed yet (still
    in the queue). One asked earlier and never sent (the broker lost it) no longer counts."""
    return (
        Subscription.objects.filter(
            recipient__email__iexact=email,
            state__in=OPEN,
            confirmation_sent_at=None,
            events__kind=ConsentEventKind.ASKED,
            events__at__gt=now - timedelta(hours=24),
        )
        .distinct()
        .count()
    )


def _recipient_for(email: str) -> tuple[Recipient | None, bool]:
    """(the locked recipient of this address or None, whether it may have another confirmation e-mail today).
    One recipient per address whatever the case of the part before the @, so that the per-address limit cannot
    be dodged by writing it differently."""
    recipient = Recipient.objects.select_for_update().filter(email__iexact=email).order_by("pk").first()
    if recipient is None:
        return None, True
    now = timezone.now()
    used = confirmations_sent(email, now=now) + _confirmations_queued(email, now=now)
    return recipient, used < settings.ALERTS_CONFIRMATIONS_PER_DAY


def _new_recipient(email: str) -> Recipient:
    try:
        with transaction.atomic():
            return Recipient.objects.create(email=email, token=secrets.token_urlsafe(32))
    except IntegrityError:  # the same address asked at the same instant: use that one
        return Recipient.objects.select_for_update().get(email=email)


@transaction.atomic
def subscribe(*, email: str, target: str, language: str, frequency: str, ip_hash: str) -> Asked:
    """Ask, from the public form, that `email` follow `target` (see the module's docstring for asking again).

    1. Check the values (ValueError: the form lets none of these through).
    2. Refuse when the address already had ALERTS_CONFIRMATIONS_PER_DAY confirmation e-mails in 24 hours, those
       sent and those queued: nothing is stored or sent.
    3. Make or update the subscription, write "asked" in the ledger, and queue the e-mail once this commits.
    """
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValueError(f"Not an e-mail address: {email!r}") from error
    if language not in dict(settings.LANGUAGES) or frequency not in Frequency.values:
        raise ValueError(f"Unknown language or frequency: {language!r}, {frequency!r}")
    label = targets.label_es(target)
    if not label:
        raise ValueError(f"Nothing to follow at {target!r}")

    now = timezone.now()
    recipient, allowed = _recipient_for(email)
    if not allowed:
        logger.info("Follow request refused: this address had its confirmation e-mails for today")
        return Asked(Asked.LIMITED, None)
    recipient = recipient or _new_recipient(email)
    subscription = Subscription.objects.select_for_update().filter(recipient=recipient, target=target, state__in=OPEN)
    subscription = subscription.first()
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    recipient=recipient,
                    target=target,
                    target_label=label[:300],
                    language=language,
                    frequency=frequency,
                    token=secrets.token_urlsafe(32),
                    asked_at=now,
                )
        except IntegrityError:  # asked twice at the same instant: the other request made it
            subscription = Subscription.objects.select_for_update().get(
                recipient=recipient, target=target, state__in=OPEN
            )
        else:
            _record(subscription, ConsentEventKind.ASKED, ConsentHow.FORM, at=now, ip_hash=ip_hash)
            send_confirmation_task.enqueue_on_commit(subscription.pk)
            return Asked(Asked.NEW, subscription)

    if subscription.state == SubscriptionState.PENDING:
        detail = f"asked again: {subscription.language}/{subscription.frequency} -> {language}/{frequency}"
        subscription.language, subscription.frequency = language, frequency
        subscription.asked_at, subscription.confirmation_sent_at = now, None
        subscription.save(update_fields=["language", "frequency", "asked_at", "confirmation_sent_at"])
        outcome = Asked.ASKED_AGAIN
    else:
        detail = f"already active, unchanged ({language}/{frequency} asked): manage link e-mailed"
        subscription.confirmation_sent_at = None
        subscription.save(update_fields=["confirmation_sent_at"])
        outcome = Asked.ALREADY_ACTIVE
    _record(subscription, ConsentEventKind.ASKED, ConsentHow.FORM, at=now, ip_hash=ip_hash, detail=detail)
    send_confirmation_task.enqueue_on_commit(subscription.pk)
    return Asked(outcome, subscription)


# The double opt-in e-mail.


def _last_asked(subscription: Subscription) -> datetime:
    """When the request the e-mail answers was made: the ledger's latest "asked" line. An active subscription keeps
    the `asked_at` of the request that was confirmed (its consent's date), so asking again for it shows only there."""
    last = subscription.events.filter(kind=ConsentEventKind.ASKED).aggregate(at=Max("at"))["at"]
    return last or subscription.asked_at


def _confirm_context(subscription: Subscription) -> dict:
    """The e-mail's context, built inside the subscription's language (send_templated calls it there)."""
    target = targets.resolve(subscription.target)
    return {
        "subscription": subscription,
        "label": target.label if target is not None else subscription.target_label,
        "target_url": settings.SITE_URL.rstrip("/") + target.url if target is not None else "",
        "asked_at": _last_asked(subscription),
        "frequency": subscription.get_frequency_display(),
        "already_active": subscription.state == SubscriptionState.ACTIVE,
        "confirm_url": absolute_url("alerts:confirm", tokens.confirm_token(subscription)),
        "manage_url": absolute_url("alerts:manage", tokens.manage_token(subscription.recipient)),
        "hours": settings.ALERTS_CONFIRM_HOURS,
        "site_url": settings.SITE_URL.rstrip("/"),
        "privacy_url": absolute_url("privacy"),
    }


def send_confirmation(*, subscription_id: int) -> bool:
    """Send the e-mail that answers a request from the form, once: for a pending subscription the confirmation
    link, for an active one the note that the address already follows it, with its manage link. Returns whether
    an e-mail went.

    1. Claim the subscription on `confirmation_sent_at` (only an open one): a second run finds it claimed.
    2. Check the per-address limit again (two requests may have passed it at the same time): over it, the claim
       stays and nothing is sent; the person can ask again tomorrow.
    3. Send; on a mail-server error, release the claim (the sweep or a retry sends it) and raise.
    4. Write "confirmation_sent" in the ledger.
    """
    claimed_at = claim(Subscription, pk=subscription_id, field="confirmation_sent_at", state__in=OPEN)
    if claimed_at is None:
        return False
    subscription = Subscription.objects.select_related("recipient").get(pk=subscription_id)
    email = subscription.recipient.email
    if not email:
        return False
    if confirmations_sent(email, now=claimed_at) >= settings.ALERTS_CONFIRMATIONS_PER_DAY:
        logger.info("Confirmation of subscription %s not sent: the address had its e-mails for today", subscription.pk)
        return False
    try:
        send_templated(
            to=[email],
            template="alerts/email/confirm",
            context=lambda: _confirm_context(subscription),
            language=subscription.language,
        )
    except Exception:
        release(Subscription, pk=subscription_id, field="confirmation_sent_at", claimed_at=claimed_at)
        raise
    detail = "already active: manage link" if subscription.state == SubscriptionState.ACTIVE else "confirm link"
    _record(subscription, ConsentEventKind.CONFIRMATION_SENT, ConsentHow.SYSTEM, at=claimed_at, detail=detail)
    return True


# Confirming.


@dataclass(frozen=True)
class Confirmation:
    CONFIRMED = "confirmed"
    ALREADY = "already"
    EXPIRED = "expired"
    ENDED = "ended"
    UNKNOWN = "unknown"

    outcome: str
    subscription: Subscription | None


@transaction.atomic
def confirm(*, token: str, ip_hash: str) -> Confirmation:
    """Confirm a subscription by the link of its e-mail (the POST of the confirm page): from then on it gets the
    changes noticed after this moment. A link older than ALERTS_CONFIRM_HOURS, or of a subscription that ended,
    confirms nothing."""
    subscription, expired = subscription_for_confirm_token(token)
    if subscription is None or not subscription.recipient.email:
        return Confirmation(Confirmation.UNKNOWN, None)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.state == SubscriptionState.ACTIVE:
        return Confirmation(Confirmation.ALREADY, subscription)
    if subscription.state == SubscriptionState.ENDED:
        return Confirmation(Confirmation.ENDED, subscription)
    if expired:
        return Confirmation(Confirmation.EXPIRED, subscription)
    now = timezone.now()
    subscription.state, subscription.confirmed_at = SubscriptionState.ACTIVE, now
    subscription.save(update_fields=["state", "confirmed_at"])
    _record(subscription, ConsentEventKind.CONFIRMED, ConsentHow.LINK, at=now, ip_hash=ip_hash)
    return Confirmation(Confirmation.CONFIRMED, subscription)


# Unsubscribing and the manage page.


def _open_of(recipient_token: str):
    return Subscription.objects.select_for_update(of=("self",)).filter(
        recipient__token=recipient_token, recipient__email__isnull=False, state__in=OPEN
    )


@transaction.atomic
def unsubscribe(*, recipient_token: str, frequency: str, how: str, ip_hash: str) -> int:
    """End every open subscription of that frequency of the address (the link in an alert of that frequency):
    `how` is ConsentHow.ONE_CLICK (the mail program's POST, RFC 8058) or UNSUBSCRIBE_PAGE. Returns how many
    ended; again, 0."""
    if how not in (ConsentHow.ONE_CLICK, ConsentHow.UNSUBSCRIBE_PAGE):
        raise ValueError(f"Not a way to unsubscribe: {how!r}")
    return _end(_open_of(recipient_token).filter(frequency=frequency), how=how, ip_hash=ip_hash, now=timezone.now())


@transaction.atomic
def manage_change(*, recipient_token: str, subscription_id: int, frequency: str, language: str, ip_hash: str) -> bool:
    """Change how often and in which language one open subscription of the address arrives (the manage page).
    Returns whether anything changed; ValueError for an unknown frequency or language."""
    if language not in dict(settings.LANGUAGES) or frequency not in Frequency.values:
        raise ValueError(f"Unknown language or frequency: {language!r}, {frequency!r}")
    subscription = _open_of(recipient_token).filter(pk=subscription_id).first()
    if subscription is None or (subscription.frequency, subscription.language) == (frequency, language):
        return False
    detail = f"{subscription.frequency}/{subscription.language} -> {frequency}/{language}"
    subscription.frequency, subscription.language = frequency, language
    subscription.save(update_fields=["frequency", "language"])
    _record(
        subscription,
        ConsentEventKind.CHANGED,
        ConsentHow.MANAGE_PAGE,
        at=timezone.now(),
        ip_hash=ip_hash,
        detail=detail,
    )
    return True


@transaction.atomic
def manage_end(*, recipient_token: str, subscription_id: int, ip_hash: str) -> int:
    """End one open subscription of the address (the manage page). Returns 1, or 0 when it was not open."""
    subscriptions = _open_of(recipient_token).filter(pk=subscription_id)
    return _end(subscriptions, how=ConsentHow.MANAGE_PAGE, ip_hash=ip_hash, now=timezone.now())


@transaction.atomic
def end_all(*, recipient_token: str, ip_hash: str, how: str = ConsentHow.MANAGE_PAGE) -> int:
    """End every open subscription of the address. Returns how many ended."""
    return _end(_open_of(recipient_token), how=how, ip_hash=ip_hash, now=timezone.now())


# Retention.


@dataclass(frozen=True)
class Anonymised:
    expired: int
    anonymised: int


def anonymise_expired(*, now: datetime | None = None) -> Anonymised:
    """The daily retention rule (alerts_anonymise_task).

    1. End the pending subscriptions asked more than ALERTS_CONFIRM_HOURS ago (their link no longer works):
       ledger "ended", how "expired".
    2. Wipe the address of each recipient with nothing pending or active whose last subscription ended more than
       ALERTS_RETENTION_MONTHS ago (or, with none, that was made that long ago): the address goes, the moment is
       kept, and its token is replaced so that the links of its old e-mails lead nowhere; ledger "anonymised",
       how "retention", for each of its subscriptions. The ledger itself is never deleted: it holds no address.
    """
    now = now or timezone.now()
    pending = Subscription.objects.filter(
        state=SubscriptionState.PENDING, asked_at__lt=now - timedelta(hours=settings.ALERTS_CONFIRM_HOURS)
    )
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(pending.select_for_update()[: settings.ALERTS_BATCH])
            expired += _end(batch, how=ConsentHow.EXPIRED, ip_hash="", now=now)
        if len(batch) < settings.ALERTS_BATCH:
            break

    cutoff = now - timedelta(days=round(settings.ALERTS_RETENTION_MONTHS * 365.25 / 12))
    kept = Recipient.objects.filter(email__isnull=False).exclude(
        Exists(Subscription.objects.filter(recipient=OuterRef("pk"), state__in=OPEN))
    )
    kept = kept.annotate(last_end=Max("subscriptions__ended_at")).filter(
        Q(last_end__lt=cutoff) | Q(last_end__isnull=True, created_at__lt=cutoff)
    )
    anonymised = 0
    while True:
        with transaction.atomic():
            # Locked and checked again: a request from the form for this address waits for this, or wins.
            pks = list(kept.values_list("pk", flat=True)[: settings.ALERTS_BATCH])
            list(Recipient.objects.select_for_update().filter(pk__in=pks).values_list("pk", flat=True))
            anonymised += _wipe(kept.filter(pk__in=pks).values_list("pk", flat=True), how=ConsentHow.RETENTION, now=now)
        if len(pks) < settings.ALERTS_BATCH:
            break
    return Anonymised(expired=expired, anonymised=anonymised)


def _wipe(recipient_ids, *, how: str, now: datetime) -> int:
    """Wipe the addresses of these (locked) recipients: the address goes, the moment stays, the token is replaced
    (the links of their old e-mails lead nowhere), and each of their subscriptions gets an "anonymised" line."""
    recipient_ids = list(recipient_ids)
    for pk in recipient_ids:
        Recipient.objects.filter(pk=pk).update(email=None, anonymised_at=now, token=secrets.token_urlsafe(32))
    ConsentEvent.objects.bulk_create(
        ConsentEvent(subscription_id=pk, kind=ConsentEventKind.ANONYMISED, how=how, at=now)
        for pk in Subscription.objects.filter(recipient__in=recipient_ids).values_list("pk", flat=True)
    )
    return len(recipient_ids)


# At the person's request, by staff (the admin's actions).


@transaction.atomic
def staff_end(*, subscription_ids: list[int]) -> int:
    """End these subscriptions, those still open, at the person's request (ledger "ended", how "staff"). Returns
    how many ended."""
    subscriptions = Subscription.objects.select_for_update().filter(pk__in=subscription_ids, state__in=OPEN)
    return _end(subscriptions, how=ConsentHow.STAFF, ip_hash="", now=timezone.now())


@transaction.atomic
def staff_anonymise(*, recipient_ids: list[int]) -> int:
    """Wipe these addresses now, at the person's request, whatever the retention period: their open
    subscriptions end (how "staff"), then each address is anonymised (how "staff"). Returns how many addresses
    were wiped (those anonymised already are left as they are)."""
    now = timezone.now()
    locked = list(
        Recipient.objects.select_for_update()
        .filter(pk__in=recipient_ids, anonymised_at__isnull=True)
        .values_list("pk", flat=True)
    )
    open_ones = Subscription.objects.select_for_update().filter(recipient__in=locked, state__in=OPEN)
    _end(open_ones, how=ConsentHow.STAFF, ip_hash="", now=now)
    return _wipe(locked, how=ConsentHow.STAFF, now=now)
