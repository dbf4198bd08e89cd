"""Meetings of the plan's participation spaces (co-creation workshops, steering committee, technical working
groups, citizen assemblies), who attended them (counted by gender and by sector), and the agreements they reached.
Today only the plan's three co-creation workshops of 21-22 November 2024 are recorded (action-plan-2024-2027.txt,
"Who participated in these spaces?").

The tables keep the names they had when meetings were part of `feedback` (feedback_meeting...): the app was split
without copying data (migrations/0001_initial.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, Axis
from conecta.fallbacks import text_in
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
    meetings.views.minutes_download, which refuses unpublished meetings. Written once, under names
    nobody else takes, read-only (conecta.published_files)."""

    root_setting = "MINUTES_ROOT"


minutes_storage = MinutesStorage()


def minutes_path(instance: Meeting, filename: str) -> str:
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
        upload_to=minutes_path,
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
        db_table = "feedback_meeting"
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
        return self.get_axis_display() if self.axis else text_in(self, "title")

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
        db_table = "feedback_meetingattendance"
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
        db_table = "feedback_agreement"
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["meeting__date", "meeting_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agreement_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting.date:%Y-%m-%d} #{self.order} · {self.text[:60]}"

