"""Progress reports of the action plan (quarterly and annual) and the independent monitor's documents.

A `Report` holds a snapshot of the plan at its period's end (see reports.snapshot for the schema), texts written
by staff in Spanish and Kichwa (reports/translation.py) and, once published, two PDFs (`ReportFile`). Publishing
freezes it: `Report.save()` and `ReportQuerySet.update()` refuse any change to a published report's frozen fields,
and a mistake is fixed by publishing a correction (a new version that supersedes the old one).

The monitor (Fundación Ciudadanía y Desarrollo, group "Monitor (FCD)") keeps its own records: `MonitorDocument`
(audit and evaluation reports, PDF) and `MonitorAssessment` (its reading of a commitment on the IRM scale).
Government staff cannot edit them; they may answer with a `GovernmentReply`.
"""

from __future__ import annotations

import os
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, Canton, Commitment, IrmLevel
from conecta.files import fingerprint, needs_fingerprint, validate_pdf_upload
from conecta.published_files import PublishedFileFrozen, WriteOnceStorage, file_would_change, unique_name

from .periods import ANNUAL, QUARTERLY, Period

FILE_PREFIX = "conecta-pastaza-informe"


@deconstructible
class ReportStorage(WriteOnceStorage):
    """Report PDFs and the monitor's uploads, under settings.REPORTS_ROOT: the reports views serve them and refuse
    drafts and unpublished monitor documents (the admin links to its own view). Written once, under names nobody
    else takes, read-only (conecta.published_files)."""

    root_setting = "REPORTS_ROOT"


report_storage = ReportStorage()


class ReportFrozenError(Exception):
    """Raised when something tries to change what a published report froze."""


def render_stuck_q(*, now, queued_minutes: int | None = None) -> Q:
    """Reports whose PDFs are stuck: queued longer than `queued_minutes` (by default REPORTS_STUCK_MINUTES; the
    broker was down), or rendering longer than REPORTS_RENDER_STALE_MINUTES (a worker died). What the beat sweep
    (services.reports_requeue_stuck) queues again and the staff dashboard shows."""
    queued_minutes = settings.REPORTS_STUCK_MINUTES if queued_minutes is None else queued_minutes
    return Q(render_state=Report.RenderState.QUEUED, render_queued_at__lte=now - timedelta(minutes=queued_minutes)) | Q(
        render_state=Report.RenderState.RENDERING,
        render_started_at__lte=now - timedelta(minutes=settings.REPORTS_RENDER_STALE_MINUTES),
    )


class ReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Report.Status.PUBLISHED)

    def drafts(self):
        return self.exclude(status=Report.Status.PUBLISHED)

    def newest_first(self):
        return self.order_by("-period_ends_on", "period_starts_on", "-version")

    def update(self, **kwargs):
        # The service-level guard for bulk writes: a published report's frozen fields stay as they are.
        frozen = Report.FROZEN_FIELDS.intersection(kwargs)
        if frozen and self.filter(status=Report.Status.PUBLISHED).exists():
            raise ReportFrozenError(f"published reports are frozen: cannot update {sorted(frozen)}")
        return super().update(**kwargs)


class Report(models.Model):
    class Kind(models.TextChoices):
        QUARTERLY = QUARTERLY, _("Quarterly")
        ANNUAL = ANNUAL, _("Annual")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    class RenderState(models.TextChoices):
        NOT_RENDERED = "not_rendered", _("Not rendered")
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    plan = models.ForeignKey(ActionPlan, models.PROTECT, related_name="reports", verbose_name=_("action plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=7, help_text=_("2025-Q3 for a quarter, 2025 for a year."))
    period_starts_on = models.DateField(_("period starts on"))
    period_ends_on = models.DateField(_("period ends on"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    slug = models.SlugField(_("slug"), max_length=40)
    summary = models.TextField(_("summary"), blank=True, help_text=_("The overall summary of the period."))
    correction_note = models.TextField(
        _("what this version corrects"), blank=True, help_text=_("Only for a correction: what changed and why.")
    )
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)
    snapshot_taken_at = models.DateTimeField(_("snapshot taken at"), null=True, blank=True, editable=False)
    # Copied from the snapshot (totals.has_example_data) so that lists can say so without reading the snapshot.
    has_example_data = models.BooleanField(_("example data"), default=False, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    supersedes = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects version"),
        editable=False,
    )
    superseded_at = models.DateTimeField(_("superseded on"), null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent to review by"),
        editable=False,
    )
    submitted_at = models.DateTimeField(_("sent to review on"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
        editable=False,
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True, editable=False)

    render_state = models.CharField(
        _("PDF rendering"),
        max_length=12,
        choices=RenderState.choices,
        default=RenderState.NOT_RENDERED,
        editable=False,
    )
    render_error = models.TextField(_("rendering error"), blank=True, editable=False)
    # The Celery task id that claimed the rendering: a re-delivery of the same message may take over its claim.
    render_task_id = models.CharField(max_length=64, blank=True, editable=False)
    render_queued_at = models.DateTimeField(_("rendering queued at"), null=True, blank=True, editable=False)
    render_started_at = models.DateTimeField(_("rendering started at"), null=True, blank=True, editable=False)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    # What publishing freezes. The rendering state, the superseded mark and who did what may still change.
    FROZEN_FIELDS = frozenset(
        {
            "plan",
            "plan_id",
            "kind",
            "period",
            "period_starts_on",
            "period_ends_on",
            "version",
            "slug",
            "snapshot",
            "snapshot_taken_at",
            "has_example_data",
            "status",
            "supersedes",
            "supersedes_id",
            "published_at",
        }
        | {f"{name}_{code}" for name in ("summary", "correction_note") for code in ("es", "qu")}
        | {"summary", "correction_note"}
    )

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_ends_on", "period_starts_on", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="report_unique_slug_per_plan"),
            models.UniqueConstraint(fields=["plan", "period", "version"], name="report_unique_version"),
            models.UniqueConstraint(
                fields=["plan", "period"], condition=~Q(status="published"), name="report_one_open_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_gte_1"),
            models.CheckConstraint(
                condition=Q(period_ends_on__gte=F("period_starts_on")), name="report_period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False)
                | (~Q(status="published") & Q(published_at__isnull=True)),
                name="report_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.period_obj.label()} · v{self.version}"
        return f"{label} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.has_example_data = bool((self.snapshot or {}).get("totals", {}).get("has_example_data"))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "snapshot" in update_fields:
            kwargs["update_fields"] = {*update_fields, "has_example_data"}
        self._refuse_frozen_changes(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", kwargs={"slug": self.slug})

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def period_has_ended(self) -> bool:
        """Whether the report's period is over in Pastaza (America/Guayaquil): its last day is before today there."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE)) > self.period_ends_on

    @property
    def is_provisional(self) -> bool:
        """A draft of a period that has not ended: its figures may still change, and it can be neither approved
        nor published until the period ends (reports.services.report_require_period_ended)."""
        return not self.is_published and not self.period_has_ended

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def title(self) -> str:
        from django.utils.translation import gettext

        if self.kind == self.Kind.ANNUAL:
            return gettext("Annual progress report %(period)s") % {"period": self.period_obj.label()}
        return gettext("Quarterly progress report %(period)s") % {"period": self.period_obj.label()}

    def file_stem(self, *, draft: bool | None = None) -> str:
        """conecta-pastaza-informe-2025-T3 (+ -v2 for a correction, + -borrador for a draft's preview)."""
        stem = f"{FILE_PREFIX}-{self.period_obj.file_label}"
        if self.version > 1:
            stem += f"-v{self.version}"
        if (not self.is_published) if draft is None else draft:
            stem += "-borrador"
        return stem

    def download_name(self, language: str) -> str:
        return f"{self.file_stem()}-{language}.pdf"

    def data_name(self, extension: str) -> str:
        return f"{self.file_stem()}.{extension}"

    @property
    def json_name(self) -> str:
        return self.data_name("json")

    @property
    def csv_name(self) -> str:
        return self.data_name("csv")

    def _refuse_frozen_changes(self, update_fields) -> None:
        if self.pk is None or self._state.adding:
            return
        names = [f.attname for f in self._meta.concrete_fields if f.name in self.FROZEN_FIELDS]
        if update_fields is not None:
            names = [n for n in names if n in update_fields or n.removesuffix("_id") in update_fields]
        if not names:
            return
        stored = Report.objects.filter(pk=self.pk).values("status", *names).first()
        if stored is None or stored["status"] != self.Status.PUBLISHED:
            return
        changed = sorted(n for n in names if stored[n] != getattr(self, n))
        if changed:
            raise ReportFrozenError(f"report {self.pk} is published and frozen: cannot change {changed}")


class ReportNarrative(models.Model):
    """What happened to one commitment in the period, in the words of the staff who implement it.

    Keyed by the commitment's code, as the snapshot is: the narrative belongs to the report, not to the
    commitment's current row. Implementers write those of the commitments their institution leads."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="narratives", verbose_name=_("report"))
    commitment_code = models.CharField(_("commitment"), max_length=12)
    text = models.TextField(_("narrative"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("commitment narrative")
        verbose_name_plural = _("commitment narratives")
        ordering = ["report", "commitment_code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "commitment_code"], name="narrative_unique_per_commitment"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_code} · {self.report}"

    def save(self, *args, **kwargs):
        if self.report_id and Report.objects.filter(pk=self.report_id, status=Report.Status.PUBLISHED).exists():
            raise ReportFrozenError("the report is published: its narratives are frozen")
        super().save(*args, **kwargs)


def _report_file_path(instance: ReportFile, filename: str) -> str:
    # Named by the first migration; the renderer names its files itself (report_file_name).
    return f"{instance.report.plan.slug}/{instance.report.slug}/{filename}"


def report_file_name(report: Report, language: str) -> str:
    """Where a new rendering of `report` in `language` goes: `<plan>/<report>/<download stem>-<report id>-<random
    token>.pdf`, a name no other rendering, report or instance sharing the folder takes."""
    stem = report.download_name(language).removesuffix(".pdf")
    return unique_name(f"{report.plan.slug}/{report.slug}", stem, "pdf", record_id=report.pk)


class ReportFileQuerySet(models.QuerySet):
    def final(self):
        """The files of published reports rendered after publication (not a draft's preview)."""
        return self.filter(report__status=Report.Status.PUBLISHED, is_preview=False)

    def update(self, **kwargs):
        # A published report's PDF is never pointed at another file, nor given another fingerprint.
        if ReportFile.WRITE_ONCE.intersection(kwargs) and self.final().exists():
            raise ReportFrozenError("the PDFs of a published report are never replaced")
        return super().update(**kwargs)


class ReportFile(models.Model):
    """One rendered PDF of a report, in one language, with what lets anyone check the copy they hold.

    A draft's preview (`is_preview`) is replaced by each rendering and goes with its row. A published report's
    file is written once and never replaced: its row refuses another file or fingerprint (only a file that has
    gone missing from the disk may be rendered again, under a new name), and it cannot be deleted."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="files", verbose_name=_("report"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    file = models.FileField(_("file"), storage=report_storage, upload_to=_report_file_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    pages = models.PositiveIntegerField(_("pages"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rendered_at = models.DateTimeField(_("rendered at"))
    is_preview = models.BooleanField(
        _("draft preview"), default=False, help_text=_("Rendered while the report was a draft: replaced later.")
    )

    objects = ReportFileQuerySet.as_manager()

    WRITE_ONCE = frozenset({"file", "sha256", "size", "pages"})

    class Meta:
        verbose_name = _("report PDF")
        verbose_name_plural = _("report PDFs")
        ordering = ["report", "language"]
        constraints = [models.UniqueConstraint(fields=["report", "language"], name="report_file_one_per_language")]

    def __str__(self) -> str:
        return os.path.basename(self.file.name)

    def save(self, *args, **kwargs):
        self._refuse_replacing_a_published_file(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def download_name(self) -> str:
        return self.report.download_name(self.language)

    def _refuse_replacing_a_published_file(self, update_fields) -> None:
        if self.pk is None or self._state.adding:
            return
        names = sorted(self.WRITE_ONCE if update_fields is None else self.WRITE_ONCE.intersection(update_fields))
        stored = ReportFile.objects.final().filter(pk=self.pk).values(*names).first() if names else None
        if stored is None or all(stored[name] == getattr(self, name) for name in names):
            return
        if "file" in stored and not report_storage.exists(stored["file"]):
            return  # the file went missing from the disk: a new rendering under a new name may take its place
        raise ReportFrozenError(f"report file {self.pk} belongs to a published report and is never replaced")


# What a published quarterly report is told with beyond its PDFs: a bulletin to print per canton and language, and
# the radio pack (reports.bulletins, reports.radio).


def outreach_download_stem(report: Report, what: str) -> str:
    """conecta-pastaza-boletin-2025-T3 (+ -v2 for a correction): the stem of every outreach file of `report`."""
    stem = f"conecta-pastaza-{what}-{report.period_obj.file_label}"
    return stem if report.version == 1 else f"{stem}-v{report.version}"


class ReportOutreachFileQuerySet(models.QuerySet):
    def bulletins(self):
        return self.filter(kind=ReportOutreachFile.Kind.BULLETIN)

    def radio_packs(self):
        return self.filter(kind=ReportOutreachFile.Kind.RADIO_PACK)

    def public(self):
        """What the public may download: files of published reports, but a radio pack withdrawn because one of
        its recordings was."""
        return self.filter(report__status=Report.Status.PUBLISHED, withdrawn_at=None)

    def update(self, **kwargs):
        # Every row is a published report's file: never pointed at another file, nor given another fingerprint.
        if ReportOutreachFile.WRITE_ONCE.intersection(kwargs) and self.exists():
            raise ReportFrozenError("the outreach files of a published report are never replaced")
        return super().update(**kwargs)


class ReportOutreachFile(models.Model):
    """A file made from a published quarterly report's snapshot for people the portal does not reach: a one-sheet
    bulletin to print for a canton in one language, or the radio pack (a ZIP with the recordings, a presenter's
    script in both languages and checksums).

    One model for both kinds, so that the report's page lists them in one query, one view serves them and one rule
    keeps them: they exist only for published reports, are written once under a name of their own and never
    replaced (a row refuses another file or fingerprint, unless its file has gone missing from the disk, as
    ReportFile), and are never deleted. The radio pack is the one kind with versions: when the report's published
    recordings change, a new version is written beside the others (reports.radio), and a version holding a
    recording that was since withdrawn is withdrawn with it (its file deleted, its row and SHA-256 kept)."""

    class Kind(models.TextChoices):
        BULLETIN = "bulletin", _("Bulletin to print")
        RADIO_PACK = "radio_pack", _("Radio pack")

    report = models.ForeignKey(Report, models.CASCADE, related_name="outreach_files", verbose_name=_("report"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    canton = models.ForeignKey(
        Canton, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("canton")
    )
    language = models.CharField(
        _("language"), max_length=5, blank=True, help_text=_("A bulletin's; a radio pack holds both.")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    file = models.FileField(_("file"), storage=report_storage, max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rendered_at = models.DateTimeField(_("rendered at"))
    # A radio pack's recordings: [{"recording", "language", "opus_sha256", "mp3_sha256"}] (reports.radio.manifest).
    recordings = models.JSONField(_("recordings"), default=list, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)

    objects = ReportOutreachFileQuerySet.as_manager()

    WRITE_ONCE = frozenset({"file", "sha256", "size", "recordings"})

    class Meta:
        verbose_name = _("outreach file of a report")
        verbose_name_plural = _("outreach files of reports")
        ordering = ["report", "kind", "canton__code", "language", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "canton", "language"],
                condition=Q(kind="bulletin"),
                name="report_bulletin_one_per_canton_language",
            ),
            models.UniqueConstraint(
                fields=["report", "version"], condition=Q(kind="radio_pack"), name="report_radio_pack_unique_version"
            ),
            models.CheckConstraint(
                condition=(Q(kind="bulletin", canton__isnull=False) & ~Q(language=""))
                | Q(kind="radio_pack", canton__isnull=True, language=""),
                name="report_outreach_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.download_name

    def save(self, *args, **kwargs):
        self._refuse_replacing(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:outreach_file",
            kwargs={"slug": self.report.slug, "digest": self.sha256[:16], "filename": self.download_name},
        )

    @property
    def is_bulletin(self) -> bool:
        return self.kind == self.Kind.BULLETIN

    @property
    def download_name(self) -> str:
        """conecta-pastaza-boletin-2025-T3-mera-qu.pdf, conecta-pastaza-radio-2025-T3-2.zip (its version)."""
        if self.is_bulletin:
            return f"{outreach_download_stem(self.report, 'boletin')}-{self.canton.slug}-{self.language}.pdf"
        return f"{outreach_download_stem(self.report, 'radio')}-{self.version}.zip"

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.is_bulletin else "application/zip"

    def _refuse_replacing(self, update_fields) -> None:
        if self.pk is None or self._state.adding:
            return
        names = sorted(self.WRITE_ONCE if update_fields is None else self.WRITE_ONCE.intersection(update_fields))
        stored = ReportOutreachFile.objects.filter(pk=self.pk).values(*names).first() if names else None
        if stored is None or all(stored[name] == getattr(self, name) for name in names):
            return
        if "file" in stored and not report_storage.exists(stored["file"]):
            return  # the file went missing from the disk: a new rendering under a new name may take its place
        raise ReportFrozenError(f"outreach file {self.pk} belongs to a published report and is never replaced")


def outreach_file_name(report: Report, stem: str, extension: str) -> str:
    """Where a new outreach file of `report` goes: `difusion/<plan>/<report>/<stem>-<report id>-<random token>.<ext>`,
    a folder of their own beside the reports' PDFs, under a name no other rendering takes."""
    return unique_name(f"difusion/{report.plan.slug}/{report.slug}", stem, extension, record_id=report.pk)


# The independent monitor's records.


def _monitor_document_path(instance: MonitorDocument, filename: str) -> str:
    """fcd/2026/fcd-<kind>-<id>-<random token>.pdf: never the uploader's file name, never one already taken."""
    year = timezone.localdate().year
    return unique_name(f"fcd/{year}", f"fcd-{instance.kind or 'document'}", "pdf", record_id=instance.pk)


class MonitorDocument(models.Model):
    """An audit or evaluation report the monitor (FCD) publishes about the plan. Once published, its file is
    frozen (a change is a new document): `clean()` says so in a form, `save()` refuses it anywhere else."""

    class Kind(models.TextChoices):
        AUDIT = "audit", _("Audit")
        EVALUATION = "evaluation", _("Evaluation")
        OTHER = "other", _("Other monitoring report")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    covers = models.CharField(
        _("period covered"), max_length=100, blank=True, help_text=_("For example: 2025, or Q3 2025.")
    )
    file = models.FileField(
        _("PDF file"),
        storage=report_storage,
        upload_to=_monitor_document_path,
        max_length=300,
        validators=[validate_pdf_upload],
        help_text=_("Once the document is published its file cannot change: upload a new document instead."),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("monitoring report (FCD)")
        verbose_name_plural = _("monitoring reports (FCD)")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.file_change_refused():
            raise PublishedFileFrozen(f"monitor document {self.pk} is published: its file cannot change")
        if needs_fingerprint(self.file, self.sha256):
            self.sha256, self.size = fingerprint(self.file)
        super().save(*args, **kwargs)

    def clean(self):
        if self.file_change_refused():
            raise ValidationError(
                {
                    "file": _(
                        "This document is published: its file cannot change, so that the SHA-256 people may have "
                        "checked stays true. Upload the new file as a new document."
                    )
                }
            )

    def file_change_refused(self) -> bool:
        """Whether this save would change the file (or its fingerprint) of a document stored as published."""
        return file_would_change(self, "file", MonitorDocument.objects.filter(is_published=True), "sha256", "size")

    @property
    def download_name(self) -> str:
        return f"fcd-{self.kind}-{self.pk}.pdf"


class MonitorAssessment(models.Model):
    """The monitor's reading of one commitment on the IRM completion scale, with its reasons."""

    commitment = models.ForeignKey(
        Commitment, models.PROTECT, related_name="monitor_assessments", verbose_name=_("commitment")
    )
    assessed_on = models.DateField(_("assessed on"))
    level = models.CharField(_("IRM completion level"), max_length=20, choices=IrmLevel.choices)
    text = models.TextField(_("assessment"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("monitor's assessment (FCD)")
        verbose_name_plural = _("monitor's assessments (FCD)")
        ordering = ["commitment__code", "-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.commitment.code} · {self.assessed_on:%Y-%m-%d} · {self.get_level_display()}"


class GovernmentReply(models.Model):
    """The government's published answer to a monitor's assessment or document, shown beside it."""

    assessment = models.ForeignKey(
        MonitorAssessment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("assessment"),
    )
    document = models.ForeignKey(
        MonitorDocument, models.PROTECT, null=True, blank=True, related_name="replies", verbose_name=_("document")
    )
    text = models.TextField(_("reply"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("government reply")
        verbose_name_plural = _("government replies")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(assessment__isnull=False) & Q(document__isnull=True))
                | (Q(assessment__isnull=True) & Q(document__isnull=False)),
                name="reply_has_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Reply')} · {self.assessment or self.document}"

    def clean(self):
        if bool(self.assessment_id) == bool(self.document_id):
            raise ValidationError(_("A reply answers either one assessment or one document."))
