"""Citizen participation.

1. Meetings (co-creation workshops, steering committee, technical working groups, citizen assemblies) and who
   attended them, counted by gender and by sector. Today only the plan's three co-creation workshops of 21-22
   November 2024 are recorded (action-plan-2024-2027.txt, "Who participated in these spaces?").
2. What citizens send: suggestions, complaints and questions (web form or traditional channels), comments on a
   commitment, and evaluations of its progress; all moderated before anything of theirs is public.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, Axis
from conecta.files import fingerprint, needs_fingerprint, validate_pdf_upload
from conecta.published_files import PublishedFileFrozen, WriteOnceStorage, file_would_change, unique_name


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def of_kind(self, kind: str):
        return self.filter(kind=kind)

    def for_plan(self, plan: ActionPlan):
        return self.filter(plan=plan)


@deconstructible
class MinutesStorage(WriteOnceStorage):
    """Signed minutes under settings.MINUTES_ROOT: the public site serves them only through
    feedback.meeting_views.minutes_download, which refuses unpublished meetings. Written once, under names
    nobody else takes, read-only (conecta.published_files)."""

    root_setting = "MINUTES_ROOT"


minutes_storage = MinutesStorage()


def _minutes_path(instance: Meeting, filename: str) -> str:
    """minutes/<year uploaded>/<meeting slug>-<id>-<random token>.pdf: never the uploader's file name, never a name
    already taken."""
    return unique_name(f"minutes/{timezone.localdate().year}", instance.slug or "acta", "pdf", record_id=instance.pk)


class Meeting(models.Model):
    """A meeting of the plan's participation spaces (action-plan-2024-2027.txt, "institutional arrangements")."""

    class Kind(models.TextChoices):
        COCREATION_WORKSHOP = "cocreation_workshop", _("Co-creation workshop")
        STEERING_COMMITTEE = "steering_committee", _("Steering committee meeting")
        TECHNICAL_WORKING_GROUP = "technical_working_group", _("Technical working group")
        CITIZEN_ASSEMBLY = "citizen_assembly", _("Citizen assembly")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    plan = models.ForeignKey(
        ActionPlan, models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name=_("action plan")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    end_date = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("For a meeting over several days, or one of a series whose exact day was not recorded."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    canton = models.ForeignKey(
        "commitments.Canton",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("canton"),
        help_text=_("Where it took place, when it was in one canton (the place above says exactly where)."),
    )
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item per line."))
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("The minutes as text, so that they can be read on any phone.")
    )
    minutes_file = models.FileField(
        _("signed minutes (PDF)"),
        upload_to=_minutes_path,
        storage=minutes_storage,
        validators=[validate_pdf_upload],
        blank=True,
        max_length=200,
        help_text=_(
            "The signed minutes as a PDF, at most 20 MB. Its SHA-256 is computed when it is saved. Once the meeting "
            "is published the file cannot change."
        ),
    )
    minutes_sha256 = models.CharField(_("SHA-256 of the minutes"), max_length=64, blank=True, editable=False)
    minutes_size = models.PositiveIntegerField(_("size of the minutes (bytes)"), null=True, blank=True, editable=False)
    axis = models.CharField(_("thematic axis"), max_length=30, choices=Axis.choices, blank=True, null=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} · {self.title}"

    def save(self, *args, **kwargs):
        if self.minutes_change_refused():
            raise PublishedFileFrozen(f"meeting {self.pk} is published: its signed minutes cannot change")
        # The digest and size always describe the stored file: computed for a new or replacing upload, cleared
        # with the file.
        if needs_fingerprint(self.minutes_file, self.minutes_sha256):
            self.minutes_sha256, self.minutes_size = fingerprint(self.minutes_file)
        elif not self.minutes_file:
            self.minutes_sha256, self.minutes_size = "", None
        super().save(*args, **kwargs)

    @property
    def short_name(self) -> str:
        """What a chart's label calls it: its thematic axis when it has one (the titles are long)."""
        return self.get_axis_display() if self.axis else self.title

    def clean(self):
        if self.date and self.end_date and self.end_date < self.date:
            raise ValidationError({"end_date": _("The last day cannot be earlier than the first.")})
        if self.minutes_change_refused():
            raise ValidationError(
                {
                    "minutes_file": _(
                        "The meeting is published: its signed minutes cannot change, so that the SHA-256 people may "
                        "have checked stays true."
                    )
                }
            )

    def minutes_change_refused(self) -> bool:
        """Whether this save would change (or remove) the signed minutes of a meeting stored as published."""
        return file_would_change(
            self, "minutes_file", Meeting.objects.filter(is_published=True), "minutes_sha256", "minutes_size"
        )


class MeetingAttendance(models.Model):
    """How many people of one category attended a meeting. The categories are the plan's own, as it reports its
    workshops: men and women; civil society, community, NGO, public sector, associative, private, academia."""

    class Dimension(models.TextChoices):
        GENDER = "gender", _("Gender")
        SECTOR = "sector", _("Sector")

    class Category(models.TextChoices):
        MEN = "men", _("Men")
        WOMEN = "women", _("Women")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        COMMUNITY = "community", _("Community")
        NGO = "ngo", _("Non-governmental organisation")
        PUBLIC_SECTOR = "public_sector", _("Public sector")
        ASSOCIATIVE = "associative", _("Associative sector")
        PRIVATE = "private", _("Private sector")
        ACADEMIA = "academia", _("Academia")

    GENDERS = (Category.MEN, Category.WOMEN)
    SECTORS = (
        Category.CIVIL_SOCIETY,
        Category.COMMUNITY,
        Category.NGO,
        Category.PUBLIC_SECTOR,
        Category.ASSOCIATIVE,
        Category.PRIVATE,
        Category.ACADEMIA,
    )

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="attendance", verbose_name=_("meeting"))
    dimension = models.CharField(_("counted by"), max_length=10, choices=Dimension.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    count = models.PositiveSmallIntegerField(_("people"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "dimension", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "dimension", "category"], name="attendance_unique_category"),
            models.CheckConstraint(condition=Q(count__gte=0), name="attendance_count_gte_0"),
            models.CheckConstraint(
                condition=Q(dimension="gender", category__in=["men", "women"])
                | Q(
                    dimension="sector",
                    category__in=[
                        "civil_society",
                        "community",
                        "ngo",
                        "public_sector",
                        "associative",
                        "private",
                        "academia",
                    ],
                ),
                name="attendance_category_fits_dimension",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.get_category_display()}: {self.count}"

    def clean(self):
        allowed = self.GENDERS if self.dimension == self.Dimension.GENDER else self.SECTORS
        if self.dimension and self.category and self.category not in allowed:
            raise ValidationError(
                {"category": _("“%(category)s” is not a %(dimension)s category.")},
                params={"category": self.get_category_display(), "dimension": self.get_dimension_display()},
            )


def attendance_totals(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Total people per dimension from (dimension, count) pairs."""
    totals: dict[str, int] = defaultdict(int)
    for dimension, count in rows:
        totals[dimension] += count or 0
    return dict(totals)


def attendance_totals_error(rows: Iterable[tuple[str, int]]) -> ValidationError | None:
    """The error to show when a meeting counts its people both by gender and by sector and the two totals
    differ (each person is counted once in each); None when they agree or only one dimension is recorded."""
    totals = attendance_totals(rows)
    gender, sector = totals.get(MeetingAttendance.Dimension.GENDER), totals.get(MeetingAttendance.Dimension.SECTOR)
    if gender is None or sector is None or gender == sector:
        return None
    return ValidationError(
        _("The attendance by gender adds up to %(gender)s people and by sector to %(sector)s: they must be equal."),
        code="attendance_totals",
        params={"gender": gender, "sector": sector},
    )


def meeting_attendance_check(meeting: Meeting) -> None:
    """Raise ValidationError when the meeting's stored attendance by gender and by sector disagree."""
    rows = meeting.attendance.values("dimension").annotate(total=Sum("count")).values_list("dimension", "total")
    error = attendance_totals_error(rows)
    if error:
        raise error


# Citizen participation: suggestions, complaints and questions (from the web form or gathered by staff through
# traditional channels), comments on commitments, and evaluations of a commitment's progress.

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
    def answers_public(self):
        """Answered suggestions staff made public ("You said / We did")."""
        return (
            self.approved()
            .filter(is_public=True, status__in=[Suggestion.Status.ANSWERED, Suggestion.Status.CLOSED])
            .exclude(Q(answer_es="") | Q(answer_es__isnull=True))
        )


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
        if self.is_public and self.status not in (self.Status.ANSWERED, self.Status.CLOSED):
            errors["is_public"] = _("Only an answered or closed suggestion can be made public.")
        if self.is_public and not (self.answer_es or "").strip():
            errors.setdefault("is_public", _("Only a suggestion with an answer can be made public."))
        if self.parish_id and self.canton_id and self.parish.canton_id != self.canton_id:
            errors["parish"] = _("The parish is in another canton.")
        if errors:
            raise ValidationError(errors)

    @property
    def said_publicly(self) -> str:
        return self.public_summary or self.text


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


class Agreement(models.Model):
    """An agreement a meeting reached: who owns it, by when, how it stands, and the commitment it concerns. The
    agreements register (/reuniones/acuerdos/) lists those of published meetings."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="agreements", verbose_name=_("meeting"))
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.TextField(_("agreement"))
    owner_institution = models.ForeignKey(
        "commitments.Institution",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("responsible institution"),
    )
    owner = models.CharField(
        _("responsible"),
        max_length=200,
        blank=True,
        help_text=_("Who else owns it (a community organisation, a working group), when not an institution."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    status_note = models.TextField(_("how it stands"), blank=True)
    commitment = models.ForeignKey(
        "commitments.Commitment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("linked commitment"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["meeting__date", "meeting_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agreement_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting.date:%Y-%m-%d} #{self.order} · {self.text[:60]}"


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


# Surveys: staff build them in the admin; citizens answer them while they are open, once per browser; results are
# public once they close (free-text answers only once moderators approve the response that holds them).

SURVEY_TEXT_ANSWER_MAX = 2000


class SurveyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, when):
        return self.published().filter(opens_at__lte=when, closes_at__gt=when)

    def closed_at(self, when):
        return self.published().filter(closes_at__lte=when)


class Survey(models.Model):
    """A survey: its questions, when it is open, and what it is about (the plan, or one commitment)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UPCOMING = "upcoming", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(
        _("address"), max_length=80, unique=True, help_text=_("The last part of its address: /participa/encuestas/…/")
    )
    plan = models.ForeignKey(
        ActionPlan, models.PROTECT, null=True, blank=True, related_name="surveys", verbose_name=_("action plan")
    )
    commitment = models.ForeignKey(
        "commitments.Commitment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("about the commitment"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the portal, open to answers between its dates.")
    )
    is_illustrative = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("An example loaded with the demo data, not a real consultation: the portal says so."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="survey_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A survey must close after it opens.")})

    def state_at(self, when) -> str:
        if not self.is_published:
            return self.State.DRAFT
        if when < self.opens_at:
            return self.State.UPCOMING
        if when < self.closes_at:
            return self.State.OPEN
        return self.State.CLOSED


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale from 1 to 5")
        TEXT = "text", _("Free text")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    survey = models.ForeignKey(Survey, models.PROTECT, related_name="questions", verbose_name=_("survey"))
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "order"], name="question_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class Choice(models.Model):
    question = models.ForeignKey(Question, models.PROTECT, related_name="choices", verbose_name=_("question"))
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.CharField(_("option"), max_length=200)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="choice_unique_order"),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(Contribution):
    """One person's answers to a survey. Its choices and scores count at once (unless moderators reject it as
    abuse); its free-text answers are public only once it is approved. A response without free text has nothing
    to moderate and is approved as it is stored."""

    survey = models.ForeignKey(Survey, models.PROTECT, related_name="responses", verbose_name=_("survey"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        if not self.created_at:
            return str(self.survey)
        return f"{self.survey} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class Answer(models.Model):
    """One answer within a response: a chosen option (one row per option chosen), a score 1-5, or a text."""

    response = models.ForeignKey(SurveyResponse, models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, models.PROTECT, related_name="answers", verbose_name=_("question"))
    choice = models.ForeignKey(
        Choice, models.PROTECT, null=True, blank=True, related_name="answers", verbose_name=_("option")
    )
    scale = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | (Q(scale__gte=1) & Q(scale__lte=5)), name="answer_scale_1_5"
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                name="answer_unique_choice",
                condition=Q(choice__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_unique_value", condition=Q(choice__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice_id or self.scale or self.text[:40]}"
