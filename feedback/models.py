"""Citizen participation: suggestions, complaints and questions (from the web form or gathered by staff through
traditional channels), comments on commitments, evaluations of a commitment's progress, the replies to answers,
moderation, the planners' daily digest, and the keys of the network-address hashes. Nothing a citizen writes is
public before a planner approves it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import deadlines, public_text

NAME_MAX = 80
PHONE_MAX = 30
PLACE_MAX = 200
SUGGESTION_TEXT_MAX = 4000
COMMENT_TEXT_MAX = 2000
EVALUATION_COMMENT_MAX = 1000
REASON_MAX = 500
# PZ-7K3M-Q9: no 0/O, 1/I/L, so a code read aloud at an assembly or copied from paper cannot be mistaken.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_PREFIX = "PZ"


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    KICHWA = "qu", _("Kichwa")
    OTHER = "other", _("Other")


class Moderation(models.TextChoices):
    """Nothing a citizen writes is public before a planner approves it; what was approved can be hidden later."""

    PENDING = "pending", _("Pending moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")


class ContributionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(moderation=Moderation.PENDING)

    def approved(self):
        return self.filter(moderation=Moderation.APPROVED)

    def counted(self):
        """What counts in the figures: everything but what moderators rejected or hid (spam, abuse)."""
        return self.exclude(moderation__in=[Moderation.REJECTED, Moderation.HIDDEN])

    def from_contact(self, key: str):
        """Everything left by the same e-mail address or phone number (their keyed hashes)."""
        if not key:
            return self.none()
        condition = Q(email_hash=key)
        if any(f.name == "phone_hash" for f in self.model._meta.concrete_fields):
            condition |= Q(phone_hash=key)
        return self.filter(condition)

    def from_address(self, key: str):
        return self.filter(ip_hash=key) if key else self.none()


class AddressKey(models.Model):
    """The random key the network-address hashes of one period are made with (feedback.protection.ip_hash).

    One key per period of settings.PARTICIPATION_ADDRESS_KEY_DAYS days, made at random when the period's first
    hash is needed, never derived from SECRET_KEY, and deleted as soon as its period is over. Within the period
    the same address gives the same hash, so moderators can link what one address sent; afterwards nobody, not
    even someone holding SECRET_KEY or a copy of the database, can reverse those hashes (an IPv4 address is one
    of only 4 billion) or link them to the same address's later visits."""

    period = models.PositiveIntegerField(_("period"), unique=True)
    secret = models.CharField(_("key"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("network-address key")
        verbose_name_plural = _("network-address keys")
        ordering = ["-period"]

    def __str__(self) -> str:
        return str(self.period)


class Contribution(models.Model):
    """What every citizen contribution has: moderation, the keyed hash of the sender's network address, the
    idempotency token of the form that sent it, and when its personal data were anonymised."""

    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.SPANISH)
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING, db_index=True
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("moderated by"),
    )
    moderation_reason = models.CharField(
        _("reason for rejecting or hiding"), max_length=REASON_MAX, blank=True, editable=False
    )
    ip_hash = models.CharField(
        _("network address (keyed hash)"),
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("A keyed hash of the sender's IP address, for rate limits and abuse; never the address."),
    )
    submission_token = models.CharField(
        _("form token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        abstract = True


class ContactFields(models.Model):
    """Who wrote it, as far as they chose to say: personal data, never shown publicly except the name or
    pseudonym of a comment's author, and anonymised on request or when kept long enough (see the privacy notice)."""

    name = models.CharField(_("name or pseudonym"), max_length=NAME_MAX, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    email_hash = models.CharField(_("e-mail (keyed hash)"), max_length=64, blank=True, db_index=True, editable=False)
    consent_at = models.DateTimeField(_("accepted the privacy notice at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def contact_key(self) -> str:
        return self.email_hash or getattr(self, "phone_hash", "")


class SuggestionQuerySet(ContributionQuerySet):
    def awaiting_answer(self):
        """Received or under review, never answered, and not rejected or hidden by moderators (spam, abuse):
        someone has to answer it (Suggestion.awaits_answer)."""
        return self.filter(
            status__in=[Suggestion.Status.RECEIVED, Suggestion.Status.UNDER_REVIEW], answered_at__isnull=True
        ).exclude(moderation__in=[Moderation.REJECTED, Moderation.HIDDEN])

    def past_deadline(self, today=None):
        """Awaiting an answer after its response deadline (feedback.deadlines), as of `today` in Pastaza."""
        today = today or timezone.localdate()
        return self.awaiting_answer().filter(received_on__lte=deadlines.last_day_received_past_deadline(today))

    def may_be_public(self):
        """Suggestion.may_be_public in SQL."""
        return self.filter(status__in=Suggestion.ANSWERED_STATUSES).exclude(Q(answer_es="") | Q(answer_es__isnull=True))

    def answers_public(self):
        """The "You said / We did" page: what may be public, staff made public, and moderators approved."""
        return self.approved().may_be_public().filter(is_public=True)


class Suggestion(Contribution, ContactFields):
    """A suggestion, complaint or question: from the web form, or entered by staff from a traditional channel
    (so that those count in every figure too). Followed by its tracking code."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion")
        COMPLAINT = "complaint", _("Complaint")
        QUESTION = "question", _("Question")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    # A closed suggestion may have been answered before it was closed.
    ANSWERED_STATUSES = (Status.ANSWERED, Status.CLOSED)

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        ASSEMBLY = "assembly", _("Community assembly")
        BOX = "box", _("Paper suggestion box")
        WHATSAPP = "whatsapp", _("WhatsApp")
        PHONE = "phone", _("Phone call")
        OFFICE = "office", _("In person at the office")

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"))
    commitment = models.ForeignKey(
        "commitments.Commitment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="citizen_suggestions",
        verbose_name=_("about the commitment"),
    )
    canton = models.ForeignKey(
        "commitments.Canton", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("canton")
    )
    parish = models.ForeignKey(
        "commitments.Parish", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("parish")
    )
    phone = models.CharField(_("phone"), max_length=PHONE_MAX, blank=True)
    phone_hash = models.CharField(_("phone (keyed hash)"), max_length=64, blank=True, db_index=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    place = models.CharField(
        _("place"),
        max_length=PLACE_MAX,
        blank=True,
        help_text=_("Where it was gathered: canton, parish or community."),
    )
    received_on = models.DateField(_("received on"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("entered by"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)
    answer = models.TextField(
        _("answer"),
        blank=True,
        help_text=_(
            "Shown to whoever has the tracking code and, when made public, on the public answers page. "
            "Write no personal data."
        ),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("answered by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    is_public = models.BooleanField(
        _("make public"),
        default=False,
        help_text=_("Publish the summary and the answer on the “You said, we did” page (answered ones only)."),
    )
    public_summary = models.TextField(
        _("what the person said, for the public page"),
        blank=True,
        max_length=SUGGESTION_TEXT_MAX,
        help_text=_("Optional: a summary without personal data. Empty: the text as received is shown."),
    )
    changed_commitments = models.ManyToManyField(
        "commitments.Commitment",
        blank=True,
        related_name="changed_by_suggestions",
        verbose_name=_("commitments it changed"),
    )
    confirmation_sent_at = models.DateTimeField(_("confirmation e-mailed at"), null=True, blank=True, editable=False)
    answer_notified_at = models.DateTimeField(_("answer e-mailed at"), null=True, blank=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_staff": True, "is_active": True},
        verbose_name=_("assigned to"),
        help_text=_("Optional: the staff member who prepares the answer."),
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion, complaint or question")
        verbose_name_plural = _("suggestions, complaints and questions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(status__in=["answered", "closed"]),
                name="suggestion_public_only_when_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.status in (self.Status.ANSWERED,) and not (self.answer_es or "").strip():
            errors["answer_es"] = _("Write the answer (in Spanish at least) before marking it answered.")
        if self.is_public and not self.may_be_public:
            errors["is_public"] = (
                _("Only an answered or closed suggestion can be made public.")
                if self.status not in self.ANSWERED_STATUSES
                else _("Only a suggestion with an answer can be made public.")
            )
        if self.parish_id and self.canton_id and self.parish.canton_id != self.canton_id:
            errors["parish"] = _("The parish is in another canton.")
        if errors:
            raise ValidationError(errors)

    @property
    def may_be_public(self) -> bool:
        """Whether staff may make it public on the "You said, we did" page: answered or closed with an answer, in
        Spanish at least. It is also what makes it answered: dated, signed and e-mailed to the person
        (feedback.services.suggestion_staff_save). SuggestionQuerySet.may_be_public() is the same rule in SQL."""
        return self.status in self.ANSWERED_STATUSES and bool((self.answer_es or "").strip())

    @property
    def awaits_answer(self) -> bool:
        """SuggestionQuerySet.awaiting_answer for one suggestion."""
        return (
            self.status in (self.Status.RECEIVED, self.Status.UNDER_REVIEW)
            and self.answered_at is None
            and self.moderation not in (Moderation.REJECTED, Moderation.HIDDEN)
        )

    @property
    def response_deadline(self):
        """The day an answer is due: SUGGESTION_RESPONSE_WORKING_DAYS working days after it was received."""
        return deadlines.response_deadline(self.received_on) if self.received_on else None

    @property
    def is_past_deadline(self) -> bool:
        deadline = self.response_deadline
        return self.awaits_answer and deadline is not None and deadline < timezone.localdate()

    @property
    def said_publicly(self) -> str:
        """What the person said, for the public page, never with their name (feedback.public_text)."""
        return public_text.said_publicly(text=self.text, summary=self.public_summary, name=self.name)

    @property
    def answer_publicly(self) -> str:
        """The answer in the reader's language, for the public page: no greeting, no name (feedback.public_text)."""
        return public_text.public_answer(self)


class Comment(Contribution, ContactFields):
    """A citizen's comment on a commitment: shown on its page, with its author's name or pseudonym, once a
    planner approves it; staff may answer it with an official response shown under it."""

    commitment = models.ForeignKey(
        "commitments.Commitment", models.PROTECT, related_name="citizen_comments", verbose_name=_("commitment")
    )
    text = models.TextField(_("comment"))
    response = models.TextField(
        _("official response"), blank=True, help_text=_("Shown under the comment once it is approved.")
    )
    response_at = models.DateTimeField(_("responded at"), null=True, blank=True, editable=False)
    response_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("responded by"),
    )
    response_notified_at = models.DateTimeField(_("response e-mailed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.commitment.code} · {self.text[:60]}"


class Evaluation(Contribution):
    """A citizen's score (1-5) of a commitment's progress, with an optional comment. The score counts at once
    (unless moderators reject it as abuse); the comment is shown only once approved."""

    class Score(models.IntegerChoices):
        VERY_POOR = 1, _("1 · Very poor")
        POOR = 2, _("2 · Poor")
        FAIR = 3, _("3 · Fair")
        GOOD = 4, _("4 · Good")
        VERY_GOOD = 5, _("5 · Very good")

    commitment = models.ForeignKey(
        "commitments.Commitment", models.PROTECT, related_name="citizen_evaluations", verbose_name=_("commitment")
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="evaluation_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code} · {self.score}"


class DailyDigest(models.Model):
    """One row per day on which the planners' digest of new participation was sent (or found nothing to send):
    the claim that keeps it to one a day."""

    day = models.DateField(_("day"), unique=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    items = models.PositiveIntegerField(_("new items"), default=0)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


class SuggestionReply(Contribution):
    """What the person who sent a suggestion writes back, from its tracking page, after reading the answer (or
    while waiting for it). Private: shown to staff and on the tracking page only. It puts an answered or closed
    suggestion back under review."""

    suggestion = models.ForeignKey(
        Suggestion, models.PROTECT, related_name="replies", verbose_name=_("suggestion, complaint or question")
    )
    text = models.TextField(_("reply"))

    class Meta:
        verbose_name = _("reply to an answer")
        verbose_name_plural = _("replies to answers")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.suggestion.tracking_code} · {self.text[:60]}"


class PreviousAnswer(models.Model):
    """An answer staff gave to a suggestion and later changed (to answer the person's reply, or to correct it):
    kept as it was, with its dates, so that nothing said to a citizen is lost and the tracking page can show the
    whole exchange. Staff write answers without personal data, in Spanish and (optionally) Kichwa."""

    suggestion = models.ForeignKey(
        Suggestion,
        models.PROTECT,
        related_name="previous_answers",
        verbose_name=_("suggestion, complaint or question"),
    )
    answer_es = models.TextField(_("answer (Spanish)"), blank=True)
    answer_qu = models.TextField(_("answer (Kichwa)"), blank=True)
    answered_at = models.DateTimeField(_("answered at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    notified_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced at"))

    class Meta:
        verbose_name = _("earlier answer")
        verbose_name_plural = _("earlier answers")
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.suggestion.tracking_code} · {self.answered_at:%Y-%m-%d}"

    def text_in(self, language: str) -> str:
        """The answer in `language`, in Spanish when it was not written in that one."""
        return getattr(self, f"answer_{language}", "") or self.answer_es or ""
