"""E-mail alerts without an account (issue 15): an address follows something of the plan, confirms by a signed
link, and gets the published changes of what it follows at once, daily or weekly, until it unsubscribes in one
click.

- `Recipient`: one e-mail address, with the opaque token of its manage page. Anonymised (the address wiped) once
  nothing of it is active and the retention period has passed.
- `Subscription`: what the address follows (`target`, a key such as "commitment:ECPTZ0001", "parish:160150" or
  "reports"; alerts.targets says what each means), in which language, how often, and its state.
- `ConsentEvent`: the consent ledger (LOPDP): when and how each subscription was asked, confirmed, changed and
  ended. Rows are only ever added.
- `Change`: a published change worth an alert (a progress update, a milestone's new progress, an indicator's
  value, a road work's monthly progress, an answer...), noticed once when it first became public
  (alerts.changes). What was already public when alerts began is recorded `silent` and never sent.
- `AlertRun`: one window of one frequency (the 5-minute windows of "at once", each day, each week), built once.
- `Digest`: one e-mail of a run to one address in one language: the changes it lists. Claimed on `sent_at` before
  it is sent (conecta.claims), so that a broker outage delays it and never sends it twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    INSTANT = "instant", _("At once (within minutes)")
    DAILY = "daily", _("Once a day")
    WEEKLY = "weekly", _("Once a week")


class Recipient(models.Model):
    """An e-mail address that follows something. No account and no password: whoever holds an e-mail of ours
    holds the links that manage it."""

    email = models.EmailField(_("e-mail"), max_length=254, unique=True, null=True, blank=True)
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("alert recipient")
        verbose_name_plural = _("alert recipients")

    def __str__(self):
        return self.email or _("(anonymised address)")


class SubscriptionState(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=SubscriptionState.ACTIVE)


class Subscription(models.Model):
    """One thing one address follows. At most one that has not ended per address and thing."""

    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("recipient")
    )
    target = models.CharField(_("what is followed"), max_length=80, db_index=True)
    # What the target was called when it was asked for (Spanish): the ledger and the manage page still say it if
    # the thing is renamed or unpublished.
    target_label = models.CharField(_("name when followed"), max_length=300)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    state = models.CharField(
        _("state"), max_length=8, choices=SubscriptionState.choices, default=SubscriptionState.PENDING
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now, editable=False)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "target"], condition=~Q(state="ended"), name="alerts_one_open_per_target"
            ),
        ]
        indexes = [models.Index(fields=["state", "frequency"], name="alerts_sub_state_freq")]

    def __str__(self):
        return f"{self.target_label} · {self.get_frequency_display()}"


class ConsentEventKind(models.TextChoices):
    ASKED = "asked", _("Asked")
    CONFIRMATION_SENT = "confirmation_sent", _("Confirmation e-mail sent")
    CONFIRMED = "confirmed", _("Confirmed")
    CHANGED = "changed", _("Changed")
    ENDED = "ended", _("Ended")
    ANONYMISED = "anonymised", _("Address anonymised")


class ConsentHow(models.TextChoices):
    FORM = "form", _("Follow form on the portal")
    LINK = "link", _("Confirmation link")
    ONE_CLICK = "one_click", _("One-click unsubscribe from the mail program")
    UNSUBSCRIBE_PAGE = "unsubscribe_page", _("Unsubscribe page")
    MANAGE_PAGE = "manage_page", _("Manage page")
    EXPIRED = "expired", _("Not confirmed in time")
    STAFF = "staff", _("Staff, at the person's request")
    RETENTION = "retention", _("Retention period over")
    SYSTEM = "system", _("The portal")


class ConsentEvent(models.Model):
    """One line of the consent ledger. Only added, never changed: it is the proof of when and how a person agreed
    to receive alerts, and of when they stopped. No address in it: the subscription says whose it was until the
    address is anonymised; `ip_hash` is the rotating keyed hash of the network address (feedback.protection)."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="events", verbose_name=_("subscription")
    )
    kind = models.CharField(_("event"), max_length=20, choices=ConsentEventKind.choices)
    how = models.CharField(_("how"), max_length=20, choices=ConsentHow.choices)
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False, db_index=True)
    ip_hash = models.CharField(_("network address (keyed hash)"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent ledger entry")
        verbose_name_plural = _("consent ledger")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} · {self.get_kind_display()}"


class Change(models.Model):
    """A published change that alerts tell about, recorded when the portal first noticed it public."""

    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("record"))
    # The targets it concerns: ["commitment:ECPTZ0001", "milestone:12", "canton:1601", ...] (alerts.targets).
    targets = models.JSONField(_("concerns"), default=list)
    noticed_at = models.DateTimeField(_("noticed at"), default=timezone.now, db_index=True)
    silent = models.BooleanField(
        _("already public when alerts began"), default=False, help_text=_("Never sent in an alert.")
    )

    class Meta:
        verbose_name = _("published change")
        verbose_name_plural = _("published changes")
        ordering = ["noticed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="alerts_change_once")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class AlertRun(models.Model):
    """One window of one frequency: the changes noticed in [window_start, window_end) go to the addresses
    following them at that frequency. Built once (claimed on `built_at`)."""

    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    built_at = models.DateTimeField(_("built at"), null=True, blank=True, editable=False)
    changes = models.PositiveIntegerField(_("changes"), default=0)
    digests = models.PositiveIntegerField(_("e-mails"), default=0)

    class Meta:
        verbose_name = _("alert run")
        verbose_name_plural = _("alert runs")
        ordering = ["-window_end"]
        constraints = [models.UniqueConstraint(fields=["frequency", "window_end"], name="alerts_run_once")]

    def __str__(self):
        return f"{self.get_frequency_display()} · {self.window_end:%Y-%m-%d %H:%M}"


class Digest(models.Model):
    """One alert e-mail: a run's changes for one address in one language, each change once however many of the
    address's subscriptions it concerns."""

    run = models.ForeignKey(AlertRun, on_delete=models.CASCADE, related_name="digest_set", verbose_name=_("run"))
    recipient = models.ForeignKey(
        Recipient, on_delete=models.CASCADE, related_name="digests", verbose_name=_("recipient")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    change_ids = models.JSONField(_("changes"), default=list)
    subscription_ids = models.JSONField(_("subscriptions"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False, db_index=True)
    # Set when nothing was left to send (every change unpublished since, or every subscription ended).
    skipped = models.BooleanField(_("nothing left to send"), default=False)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("alert e-mail")
        verbose_name_plural = _("alert e-mails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "recipient", "language"], name="alerts_digest_once"),
        ]

    def __str__(self):
        return f"{self.run} · {self.recipient}"
