"""Road works and citizen road requests: commitment ECPTZ0003's monitoring and transparency system.

1. A road work (`RoadWork`) is a project as OC4IDS describes one: what, where (cantons, parishes, communities, a
   line or point in WGS84), who executes it (direct administration or a contractor), with what money, when
   (planned and actual dates), its procurement process, and whether it crosses indigenous territory and had prior
   consultation. Implementers edit only the works their institution executes (`institution`, as
   commitments.roles.scope_filter does for the plan).
2. Its monthly progress (`RoadProgress`) is a dated history, as milestones' is: physical % and financial % (amount
   paid) on a date; the work shows its latest published observation (`physical_pct`, `paid_amount`,
   `progress_on`, refreshed by roads.services.road_progress_refresh), and `road_progress_as_of(day)` gives the
   state on any date (reports as of their period's end).
3. Its documents (`RoadDocument`) are typed with OC4IDS `documentType`, written once, with their SHA-256.
4. A citizen request (`RoadRequest`) reports a problem on a road: moderated like every contribution
   (feedback.models.Contribution), followed by a tracking code, published with its status and the public note of
   each change (`RoadRequestChange`), and answered by a road work when one will fix it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    Canton,
    Commitment,
    Institution,
    KeepsCheckedFile,
    Parish,
    validate_evidence_file,
    validate_evidence_size,
)
from commitments.search import fold
from conecta.published_files import PublishedFileFrozen, WriteOnceStorage, file_would_change
from conecta.uploads import kind_of
from feedback.models import ContactFields, Contribution, ContributionQuerySet

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{1,29}$"
RUC_PATTERN = r"^\d{10}001$"
DESCRIPTION_MAX = 4000
REQUEST_TEXT_MAX = 2000
PLACE_MAX = 200
NOTE_MAX = 1000
# A line of a road work, as stored: at most this many (longitude, latitude) points after simplification.
GEOMETRY_MAX_POINTS = 2000
# Road request tracking codes: VP-XXXX-XX ("vía Pastaza"), of the suggestions' alphabet (feedback.models).
REQUEST_TRACKING_PREFIX = "VP"
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class WorkKind(models.TextChoices):
    NEW_ROAD = "new_road", _("New road (opening)")
    PAVING = "paving", _("Paving")
    GRAVEL = "gravel", _("Gravel road (lastrado)")
    REHABILITATION = "rehabilitation", _("Rehabilitation")
    MAINTENANCE = "maintenance", _("Routine maintenance")
    BRIDGE = "bridge", _("Bridge")
    STUDY = "study", _("Study")


class WorkStatus(models.TextChoices):
    """OC4IDS projectStatus, plus the maintenance of a finished road (OC4IDS' "completion" covers handing over;
    a road the province keeps maintaining after that says so)."""

    IDENTIFICATION = "identification", _("Identification")
    PREPARATION = "preparation", _("Preparation")
    IMPLEMENTATION = "implementation", _("Under way")
    COMPLETION = "completion", _("Completed")
    MAINTENANCE = "maintenance", _("Maintenance")
    CANCELLED = "cancelled", _("Cancelled")


class Surface(models.TextChoices):
    NONE = "none", _("No road yet")
    EARTH = "earth", _("Earth")
    GRAVEL = "gravel", _("Gravel (lastre)")
    ASPHALT = "asphalt", _("Asphalt")
    CONCRETE = "concrete", _("Concrete")
    OTHER = "other", _("Other")


class Executor(models.TextChoices):
    DIRECT = "direct", _("Direct administration")
    CONTRACTOR = "contractor", _("Contractor")
    AGREEMENT = "agreement", _("Agreement with another government")


class Financing(models.TextChoices):
    OWN_FUNDS = "own_funds", _("Provincial government's own funds")
    BDE = "bde", _("BDE loan (Banco de Desarrollo del Ecuador)")
    PLUSPETROL = "pluspetrol", _("PLUSPETROL")
    STCTEA = "stctea", _("STCTEA (Amazon Special Territorial Circumscription)")
    CENTRAL = "central", _("Central government")
    OTHER = "other", _("Other")


class GeometrySource(models.TextChoices):
    NONE = "", _("No geometry")
    TRACK = "track", _("GPS track (GPX, KML or GeoJSON)")
    POINTS = "points", _("Start and end points")
    APPROXIMATE = "approximate", _("Approximate (drawn from place names)")


class RoadWorkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


@deconstructible
class RoadFileStorage(WriteOnceStorage):
    """Road documents and request photos under MEDIA_ROOT, which nothing serves directly (roads.views serve the
    public ones); written once, like every published file."""

    root_setting = "MEDIA_ROOT"


road_storage = RoadFileStorage()


class RoadWork(models.Model):
    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[RegexValidator(CODE_PATTERN, _("Capital letters, digits and hyphens, e.g. VIA-2025-001."))],
    )
    name = models.CharField(_("name"), max_length=250)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    kind = models.CharField(_("kind of work"), max_length=20, choices=WorkKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=WorkStatus.choices, default=WorkStatus.IDENTIFICATION, db_index=True
    )
    commitment = models.ForeignKey(
        Commitment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="road_works",
        verbose_name=_("commitment"),
        help_text=_("The commitment of the action plan this work is part of (ECPTZ0003 unless said otherwise)."),
    )
    institution = models.ForeignKey(
        Institution,
        models.PROTECT,
        related_name="road_works",
        verbose_name=_("responsible department"),
        help_text=_("Its staff update this work (usually the Public Works department)."),
    )
    cantons = models.ManyToManyField(Canton, related_name="road_works", blank=True, verbose_name=_("cantons"))
    parishes = models.ManyToManyField(Parish, related_name="road_works", blank=True, verbose_name=_("parishes"))
    communities = models.CharField(
        _("communities served"), max_length=500, blank=True, help_text=_("Separated by commas.")
    )
    length_km = models.DecimalField(
        _("length (km)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("2000"))],
    )
    start_reference = models.CharField(_("starts at"), max_length=PLACE_MAX, blank=True)
    end_reference = models.CharField(_("ends at"), max_length=PLACE_MAX, blank=True)
    surface_before = models.CharField(_("surface before"), max_length=10, choices=Surface.choices, blank=True)
    surface_after = models.CharField(_("surface after"), max_length=10, choices=Surface.choices, blank=True)
    executor = models.CharField(_("executed by"), max_length=12, choices=Executor.choices, default=Executor.DIRECT)
    contractor_name = models.CharField(_("contractor"), max_length=250, blank=True)
    contractor_ruc = models.CharField(
        _("contractor's RUC"),
        max_length=13,
        blank=True,
        validators=[RegexValidator(RUC_PATTERN, _("A RUC has 13 digits and ends in 001."))],
    )
    partner = models.CharField(
        _("partner government"),
        max_length=250,
        blank=True,
        help_text=_("For a work done with another government, e.g. GADP Simón Bolívar."),
    )
    budget = models.DecimalField(
        _("budget (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    financing = models.CharField(_("financing source"), max_length=12, choices=Financing.choices, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    procurement_code = models.CharField(
        _("procurement process code"),
        max_length=60,
        blank=True,
        help_text=_("The code of the public procurement process (SERCOP), e.g. LICO-GADPPZ-2025-001."),
    )
    ocds_id = models.CharField(
        _("OCDS id"), max_length=100, blank=True, help_text=_("The process's id in Ecuador's OCDS publication.")
    )
    indigenous_territory = models.BooleanField(_("crosses indigenous territory"), default=False)
    prior_consultation = models.BooleanField(_("prior consultation held"), default=False)
    consultation_meeting = models.ForeignKey(
        "meetings.Meeting",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="road_works",
        verbose_name=_("consultation meeting"),
        help_text=_("The meeting where the communities were consulted, with its minutes."),
    )
    # The line (or point) of the work in WGS84: [[longitude, latitude], ...], simplified on upload
    # (roads.geometry). Empty when nobody has drawn it yet.
    geometry = models.JSONField(_("geometry"), default=list, blank=True, editable=False)
    geometry_source = models.CharField(
        _("geometry source"), max_length=12, choices=GeometrySource.choices, blank=True, editable=False
    )
    geometry_note = models.CharField(
        _("note on the geometry"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Approximate line between the communities named; not surveyed.”"),
    )
    # The latest published monthly progress (roads.services.road_progress_refresh keeps these).
    physical_pct = models.PositiveSmallIntegerField(_("physical progress (%)"), default=0, editable=False)
    paid_amount = models.DecimalField(
        _("amount paid (USD)"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    progress_on = models.DateField(_("progress as of"), null=True, blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)
    is_example = models.BooleanField(
        _("example data"), default=False, help_text=_("Illustrative data, shown with a “datos de ejemplo” notice.")
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoadWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("road work")
        verbose_name_plural = _("road works")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="roadwork_planned_dates_in_order",
                violation_error_message=_("The planned end cannot be earlier than the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="roadwork_actual_dates_in_order",
                violation_error_message=_("The actual end cannot be earlier than the actual start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def save(self, *args, **kwargs):
        """`search_text` follows every save (bulk_create and queryset updates skip it: whoever uses them calls
        `road_work_search_text`)."""
        self.search_text = road_work_search_text(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("roads:work", kwargs={"code": self.code})

    def clean(self):
        errors = {}
        if self.executor == Executor.CONTRACTOR and not self.contractor_name:
            errors["contractor_name"] = _("Name the contractor of a contracted work.")
        if self.executor != Executor.CONTRACTOR and (self.contractor_name or self.contractor_ruc):
            errors["executor"] = _("A contractor is named only for a contracted work.")
        if self.prior_consultation and not self.indigenous_territory:
            errors["prior_consultation"] = _(
                "Prior consultation is recorded for works that cross indigenous territory."
            )
        if self.status == WorkStatus.COMPLETION and not self.actual_end:
            errors["actual_end"] = _("Give the date a completed work ended.")
        if self.actual_start and self.actual_start > timezone.localdate():
            errors["actual_start"] = _("The actual start cannot be in the future.")
        if self.actual_end and self.actual_end > timezone.localdate():
            errors["actual_end"] = _("The actual end cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def financial_pct(self) -> int | None:
        """The amount paid as a share of the budget (rounded), None without both."""
        if not self.budget or self.paid_amount is None:
            return None
        return min(100, round(self.paid_amount * 100 / self.budget))

    @property
    def community_list(self) -> list[str]:
        return [name.strip() for name in self.communities.split(",") if name.strip()]


# What a road work is found by in the public search (folded: no accents, lower case), in both languages.
SEARCHED_FIELDS = (
    "code",
    "name_es",
    "name_qu",
    "description_es",
    "description_qu",
    "communities",
    "start_reference",
    "end_reference",
    "contractor_name",
    "partner",
    "procurement_code",
)


def road_work_search_text(work: RoadWork) -> str:
    return fold(" ".join(str(value) for name in SEARCHED_FIELDS if (value := getattr(work, name, None))))


class RoadProgressQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, work__is_published=True)


class RoadProgress(models.Model):
    """A dated observation of a work's physical and financial progress (usually monthly, INFOBRAS-like)."""

    work = models.ForeignKey(RoadWork, models.PROTECT, related_name="progress", verbose_name=_("road work"))
    observed_on = models.DateField(_("date"))
    physical_pct = models.PositiveSmallIntegerField(_("physical progress (%)"), validators=PERCENT)
    paid_amount = models.DecimalField(
        _("amount paid to date (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RoadProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("road work progress")
        verbose_name_plural = _("progress of road works")
        ordering = ["work", "observed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "observed_on"],
                name="roadprogress_one_per_day",
                violation_error_message=_("This work already has progress recorded on that date."),
            ),
            models.CheckConstraint(condition=Q(physical_pct__lte=100), name="roadprogress_pct_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.work.code} · {self.observed_on:%Y-%m-%d} · {self.physical_pct} %"

    def clean(self):
        """A date that can be true (not in the future, not before the work started) and, for a published
        observation, a physical progress and an amount paid that do not go back in time: a figure lower than an
        earlier published one (or higher than a later one) is a mistake in one of them, which is unpublished
        rather than contradicted (the history keeps both)."""
        if not self.observed_on:
            return
        if self.observed_on > timezone.localdate():
            raise ValidationError({"observed_on": _("Progress cannot be dated in the future.")})
        if not self.work_id:
            return
        started = self.work.actual_start
        if started and self.observed_on < started:
            raise ValidationError(
                {
                    "observed_on": _("The work started on %(day)s: its progress cannot be dated before that.")
                    % {"day": date_format(started)}
                }
            )
        if self.is_published:
            self._check_in_order()

    def _check_in_order(self) -> None:
        others = RoadProgress.objects.filter(work_id=self.work_id, is_published=True).exclude(pk=self.pk)
        before = others.filter(observed_on__lt=self.observed_on).order_by("-observed_on").first()
        after = others.filter(observed_on__gt=self.observed_on).order_by("observed_on").first()
        errors = {}
        for field, value in (("physical_pct", self.physical_pct), ("paid_amount", self.paid_amount)):
            if value is None:
                continue
            earlier = getattr(before, field, None) if before else None
            later = getattr(after, field, None) if after else None
            if earlier is not None and value < earlier:
                errors[field] = _(
                    "Lower than the %(value)s published on %(day)s: progress does not go back. If that figure was "
                    "wrong, unpublish it first."
                ) % {"value": _figure(field, earlier), "day": date_format(before.observed_on)}
            elif later is not None and value > later:
                errors[field] = _(
                    "Higher than the %(value)s published later, on %(day)s. If that figure was wrong, unpublish it "
                    "first."
                ) % {"value": _figure(field, later), "day": date_format(after.observed_on)}
        if errors:
            raise ValidationError(errors)


def _figure(field: str, value) -> str:
    """A physical % or an amount paid as the messages write it: "45 %", "USD 12.000,00"."""
    if field == "physical_pct":
        return f"{value} %"
    return f"USD {number_format(value, 2, force_grouping=True)}"


def road_progress_as_of(day) -> tuple[Subquery, Subquery]:
    """(physical %, amount paid) of the work (OuterRef "pk") as its latest published observation on or before
    `day` says; None when nothing was observed by then."""
    latest = RoadProgress.objects.filter(work=OuterRef("pk"), is_published=True, observed_on__lte=day).order_by(
        "-observed_on"
    )
    return (
        Subquery(latest.values("physical_pct")[:1], output_field=models.PositiveSmallIntegerField()),
        Subquery(latest.values("paid_amount")[:1], output_field=models.DecimalField(max_digits=14, decimal_places=2)),
    )


class DocumentType(models.TextChoices):
    """OC4IDS documentType codes a road work publishes."""

    PROJECT_SCOPE = "projectScope", _("Project scope")
    FEASIBILITY = "feasibilityStudy", _("Feasibility study")
    ENVIRONMENTAL = "environmentalImpact", _("Environmental impact study")
    TECHNICAL = "technicalSpecifications", _("Technical specifications")
    CONTRACT = "contractSigned", _("Signed contract")
    PHYSICAL_PROGRESS = "physicalProgressReport", _("Physical progress report")
    FINANCIAL_PROGRESS = "financialProgressReport", _("Financial progress report")
    COMPLETION = "completionCertificate", _("Completion certificate")
    CONSULTATION = "minutes.consultationMeeting", _("Minutes of a consultation meeting")
    PHOTO = "picture", _("Photo")
    OTHER = "other", _("Other")


def document_upload_to(instance: RoadDocument, filename: str) -> str:
    kind = kind_of(instance.content_type)
    return f"roads/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{kind.extension if kind else 'bin'}"


class RoadDocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, work__is_published=True)


class RoadDocument(KeepsCheckedFile, models.Model):
    """A document of a road work (a progress report, a certificate, the minutes of a consultation, a photo): a
    file checked from its bytes and written once with its SHA-256, or a link."""

    work = models.ForeignKey(RoadWork, models.PROTECT, related_name="documents", verbose_name=_("road work"))
    progress = models.ForeignKey(
        RoadProgress,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("progress it backs"),
    )
    document_type = models.CharField(_("type"), max_length=40, choices=DocumentType.choices)
    title = models.CharField(_("title"), max_length=300)
    published_on = models.DateField(_("date"), default=timezone.localdate)
    url = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(
        _("file"),
        storage=road_storage,
        upload_to=document_upload_to,
        blank=True,
        validators=[validate_evidence_size, validate_evidence_file],
        help_text=_(
            "A PDF, a photo (JPEG, PNG or WebP), an office document or a table as CSV. Photos are kept without "
            "their metadata."
        ),
    )
    original_name = models.CharField(_("original file name"), max_length=200, blank=True, editable=False)
    content_type = models.CharField(_("file type"), max_length=100, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RoadDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("road work document")
        verbose_name_plural = _("road work documents")
        ordering = ["work", "published_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""),
                name="roaddocument_has_link_or_file",
                violation_error_message=_("Give a link or upload a file."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        """As commitments.models.Evidence.save(): the checked content under a random name (a photo without its
        metadata), its SHA-256 and size; a published file is never replaced nor removed."""
        if file_would_change(self, "file", RoadDocument.objects.published()):
            raise PublishedFileFrozen(
                _(
                    "“%(title)s” is published: its file is never replaced nor removed. Add the new file as a new "
                    "document; to withdraw this one, unpublish it."
                )
                % {"title": self.title}
            )
        self.keep_checked_file()
        super().save(*args, **kwargs)

    def clean(self):
        if self.progress_id and self.work_id and self.progress.work_id != self.work_id:
            raise ValidationError({"progress": _("This progress belongs to another work.")})

    def get_file_url(self) -> str:
        """The public address of the file, carrying the start of its SHA-256; "" when there is none."""
        if self.file_kind is None or not self.sha256:
            return ""
        return reverse(
            "roads:document_file", kwargs={"pk": self.pk, "digest": self.sha256[:16], "name": self.download_name}
        )

    @property
    def public_url(self) -> str:
        return self.get_file_url() or self.url


class RequestQuerySet(ContributionQuerySet):
    """Contribution's querysets (moderation, what counts, contact and address keys) plus what the public sees."""

    def public(self):
        """Published requests: approved by a moderator (or entered by staff)."""
        return self.approved()


def request_photo_upload_to(instance: RoadRequest, filename: str) -> str:
    kind = kind_of(instance.photo_content_type)
    return f"road-requests/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{kind.extension if kind else 'bin'}"


class RoadRequest(Contribution, ContactFields):
    """A problem on a road reported by a citizen (web form) or gathered by staff (assembly, WhatsApp, phone,
    office). Moderated before it is public; its contact data are never public."""

    class Kind(models.TextChoices):
        POTHOLE = "pothole", _("Pothole")
        LANDSLIDE = "landslide", _("Landslide (derrumbe)")
        BRIDGE = "bridge", _("Damaged bridge")
        DRAINAGE = "drainage", _("Blocked drainage or ditch")
        IMPASSABLE = "impassable", _("Road impassable")
        SIGNAGE = "signage", _("Missing or damaged signs")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        FIXED = "fixed", _("Fixed")
        CLOSED = "closed", _("Closed")
        NOT_PROVINCIAL = "not_provincial", _("Not for the provincial government")

    # Open311 GeoReport v2 has two statuses: open and closed.
    CLOSED_STATUSES = (Status.FIXED, Status.CLOSED, Status.NOT_PROVINCIAL)

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        ASSEMBLY = "assembly", _("Community assembly")
        WHATSAPP = "whatsapp", _("WhatsApp")
        PHONE = "phone", _("Phone call")
        OFFICE = "office", _("In person at the office")

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("problem"), max_length=12, choices=Kind.choices)
    parish = models.ForeignKey(Parish, models.PROTECT, related_name="road_requests", verbose_name=_("parish"))
    community = models.CharField(_("community or sector"), max_length=PLACE_MAX, blank=True)
    road_name = models.CharField(
        _("road"), max_length=PLACE_MAX, blank=True, help_text=_("The road's name or where it goes, if known.")
    )
    work = models.ForeignKey(
        RoadWork,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_requests",
        verbose_name=_("road work it is about"),
    )
    description = models.TextField(_("description"), max_length=REQUEST_TEXT_MAX)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_hash = models.CharField(_("phone (keyed hash)"), max_length=64, blank=True, db_index=True, editable=False)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    photo = models.FileField(_("photo"), storage=road_storage, upload_to=request_photo_upload_to, blank=True)
    photo_content_type = models.CharField(_("photo type"), max_length=100, blank=True, editable=False)
    photo_sha256 = models.CharField(_("photo SHA-256"), max_length=64, blank=True, editable=False)
    photo_public = models.BooleanField(
        _("photo may be public"),
        default=False,
        help_text=_("A moderator checked that the photo shows no person's face, plate or private data."),
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("entered by"),
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True)
    answered_by_work = models.ForeignKey(
        RoadWork,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_requests",
        verbose_name=_("answered by the road work"),
        help_text=_("The work that will fix it, or fixed it."),
    )
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True, editable=False)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("road request")
        verbose_name_plural = _("road requests")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="roadrequest_both_coordinates_or_none",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.get_kind_display()}"

    def clean(self):
        if self.status == self.Status.FIXED and not self.fixed_on:
            raise ValidationError({"fixed_on": _("Give the date it was fixed.")})
        if self.fixed_on and self.received_on and self.fixed_on < self.received_on:
            raise ValidationError({"fixed_on": _("It cannot be fixed before it was received.")})

    def get_absolute_url(self) -> str:
        return reverse("roads:request", kwargs={"code": self.tracking_code})

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES


class RoadRequestChange(models.Model):
    """A change of a request's status, with the public note that explains it (es/qu); shown on the request's
    page, newest last."""

    request = models.ForeignKey(RoadRequest, models.CASCADE, related_name="changes", verbose_name=_("road request"))
    status = models.CharField(_("status"), max_length=16, choices=RoadRequest.Status.choices)
    note = models.TextField(_("public note"), max_length=NOTE_MAX, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("road request change")
        verbose_name_plural = _("road request changes")
        ordering = ["request", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.tracking_code} · {self.get_status_display()}"
