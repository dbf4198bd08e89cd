"""The OGP action plan: plans, institutions, commitments, milestones, progress updates, evidence, territory.

Field names follow OGP's commitment template (shared/reference/pastaza-facts.md, part A.3). Every human-readable
text is translated into Spanish (es) and Kichwa (qu) through commitments/translation.py.
"""

from __future__ import annotations

import operator
import uuid
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, Mod
from django.db.models.lookups import Exact, GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from conecta.files import fingerprint, needs_fingerprint
from conecta.published_files import PublishedFileFrozen, WriteOnceStorage, file_would_change
from conecta.uploads import check_upload, download_name, kind_of, original_file_name

from .search import KeepsSearchText, search_text_for


class IrmLevel(models.TextChoices):
    """Completion levels of the OGP Independent Reporting Mechanism (opengovpartnership.org/glossary/completion)."""

    NO_EVIDENCE = "no_evidence", _("No evidence available")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")

    @classmethod
    def for_progress(cls, progress: int | None) -> IrmLevel:
        """The level a weighted progress percentage reads as (PROGRESS_LEVELS, which irm_level_expression reads
        in SQL)."""
        for lookup, bound, level in PROGRESS_LEVELS:
            if _COMPARISONS[lookup](progress, bound):
                return level
        return PROGRESS_LEVEL_OTHERWISE


# The IRM level a weighted progress percentage reads as, written once for Python (IrmLevel.for_progress) and SQL
# (irm_level_expression), so that a commitment sits on the same level on every page, filter, export and report:
# the first (lookup, bound) the progress matches gives the level. With nothing to measure (no published milestones)
# there is no evidence; 0 is not started, 100 complete; below half done is limited, half or more substantial.
PROGRESS_LEVELS = (
    ("isnull", True, IrmLevel.NO_EVIDENCE),
    ("lte", 0, IrmLevel.NOT_STARTED),
    ("gte", 100, IrmLevel.COMPLETE),
    ("lt", 50, IrmLevel.LIMITED),
)
PROGRESS_LEVEL_OTHERWISE = IrmLevel.SUBSTANTIAL
_COMPARISONS = {
    "isnull": lambda value, bound: (value is None) is bound,
    "lte": operator.le,
    "gte": operator.ge,
    "lt": operator.lt,
}


def irm_level_expression(progress: str) -> Case:
    """IrmLevel.for_progress in SQL, on the progress percentage annotated as `progress` (e.g. "progress_pct")."""
    return Case(
        *(
            When(**{f"{progress}__{lookup}": bound}, then=Value(level.value))
            for lookup, bound, level in PROGRESS_LEVELS
        ),
        default=Value(PROGRESS_LEVEL_OTHERWISE.value),
        output_field=models.CharField(),
    )


class Axis(models.TextChoices):
    """The plan's three working groups of 21-22 November 2024 (action-plan-2024-2027.txt)."""

    BIOPHYSICAL = "biophysical", _("Biophysical")
    ECONOMIC_PRODUCTIVE = "economic_productive", _("Economic-productive")
    HUMAN_SETTLEMENTS = "human_settlements", _("Human settlements and roads")


class ActionPlanQuerySet(models.QuerySet):
    def real(self):
        return self.filter(is_synthetic=False)


class ActionPlan(models.Model):
    """An OGP Local action plan as OGP's member page shows it (pastaza-facts.md A.1)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    submitted_on = models.DateField(_("submitted to OGP on"), null=True, blank=True)
    published_by_ogp_on = models.DateField(_("published by OGP on"), null=True, blank=True)
    foreword = models.TextField(_("foreword"), blank=True)
    vision = models.TextField(_("long-term vision"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    monitoring = models.TextField(_("monitoring mechanisms"), blank=True)
    source_url = models.URLField(_("source"), blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated for benchmarks and tests; never shown as real.")
    )

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="plan_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be earlier than the start date.")})


class Institution(models.Model):
    class Kind(models.TextChoices):
        PROVINCIAL_GOVERNMENT = "provincial_government", _("Provincial government")
        PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial government department")
        NATIONAL_GOVERNMENT = "national_government", _("National government")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        INTERNATIONAL = "international", _("International organisation")
        PRIVATE = "private", _("Private sector")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("part of"),
        help_text=_("For a department: the government it belongs to."),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


class OgpValue(models.Model):
    """OGP's four values, as listed on every commitment page (pastaza-facts.md A.3)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("OGP value")
        verbose_name_plural = _("OGP values")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Canton(models.Model):
    """A canton of Pastaza, keyed by its INEC DPA code (pastaza-facts.md B.2)."""

    code = models.CharField(_("INEC code"), max_length=4, unique=True, validators=[RegexValidator(r"^16\d{2}$")])
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    seat = models.CharField(_("seat"), max_length=80)
    population_2022 = models.PositiveIntegerField(_("population (2022 census)"), null=True, blank=True)
    population_note = models.CharField(_("population source"), max_length=300, blank=True)
    # A schematic shape from before the real boundaries: the territory map now draws the INEC boundaries
    # (commitments/geomap.py, commitments/geo/), and no page reads these three fields; kept until a migration drops
    # them with the rest of plan_data.CANTON_SHAPES.
    map_path = models.CharField(
        _("map shape"),
        max_length=1000,
        blank=True,
        validators=[RegexValidator(r"^[MLHVZmlhvz0-9 .,-]*$", _("An SVG path of straight lines (M, L, H, V, Z)."))],
        help_text=_("SVG path data in a 400 × 240 box, e.g. “M10 40 L62 30 L66 102Z”."),
    )
    label_x = models.PositiveSmallIntegerField(_("label x"), null=True, blank=True, validators=[MaxValueValidator(400)])
    label_y = models.PositiveSmallIntegerField(_("label y"), null=True, blank=True, validators=[MaxValueValidator(240)])

    class Meta:
        verbose_name = _("canton")
        verbose_name_plural = _("cantons")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Parish(models.Model):
    """A parish (parroquia) of Pastaza, keyed by its INEC DPA code (pastaza-facts.md B.2)."""

    class Kind(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    canton = models.ForeignKey(Canton, models.PROTECT, related_name="parishes", verbose_name=_("canton"))
    code = models.CharField(_("INEC code"), max_length=6, unique=True, validators=[RegexValidator(r"^16\d{4}$")])
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("parish")
        verbose_name_plural = _("parishes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.canton_id and self.code and not self.code.startswith(self.canton.code):
            raise ValidationError({"code": _("A parish code starts with its canton's code.")})


# Saving any of these changes what the public search finds (commitments.search.search_text_for).
_SEARCHED_FIELDS = frozenset(
    {"code", "lead_institution", "lead_department"}
    | {f"{name}{suffix}" for name in ("title", "problem", "action") for suffix in ("", "_es", "_qu")}
)


class LoadedRow(NamedTuple):
    db: str
    pk: Any
    field_names: Any
    values: Any


class RemembersLoadedRow:
    """Keeps the values a whole row was read with, so that the change history (commitments.audit) can tell what
    a save changes without reading the row a second time: one query less per saved row of an import.

    The values serve one save only: a refresh, a copy or an unpickled instance (a cache, a session) may no
    longer hold what the row holds, so the audit reads the row again then.
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if len(values) == len(cls._meta.concrete_fields):  # nothing deferred
            instance._loaded_row = LoadedRow(db, instance.pk, field_names, values)
        return instance

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("_loaded_row", None)
        return super().refresh_from_db(*args, **kwargs)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_loaded_row", None)
        return state


def led_by_q(institution: Institution, *, through: str = "") -> Q:
    """The department-scope rule, written once: what `institution` leads, as the commitment's lead institution or
    its lead department. `through` is the lookup path from the filtered model to the commitment ("commitment__")."""
    return Q(**{f"{through}lead_institution": institution}) | Q(**{f"{through}lead_department": institution})


class CommitmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_plan(self, plan: ActionPlan):
        return self.filter(plan=plan)

    def led_by(self, institution: Institution):
        return self.filter(led_by_q(institution))

    def with_progress(self, *, as_of=None):
        """Annotate `progress_pct`, each commitment's progress (commitment_progress), to show, filter and sort by,
        and `overdue` (commitment_overdue); `Commitment.progress`, `.irm_level` and `.is_overdue` read them without
        another query. With `as_of` (a date), both are as they stood at the end of that day."""
        today = timezone.localdate() if as_of is None else as_of
        return self.annotate(progress_pct=commitment_progress(as_of=as_of)).annotate(
            overdue=commitment_overdue(today=today)
        )


class Commitment(RemembersLoadedRow, models.Model):
    code = models.CharField(
        _("OGP code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,6}\d{4}$", _("An OGP code looks like ECPTZ0001."))],
        help_text=_("The commitment ID OGP publishes, e.g. ECPTZ0001."),
    )
    plan = models.ForeignKey(ActionPlan, models.PROTECT, related_name="commitments", verbose_name=_("action plan"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    problem = models.TextField(_("problem"), blank=True, help_text=_("What is the public problem?"))
    status_quo = models.TextField(_("status quo"), blank=True)
    action = models.TextField(_("action"), blank=True, help_text=_("What does the commitment do?"))
    contribution = models.TextField(
        _("how it contributes"), blank=True, help_text=_("How will the commitment contribute to solve the problem?")
    )
    ogp_values = models.ManyToManyField(OgpValue, blank=True, related_name="commitments", verbose_name=_("OGP values"))
    axis = models.CharField(_("thematic axis"), max_length=30, choices=Axis.choices)
    lead_institution = models.ForeignKey(
        Institution, models.PROTECT, related_name="led_commitments", verbose_name=_("lead institution")
    )
    lead_department = models.ForeignKey(
        Institution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_department_commitments",
        verbose_name=_("lead department"),
        help_text=_("The department that implements it. Its implementers can edit this commitment."),
    )
    supporting_institutions = models.ManyToManyField(
        Institution, blank=True, related_name="supported_commitments", verbose_name=_("supporting institutions")
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    budget_planned = models.DecimalField(
        _("planned budget (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    budget_executed = models.DecimalField(
        _("executed budget (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    budget_source = models.CharField(_("budget source"), max_length=300, blank=True)
    cantons = models.ManyToManyField(Canton, blank=True, related_name="commitments", verbose_name=_("cantons"))
    parishes = models.ManyToManyField(Parish, blank=True, related_name="commitments", verbose_name=_("parishes"))
    source_url = models.URLField(_("source"), blank=True, help_text=_("The commitment's page on OGP's site."))
    is_published = models.BooleanField(_("published"), default=False)
    search_text = models.TextField(
        _("search text"),
        blank=True,
        editable=False,
        help_text=_("Folded copy of the texts the public search looks in (commitments.search); kept up to date."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["plan", "order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="commitment_ends_after_start"),
            models.CheckConstraint(
                condition=Q(budget_planned__isnull=True) | Q(budget_planned__gte=0),
                name="commitment_budget_planned_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(budget_executed__isnull=True) | Q(budget_executed__gte=0),
                name="commitment_budget_executed_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or _SEARCHED_FIELDS.intersection(update_fields):
            self.search_text = search_text_for(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", kwargs={"code": self.code})

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be earlier than the start date.")})
        if self.lead_department_id and self.lead_department.kind != Institution.Kind.PROVINCIAL_DEPARTMENT:
            raise ValidationError(
                {"lead_department": _("The lead department must be a provincial government department.")}
            )

    @property
    def progress(self) -> int | None:
        """Weighted progress (0-100) of the published milestones; None when there are none (commitment_progress).

        Reads the `with_progress()` annotation when present, otherwise asks the database once.
        """
        if "progress_pct" not in self.__dict__:
            self.progress_pct = (
                Commitment.objects.filter(pk=self.pk).with_progress().values_list("progress_pct", flat=True)[0]
            )
        return self.progress_pct

    @property
    def irm_level(self) -> IrmLevel:
        return IrmLevel.for_progress(self.progress)

    @property
    def is_overdue(self) -> bool:
        """Its end date has passed and it is not complete (commitment_overdue, the `overdue` annotation)."""
        if "overdue" not in self.__dict__:
            progress = self.progress
            ended = self.ends_on is not None and self.ends_on < timezone.localdate()
            self.overdue = ended and (progress is None or progress < 100)
        return self.overdue

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.ends_on).days if self.is_overdue else 0

    @property
    def budget_execution_rate(self) -> int | None:
        if not self.budget_planned or self.budget_executed is None:
            return None
        return round(self.budget_executed * 100 / self.budget_planned)


class MilestoneQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, commitment__is_published=True)

    def with_schedule(self, today=None):
        """Annotate `overdue` and `completed_late` (milestone_overdue, milestone_completed_late) as of `today`
        (by default today in Pastaza), for pages, feeds, exports and filters to read."""
        today = today or timezone.localdate()
        return self.annotate(overdue=milestone_overdue(today=today), completed_late=milestone_completed_late())


# Late, said once in SQL: a milestone is overdue on `today` when its due date has passed and it is not complete;
# it was completed late when its completion date is after its due date. A commitment whose end date has passed
# while its progress is under 100 % (or unmeasured) has ended incomplete. Milestone.is_overdue,
# .is_completed_late and Commitment.is_overdue read these annotations (and say the same in Python without them).


def milestone_overdue(*, today, level: str = "level") -> ExpressionWrapper:
    return ExpressionWrapper(Q(due_on__lt=today) & ~Q(**{level: IrmLevel.COMPLETE}), output_field=BooleanField())


def milestone_completed_late(*, level: str = "level", completed_on: str = "completed_on") -> ExpressionWrapper:
    return ExpressionWrapper(
        Q(**{level: IrmLevel.COMPLETE}) & Q(**{f"{completed_on}__gt": F("due_on")}), output_field=BooleanField()
    )


def commitment_overdue(*, today, progress: str = "progress_pct") -> ExpressionWrapper:
    return ExpressionWrapper(
        Q(ends_on__lt=today) & (Q(**{f"{progress}__isnull": True}) | Q(**{f"{progress}__lt": 100})),
        output_field=BooleanField(),
    )


class Milestone(RemembersLoadedRow, KeepsSearchText, models.Model):
    commitment = models.ForeignKey(Commitment, models.PROTECT, related_name="milestones", verbose_name=_("commitment"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How much this milestone counts towards the commitment's progress, relative to the others."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    expected_output = models.TextField(_("expected output"), blank=True)
    starts_on = models.DateField(_("start"))
    due_on = models.DateField(_("due"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    level = models.CharField(
        _("IRM completion level"), max_length=20, choices=IrmLevel.choices, default=IrmLevel.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    responsible_institution = models.ForeignKey(
        Institution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("responsible institution"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_illustrative = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Illustrative data, not the real milestone: pages and exports say so until staff replace it."),
    )
    search_text = models.TextField(
        _("search text"),
        blank=True,
        editable=False,
        help_text=_("Folded copy of the texts the public search looks in (commitments.search); kept up to date."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["commitment", "order"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "order"], name="milestone_unique_order"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="milestone_progress_0_100"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=F("starts_on")), name="milestone_due_after_start"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="milestone_weight_gte_1"),
            models.CheckConstraint(
                condition=Q(level=IrmLevel.NO_EVIDENCE)
                | Q(level=IrmLevel.NOT_STARTED, progress=0)
                | Q(level=IrmLevel.COMPLETE, progress=100)
                | Q(level__in=[IrmLevel.LIMITED, IrmLevel.SUBSTANTIAL], progress__gt=0, progress__lt=100),
                name="milestone_level_matches_progress",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(level=IrmLevel.COMPLETE),
                name="milestone_completed_only_when_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code} · {self.order}. {self.title}"

    def order_taken_error(self) -> ValidationError:
        """Another milestone of the commitment has this order (milestone_unique_order). The form gets this error
        from Django's check of the constraint (unique_error_message); a spreadsheet import, which knows the orders
        its file takes without asking the database row by row, names the order column with it."""
        return ValidationError(
            _("Another milestone of %(code)s already has order %(order)s."),
            code="unique",
            params={"code": self.commitment.code, "order": self.order},
        )

    def unique_error_message(self, model_class, unique_check):
        if model_class is Milestone and tuple(unique_check) == ("commitment", "order"):
            return self.order_taken_error()
        return super().unique_error_message(model_class, unique_check)

    def clean(self):
        errors: dict[str, list] = {}
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            errors.setdefault("due_on", []).append(_("The due date cannot be earlier than the start date."))
        if self.progress is not None and not 0 <= self.progress <= 100:
            errors.setdefault("progress", []).append(_("Progress must be between 0 and 100."))
        elif self.progress is not None and self.level:
            expected = {
                IrmLevel.NOT_STARTED: self.progress == 0,
                IrmLevel.COMPLETE: self.progress == 100,
                IrmLevel.LIMITED: 0 < self.progress < 100,
                IrmLevel.SUBSTANTIAL: 0 < self.progress < 100,
            }.get(self.level, True)
            if not expected:
                errors.setdefault("level", []).append(
                    _(
                        "The level does not match the progress: “not started” needs progress 0, “complete” "
                        "needs 100, and “limited” or “substantial” need something in between."
                    )
                )
        if self.completed_on and self.level != IrmLevel.COMPLETE:
            errors.setdefault("completed_on", []).append(_("Only a complete milestone has a completion date."))
        if self.completed_on and self.starts_on and self.completed_on < self.starts_on:
            errors.setdefault("completed_on", []).append(
                _("The completion date cannot be earlier than the start date.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_overdue(self) -> bool:
        """Past its due date and not complete (milestone_overdue: the `overdue` annotation when the row has it)."""
        if "overdue" in self.__dict__:
            return self.overdue
        return self.due_on is not None and self.level != IrmLevel.COMPLETE and self.due_on < timezone.localdate()

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_on).days if self.is_overdue else 0

    @property
    def is_completed_late(self) -> bool:
        """Completed after its due date (milestone_completed_late)."""
        if "completed_late" in self.__dict__:
            return self.completed_late
        return (
            self.level == IrmLevel.COMPLETE
            and None not in (self.completed_on, self.due_on)
            and self.completed_on > self.due_on
        )


def commitment_progress(*, as_of=None) -> Subquery:
    """A commitment's progress in SQL, on the commitment row it annotates (CommitmentQuerySet.with_progress): the
    mean of its published milestones' progress weighted by their weights, rounded to a whole percent with halves to
    even as Python's round() does; NULL when no milestone is published. Every page, filter, export and report
    snapshot reads it, so a commitment shows one progress everywhere.

    The milestones are summed in a correlated subquery rather than a join, so that commitments filtered or grouped
    by their many-to-many links do not multiply the sums. With `as_of` (a date), each milestone counts with its
    progress at the end of that day (milestone_progress_as_of).
    """
    milestones = Milestone.objects.filter(commitment=OuterRef("pk"), is_published=True)
    progress: Any = F("progress")
    if as_of is not None:
        progress = milestone_progress_as_of(as_of)[0]
    sums = (
        milestones.order_by()
        .values("commitment")
        .annotate(points=Sum(Cast(progress, FloatField()) * Cast("weight", FloatField())), weight=Sum("weight"))
    )
    points, weight = F("points"), F("weight")
    whole = Floor(points / weight)
    twice_rest = (points - whole * weight) * 2
    percent = Cast(
        Case(
            When(Exact(twice_rest, weight), then=whole + Mod(whole, 2)),
            When(GreaterThan(twice_rest, weight), then=whole + 1),
            default=whole,
        ),
        IntegerField(),
    )
    return Subquery(sums.annotate(percent=percent).values("percent"), output_field=IntegerField())


def validate_evidence_size(file) -> None:
    if file.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            params={"size": round(file.size / 1048576, 1), "limit": settings.EVIDENCE_MAX_BYTES // 1048576},
        )


def validate_evidence_file(file) -> None:
    """What a new upload is, from its bytes (conecta.uploads): anything the portal does not accept is refused
    here, next to the field. The result is kept on the file so that saving it does not check it twice."""
    if getattr(file, "_committed", True) or file.size > settings.EVIDENCE_MAX_BYTES:
        return  # a stored file was checked when it came in; a too large one is refused by validate_evidence_size
    file.checked_upload = check_upload(file, max_bytes=settings.EVIDENCE_MAX_BYTES)


class KeepsCheckedFile:
    """For records with `file`, `original_name`, `content_type`, `sha256` and `size` (evidence, road documents):
    a new upload is checked (unless its form already did, `validate_evidence_file`), and what is kept is the
    checked content under a random name: for a photo, the copy without metadata. Its SHA-256 and size are those of
    the kept bytes."""

    def keep_checked_file(self) -> None:
        """Called by save() before the row is written."""
        if self.file and not getattr(self.file, "_committed", True):
            checked = getattr(self.file, "checked_upload", None) or check_upload(
                self.file, max_bytes=settings.EVIDENCE_MAX_BYTES
            )
            self.original_name = original_file_name(self.file.name)
            self.content_type = checked.kind.content_type
            if checked.content is not None:
                self.file = ContentFile(checked.content, name=self.original_name)
            self.sha256 = ""
        elif not self.file:
            self.original_name = self.content_type = self.sha256 = ""
            self.size = None
        if needs_fingerprint(self.file, self.sha256):
            self.sha256, self.size = fingerprint(self.file)

    @property
    def file_kind(self):
        """What the stored file is (conecta.uploads.FileKind); None without a file or for a refused one."""
        return kind_of(self.content_type) if self.file else None

    @property
    def download_name(self) -> str:
        kind = self.file_kind
        return download_name(self.original_name, kind) if kind else ""


@deconstructible
class EvidenceStorage(WriteOnceStorage):
    """Evidence files under MEDIA_ROOT, which nothing serves directly: commitments.views.evidence_file serves the
    files of published evidence, evidence_file_staff the others to staff. Written once and read-only, like every
    published file (conecta.published_files): a replaced file is a new file under a new name."""

    root_setting = "MEDIA_ROOT"


evidence_storage = EvidenceStorage()


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A random name that tells nothing of the upload (nor lets anyone guess another), with the extension of
    what the file is; the name it came with is kept in `original_name`."""
    kind = kind_of(instance.content_type)
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{kind.extension if kind else 'bin'}"


class ProgressUpdateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, commitment__is_published=True).filter(
            Q(milestone__isnull=True) | Q(milestone__is_published=True)
        )


class ProgressUpdate(RemembersLoadedRow, KeepsSearchText, models.Model):
    """A dated entry of the public timeline of a commitment, optionally about one of its milestones."""

    commitment = models.ForeignKey(Commitment, models.PROTECT, related_name="updates", verbose_name=_("commitment"))
    milestone = models.ForeignKey(
        Milestone, models.PROTECT, null=True, blank=True, related_name="updates", verbose_name=_("milestone")
    )
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    progress = models.PositiveSmallIntegerField(
        _("progress reported (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_illustrative = models.BooleanField(_("example data"), default=False)
    staff_notified_at = models.DateTimeField(_("planning staff notified"), null=True, blank=True, editable=False)
    search_text = models.TextField(
        _("search text"),
        blank=True,
        editable=False,
        help_text=_("Folded copy of the texts the public search looks in (commitments.search); kept up to date."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | (Q(progress__gte=0) & Q(progress__lte=100)),
                name="update_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code} · {self.occurred_on:%Y-%m-%d} · {self.title}"

    def clean(self):
        if self.milestone_id and self.commitment_id and self.milestone.commitment_id != self.commitment_id:
            raise ValidationError({"milestone": _("The milestone belongs to another commitment.")})
        # A progress reported is its milestone's observation on the update's date (services.update_progress_record):
        # it needs the milestone it measures, and a date that has come.
        if self.progress is not None and not self.milestone_id:
            message = _("A reported progress needs its milestone: choose the milestone it measures, or leave it empty.")
            raise ValidationError({"progress": message})
        if self.progress is not None and self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError(
                {"occurred_on": _("An update that reports a progress cannot be dated in the future.")}
            )


class ProgressSource(models.TextChoices):
    """Where a dated observation (of a milestone's progress, a commitment's executed budget, an indicator's value)
    was entered."""

    ADMIN = "admin", _("Staff admin")
    IMPORT = "import", _("Spreadsheet import")
    UPDATE = "update", _("Progress update")
    LOADED = "loaded", _("Data load")
    HISTORY = "history", _("Recorded before the history existed")


class MilestoneProgressQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def as_of(self, day):
        """The published observations made on or before `day`, latest first (by date, then by entry)."""
        return self.published().filter(observed_on__lte=day).order_by("-observed_on", "-pk")


class MilestoneProgress(models.Model):
    """One dated observation of a milestone's progress and IRM level: the date it was reached or reported, who
    recorded it and from where. A milestone's current progress is its latest published observation
    (commitments.services.milestone_progress_refresh keeps Milestone.progress and .level equal to it); its state on
    any date is the latest published observation on or before that date (milestone_progress_as_of, in SQL).

    An observation reported by a progress update follows the update: published with it, changed with it."""

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="observations", verbose_name=_("milestone"))
    observed_on = models.DateField(_("date"), help_text=_("When this progress was reached or reported."))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    level = models.CharField(_("IRM completion level"), max_length=20, choices=IrmLevel.choices)
    source = models.CharField(_("entered through"), max_length=10, choices=ProgressSource.choices)
    update = models.OneToOneField(
        ProgressUpdate,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="observation",
        verbose_name=_("progress update"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    is_published = models.BooleanField(_("published"), default=True)
    is_illustrative = models.BooleanField(_("example data"), default=False)

    objects = MilestoneProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress observation")
        verbose_name_plural = _("progress observations")
        ordering = ["milestone", "observed_on", "pk"]
        indexes = [models.Index(fields=["milestone", "observed_on"], name="milestone_progress_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="milestone_progress_obs_0_100"
            ),
            models.CheckConstraint(
                condition=Q(level=IrmLevel.NO_EVIDENCE)
                | Q(level=IrmLevel.NOT_STARTED, progress=0)
                | Q(level=IrmLevel.COMPLETE, progress=100)
                | Q(level__in=[IrmLevel.LIMITED, IrmLevel.SUBSTANTIAL], progress__gt=0, progress__lt=100),
                name="milestone_progress_obs_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.observed_on:%Y-%m-%d} · {self.progress} %"


def milestone_progress_as_of(day) -> tuple[Case, Case]:
    """(progress, level) of each milestone row at the end of `day`, in SQL: its latest published observation on or
    before `day`; 0 and "not started" before the milestone starts, or when nothing was observed by then."""
    latest = MilestoneProgress.objects.as_of(day).filter(milestone=OuterRef("pk"))
    not_started_yet = Q(starts_on__gt=day)
    progress = Case(
        When(not_started_yet, then=Value(0)),
        default=Coalesce(Subquery(latest.values("progress")[:1]), Value(0)),
        output_field=IntegerField(),
    )
    level = Case(
        When(not_started_yet, then=Value(IrmLevel.NOT_STARTED.value)),
        default=Coalesce(Subquery(latest.values("level")[:1]), Value(IrmLevel.NOT_STARTED.value)),
        output_field=models.CharField(),
    )
    return progress, level


class BudgetExecutionQuerySet(models.QuerySet):
    def as_of(self, day):
        return self.filter(observed_on__lte=day).order_by("-observed_on", "-pk")


class BudgetExecution(models.Model):
    """The budget a commitment had executed by a date, as recorded: Commitment.budget_executed is the latest
    (commitments.services.commitment_save records a new one whenever it changes), and a report reads the one in
    force at the end of its period."""

    commitment = models.ForeignKey(
        Commitment, models.CASCADE, related_name="budget_history", verbose_name=_("commitment")
    )
    observed_on = models.DateField(_("executed as of"))
    amount = models.DecimalField(
        _("executed budget (USD)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    source = models.CharField(_("entered through"), max_length=10, choices=ProgressSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = BudgetExecutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("executed budget record")
        verbose_name_plural = _("executed budget records")
        ordering = ["commitment", "observed_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="budget_execution_gte_0")]

    def __str__(self) -> str:
        return f"{self.commitment.code} · {self.observed_on:%Y-%m-%d} · {self.amount}"


def budget_executed_as_of(day) -> Subquery:
    """A commitment's executed budget at the end of `day` (on the commitment row annotated): the latest record
    on or before it; NULL when none was recorded by then."""
    latest = BudgetExecution.objects.as_of(day).filter(commitment=OuterRef("pk"))
    return Subquery(latest.values("amount")[:1], output_field=models.DecimalField(max_digits=14, decimal_places=2))


class IndicatorQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, commitment__is_published=True)


class Indicator(RemembersLoadedRow, KeepsSearchText, models.Model):
    """A measurable indicator of a commitment's results, after IATI's result/indicator (baseline, target, period
    values) and Akvo RSR's results framework: what is measured, in what unit, which way is better, from where to
    where, and how it is measured."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        DECREASE = "decrease", _("Decrease")

    class Disaggregation(models.TextChoices):
        NONE = "none", _("None (one value for the whole province)")
        SEX = "sex", _("By sex")
        CANTON = "canton", _("By canton")
        COMMUNITY = "community", _("By community or nationality")

    commitment = models.ForeignKey(Commitment, models.PROTECT, related_name="indicators", verbose_name=_("commitment"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=80, help_text=_("What is counted, e.g. “plants” or “km”."))
    direction = models.CharField(
        _("better when it"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=2)
    baseline_on = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    target_on = models.DateField(_("target date"))
    method = models.TextField(_("measurement method"), blank=True)
    source = models.CharField(_("source of the data"), max_length=300, blank=True)
    disaggregation = models.CharField(
        _("disaggregated"), max_length=10, choices=Disaggregation.choices, default=Disaggregation.NONE
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_illustrative = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Illustrative data, not the real indicator: pages and exports say so until staff replace it."),
    )
    search_text = models.TextField(
        _("search text"),
        blank=True,
        editable=False,
        help_text=_("Folded copy of the texts the public search looks in (commitments.search); kept up to date."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["commitment", "order"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "order"], name="indicator_unique_order"),
            models.CheckConstraint(
                condition=Q(target_on__gte=F("baseline_on")), name="indicator_target_after_baseline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.code} · {self.name}"

    def clean(self):
        if self.baseline_on and self.target_on and self.target_on < self.baseline_on:
            raise ValidationError({"target_on": _("The target date cannot be earlier than the baseline date.")})
        if (
            self.baseline_value is not None
            and self.target_value is not None
            and self.direction
            and (self.target_value < self.baseline_value) != (self.direction == self.Direction.DECREASE)
            and self.target_value != self.baseline_value
        ):
            raise ValidationError(
                {
                    "target_value": _(
                        "The target goes the other way from the baseline: check the values or the direction."
                    )
                }
            )


class IndicatorValueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, indicator__in=Indicator.objects.published())


class IndicatorValue(RemembersLoadedRow, models.Model):
    """A measured value of an indicator on a date, for the whole province or for one group of its
    disaggregation (a sex, a canton, a community), with its source and evidence. Entered by the implementers of
    the commitment, published by the Planning Directorate; the monitor (FCD) may verify or dispute it
    (IndicatorVerification)."""

    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="values", verbose_name=_("indicator"))
    observed_on = models.DateField(_("date measured"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    group = models.CharField(
        _("group"),
        max_length=120,
        blank=True,
        help_text=_("For a disaggregated value: the sex, canton or community it counts. Empty for the total."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    evidence_url = models.URLField(_("evidence (link)"), blank=True, max_length=500)
    note = models.TextField(_("note"), blank=True)
    entered_through = models.CharField(
        _("entered through"), max_length=10, choices=ProgressSource.choices, default=ProgressSource.ADMIN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_illustrative = models.BooleanField(_("example data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "observed_on", "group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "observed_on", "group"], name="indicator_value_unique_date"),
        ]

    def __str__(self) -> str:
        group = f" · {self.group}" if self.group else ""
        return f"{self.indicator} · {self.observed_on:%Y-%m-%d}{group}: {self.value}"

    # What the monitor's verdict is about: once it has checked a value, none of these changes (a correction is a new
    # value, with a note), so that "verified" never stands under a figure the monitor did not see.
    CHECKED_FIELDS = ("indicator_id", "observed_on", "value", "group")

    def clean(self):
        """A value is measured, so never dated after today nor before its indicator's baseline; a group only where
        the indicator is disaggregated; a value the monitor checked does not change."""
        errors = {}
        if self.observed_on and self.observed_on > timezone.localdate():
            errors["observed_on"] = _("A measured value cannot be dated in the future.")
        elif self.observed_on and self.indicator_id and self.observed_on < self.indicator.baseline_on:
            errors["observed_on"] = _("A measured value cannot be dated before the indicator's baseline (%(day)s).") % {
                "day": date_format(self.indicator.baseline_on, "SHORT_DATE_FORMAT")
            }
        if self.group and self.indicator_id and self.indicator.disaggregation == Indicator.Disaggregation.NONE:
            errors["group"] = _("This indicator is not disaggregated: leave the group empty for its total.")
        if errors:
            raise ValidationError(errors)
        self.refuse_change_after_check()

    def refuse_change_after_check(self) -> None:
        """Refuse to change what the monitor checked (CHECKED_FIELDS of a value with a verification)."""
        if self.pk is None:
            return
        stored = (
            IndicatorValue.objects.filter(pk=self.pk, verification__isnull=False)
            .values_list(*self.CHECKED_FIELDS)
            .first()
        )
        if stored is not None and stored != tuple(getattr(self, name) for name in self.CHECKED_FIELDS):
            raise ValidationError(
                _(
                    "The independent monitor has checked this value: its figure, date and group no longer change. "
                    "Enter the correction as a new value, with a note that says what it corrects."
                )
            )


class IndicatorVerification(models.Model):
    """The independent monitor's (FCD's) word on a measured value: verified or disputed, with its note. Only the
    monitor writes it; government staff read it and cannot change it."""

    class Status(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        DISPUTED = "disputed", _("Disputed")

    value = models.OneToOneField(
        IndicatorValue, models.CASCADE, related_name="verification", verbose_name=_("indicator value")
    )
    status = models.CharField(_("verdict"), max_length=10, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("checked by")
    )
    checked_at = models.DateTimeField(_("checked on"), auto_now=True)

    class Meta:
        verbose_name = _("verification by the monitor")
        verbose_name_plural = _("verifications by the monitor")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.value} · {self.get_status_display()}"


class EvidenceQuerySet(models.QuerySet):
    def published(self):
        """Published evidence of a published milestone or update (of a published commitment): the rule of the
        milestones' and updates' own published() querysets, in one query."""
        return self.filter(is_published=True).filter(
            Q(milestone__in=Milestone.objects.published()) | Q(update__in=ProgressUpdate.objects.published())
        )


class Evidence(KeepsCheckedFile, models.Model):
    """A link or a file that backs a milestone's or an update's claim of progress.

    A file is accepted only as what its bytes say it is (conecta.uploads), stored under a random name in a
    storage with no public address, and served by a view; photos are kept without their metadata. A file kept
    from before these checks whose type is not accepted has no `content_type`: it is never served, and the
    admin asks staff to replace it."""

    milestone = models.ForeignKey(
        Milestone, models.PROTECT, null=True, blank=True, related_name="evidence", verbose_name=_("milestone")
    )
    update = models.ForeignKey(
        ProgressUpdate, models.PROTECT, null=True, blank=True, related_name="evidence", verbose_name=_("update")
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(
        _("file"),
        storage=evidence_storage,
        upload_to=evidence_upload_to,
        blank=True,
        validators=[validate_evidence_size, validate_evidence_file],
        help_text=_(
            "A PDF, a photo (JPEG, PNG or WebP), an office document or a table as CSV. Photos are kept without "
            "their metadata (such as the place where they were taken)."
        ),
    )
    original_name = models.CharField(_("original file name"), max_length=200, blank=True, editable=False)
    content_type = models.CharField(
        _("file type"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("What the file is, read from its content; empty for a file of a type that is not accepted."),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(milestone__isnull=False) | Q(update__isnull=False), name="evidence_has_subject"
            ),
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""),
                name="evidence_has_link_or_file",
                violation_error_message=_("Give a link or upload a file."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        """A new upload is checked (unless its form already did), and what is kept is the checked content under
        a random name: for a photo, the copy without metadata. Its SHA-256 and size are those of the kept bytes.
        The file of evidence the public sees is never replaced nor removed (PublishedFileFrozen): a new file is new
        evidence, and withdrawing one is unpublishing it."""
        self.refuse_file_change()
        self.keep_checked_file()
        super().save(*args, **kwargs)

    def clean(self):
        # The subject may be a milestone or update saved in the same form (an inline of a new one): not saved yet,
        # but there. Link-or-file is the evidence_has_link_or_file constraint's own message.
        fields = (Evidence._meta.get_field("milestone"), Evidence._meta.get_field("update"))
        if not any(getattr(self, field.attname) or field.get_cached_value(self, None) for field in fields):
            raise ValidationError(_("Evidence belongs to a milestone or to an update."))

    @property
    def is_public(self) -> bool:
        """Whether the public sees this evidence as it is stored (published, of a published milestone or update
        of a published commitment)."""
        return self.pk is not None and Evidence.objects.published().filter(pk=self.pk).exists()

    def refuse_file_change(self) -> None:
        if file_would_change(self, "file", Evidence.objects.published()):
            raise PublishedFileFrozen(
                _(
                    "“%(title)s” is published: its file is never replaced nor removed. Add the new file as new "
                    "evidence; to withdraw this one, a planner unpublishes it."
                )
                % {"title": self.title}
            )

    def get_file_url(self) -> str:
        """The public address of the file (served only while the evidence is public); "" when there is none.
        It carries the start of the file's SHA-256, so that it changes whenever the file does."""
        if self.file_kind is None or not self.sha256:
            return ""
        return reverse(
            "commitments:evidence_file", kwargs={"pk": self.pk, "digest": self.sha256[:16], "name": self.download_name}
        )

    @property
    def public_url(self) -> str:
        """Where the public page links: the file, else the link."""
        return self.get_file_url() or self.url


class StaffProfile(models.Model):
    """Ties a staff account to the institution (usually a department) it works for; implementers edit only
    what that institution leads."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="staff", verbose_name=_("institution"))

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user} · {self.institution.short_name}"


class ChangeRecord(models.Model):
    """Who changed what, and when, on a commitment, milestone or progress update (written by commitments.audit)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("who")
    )
    user_display = models.CharField(_("who"), max_length=150, blank=True)
    source = models.CharField(_("through"), max_length=20)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=40, db_index=True)
    object_id = models.PositiveBigIntegerField(_("record id"), db_index=True)
    object_repr = models.CharField(_("record"), max_length=300)
    commitment_code = models.CharField(_("commitment"), max_length=12, blank=True, db_index=True)
    changes = models.JSONField(_("what changed"), default=dict)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        at = f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} " if self.at else ""  # the portal's time, as in the list
        return f"{at}{self.user_display or '-'} {self.get_action_display()} {self.object_repr}"
