"""The staff admin of the plan: Spanish and Kichwa tabs, spreadsheet round trips, department scoping,
protected published records and a visible change log."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from conecta.admin_messages import AdminMessagesMixin
from kichwa.admin_audio import RecordingInline

from . import audit, roles, services
from .models import (
    ActionPlan,
    BudgetExecution,
    Canton,
    ChangeRecord,
    Commitment,
    Evidence,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    Institution,
    Milestone,
    MilestoneProgress,
    OgpValue,
    Parish,
    ProgressSource,
    ProgressUpdate,
    StaffProfile,
)
from .resources import (
    CommitmentResource,
    IndicatorResource,
    IndicatorValueResource,
    MilestoneResource,
)
from .staff import (
    KichwaGapsAdminMixin,
    ProtectPublishedMixin,
    ReadOnlyAdminMixin,
    ScopedMixin,
    SpreadsheetAdminMixin,
)

# Links typed without a scheme mean https (Django 6's default; saying so now also silences its warning).
admin.options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.URLField] = {
    **admin.options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.URLField],
    "assume_scheme": "https",
}


class ChangeLogMixin:
    """A read-only panel with the record's latest changes (who, when, what: old -> new), read as a person reads them
    (commitments.audit.read_changes), at the portal's local time."""

    @admin.display(description=_("Change history"))
    def change_log(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        records = list(ChangeRecord.objects.filter(model=obj._meta.model_name, object_id=obj.pk)[:25])
        if not records:
            return _("No changes recorded yet.")
        readable = audit.read_changes(records)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    _local_time(r.at),
                    r.user_display or "—",
                    r.get_action_display(),
                    format_changes(readable[r.pk]),
                )
                for r in records
            ),
        )
        link = (
            reverse("admin:commitments_changerecord_changelist") + f"?model={obj._meta.model_name}&object_id={obj.pk}"
        )
        return format_html(
            '<table class="conecta-changelog"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            '<tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
            _("When"),
            _("Who"),
            _("Action"),
            _("What changed"),
            rows,
            link,
            _("All changes of this record"),
        )


def _local_time(moment) -> str:
    """A moment as the change record list shows it: in the portal's time zone (America/Guayaquil)."""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def format_changes(changes: list[audit.ReadableChange]):
    """Each change on its line: "Label: old → new", or "Label: value" where only the new value is told."""
    if not changes:
        return "—"
    return format_html_join(
        "",
        "<div>{}</div>",
        (
            (
                format_html("<strong>{}</strong>: {}", change.label, change.new)
                if change.old is None
                else format_html("<strong>{}</strong>: {} → {}", change.label, change.old, change.new),
            )
            for change in changes
        ),
    )


def _scoped_commitments(request):
    return roles.visible_commitments(request.user, Commitment.objects.select_related("plan"))


# Late, in the admin lists: the same SQL rules as the public pages (commitments.models.milestone_overdue,
# milestone_completed_late, commitment_overdue), as a filter and a column.


class MilestoneOverdueFilter(admin.SimpleListFilter):
    """Milestones past their due date and not complete, today (MilestoneQuerySet.with_schedule)."""

    title = _("overdue")
    parameter_name = "vencido"

    def lookups(self, request, model_admin):
        return [("si", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() not in ("si", "no"):
            return queryset
        if "overdue" not in queryset.query.annotations:
            queryset = queryset.with_schedule()
        return queryset.filter(overdue=self.value() == "si")


class CommitmentEndedIncompleteFilter(admin.SimpleListFilter):
    """Commitments whose end date has passed while incomplete (the `overdue` annotation of with_progress, which
    the admin's queryset carries)."""

    title = _("ended incomplete")
    parameter_name = "vencido"

    def lookups(self, request, model_admin):
        return [("si", _("Ended without being completed")), ("no", _("In time or complete"))]

    def queryset(self, request, queryset):
        if self.value() not in ("si", "no"):
            return queryset
        if "overdue" not in queryset.query.annotations:
            queryset = queryset.with_progress()
        return queryset.filter(overdue=self.value() == "si")


def _days_overdue(days: int) -> str:
    return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}


@admin.display(description=_("overdue"))
def milestone_schedule(milestone: Milestone):
    if milestone.is_overdue:
        return format_html('<strong class="late">{}</strong>', _days_overdue(milestone.days_overdue))
    if milestone.is_completed_late:
        return _("completed late")
    return "—"


@admin.display(description=_("ended incomplete"))
def commitment_ended_incomplete(commitment: Commitment):
    if not commitment.is_overdue:
        return "—"
    return format_html('<strong class="late">{}</strong>', _days_overdue(commitment.days_overdue))


class ImportExportTranslationAdmin(SpreadsheetAdminMixin, TabbedTranslationAdmin):
    """Spreadsheet import and export (commitments.staff.SpreadsheetAdminMixin) beside the Spanish and Kichwa tabs."""


@admin.register(ActionPlan)
class ActionPlanAdmin(AdminMessagesMixin, TabbedTranslationAdmin):
    list_display = ["title", "starts_on", "ends_on", "submitted_on", "is_synthetic"]
    list_filter = ["is_synthetic"]
    prepopulated_fields = {"slug": ["title_es"]}


@admin.register(Institution)
class InstitutionAdmin(AdminMessagesMixin, TabbedTranslationAdmin):
    list_display = ["name", "acronym", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name_es", "name_qu", "acronym"]
    prepopulated_fields = {"slug": ["name_es"]}


@admin.register(OgpValue)
class OgpValueAdmin(AdminMessagesMixin, TabbedTranslationAdmin):
    list_display = ["name", "code", "order"]


class ParishInline(TranslationTabularInline):
    model = Parish
    extra = 0


@admin.register(Canton)
class CantonAdmin(AdminMessagesMixin, TabbedTranslationAdmin):
    list_display = ["name", "code", "seat", "population_2022"]
    inlines = [ParishInline]


@admin.register(Parish)
class ParishAdmin(AdminMessagesMixin, TabbedTranslationAdmin):
    list_display = ["name", "code", "canton", "kind"]
    list_filter = ["canton", "kind"]
    list_select_related = ["canton"]
    search_fields = ["name_es", "name_qu", "code"]


class DatedChangeForm(forms.ModelForm):
    """A form with one date that is no column of its record: the date of a change of `dated_fields` (a
    milestone's progress, a commitment's executed budget), named `date_field`, for the history the save records.
    Today unless changed, never in the future, and needed only when one of `dated_fields` changes."""

    date_field = ""
    dated_fields: tuple[str, ...] = ()
    missing_date: str = ""

    def clean(self):
        cleaned = super().clean()
        name = self.date_field
        day = cleaned.get(name)
        if day is not None and day > timezone.localdate():
            self.add_error(name, _("This date is in the future: give the day it was reached or reported."))
        elif day is None and name in self.fields and name not in self.errors:
            if any(changed in self.changed_data for changed in self.dated_fields):
                self.add_error(name, self.missing_date)
        return cleaned


def _date_of_change(label, help_text) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        initial=timezone.localdate,
        help_text=help_text,
        widget=admin.widgets.AdminDateWidget,
    )


def _next_order(model, commitment) -> int:
    """The order after the last of `commitment`'s milestones or indicators (`model`): 1 for its first."""
    last = model.objects.filter(commitment=commitment).aggregate(last=models.Max("order"))["last"]
    return (last or 0) + 1


class NextOrderFormMixin:
    """A new milestone or indicator left without an order takes the next free one of its commitment (the model's
    default, 1, is taken from the second one on); a commitment given in the address (?commitment=) proposes it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("order")
        if field is None or self.instance.pk is not None:
            return
        field.required = False
        field.help_text = _("Leave it blank for the next free order of the commitment.")
        commitment = str(self.initial.get("commitment") or "")
        self.initial["order"] = _next_order(self._meta.model, commitment) if commitment.isdigit() else None

    def clean(self):
        cleaned = super().clean()
        commitment = cleaned.get("commitment")
        if "order" in self.fields and self.instance.pk is None and cleaned.get("order") is None and commitment:
            cleaned["order"] = _next_order(self._meta.model, commitment)
        return cleaned


class MilestoneAdminForm(NextOrderFormMixin, DatedChangeForm):
    date_field = "observed_on"
    dated_fields = ("progress", "level")
    missing_date = _("Give the date of this progress: when it was reached or reported.")

    observed_on = _date_of_change(
        _("Date of this progress"),
        _(
            "When it was reached or reported (today unless you change it; never in the future). A changed progress "
            "or level enters the milestone's dated history on this date; the public page shows the latest one."
        ),
    )


class CommitmentAdminForm(DatedChangeForm):
    date_field = "executed_on"
    dated_fields = ("budget_executed",)
    missing_date = _("Give the date up to which this budget was executed.")

    executed_on = _date_of_change(
        _("Executed budget as of"),
        _(
            "The day up to which the executed budget above was spent (today unless you change it; never in the "
            "future). A changed amount enters the commitment's dated budget history on this date."
        ),
    )


class HistoryGoesWithItMixin:
    """A record's dated history (a milestone's or an update's progress observations, a commitment's executed budget
    records) is deleted with it: whoever may delete the draft record may delete its history, which its own admin
    only shows (MilestoneProgressAdmin, BudgetExecutionAdmin)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        histories = {str(MilestoneProgress._meta.verbose_name), str(BudgetExecution._meta.verbose_name)}
        return deleted, counts, {name for name in perms_needed if str(name) not in histories}, protected


@admin.register(Commitment)
class CommitmentAdmin(
    AdminMessagesMixin,
    KichwaGapsAdminMixin,
    HistoryGoesWithItMixin,
    ChangeLogMixin,
    ScopedMixin,
    ProtectPublishedMixin,
    ImportExportTranslationAdmin,
):
    resource_classes = [CommitmentResource]
    form = CommitmentAdminForm
    inlines = [RecordingInline]
    list_display = [
        "code",
        "title",
        "axis",
        "lead",
        "progress_display",
        "irm_level_display",
        commitment_ended_incomplete,
        "is_published",
    ]
    list_filter = [
        "plan",
        "axis",
        "is_published",
        CommitmentEndedIncompleteFilter,
        "lead_department",
        "ogp_values",
        "cantons",
    ]
    list_select_related = ["lead_institution", "lead_department", "plan"]
    search_fields = ["code", "title_es", "title_qu"]
    filter_horizontal = ["ogp_values", "supporting_institutions", "cantons", "parishes"]
    readonly_fields = ["progress_display", "irm_level_display", "milestones_list", "change_log"]
    fieldsets = [
        (None, {"fields": ["plan", "code", "order", "title", "axis", "is_published"]}),
        (
            _("Description (OGP template)"),
            {"fields": ["problem", "status_quo", "action", "contribution", "ogp_values"]},
        ),
        (_("Institutions"), {"fields": ["lead_institution", "lead_department", "supporting_institutions"]}),
        (
            _("Dates and budget"),
            {"fields": ["starts_on", "ends_on", "budget_planned", "budget_executed", "executed_on", "budget_source"]},
        ),
        (_("Territory"), {"fields": ["cantons", "parishes"]}),
        (
            _("Progress (derived from the milestones)"),
            {"fields": ["progress_display", "irm_level_display", "milestones_list"]},
        ),
        (_("Source and history"), {"fields": ["source_url", "change_log"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    def save_model(self, request, obj, form, change):
        services.commitment_save(
            commitment=obj,
            new=not change,
            by=request.user,
            source=ProgressSource.ADMIN,
            executed_on=form.cleaned_data.get("executed_on"),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.is_planner(request.user):
            # Implementers write the content; what the commitment is, who leads it and whether it is public
            # stays with the Planning Directorate.
            fields += ["plan", "code", "lead_institution", "lead_department", "is_published"]
        return fields

    @admin.display(description=_("lead"))
    def lead(self, obj):
        return obj.lead_department.short_name if obj.lead_department else obj.lead_institution.short_name

    @admin.display(description=_("progress"))
    def progress_display(self, obj):
        return "—" if obj.progress is None else f"{obj.progress} %"

    @admin.display(description=_("IRM level"))
    def irm_level_display(self, obj):
        return obj.irm_level.label

    @admin.display(description=_("milestones"))
    def milestones_list(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        items = obj.milestones.all()
        if not items:
            return _("No milestones yet.")
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {} % · {} · {}{}</li>',
                (
                    (
                        reverse("admin:commitments_milestone_change", args=[m.pk]),
                        m.title,
                        m.progress,
                        m.get_level_display(),
                        _("published") if m.is_published else _("draft"),
                        format_html(" · <strong>{}</strong>", _("example data")) if m.is_illustrative else "",
                    )
                    for m in items
                ),
            ),
        )


class StaffEvidenceFile:
    """A stored evidence file as the admin's file widget shows it: under the name it was uploaded with, linked to
    the staff view (its storage has no address of its own)."""

    def __init__(self, evidence: Evidence):
        self.url = reverse("commitments:evidence_file_staff", kwargs={"pk": evidence.pk})
        self.name = evidence.original_name or evidence.file.name.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return self.name


class EvidenceFileWidget(admin.widgets.AdminFileWidget):
    def is_initial(self, value):
        return bool(value) and getattr(getattr(value, "instance", None), "pk", None) is not None

    def format_value(self, value):
        return StaffEvidenceFile(value.instance) if self.is_initial(value) else None


class EvidenceFormSet(BaseInlineFormSet):
    """Evidence the public sees keeps its file and stays (a new file is new evidence; withdrawing one is a planner
    unpublishing it): refused here with a message, before the model's own guard would refuse the save."""

    def clean(self):
        super().clean()
        stored = {form.instance.pk for form in self.initial_forms if form.instance.pk}
        public = set(Evidence.objects.published().filter(pk__in=stored).values_list("pk", flat=True))
        deleted = []
        for form in self.initial_forms:
            if form.instance.pk not in public:
                continue
            if self.can_delete and self._should_delete_form(form):
                deleted.append(str(form.instance))
            elif "file" in form.changed_data and form.initial.get("file"):
                form.add_error(
                    "file",
                    _(
                        "This evidence is published: its file is never replaced nor removed. Add the new file as new "
                        "evidence."
                    ),
                )
        if deleted:
            raise ValidationError(
                _(
                    "Published evidence cannot be deleted: %(titles)s. A planner can unpublish it instead, and "
                    "the change is recorded."
                ),
                params={"titles": ", ".join(f"“{title}”" for title in deleted)},
            )


class EvidenceInline(TranslationStackedInline):
    model = Evidence
    formset = EvidenceFormSet
    extra = 0
    fields = ["title", "url", "file", "file_check", "is_published", "sha256", "size"]
    readonly_fields = ["file_check", "sha256", "size"]
    formfield_overrides = {models.FileField: {"widget": EvidenceFileWidget}}

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.is_planner(request.user):
            fields.append("is_published")  # as for milestones and updates: the Planning Directorate publishes
        return fields

    @admin.display(description=_("file check"))
    def file_check(self, obj):
        """What the stored file was found to be, or that it is refused (a file kept from before the checks)."""
        if obj is None or obj.pk is None or not obj.file:
            return "—"
        kind = obj.file_kind
        if kind is None:
            return format_html(
                '<strong class="errornote">{}</strong>',
                _(
                    "Refused: this type of file is not accepted, so it is never shown. Replace it with a PDF, a "
                    "photo (JPEG, PNG or WebP), an office document (DOCX, XLSX, PPTX, ODT, ODS, DOC or XLS) or a "
                    "table as CSV."
                ),
            )
        return format_html(
            '{} · {} · <a href="{}">{}</a>',
            kind.label,
            obj.original_name,
            reverse("commitments:evidence_file_staff", kwargs={"pk": obj.pk}),
            _("Download"),
        )


class MilestoneEvidenceInline(EvidenceInline):
    fk_name = "milestone"


class UpdateEvidenceInline(EvidenceInline):
    fk_name = "update"


class CommitmentPartAdminMixin(
    AdminMessagesMixin, HistoryGoesWithItMixin, ChangeLogMixin, ScopedMixin, ProtectPublishedMixin
):
    """What the admins of a commitment's milestones and progress updates share: a department works on those of the
    commitments it leads (the spreadsheet import asks the admin, resources.AdminImportRules, so the form and the
    import follow this one rule), only the Planning Directorate publishes, a published one stays, and each change
    is in its history."""

    commitment_path = "commitment__"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.is_planner(request.user):
            fields += ["is_published"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commitment":
            kwargs["queryset"] = _scoped_commitments(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Milestone)
class MilestoneAdmin(KichwaGapsAdminMixin, CommitmentPartAdminMixin, ImportExportTranslationAdmin):
    resource_classes = [MilestoneResource]
    list_display = [
        "__str__",
        "due_on",
        milestone_schedule,
        "level",
        "progress",
        "weight",
        "is_published",
        "is_illustrative",
    ]
    list_filter = ["level", MilestoneOverdueFilter, "is_published", "is_illustrative", "commitment__plan", "commitment"]
    list_select_related = ["commitment"]
    search_fields = ["title_es", "title_qu", "commitment__code"]
    readonly_fields = ["change_log", "progress_history"]
    inlines = [MilestoneEvidenceInline]
    form = MilestoneAdminForm
    fieldsets = [
        (None, {"fields": ["commitment", "order", "weight", "title", "description", "expected_output"]}),
        (_("Dates"), {"fields": ["starts_on", "due_on", "completed_on"]}),
        (
            _("Progress"),
            {"fields": ["level", "progress", "observed_on", "responsible_institution", "progress_history"]},
        ),
        (_("Publication"), {"fields": ["is_published", "is_illustrative"]}),
        (_("History"), {"fields": ["change_log"]}),
    ]

    def save_model(self, request, obj, form, change):
        entered, day = (obj.progress, obj.level), form.cleaned_data.get("observed_on")
        services.milestone_save(
            milestone=obj, new=not change, by=request.user, source=ProgressSource.ADMIN, observed_on=day
        )
        if (obj.progress, obj.level) != entered:
            messages.info(
                request,
                _(
                    "The progress of %(day)s is in the milestone's history; a later one is recorded, so the "
                    "milestone still shows %(progress)s %%."
                )
                % {"day": day.isoformat() if day else "", "progress": obj.progress},
            )

    @admin.display(description=_("Progress history"))
    def progress_history(self, obj):
        """Its dated observations, latest first, wherever they were entered (this form, an import, an update)."""
        if obj is None or obj.pk is None:
            return "-"
        observations = obj.observations.select_related("recorded_by", "update").order_by("-observed_on", "-pk")
        shown = list(observations[:HISTORY_ROWS])
        if not shown:
            return _("No progress recorded yet.")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{} %</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    o.observed_on.isoformat(),
                    o.progress,
                    o.get_level_display(),
                    o.get_source_display(),
                    o.recorded_by_name or (o.recorded_by.get_username() if o.recorded_by else "—"),
                    format_html(
                        '<a href="{}">{}</a>',
                        reverse("admin:commitments_progressupdate_change", args=[o.update_id]),
                        o.update.title,
                    )
                    if o.update_id
                    else "—",
                    _("published") if o.is_published else _("draft"),
                )
                for o in shown
            ),
        )
        return format_html(
            '<table class="conecta-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            '<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
            _("Date"),
            _("Progress"),
            _("IRM level"),
            _("Entered through"),
            _("Who"),
            _("Progress update"),
            _("Publication"),
            rows,
            reverse("admin:commitments_milestoneprogress_changelist") + f"?milestone={obj.pk}",
            _("All observations of this milestone"),
        )


# The milestone form shows this many of its latest observations, and links to the rest.
HISTORY_ROWS = 30


class CommitmentChoiceForm(forms.Form):
    """The first step of adding a progress update: which commitment it is about (among those the user may see)."""

    commitment = forms.ModelChoiceField(queryset=Commitment.objects.none(), label=_("Commitment"))

    def __init__(self, *args, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].queryset = commitments


class ProgressUpdateAdminForm(forms.ModelForm):
    """The milestone chooser offers only the milestones of the chosen commitment: the one the form sends back (bound),
    else the one it starts with (?commitment=<pk> on the add page, the update's own on its change page); none while
    no commitment is chosen. The commitment is read through its own field, so only one the user may see counts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        milestone = self.fields.get("milestone")
        if milestone is None:
            return
        chosen = self._chosen_commitment()
        milestone.queryset = milestone.queryset.filter(commitment=chosen) if chosen else milestone.queryset.none()
        milestone.error_messages["invalid_choice"] = _(
            "Choose one of the milestones of the chosen commitment: after changing the commitment, choose its "
            "milestone again."
        )
        if self.instance.pk is None:
            milestone.help_text = format_html(
                '{} <a href="{}">{}</a>',
                _("Only the milestones of the chosen commitment are offered."),
                reverse("admin:commitments_progressupdate_add"),
                _("Choose another commitment"),
            )
        else:
            milestone.help_text = _(
                "Only the milestones of the chosen commitment are offered. If you change the commitment, save: the "
                "form then offers its milestones."
            )

    def _chosen_commitment(self) -> Commitment | None:
        field = self.fields.get("commitment")
        if field is None:  # read-only on this form: the update's own
            return self.instance.commitment if self.instance.commitment_id else None
        if self.is_bound:
            raw = self.data.get(self.add_prefix("commitment"))
        else:
            raw = self.initial.get("commitment") or self.instance.commitment_id
        try:
            return field.to_python(raw)
        except ValidationError:  # not one the user may see
            return None


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(KichwaGapsAdminMixin, CommitmentPartAdminMixin, TabbedTranslationAdmin):
    """Linked choosers: the milestone is one of the chosen commitment's (ProgressUpdateAdminForm). Without
    JavaScript, the add page first asks for the commitment (choose_commitment_view, then ?commitment=<pk>); with it,
    changing the commitment reloads the milestones from milestone_options_view (static/js/admin-update-choosers.js)."""

    form = ProgressUpdateAdminForm
    list_display = ["__str__", "occurred_on", "author", "is_published", "is_illustrative"]
    list_filter = ["is_published", "is_illustrative", "commitment__plan", "commitment"]
    list_select_related = ["commitment", "author"]
    search_fields = ["title_es", "title_qu", "commitment__code"]
    readonly_fields = ["author", "change_log"]
    inlines = [UpdateEvidenceInline, RecordingInline]
    fields = [
        "commitment",
        "milestone",
        "occurred_on",
        "title",
        "text",
        "progress",
        "is_published",
        "is_illustrative",
        "author",
        "change_log",
    ]

    class Media:
        js = ["js/admin-update-choosers.js"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "milestone":
            kwargs["queryset"] = Milestone.objects.filter(commitment__in=_scoped_commitments(request)).select_related(
                "commitment"
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "milestone" and field is not None:
            field.widget.attrs["data-options-url"] = reverse("admin:commitments_progressupdate_milestones")
        return field

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "progress" and field is not None:
            field.help_text = _(
                "The milestone's progress this update reports, if any (choose the milestone above). Once the update "
                "is published, it is the milestone's progress on the update's date, in its public history."
            )
        return field

    def save_model(self, request, obj, form, change):
        services.update_save(update=obj, by=request.user)
        if not change and not obj.is_published:
            messages.info(request, _("The Planning Directorate has been told that this update awaits review."))

    def get_urls(self):
        return [
            path(
                "milestones/",
                self.admin_site.admin_view(self.milestone_options_view),
                name="commitments_progressupdate_milestones",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET" and IS_POPUP_VAR not in request.GET:
            commitments = _scoped_commitments(request)
            raw = request.GET.get("commitment", "")
            chosen = raw.isdigit() and commitments.filter(pk=raw).exists()
            if not chosen and (raw or commitments.count() != 1):
                return self.choose_commitment_view(request, commitments)
            if not chosen:  # the one commitment this user may see: no question to ask
                request.GET = request.GET.copy()
                request.GET["commitment"] = str(commitments.get().pk)
        return super().add_view(request, form_url, extra_context)

    def choose_commitment_view(self, request, commitments):
        """Step 1 of adding an update without JavaScript: the commitment, sent back as ?commitment=<pk> (the
        address keeps any other parameter, such as the list's filters)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CommitmentChoiceForm(request.GET if "commitment" in request.GET else None, commitments=commitments)
        form.is_valid()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Add a progress update: choose the commitment"),
            "form": form,
            "kept": [(key, value) for key, value in request.GET.items() if key != "commitment"],
            "has_commitments": commitments.exists(),
        }
        return TemplateResponse(request, "admin/commitments/progressupdate/choose_commitment.html", context)

    def milestone_options_view(self, request):
        """The milestones of one commitment the user may see, as JSON for the form's script; none of another."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        raw = request.GET.get("commitment", "")
        commitment = _scoped_commitments(request).filter(pk=raw).first() if raw.isdigit() else None
        milestones = Milestone.objects.filter(commitment=commitment).select_related("commitment") if commitment else []
        return JsonResponse({"milestones": [{"id": m.pk, "label": str(m)} for m in milestones]})


@admin.register(StaffProfile)
class StaffProfileAdmin(AdminMessagesMixin, admin.ModelAdmin):
    list_display = ["user", "institution"]
    list_select_related = ["user", "institution"]
    autocomplete_fields = ["institution"]


class RecordTypeFilter(admin.SimpleListFilter):
    """Change records by the kind of record they are about, named as staff read it (`?model=milestone`)."""

    title = _("record type")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return [(name, audit.record_type_label(name)) for name in audit.AUDITED_BY_NAME]

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


class ThroughFilter(admin.SimpleListFilter):
    """Change records by what they were made through (the admin, an import, a task...)."""

    title = _("through")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [(code, audit.source_label(code)) for code in audit.SOURCES]

    def queryset(self, request, queryset):
        return queryset.filter(source=self.value()) if self.value() else queryset


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdminMixin, ScopedMixin, admin.ModelAdmin):
    list_display = ["at", "user_display", "through", "action", "record_type", "object_repr", "what_changed"]
    list_filter = [RecordTypeFilter, "action", ThroughFilter, "commitment_code"]
    fields = [
        "at",
        "user_display",
        "through",
        "action",
        "record_type",
        "object_id",
        "object_repr",
        "commitment_code",
        "what_changed",
    ]
    readonly_fields = fields
    search_fields = ["object_repr", "user_display", "commitment_code"]
    date_hierarchy = "at"
    commitment_code_field = "commitment_code"

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in {"model", "object_id"} or super().lookup_allowed(lookup, value, request)

    def get_changelist_instance(self, request):
        # Every record of the page read at once: one query per related model, not one per row.
        changelist = super().get_changelist_instance(request)
        readable = audit.read_changes(changelist.result_list)
        for record in changelist.result_list:
            record.readable_changes = readable[record.pk]
        return changelist

    @admin.display(description=_("through"), ordering="source")
    def through(self, obj):
        return audit.source_label(obj.source)

    @admin.display(description=_("record type"), ordering="model")
    def record_type(self, obj):
        return audit.record_type_label(obj.model)

    @admin.display(description=_("what changed"))
    def what_changed(self, obj):
        readable = getattr(obj, "readable_changes", None)
        return format_changes(audit.read_changes([obj])[obj.pk] if readable is None else readable)


@admin.register(MilestoneProgress)
class MilestoneProgressAdmin(ReadOnlyAdminMixin, ScopedMixin, admin.ModelAdmin):
    """The dated history of the milestones' progress, as the portal recorded it: read here, entered on the
    milestone's form, by a spreadsheet import or by a progress update (services.milestone_save,
    update_progress_record)."""

    commitment_path = "milestone__commitment__"
    list_display = [
        "milestone",
        "observed_on",
        "progress_display",
        "level",
        "source",
        "who",
        "update_link",
        "is_published",
        "is_illustrative",
    ]
    list_filter = ["source", "level", "is_published", "is_illustrative", "milestone__commitment__plan"]
    list_select_related = ["milestone__commitment", "recorded_by", "update"]
    search_fields = ["milestone__title_es", "milestone__title_qu", "milestone__commitment__code"]
    date_hierarchy = "observed_on"
    ordering = ["-observed_on", "-pk"]

    @admin.display(description=_("progress"), ordering="progress")
    def progress_display(self, obj):
        return f"{obj.progress} %"

    @admin.display(description=_("recorded by"))
    def who(self, obj):
        return obj.recorded_by_name or (obj.recorded_by.get_username() if obj.recorded_by else "—")

    @admin.display(description=_("progress update"))
    def update_link(self, obj):
        if obj.update_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:commitments_progressupdate_change", args=[obj.update_id]), obj.update
        )


@admin.register(BudgetExecution)
class BudgetExecutionAdmin(ReadOnlyAdminMixin, ScopedMixin, admin.ModelAdmin):
    """The dated history of the commitments' executed budget (services.commitment_save): read here, entered on
    the commitment's form or by a spreadsheet import."""

    commitment_path = "commitment__"
    list_display = ["commitment", "observed_on", "amount", "source", "recorded_by"]
    list_filter = ["source", "commitment__plan"]
    list_select_related = ["commitment", "recorded_by"]
    search_fields = ["commitment__code"]
    date_hierarchy = "observed_on"
    ordering = ["-observed_on", "-pk"]


# Indicators: what a commitment measures (IndicatorAdmin), its measured values (IndicatorValueAdmin), and the
# independent monitor's verdict on them (IndicatorVerificationAdmin). A department works on those of the
# commitments it leads, only the Planning Directorate publishes, a published one stays; only the monitor writes
# verdicts, which government staff read.


class IndicatorAdminForm(NextOrderFormMixin, forms.ModelForm):
    pass


@admin.register(Indicator)
class IndicatorAdmin(KichwaGapsAdminMixin, CommitmentPartAdminMixin, ImportExportTranslationAdmin):
    resource_classes = [IndicatorResource]
    list_display = [
        "__str__",
        "unit",
        "direction",
        "baseline_value",
        "target_value",
        "target_on",
        "is_published",
        "is_illustrative",
    ]
    list_filter = ["is_published", "is_illustrative", "disaggregation", "commitment__plan", "commitment"]
    list_select_related = ["commitment"]
    search_fields = ["name_es", "name_qu", "commitment__code"]
    readonly_fields = ["values_list", "change_log"]
    form = IndicatorAdminForm
    inlines = [RecordingInline]
    fieldsets = [
        (None, {"fields": ["commitment", "order", "name", "unit", "direction", "disaggregation"]}),
        (_("Baseline and target"), {"fields": ["baseline_value", "baseline_on", "target_value", "target_on"]}),
        (_("How it is measured"), {"fields": ["method", "source"]}),
        (_("Publication"), {"fields": ["is_published", "is_illustrative"]}),
        (_("Measured values"), {"fields": ["values_list"]}),
        (_("History"), {"fields": ["change_log"]}),
    ]

    def save_model(self, request, obj, form, change):
        services.indicator_save(indicator=obj, new=not change, by=request.user)

    @admin.display(description=_("measured values"))
    def values_list(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        add = format_html(
            '<p><a href="{}?indicator={}">{}</a></p>',
            reverse("admin:commitments_indicatorvalue_add"),
            obj.pk,
            _("Add a measured value"),
        )
        values = obj.values.select_related("verification").order_by("observed_on", "group", "pk")
        if not values:
            return format_html("<p>{}</p>{}", _("No values measured yet."), add)
        rows = format_html_join(
            "",
            '<li><a href="{}">{}{}</a>: {} {} · {}{}</li>',
            (
                (
                    reverse("admin:commitments_indicatorvalue_change", args=[value.pk]),
                    value.observed_on.isoformat(),
                    f" · {value.group}" if value.group else "",
                    value.value,
                    obj.unit,
                    _("published") if value.is_published else _("draft"),
                    _verdict(value),
                )
                for value in values
            ),
        )
        return format_html("<ol>{}</ol>{}", rows, add)


def _verdict(value: IndicatorValue):
    verification = getattr(value, "verification", None)
    if verification is None:
        return ""
    return format_html(" · <strong>{}</strong>", verification.get_status_display())


@admin.register(IndicatorValue)
class IndicatorValueAdmin(CommitmentPartAdminMixin, ImportExportTranslationAdmin):
    commitment_path = "indicator__commitment__"
    resource_classes = [IndicatorValueResource]
    list_display = ["indicator", "observed_on", "group", "value", "verdict", "is_published", "is_illustrative"]
    list_filter = [
        "is_published",
        "is_illustrative",
        "verification__status",
        "entered_through",
        "indicator__commitment__plan",
        "indicator__commitment",
    ]
    list_select_related = ["indicator__commitment", "verification"]
    search_fields = ["indicator__name_es", "indicator__name_qu", "indicator__commitment__code", "group"]
    readonly_fields = ["verification_display", "entered_through", "recorded_by", "change_log"]
    fieldsets = [
        (None, {"fields": ["indicator", "observed_on", "group", "value"]}),
        (_("Source and evidence"), {"fields": ["source", "evidence_url", "note"]}),
        (_("Publication"), {"fields": ["is_published", "is_illustrative"]}),
        (_("Independent monitor"), {"fields": ["verification_display"]}),
        (_("Source and history"), {"fields": ["entered_through", "recorded_by", "change_log"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.filter(commitment__in=_scoped_commitments(request)).select_related(
                "commitment"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and getattr(obj, "verification", None) is not None:
            fields += ["indicator", "observed_on", "group", "value"]  # IndicatorValue.CHECKED_FIELDS
        return fields

    def save_model(self, request, obj, form, change):
        services.indicator_value_save(value=obj, by=request.user, source=ProgressSource.ADMIN, new=not change)

    def has_delete_permission(self, request, obj=None):
        # The monitor's verdict is its own: the value it was given on stays with it.
        if obj is not None and getattr(obj, "verification", None) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(verification__isnull=False).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    @admin.display(description=_("monitor's verdict"), ordering="verification__status")
    def verdict(self, obj):
        verification = getattr(obj, "verification", None)
        return verification.get_status_display() if verification is not None else "—"

    @admin.display(description=_("The independent monitor's verdict"))
    def verification_display(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        verification = getattr(obj, "verification", None)
        if verification is None:
            return format_html(
                '{} <a href="{}?value={}">{}</a>',
                _("The independent monitor has not checked this value yet."),
                reverse("admin:commitments_indicatorverification_add"),
                obj.pk,
                _("Verify or dispute it (the monitor only)"),
            )
        return format_html(
            '<strong>{}</strong> · {} · {}{} <a href="{}">{}</a>',
            verification.get_status_display(),
            date_format(timezone.localtime(verification.checked_at), "SHORT_DATETIME_FORMAT"),
            verification.checked_by.get_username() if verification.checked_by else "—",
            format_html("<br>{}", verification.note) if verification.note else "",
            reverse("admin:commitments_indicatorverification_change", args=[verification.pk]),
            _("Open the verification"),
        )


@admin.register(IndicatorVerification)
class IndicatorVerificationAdmin(AdminMessagesMixin, ChangeLogMixin, ScopedMixin, admin.ModelAdmin):
    """Only the monitor (group "Monitor (FCD)") adds or changes a verdict; government staff, superusers
    included, read them (services.indicator_verification_save refuses anyone else too). Nobody deletes one."""

    commitment_path = "value__indicator__commitment__"
    list_display = ["value", "status", "checked_by", "checked_at"]
    list_filter = ["status", "value__indicator__commitment"]
    list_select_related = ["value__indicator__commitment", "checked_by"]
    search_fields = ["value__indicator__name_es", "value__indicator__commitment__code", "note"]
    raw_id_fields = ["value"]
    fields = ["value", "status", "note", "checked_by", "checked_at", "change_log"]
    readonly_fields = ["checked_by", "checked_at", "change_log"]

    def _is_monitor(self, request) -> bool:
        return roles.in_group(request.user, roles.MONITOR)

    def has_add_permission(self, request):
        return self._is_monitor(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._is_monitor(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("value")  # a verdict stays with the value it was given on
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "value":
            kwargs["queryset"] = IndicatorValue.objects.select_related("indicator__commitment")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.indicator_verification_save(verification=obj, by=request.user)
