"""The alert e-mails: which windows are due, what each address gets in one, and sending them once.

1. Windows (`due_runs`). Each frequency cuts time into consecutive windows, one AlertRun each: "at once" into
   windows of ALERTS_SWEEP_MINUTES ending on multiples of it; daily into days ending at ALERTS_SEND_HOUR:00 in
   Pastaza (America/Guayaquil, the portal's TIME_ZONE); weekly into weeks ending on Mondays at that hour. A window
   starts where the last run of its frequency ended; the very first is the one the sweep finds itself in. After an
   outage the sweep builds every window it missed, oldest first, but none older than MISSED_WINDOWS_CAP (a daily
   alert about something nine days old is no longer news). A run is unique per frequency and window end, and built
   once (claimed on `built_at`), so a window is never built twice.
2. Build (`build_run`). The changes noticed in [start, end) that are not `silent`, matched against the active
   subscriptions of that frequency confirmed before each change was noticed: one Digest per address and language,
   listing each change once however many of the address's subscriptions it concerns (a commitment and its
   parish). The subscriptions are indexed by target in memory: the queries do not grow with the subscribers.
3. Send (`send_digests`). A batch over one SMTP connection. Each digest is claimed on `sent_at` just before it is
   sent, and released when the mail server refuses it (`attempts` and `last_error` say so; after MAX_ATTEMPTS it
   is left for staff). Nothing is sent for an anonymised address, for subscriptions all ended since, or when every
   change was unpublished since (alerts.changes.render keeps only what is still public): the digest is `skipped`.
4. Sweep (`sweep`, every ALERTS_SWEEP_MINUTES). Notice the new changes, build the due runs, queue every digest not
   sent yet in batches of ALERTS_BATCH, and the confirmation e-mails a broker outage held back. Queued with
   `enqueue()`: when the broker is down nothing waits, and the next sweep queues it again; the claims make a task
   delivered twice (or a sweep's second copy) send nothing more.
"""

from __future__ import annotations

import logging
import smtplib
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from conecta.claims import claim, release
from conecta.mail import mail_language, templated_message

from . import changes as alert_changes
from .models import AlertRun, Change, Digest, Frequency, Recipient, Subscription, SubscriptionState
from .tokens import manage_token, unsubscribe_token

logger = logging.getLogger(__name__)

# The oldest window a sweep still builds after an outage.
MISSED_WINDOWS_CAP = timedelta(days=8)
# A digest the mail server refused this many times is not retried (staff see its last error in the admin).
MAX_ATTEMPTS = 5
# A confirmation asked this long ago and still unsent was held back by the broker: the sweep queues it again.
CONFIRMATION_GRACE = timedelta(minutes=1)
# Keys per `target IN (...)`, well under SQLite's limit of bound parameters.
KEYS_PER_QUERY = 500
# Digests written per INSERT, and held in memory at once while a run is built.
DIGESTS_PER_INSERT = 1000


# 1. Windows.


def _at_send_hour(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(settings.ALERTS_SEND_HOUR)))


def window_floor(frequency: str, moment: datetime) -> datetime:
    """The boundary of `frequency`'s windows at or before `moment`: the start of the window `moment` is in."""
    if frequency == Frequency.INSTANT:
        step = settings.ALERTS_SWEEP_MINUTES * 60
        seconds = int(moment.timestamp())
        return datetime.fromtimestamp(seconds - seconds % step, tz=moment.tzinfo or timezone.get_default_timezone())
    day = timezone.localtime(moment).date()
    if frequency == Frequency.WEEKLY:
        day -= timedelta(days=day.weekday())  # Monday
    boundary = _at_send_hour(day)
    if boundary > moment:
        boundary = _at_send_hour(day - timedelta(days=7 if frequency == Frequency.WEEKLY else 1))
    return boundary


def window_end(frequency: str, start: datetime) -> datetime:
    """The first boundary after `start`: the end of the window that starts (or lies) at `start`."""
    floor = window_floor(frequency, start)
    if frequency == Frequency.INSTANT:
        return floor + timedelta(minutes=settings.ALERTS_SWEEP_MINUTES)
    days = 7 if frequency == Frequency.WEEKLY else 1
    return _at_send_hour(timezone.localtime(floor).date() + timedelta(days=days))


def windows(frequency: str, *, last_end: datetime | None, now: datetime) -> list[tuple[datetime, datetime]]:
    """The windows of `frequency` to record after the last run (which ended at `last_end`, None for none yet), up
    to and including the one `now` is in, oldest first: consecutive from `last_end`, none before the cap."""
    oldest = window_floor(frequency, now - MISSED_WINDOWS_CAP)
    start = window_floor(frequency, now) if last_end is None else max(last_end, oldest)
    found = []
    while start <= now:
        end = window_end(frequency, start)
        found.append((start, end))
        start = end
    return found


def due_runs(*, now: datetime) -> list[AlertRun]:
    """Record the windows of every frequency up to the current one (which stays open until it ends), and return
    the runs whose window has ended and that are not built yet, oldest first. Two sweeps at once record the same
    rows once (unique frequency + window end)."""
    last_ends = {
        run["frequency"]: run["last_end"]
        for run in AlertRun.objects.order_by().values("frequency").annotate(last_end=Max("window_end"))
    }
    new = [
        AlertRun(frequency=frequency, window_start=start, window_end=end)
        for frequency in Frequency.values
        for start, end in windows(frequency, last_end=last_ends.get(frequency), now=now)
    ]
    AlertRun.objects.bulk_create(new, ignore_conflicts=True)
    return list(
        AlertRun.objects.filter(built_at=None, window_end__lte=now, window_end__gt=now - MISSED_WINDOWS_CAP).order_by(
            "window_end", "pk"
        )
    )


# 2. Build.


def _subscriptions_following(frequency: str, keys: Iterable[str], *, before: datetime) -> Iterator[tuple]:
    """(pk, recipient_id, language, target, confirmed_at) of the active subscriptions of `frequency` to any of
    `keys`, confirmed before `before`, whose address is still there."""
    keys = sorted(keys)
    for first in range(0, len(keys), KEYS_PER_QUERY):
        yield from (
            Subscription.objects.filter(
                state=SubscriptionState.ACTIVE,
                frequency=frequency,
                target__in=keys[first : first + KEYS_PER_QUERY],
                confirmed_at__lt=before,
                recipient__anonymised_at=None,
            )
            .order_by()
            .values_list("pk", "recipient_id", "language", "target", "confirmed_at")
            .iterator(chunk_size=2000)
        )


def _group(run: AlertRun) -> tuple[int, dict[tuple[int, str], list[tuple[int, list[int]]]], list[int]]:
    """(number of changes, {(recipient, language): [(subscription, positions of its changes)]}, change pks in
    order). The positions index the run's changes in the order they were noticed; a subscription's list is shared
    with every other subscription to the same target confirmed before all of them (most), not copied."""
    found = list(
        Change.objects.filter(noticed_at__gte=run.window_start, noticed_at__lt=run.window_end, silent=False)
        .order_by("noticed_at", "pk")
        .values_list("pk", "targets", "noticed_at")
    )
    positions: dict[str, list[int]] = defaultdict(list)
    for position, (_pk, targets, _noticed) in enumerate(found):
        for target in dict.fromkeys(targets or ()):
            positions[target].append(position)
    noticed = {target: [found[p][2] for p in listed] for target, listed in positions.items()}
    groups: dict[tuple[int, str], list[tuple[int, list[int]]]] = defaultdict(list)
    if found:
        for pk, recipient_id, language, target, confirmed_at in _subscriptions_following(
            run.frequency, positions, before=found[-1][2]
        ):
            # Only what was noticed after the subscription was confirmed.
            first = bisect_right(noticed[target], confirmed_at)
            listed = positions[target]
            if first < len(listed):
                groups[(recipient_id, language)].append((pk, listed if first == 0 else listed[first:]))
    return len(found), groups, [pk for pk, _targets, _noticed in found]


def _digests(run: AlertRun, groups: dict, pks: list[int]) -> Iterator[Digest]:
    for (recipient_id, language), subscriptions in sorted(groups.items()):
        if len(subscriptions) == 1:
            listed = subscriptions[0][1]
        else:
            listed = sorted(set().union(*(positions for _pk, positions in subscriptions)))
        yield Digest(
            run=run,
            recipient_id=recipient_id,
            language=language,
            change_ids=[pks[p] for p in listed],
            subscription_ids=sorted(pk for pk, _positions in subscriptions),
        )


def build_run(*, run: AlertRun) -> int:
    """Build the digests of one run, once: claimed on `built_at` in the same transaction as the digests, so a
    build that fails leaves the run to the next sweep. Returns the number of digests (0 when another sweep built
    it)."""
    with transaction.atomic():
        if claim(AlertRun, pk=run.pk, field="built_at") is None:
            return 0
        count, groups, pks = _group(run)
        made = 0
        batch: list[Digest] = []
        for digest in _digests(run, groups, pks):
            batch.append(digest)
            if len(batch) == DIGESTS_PER_INSERT:
                Digest.objects.bulk_create(batch, ignore_conflicts=True)
                made, batch = made + len(batch), []
        if batch:
            Digest.objects.bulk_create(batch, ignore_conflicts=True)
            made += len(batch)
        AlertRun.objects.filter(pk=run.pk).update(changes=count, digests=made)
    return made


# 3. Send.


@dataclass(frozen=True)
class Item:
    """One change as every e-mail of a batch in one language shows it, written once for all of them."""

    change: object  # alerts.changes.RenderedChange
    plain: str
    html: str


def _item(change, language: str) -> Item:
    context = {"item": change, "language": mail_language(language)}
    return Item(
        change=change,
        plain=render_to_string("alerts/email/includes/_item.txt", context),
        html=render_to_string("alerts/email/includes/_item.html", context),
    )


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def list_id(frequency: str) -> str:
    """RFC 2919: one list per frequency, as one unsubscribe link ends one frequency."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"Conecta Pastaza <{frequency}.alertas.{host}>"


def _message(digest: Digest, items: list[Item], followed: list[str], connection):
    """The e-mail of one digest, in its language: plain text and a light HTML part (inline styles, no images,
    nothing loaded from elsewhere), with the one-click unsubscribe headers (RFC 8058)."""
    recipient, frequency = digest.recipient, digest.run.frequency
    language = mail_language(digest.language)
    with translation.override(language):  # reverse() puts the language in the path
        unsubscribe_url = _site(
            reverse("alerts:unsubscribe", kwargs={"token": unsubscribe_token(recipient, frequency)})
        )
        manage_url = _site(reverse("alerts:manage", kwargs={"token": manage_token(recipient)}))
        privacy_url = _site(reverse("privacy"))
        home_url = _site(reverse("commitments:home"))
    # A long digest (a canton's follower on a busy day) is cut, newest kept, so that mail programs do not clip it
    # (Gmail hides what follows 102 KB) and the unsubscribe link at its end stays in sight.
    more = max(0, len(items) - settings.ALERTS_MAX_ITEMS)
    return templated_message(
        to=[recipient.email],
        template="alerts/email/digest",
        context={
            "language": language,
            "items": items[more:],
            "count": len(items),
            "more": more,
            "home_url": home_url,
            "followed": followed,
            "frequency": frequency,
            "unsubscribe_url": unsubscribe_url,
            "manage_url": manage_url,
            "privacy_url": privacy_url,
        },
        language=language,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": list_id(frequency),
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
        },
        connection=connection,
    )


def _connection_lost(error: Exception) -> bool:
    """Whether the mail server went away (the rest of the batch would fail too), rather than refusing this one
    message."""
    refused = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
    return isinstance(error, OSError) and not isinstance(error, refused)


def _failed(pk: int, claimed_at: datetime, error: Exception) -> None:
    release(Digest, pk=pk, field="sent_at", claimed_at=claimed_at)
    Digest.objects.filter(pk=pk).update(attempts=F("attempts") + 1, last_error=_error_text(error))


def _error_text(error: Exception) -> str:
    return f"{error.__class__.__name__}: {error}"[:300]


class _Batch:
    """What the digests of one batch need, read in a constant number of queries: their subscriptions, changes,
    what each address follows, and the changes rendered once per language."""

    def __init__(self, digests: list[Digest]):
        subscription_ids = {pk for digest in digests for pk in digest.subscription_ids}
        change_ids = {pk for digest in digests for pk in digest.change_ids}
        self.subscriptions = {
            pk: (target, state, frequency)
            for pk, target, state, frequency in Subscription.objects.filter(pk__in=subscription_ids).values_list(
                "pk", "target", "state", "frequency"
            )
        }
        self.targets = dict(Change.objects.filter(pk__in=change_ids).values_list("pk", "targets"))
        # What each address follows at each frequency, as it was called when followed (in Spanish).
        self.followed: dict[tuple[int, str], list[str]] = defaultdict(list)
        for recipient_id, frequency, label in (
            Subscription.objects.filter(
                recipient_id__in={digest.recipient_id for digest in digests}, state=SubscriptionState.ACTIVE
            )
            .order_by("target_label", "pk")
            .values_list("recipient_id", "frequency", "target_label")
        ):
            self.followed[(recipient_id, frequency)].append(label)
        by_language: dict[str, set[int]] = defaultdict(set)
        for digest in digests:
            by_language[digest.language].update(digest.change_ids)
        self.rendered: dict[str, dict[int, Item]] = {}
        for language, ids in by_language.items():
            listed = Change.objects.filter(pk__in=ids).order_by("noticed_at", "pk")
            with translation.override(mail_language(language)):
                rendered = alert_changes.render(list(listed), language=mail_language(language))
                self.rendered[language] = {change.change_id: _item(change, language) for change in rendered}

    def items(self, digest: Digest) -> list[Item]:
        """The changes of `digest` still worth sending: still public, and concerning a subscription of
        the digest still active at the run's frequency. Empty when nothing is left."""
        frequency = digest.run.frequency
        subscriptions = filter(None, map(self.subscriptions.get, digest.subscription_ids))
        live = {
            target
            for target, state, sub_frequency in subscriptions
            if state == SubscriptionState.ACTIVE and sub_frequency == frequency
        }
        if not live:
            return []
        rendered = self.rendered.get(digest.language, {})
        return [
            rendered[pk] for pk in digest.change_ids if pk in rendered and live.intersection(self.targets.get(pk) or ())
        ]


def _gone(recipient: Recipient) -> bool:
    return recipient.anonymised_at is not None or not recipient.email


def send_digests(*, digest_ids: list[int]) -> int:
    """Send the digests `digest_ids` not sent yet over one SMTP connection; returns how many were sent. Each is
    claimed just before it is sent: a task delivered twice, or two copies queued by two sweeps, send it once."""
    digests = list(
        Digest.objects.filter(pk__in=digest_ids, sent_at=None, skipped=False, attempts__lt=MAX_ATTEMPTS)
        .select_related("recipient", "run")
        .order_by("pk")
    )
    if not digests:
        return 0
    batch = _Batch(digests)
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - the server is down: nothing was claimed, the next sweep retries
        logger.warning("Mail server unavailable; %d alert e-mails wait for the next sweep", len(digests), exc_info=True)
        Digest.objects.filter(pk__in=[d.pk for d in digests]).update(last_error=_error_text(error))
        return 0
    sent = 0
    try:
        for digest in digests:
            claimed_at = claim(Digest, pk=digest.pk, field="sent_at", skipped=False, attempts__lt=MAX_ATTEMPTS)
            if claimed_at is None:
                continue
            items = [] if _gone(digest.recipient) else batch.items(digest)
            if not items:
                Digest.objects.filter(pk=digest.pk, sent_at=claimed_at).update(sent_at=None, skipped=True)
                continue
            try:
                followed = batch.followed.get((digest.recipient_id, digest.run.frequency), [])
                _message(digest, items, followed, connection).send()
            except Exception as error:
                logger.warning("Alert e-mail %s not sent", digest.pk, exc_info=True)
                _failed(digest.pk, claimed_at, error)
                if _connection_lost(error):
                    break  # the rest stays unclaimed for the next sweep
                continue
            sent += 1
    finally:
        connection.close()
    return sent


# 4. Sweep.


@dataclass(frozen=True)
class Swept:
    noticed: int
    runs: int
    digests: int
    queued: int
    confirmations: int


def queue_unsent() -> int:
    """Queue every digest not sent nor skipped (and not given up on) in batches of ALERTS_BATCH; returns how many
    were handed to the broker (or sent, without one)."""
    from .tasks import send_digests_task

    pks = list(
        Digest.objects.filter(sent_at=None, skipped=False, attempts__lt=MAX_ATTEMPTS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued = 0
    for first in range(0, len(pks), settings.ALERTS_BATCH):
        batch = pks[first : first + settings.ALERTS_BATCH]
        if send_digests_task.enqueue(batch):
            queued += len(batch)
    return queued


def queue_confirmations(*, now: datetime) -> int:
    """Queue the confirmation e-mails that were never sent (the broker was down when they were asked for), while
    their link can still be used."""
    from .tasks import send_confirmation_task

    pks = list(
        Subscription.objects.filter(
            state=SubscriptionState.PENDING,
            confirmation_sent_at=None,
            asked_at__lte=now - CONFIRMATION_GRACE,
            asked_at__gt=now - timedelta(hours=settings.ALERTS_CONFIRM_HOURS),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in pks if send_confirmation_task.enqueue(pk))


def sweep() -> Swept:
    """1. notice the newly published changes; 2. build the runs due, oldest first; 3. queue the digests not sent
    yet; 4. queue the confirmations the broker missed."""
    noticed = alert_changes.notice()
    now = timezone.now()
    runs = due_runs(now=now)
    made = sum(build_run(run=run) for run in runs)
    return Swept(
        noticed=noticed,
        runs=len(runs),
        digests=made,
        queued=queue_unsent(),
        confirmations=queue_confirmations(now=now),
    )
