"""Spreadsheet columns of the road works inventory and of their monthly progress (django-import-export), as
commitments.resources does for the plan.

- Column names are Spanish, as Public Works' staff write them; a choice is read by its code or its label
  (Spanish, Kichwa or English, any letter case); yes/no as "sí"/"no"; dates as real date cells, YYYY-MM-DD or
  day/month/year; cantons and parishes by their INEC codes separated by ";".
- All or nothing: one row with an error and nothing is imported; the preview names every row and column that
  failed and why, in the staff's language (commitments.resources.ScopedResource).
- An import may do what the same person may do in the admin's form (commitments.resources.AdminImportRules,
  asked of roads.admin): an implementer's row for a work of another institution is refused, and so is a row that
  publishes.
- A progress import refreshes the figures its works show (roads.services.road_progress_refresh), once, at the end.
- Exports go through conecta.spreadsheet's formats: a cell that looks like a formula stays text.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets
from import_export.instance_loaders import CachedInstanceLoader

from commitments.models import Canton, Commitment, Parish
from commitments.resources import (
    CachedLookupMixin,
    ChoiceWidget,
    ExportedAtField,
    FileOnlyField,
    InstitutionWidget,
    LenientDateWidget,
    NumberWidget,
    PercentWidget,
    ScopedResource,
    TextWidget,
    TranslatedMessage,
    YesNoWidget,
)

from . import services
from .models import Executor, Financing, RoadProgress, RoadWork, Surface, WorkKind, WorkStatus


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class CodeWidget(widgets.Widget):
    """A work's code as the inventory keys it: capitals, whatever case the cell has."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip().upper()

    def render(self, value, obj=None, **kwargs):
        return value or ""


class OptionalChoiceWidget(ChoiceWidget):
    """A choice that may be left blank (a surface or a financing source nobody knows yet)."""

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return ""
        return super().clean(value, row=row, **kwargs)


def _code_text(value) -> str:
    """A code as a cell holds it: spreadsheets turn 1601 into the number 1601 (or 1601.0)."""
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    return str(value).strip()


class InecCodesWidget(CachedLookupMixin, widgets.ManyToManyWidget):
    """Cantons or parishes by their INEC codes, separated by ";" (a comma is read as one too). An unknown code is
    an error of the row, never dropped silently."""

    def __init__(self, model, unknown_message):
        super().__init__(model, separator=";", field="code")
        self.unknown_message = unknown_message

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return []
        if isinstance(value, int | float | Decimal):
            codes = [_code_text(value)]
        else:
            codes = [code.strip() for code in str(value).replace(",", ";").split(";") if code.strip()]
        known = self.cached("all", lambda: {item.code: item for item in self.model.objects.all()})
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ValueError(self.unknown_message % {"codes": ", ".join(unknown)})
        return [known[code] for code in dict.fromkeys(codes)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return ";".join(sorted(item.code for item in value.all()))


class InstitutionSlugWidget(InstitutionWidget):
    """The responsible department by its slug (its acronym or exact name are read too); required."""

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            raise ValueError(_("The responsible department is missing: give its slug, e.g. direccion-obras."))
        return super().clean(value, row=row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return value.slug if value else ""


class OptionalCommitmentWidget(CachedLookupMixin, widgets.ForeignKeyWidget):
    """The commitment a work is part of, by its code; blank for none."""

    def __init__(self, **kwargs):
        super().__init__(Commitment, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        code = str(value).strip().upper()
        commitment = self.cached(code, lambda: Commitment.objects.filter(code=code).first())
        if commitment is None:
            raise ValueError(_("Unknown commitment code “%(code)s”.") % {"code": value})
        return commitment


class RoadWorkCodeWidget(CachedLookupMixin, widgets.ForeignKeyWidget):
    """A road work by its code (the first column of the inventory)."""

    def __init__(self, **kwargs):
        super().__init__(RoadWork, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            raise ValueError(_("The code of the road work is missing."))
        code = str(value).strip().upper()
        work = self.cached(code, lambda: RoadWork.objects.select_related("institution").filter(code=code).first())
        if work is None:
            raise ValueError(_("Unknown road work “%(code)s”: add it to the inventory first.") % {"code": value})
        return work


def _choice(choices, message):
    return ChoiceWidget(choices, TranslatedMessage(message))


def _optional_choice(choices, message):
    return OptionalChoiceWidget(choices, TranslatedMessage(message))


def _unknown_kind():
    return _("Unknown kind of work “%(value)s”; use one of: %(choices)s.")


def _unknown_status():
    return _("Unknown status “%(value)s”; use one of: %(choices)s.")


def _unknown_surface():
    return _("Unknown surface “%(value)s”; use one of: %(choices)s.")


def _unknown_executor():
    return _("Unknown way of execution “%(value)s”; use one of: %(choices)s.")


def _unknown_financing():
    return _("Unknown financing source “%(value)s”; use one of: %(choices)s.")


class InecCodesField(fields.Field):
    """cantones, parroquias: a many-to-many column, checked with the row's other cells (import-export reads it
    only after saving the row, where an unknown code could no longer be reported by its column)."""


class RoadWorkResource(ScopedResource):
    """The inventory of road works, by code: a row with a new code adds a work, one with a known code updates it."""

    file_slug = "obras-viales"
    finished_message = gettext_lazy(
        "Import finished. New road works: %(new)s; updated: %(updated)s; unchanged: %(skipped)s."
    )
    checked_against = {
        "planned_start": ("planned_end",),
        "actual_start": ("actual_end",),
        "executor": ("contractor_name",),
        "indigenous_territory": ("prior_consultation",),
    }

    code = fields.Field(attribute="code", column_name="codigo", widget=CodeWidget())
    name_es = fields.Field(attribute="name_es", column_name="nombre", widget=TextWidget())
    name_qu = fields.Field(attribute="name_qu", column_name="nombre_qu")
    kind = fields.Field(attribute="kind", column_name="tipo", widget=_choice(WorkKind, _unknown_kind))
    status = fields.Field(attribute="status", column_name="estado", widget=_choice(WorkStatus, _unknown_status))
    cantons = InecCodesField(
        attribute="cantons",
        column_name="cantones",
        widget=InecCodesWidget(Canton, TranslatedMessage(lambda: _("Unknown canton code(s): %(codes)s."))),
    )
    parishes = InecCodesField(
        attribute="parishes",
        column_name="parroquias",
        widget=InecCodesWidget(Parish, TranslatedMessage(lambda: _("Unknown parish code(s): %(codes)s."))),
    )
    communities = fields.Field(attribute="communities", column_name="comunidades", widget=TextWidget())
    length_km = fields.Field(attribute="length_km", column_name="longitud_km", widget=NumberWidget())
    start_reference = fields.Field(attribute="start_reference", column_name="desde", widget=TextWidget())
    end_reference = fields.Field(attribute="end_reference", column_name="hasta", widget=TextWidget())
    surface_before = fields.Field(
        attribute="surface_before", column_name="superficie_antes", widget=_optional_choice(Surface, _unknown_surface)
    )
    surface_after = fields.Field(
        attribute="surface_after", column_name="superficie_despues", widget=_optional_choice(Surface, _unknown_surface)
    )
    executor = fields.Field(attribute="executor", column_name="ejecutor", widget=_choice(Executor, _unknown_executor))
    contractor_name = fields.Field(attribute="contractor_name", column_name="contratista", widget=TextWidget())
    contractor_ruc = fields.Field(attribute="contractor_ruc", column_name="ruc", widget=TextWidget())
    partner = fields.Field(attribute="partner", column_name="socio", widget=TextWidget())
    budget = fields.Field(attribute="budget", column_name="presupuesto", widget=NumberWidget())
    financing = fields.Field(
        attribute="financing", column_name="financiamiento", widget=_optional_choice(Financing, _unknown_financing)
    )
    planned_start = fields.Field(attribute="planned_start", column_name="inicio_previsto", widget=LenientDateWidget())
    planned_end = fields.Field(attribute="planned_end", column_name="fin_previsto", widget=LenientDateWidget())
    actual_start = fields.Field(attribute="actual_start", column_name="inicio_real", widget=LenientDateWidget())
    actual_end = fields.Field(attribute="actual_end", column_name="fin_real", widget=LenientDateWidget())
    procurement_code = fields.Field(
        attribute="procurement_code", column_name="proceso_contratacion", widget=TextWidget()
    )
    ocds_id = fields.Field(attribute="ocds_id", column_name="ocid", widget=TextWidget())
    indigenous_territory = fields.Field(
        attribute="indigenous_territory", column_name="territorio_indigena", widget=YesNoWidget()
    )
    prior_consultation = fields.Field(
        attribute="prior_consultation", column_name="consulta_previa", widget=YesNoWidget()
    )
    institution = fields.Field(attribute="institution", column_name="institucion", widget=InstitutionSlugWidget())
    commitment = fields.Field(attribute="commitment", column_name="compromiso", widget=OptionalCommitmentWidget())
    is_published = fields.Field(attribute="is_published", column_name="publicado", widget=YesNoWidget())
    is_example = fields.Field(attribute="is_example", column_name="datos_de_ejemplo", widget=YesNoWidget())
    # Export only: the latest published progress (an import ignores them: progress has its own spreadsheet).
    physical_pct = fields.Field(attribute="physical_pct", column_name="avance_fisico", readonly=True)
    paid_amount = fields.Field(
        attribute="paid_amount", column_name="monto_pagado", widget=NumberWidget(), readonly=True
    )
    progress_on = fields.Field(
        attribute="progress_on", column_name="avance_al", widget=LenientDateWidget(), readonly=True
    )
    # Exported, and read by an import to refuse a row whose work changed since (ScopedResource.stale_errors).
    exported_at = ExportedAtField()
    stale_message = gettext_lazy(
        "This road work changed on %(day)s, after this file was exported: export it again and apply your changes again."
    )

    class Meta:
        model = RoadWork
        import_id_fields = ("code",)
        instance_loader_class = CachedInstanceLoader
        fields = (
            "code",
            "name_es",
            "name_qu",
            "kind",
            "status",
            "cantons",
            "parishes",
            "communities",
            "length_km",
            "start_reference",
            "end_reference",
            "surface_before",
            "surface_after",
            "executor",
            "contractor_name",
            "contractor_ruc",
            "partner",
            "budget",
            "financing",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "procurement_code",
            "ocds_id",
            "indigenous_territory",
            "prior_consultation",
            "institution",
            "commitment",
            "is_published",
            "is_example",
            "physical_pct",
            "paid_amount",
            "progress_on",
            "exported_at",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False

    def get_queryset(self):
        return RoadWork.objects.select_related("institution", "commitment")

    def get_export_queryset(self, request=None, **kwargs):
        return (
            super()
            .get_export_queryset(request, **kwargs)
            .select_related("institution", "commitment")
            .prefetch_related("cantons", "parishes")
        )

    def import_instance(self, instance, row, **kwargs):
        """The row's cells, the INEC codes included: an unknown code is reported with the row's other errors."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field, InecCodesField) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row that changes nothing is skipped; INEC codes compare as sets, an empty cell equals an empty text."""
        if not self._meta.skip_unchanged or import_validation_errors:
            return False
        for field in self.get_import_fields():
            if isinstance(field, FileOnlyField) or field.readonly:
                continue
            if isinstance(field, InecCodesField):
                if field.column_name not in row:
                    continue
                if original.pk is None:
                    return False
                wanted = {item.pk for item in field.clean(row)}
                if wanted != {item.pk for item in field.get_value(original).all()}:
                    return False
            elif (field.get_value(instance) or None) != (field.get_value(original) or None):
                return False
        return True

    def unique_checks(self, instance, errors: dict) -> None:
        """What the database's CHECK constraints refuse, said by column before anything is saved (full_clean
        skips constraints on an import)."""
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if start in errors or end in errors:
                continue
            first, last = getattr(instance, start), getattr(instance, end)
            if first and last and last < first:
                errors[end] = [_("The end cannot be earlier than the start.")]

    def refusal(self, stored) -> dict[str, str]:
        return {
            "code": _("You may not edit %(code)s: it is a work of %(institution)s.")
            % {"code": stored.code, "institution": stored.institution.short_name}
        }

    def choice_refusal(self, attribute: str, value) -> str:
        if attribute == "institution":
            return _("You may add or edit only the works of your institution, not those of %(institution)s.") % {
                "institution": value.short_name
            }
        return super().choice_refusal(attribute, value)


class RoadProgressResource(ScopedResource):
    """Monthly progress, one row per work and date: a date the work already has is updated, a new one added."""

    file_slug = "avance-de-obras-viales"
    finished_message = gettext_lazy(
        "Import finished. New progress observations: %(new)s; updated: %(updated)s; unchanged: %(skipped)s."
    )

    work = fields.Field(attribute="work", column_name="codigo_obra", widget=RoadWorkCodeWidget())
    observed_on = fields.Field(attribute="observed_on", column_name="fecha", widget=LenientDateWidget())
    physical_pct = fields.Field(attribute="physical_pct", column_name="avance_fisico", widget=PercentWidget())
    paid_amount = fields.Field(attribute="paid_amount", column_name="monto_pagado", widget=NumberWidget())
    note_es = fields.Field(attribute="note_es", column_name="nota", widget=TextWidget())
    note_qu = fields.Field(attribute="note_qu", column_name="nota_qu")
    is_published = fields.Field(attribute="is_published", column_name="publicado", widget=YesNoWidget())

    class Meta:
        model = RoadProgress
        import_id_fields = ("work", "observed_on")
        fields = ("work", "observed_on", "physical_pct", "paid_amount", "note_es", "note_qu", "is_published")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False

    def get_queryset(self):
        return RoadProgress.objects.select_related("work__institution")

    def get_export_queryset(self, request=None, **kwargs):
        return super().get_export_queryset(request, **kwargs).select_related("work")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._works: set[int] = set()

    def get_instance(self, instance_loader, row):
        """The observation of the row's work on the row's date, if there is one; a cell that cannot be read is
        reported when the row's cells are read."""
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, KeyError):
            return None

    def unique_checks(self, instance, errors: dict) -> None:
        # As roads.services.road_progress_save checks it for the form.
        if "paid_amount" in errors or "work" in errors or not instance.work_id:
            return
        if instance.paid_amount is not None and instance.work.budget and instance.paid_amount > instance.work.budget:
            errors["paid_amount"] = [_("The amount paid cannot exceed the work's budget.")]

    def do_instance_save(self, instance, is_create):
        user = getattr(self, "importing_user", None)
        if getattr(user, "pk", None) and instance.recorded_by_id is None:
            instance.recorded_by = user
        instance.save()
        self.__dict__.setdefault("_works", set()).add(instance.work_id)

    def after_import(self, dataset, result, **kwargs):
        """Each work the file touched shows its latest published observation: one UPDATE for all of them."""
        super().after_import(dataset, result, **kwargs)
        works = self.__dict__.get("_works")
        if works and not (result.has_errors() or result.has_validation_errors()):
            services.road_progress_refresh(works=RoadWork.objects.filter(pk__in=works))

    def refusal(self, stored) -> dict[str, str]:
        return {"work": self.work_refusal(stored.work)}

    def choice_refusal(self, attribute: str, value) -> str:
        if attribute == "work":
            return self.work_refusal(value)
        return super().choice_refusal(attribute, value)

    @staticmethod
    def work_refusal(work: RoadWork) -> str:
        return _("You may not enter the progress of %(code)s: it is a work of %(institution)s.") % {
            "code": work.code,
            "institution": work.institution.short_name,
        }
