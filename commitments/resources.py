"""Spreadsheet columns for the admin's import and export (django-import-export).

Column names are Spanish, as the Planning Directorate's staff read them. Imports are all-or-nothing: any row
with an error (unknown commitment code, end before start, progress outside 0-100, unknown level, a record the
user may not edit) rolls the whole file back and the preview names the row and the reason.

An import may do exactly what the same user may do in the admin form, field by field (`AdminImportRules`, read
from the ModelAdmin itself: its fieldsets, `get_readonly_fields`, `has_add_permission`, its queryset and the
choices of its form fields): a row that changes a column the form would show read-only (or not at all), adds a
record the user may not add, or edits one they may not, is refused by naming the column, and nothing is written.
Management commands, benchmarks and scripts that give no user act for the Planning Directorate (`ImportRules`).
"""

from __future__ import annotations

from copy import copy
from datetime import date, datetime

from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from conecta.text import strip_control_characters

from . import services
from .models import Axis, Commitment, Institution, IrmLevel, Milestone

TRUE_WORDS = {"sí", "si", "yes", "true", "1", "x", "ari", "verdadero"}
FALSE_WORDS = {"no", "false", "0", "", "mana", "falso"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


class YesNoWidget(widgets.Widget):
    """Booleans as the staff write them: sí/no (also yes/no, 1/0, x, ari/mana)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        word = str(value if value is not None else "").strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("“%(value)s” is not a yes/no value; write “sí” or “no”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "sí" if value else "no"


class LenientDateWidget(widgets.Widget):
    """Dates from spreadsheet cells (real dates) or text in ISO or day/month/year form."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class PercentWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            number = super().clean(value, row=row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from None
        if number is not None and not 0 <= number <= 100:
            raise ValueError(_("Progress must be between 0 and 100."))
        return number


class TranslatedMessage:
    """A message formatted in the language active when the row is read, not when the module loads."""

    def __init__(self, factory):
        self.factory = factory

    def __mod__(self, params):
        return self.factory() % params


class ChoiceWidget(widgets.Widget):
    """A choice by its code or by its label in Spanish or Kichwa, in any letter case."""

    def __init__(self, choices, unknown_message: str, **kwargs):
        self.choices = choices
        self.unknown_message = unknown_message
        super().__init__(**kwargs)

    def _lookup(self) -> dict[str, str]:
        from django.utils import translation

        table = {}
        for value, label in self.choices.choices:
            table[value.lower()] = value
            for lang in ("es", "qu", "en"):
                with translation.override(lang):
                    table[str(label).strip().lower()] = value
        return table

    def clean(self, value, row=None, **kwargs):
        key = str(value if value is not None else "").strip().lower()
        table = self._lookup()
        if key in table:
            return table[key]
        raise ValueError(
            self.unknown_message
            % {"value": value, "choices": ", ".join(value for value, _label in self.choices.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class CachedLookupMixin:
    """Remembers lookups for the length of one import: a 1,000-row file names the same few commitments and
    institutions over and over. `ScopedResource.before_import` empties the cache."""

    def reset_cache(self) -> None:
        self._cache: dict = {}

    def cached(self, key, lookup):
        cache = self.__dict__.setdefault("_cache", {})
        if key not in cache:
            cache[key] = lookup()
        return cache[key]


class CommitmentCodeWidget(CachedLookupMixin, widgets.ForeignKeyWidget):
    def __init__(self, **kwargs):
        super().__init__(Commitment, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        code = str(value if value is not None else "").strip().upper()
        if not code:
            raise ValueError(_("The commitment code is missing."))
        commitment = self.cached(code, lambda: Commitment.objects.filter(code=code).first())
        if commitment is None:
            raise ValueError(_("Unknown commitment code “%(code)s”.") % {"code": value})
        return commitment


class InstitutionWidget(CachedLookupMixin, widgets.ForeignKeyWidget):
    """An institution by acronym, slug or exact name."""

    def __init__(self, **kwargs):
        super().__init__(Institution, field="acronym", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        match = self.cached(
            text.lower(),
            lambda: (
                Institution.objects.filter(acronym__iexact=text).first()
                or Institution.objects.filter(slug=text.lower()).first()
                or Institution.objects.filter(name__iexact=text).first()
            ),
        )
        if match is None:
            raise ValueError(_("Unknown institution “%(value)s”; use its acronym.") % {"value": value})
        return match

    def render(self, value, obj=None, **kwargs):
        return value.short_name if value else ""


def _blank_is_none(value):
    return None if value == "" else value


def _base_name(model, name: str) -> str:
    """The field a translation field translates (title_es -> title); any other name as it is."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    translated = getattr(field, "translated_field", None)
    return translated.name if translated is not None else name


class ImportRules:
    """What an import may do when no user is given (management commands, benchmarks, scripts): everything, as
    the Planning Directorate may."""

    def may_add(self) -> bool:
        return True

    def may_change(self, stored) -> bool:
        return True

    def may_write(self, stored, attribute: str) -> bool:
        return True

    def allows(self, attribute: str, value) -> bool:
        """Whether the form offers `value` (a stored value: a reference's primary key) for `attribute`."""
        return True


class AdminImportRules(ImportRules):
    """What `request.user` may do in `model_admin`'s form, asked of the ModelAdmin itself, so that an import and
    the form follow one rule:

    1. adding: `has_add_permission`;
    2. editing a stored record: `has_change_permission` and the record is in the admin's queryset (an
       implementer's admin lists only what their institution leads);
    3. a column: its field is in the form (`get_fieldsets`) and not read-only (`get_readonly_fields`) for that
       record; a translation column (titulo_es) follows its field (title);
    4. a reference (a milestone's commitment): the value is one the form's field offers (its queryset).
    """

    def __init__(self, model_admin, request):
        self.model_admin, self.request = model_admin, request
        self.model = model_admin.model
        self._visible: set | None = None
        self._form: dict = {}
        self._choices: dict = {}
        self._allowed: dict = {}

    @classmethod
    def for_user(cls, model, user) -> AdminImportRules:
        """The rules of `model`'s registered admin for `user`, for an import run without a request."""
        from django.contrib import admin
        from django.http import HttpRequest

        request = HttpRequest()
        request.user = user
        return cls(admin.site.get_model_admin(model), request)

    def may_add(self) -> bool:
        return self.model_admin.has_add_permission(self.request)

    def may_change(self, stored) -> bool:
        if not self.model_admin.has_change_permission(self.request, stored):
            return False
        if self._visible is None:  # one query for the whole file
            self._visible = set(self.model_admin.get_queryset(self.request).values_list("pk", flat=True))
        return stored.pk in self._visible

    def may_write(self, stored, attribute: str) -> bool:
        key = None if stored is None else stored.pk
        if key not in self._form:  # the form of one record, read once per file
            self._form[key] = (
                set(flatten_fieldsets(self.model_admin.get_fieldsets(self.request, stored))),
                set(self.model_admin.get_readonly_fields(self.request, stored)),
            )
        shown, readonly = self._form[key]
        names = {attribute, _base_name(self.model, attribute)}
        return bool(names & shown) and not names & readonly

    def allows(self, attribute: str, value) -> bool:
        field = self.model._meta.get_field(attribute)
        if value is None or not field.is_relation:
            return True
        if attribute not in self._choices:
            formfield = self.model_admin.formfield_for_dbfield(field, self.request)
            self._choices[attribute] = getattr(formfield, "queryset", None)
        choices = self._choices[attribute]
        if choices is None:
            return True
        key = (attribute, value)
        if key not in self._allowed:
            self._allowed[key] = choices.filter(pk=value).exists()
        return self._allowed[key]


class ScopedResource(resources.ModelResource):
    """Refuses rows that do more than the importing user may do in the admin form (`AdminImportRules`), and
    reads every text cell as the portal stores text (no control characters)."""

    # field -> fields whose model checks compare against it (and so fail spuriously when it is unreadable)
    checked_against: dict[str, tuple[str, ...]] = {}

    def __init__(self, rules: ImportRules | None = None, **kwargs):
        """`rules`: what the import may do (the admin passes `AdminImportRules`); without them, an import given
        a `user` follows that user's admin rules, and one given no user acts for the Planning Directorate."""
        super().__init__(**kwargs)
        self.given_rules = self.rules = rules

    def before_import(self, dataset, **kwargs):
        self.rules = self.given_rules
        if self.rules is None:
            user = kwargs.get("user")
            self.rules = ImportRules() if user is None else AdminImportRules.for_user(self._meta.model, user)
        for field in self.get_import_fields():
            if isinstance(field.widget, CachedLookupMixin):
                field.widget.reset_cache()
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            if isinstance(value, str):
                row[key] = strip_control_characters(value)

    def after_init_instance(self, instance, new, row, **kwargs):
        # The record as stored, before the row rewrites it: what the rights are checked against.
        instance._import_stored = None if new else copy(instance)
        instance._import_values = self._field_values(instance)

    def _field_values(self, instance) -> dict:
        values = {}
        for field in self.get_import_fields():
            if field.attribute and not field.readonly:
                model_field = instance._meta.get_field(field.attribute)
                values[field.attribute] = instance.__dict__.get(model_field.attname)
        return values

    def refusal(self, stored) -> dict[str, str]:
        """The error (column attribute -> message) of a row that edits a record the user may not edit."""
        return {self.get_import_id_fields()[0]: _("You may not edit this record.")}

    def choice_refusal(self, attribute: str, value) -> str:
        return _("You may not choose “%(value)s” here.") % {"value": value}

    def rights_errors(self, instance, skip=()) -> dict[str, str]:
        """What the row does that the user may not do in the form, by field attribute (see AdminImportRules)."""
        rules = self.rules or ImportRules()
        stored = getattr(instance, "_import_stored", None)
        if stored is None and not rules.may_add():
            return {self.get_import_id_fields()[0]: _("You may not add records of this kind.")}
        if stored is not None and not rules.may_change(stored):
            return self.refusal(stored)
        errors = {}
        before = getattr(instance, "_import_values", {})
        for attribute, value in self._field_values(instance).items():
            if attribute in skip or _blank_is_none(value) == _blank_is_none(before.get(attribute)):
                continue
            if not rules.may_write(stored, attribute):
                errors[attribute] = _("You may not change this column: the form does not let you change it either.")
            elif not rules.allows(attribute, value):
                errors[attribute] = self.choice_refusal(attribute, getattr(instance, attribute))
        return errors

    def unique_checks(self, instance, errors: dict) -> None:
        """Add errors for unique constraints the import could break (full_clean skips constraints)."""

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        super().import_field(field, instance, row, is_m2m, **kwargs)
        if isinstance(field.widget, CachedLookupMixin) and field.column_name in row:
            model_field = instance._meta.get_field(field.attribute)
            # The widget read the record from the database (or raised): full_clean need not ask whether it
            # exists. Only a plain reference qualifies: the widget knows nothing of limit_choices_to or
            # validators, and an empty cell still goes through full_clean's required-field check.
            found = instance.__dict__.setdefault("_found_by_import", set())
            if getattr(instance, model_field.attname) is not None and not (
                model_field.remote_field.limit_choices_to or model_field.validators
            ):
                found.add(field.attribute)
            else:
                found.discard(field.attribute)  # an earlier row of the file may have named this same record

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged rows are skipped; an empty cell equals an empty (NULL) translation, so an
        export-then-import round trip through CSV or XLSX changes nothing."""
        if not self._meta.skip_unchanged or import_validation_errors:
            return False
        return all(
            _blank_is_none(field.get_value(instance)) == _blank_is_none(field.get_value(original))
            for field in self.get_import_fields()
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Name each error by its spreadsheet column (vencimiento, avance...), as the staff see it.

        The model's clean() already checks in Python what its CHECK constraints say (and the database still
        enforces them), so full_clean skips the constraint queries, six per row, and `unique_checks` asks the
        one question left. Nor does it ask again whether the records the widgets just found exist.
        """
        errors = dict(import_validation_errors or {})
        for attribute, message in self.rights_errors(instance, skip=errors.keys()).items():
            errors[attribute] = ValidationError(message)
        import_validation_errors = errors or None
        found = getattr(instance, "_found_by_import", set())
        try:
            try:
                instance.full_clean(
                    exclude=errors.keys() | found, validate_unique=validate_unique, validate_constraints=False
                )
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
            self.unique_checks(instance, errors)
            if errors:
                raise ValidationError(errors)
        except ValidationError as exc:
            columns = {field.attribute: field.column_name for field in self.get_import_fields() if field.attribute}
            messages = exc.message_dict
            # A cell that could not be read (an unknown level, a bad date) says so once: the model's checks
            # of the value it could not read, or of fields checked against it, would only add noise.
            for key, error in (import_validation_errors or {}).items():
                messages[key] = ValidationError(error).messages
                for dependent in self.checked_against.get(key, ()):
                    if dependent not in import_validation_errors:
                        messages.pop(dependent, None)
            raise ValidationError({columns.get(key, key): text for key, text in messages.items()}) from None

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All or nothing, whichever path calls us (admin confirm step, command, test).
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs)


class TakenOrders:
    """Which milestone holds each order of a commitment, as the database holds them while an import saves its rows
    one by one: read in one query for all the commitments a file names, then kept up to date by each save, so that
    a row may take the order an earlier row of the file gave up."""

    def __init__(self):
        self._holders: dict[int, dict[int, int]] = {}  # commitment id -> {order: milestone id}
        self._places: dict[int, tuple[int, int]] = {}  # milestone id -> (commitment id, order)

    def load(self, commitments: Q) -> None:
        rows = Commitment.objects.filter(commitments).values_list("pk", "milestones__order", "milestones__pk")
        for commitment_id, order, milestone_id in rows:
            holders = self._holders.setdefault(commitment_id, {})
            if milestone_id is not None:
                holders[order] = milestone_id
                self._places[milestone_id] = (commitment_id, order)

    def holder(self, commitment_id: int, order) -> int | None:
        if commitment_id not in self._holders:  # a commitment the file does not name (it has no compromiso column)
            self.load(Q(pk=commitment_id))
        return self._holders.get(commitment_id, {}).get(order)

    def saved(self, milestone: Milestone) -> None:
        place = self._places.pop(milestone.pk, None)
        if place is not None and self._holders[place[0]].get(place[1]) == milestone.pk:
            del self._holders[place[0]][place[1]]
        # A commitment not read yet will be read as the database holds it, this save included.
        if milestone.commitment_id in self._holders:
            self._holders[milestone.commitment_id][milestone.order] = milestone.pk
            self._places[milestone.pk] = (milestone.commitment_id, milestone.order)


class MilestoneResource(ScopedResource):
    checked_against = {"progress": ("level",), "level": ("progress",), "starts_on": ("due_on", "completed_on")}
    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    commitment = fields.Field(attribute="commitment", column_name="compromiso", widget=CommitmentCodeWidget())
    order = fields.Field(attribute="order", column_name="orden", widget=widgets.IntegerWidget())
    weight = fields.Field(attribute="weight", column_name="peso", widget=widgets.IntegerWidget())
    title_es = fields.Field(attribute="title_es", column_name="titulo_es")
    title_qu = fields.Field(attribute="title_qu", column_name="titulo_qu")
    description_es = fields.Field(attribute="description_es", column_name="descripcion_es")
    description_qu = fields.Field(attribute="description_qu", column_name="descripcion_qu")
    expected_output_es = fields.Field(attribute="expected_output_es", column_name="producto_esperado_es")
    expected_output_qu = fields.Field(attribute="expected_output_qu", column_name="producto_esperado_qu")
    starts_on = fields.Field(attribute="starts_on", column_name="inicio", widget=LenientDateWidget())
    due_on = fields.Field(attribute="due_on", column_name="vencimiento", widget=LenientDateWidget())
    completed_on = fields.Field(attribute="completed_on", column_name="completado_el", widget=LenientDateWidget())
    level = fields.Field(
        attribute="level",
        column_name="nivel_irm",
        widget=ChoiceWidget(
            IrmLevel, TranslatedMessage(lambda: _("Unknown IRM level “%(value)s”; use one of: %(choices)s."))
        ),
    )
    progress = fields.Field(attribute="progress", column_name="avance", widget=PercentWidget())
    responsible_institution = fields.Field(
        attribute="responsible_institution", column_name="responsable", widget=InstitutionWidget()
    )
    is_published = fields.Field(attribute="is_published", column_name="publicado", widget=YesNoWidget())
    is_illustrative = fields.Field(attribute="is_illustrative", column_name="datos_de_ejemplo", widget=YesNoWidget())

    class Meta:
        model = Milestone
        import_id_fields = ("id",)
        # One query loads every milestone the file names, instead of one per row.
        instance_loader_class = CachedInstanceLoader
        fields = (
            "id",
            "commitment",
            "order",
            "weight",
            "title_es",
            "title_qu",
            "description_es",
            "description_qu",
            "expected_output_es",
            "expected_output_qu",
            "starts_on",
            "due_on",
            "completed_on",
            "level",
            "progress",
            "responsible_institution",
            "is_published",
            "is_illustrative",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False

    def get_export_queryset(self, request=None, **kwargs):
        return super().get_export_queryset(request, **kwargs).select_related("commitment", "responsible_institution")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._orders = TakenOrders()
        if "compromiso" in (dataset.headers or ()):
            codes = sorted({str(code if code is not None else "").strip().upper() for code in dataset["compromiso"]})
            for start in range(0, len(codes), 500):  # within any database's limit of query parameters
                self._orders.load(Q(code__in=codes[start : start + 500]))

    def taken_orders(self) -> TakenOrders:
        return self.__dict__.setdefault("_orders", TakenOrders())

    def do_instance_save(self, instance, is_create):
        services.milestone_save(milestone=instance, new=is_create)
        self.taken_orders().saved(instance)

    def unique_checks(self, instance, errors: dict) -> None:
        """The order's uniqueness (Milestone.order_taken_error), answered from the orders the file's commitments
        hold as this import saves its rows, instead of one query per row."""
        if "order" in errors or "commitment" in errors or not instance.commitment_id:
            return
        holder = self.taken_orders().holder(instance.commitment_id, instance.order)
        if holder is not None and holder != instance.pk:
            errors["order"] = [instance.order_taken_error()]

    def get_queryset(self):
        # The rows the import loads (all at once) come with what the preview's diff and the checks read.
        return Milestone.objects.select_related("commitment", "responsible_institution")

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        # A blank id means a new milestone.
        if "id" in row and (row["id"] is None or str(row["id"]).strip() == ""):
            row["id"] = None

    def get_instance(self, instance_loader, row):
        if row.get("id") in (None, ""):
            return None
        instance = super().get_instance(instance_loader, row)
        if instance is None:
            raise ValidationError(
                _("There is no milestone with id %(id)s; leave the id empty to add one.") % {"id": row.get("id")}
            )
        return instance

    # Moving a milestone needs the right to edit both commitments: the one it leaves (the admin's queryset of
    # milestones) and the one it joins (the choices of the form's commitment field).
    def refusal(self, stored) -> dict[str, str]:
        return {"commitment": _("You may not edit the milestones of %(code)s.") % {"code": stored.commitment.code}}

    def choice_refusal(self, attribute: str, value) -> str:
        if attribute == "commitment":
            return _("You may not edit the milestones of %(code)s.") % {"code": value.code}
        return super().choice_refusal(attribute, value)


class CommitmentResource(ScopedResource):
    """Updates existing commitments (by OGP code); commitments themselves are created in the admin form."""

    code = fields.Field(attribute="code", column_name="codigo")
    title_es = fields.Field(attribute="title_es", column_name="titulo_es")
    title_qu = fields.Field(attribute="title_qu", column_name="titulo_qu")
    problem_es = fields.Field(attribute="problem_es", column_name="problema_es")
    problem_qu = fields.Field(attribute="problem_qu", column_name="problema_qu")
    status_quo_es = fields.Field(attribute="status_quo_es", column_name="situacion_actual_es")
    status_quo_qu = fields.Field(attribute="status_quo_qu", column_name="situacion_actual_qu")
    action_es = fields.Field(attribute="action_es", column_name="accion_es")
    action_qu = fields.Field(attribute="action_qu", column_name="accion_qu")
    contribution_es = fields.Field(attribute="contribution_es", column_name="contribucion_es")
    contribution_qu = fields.Field(attribute="contribution_qu", column_name="contribucion_qu")
    axis = fields.Field(
        attribute="axis",
        column_name="eje",
        widget=ChoiceWidget(
            Axis, TranslatedMessage(lambda: _("Unknown thematic axis “%(value)s”; use one of: %(choices)s."))
        ),
    )
    lead_institution = fields.Field(
        attribute="lead_institution", column_name="institucion_lider", widget=InstitutionWidget()
    )
    lead_department = fields.Field(
        attribute="lead_department", column_name="departamento_lider", widget=InstitutionWidget()
    )
    starts_on = fields.Field(attribute="starts_on", column_name="inicio", widget=LenientDateWidget())
    ends_on = fields.Field(attribute="ends_on", column_name="fin", widget=LenientDateWidget())
    budget_planned = fields.Field(
        attribute="budget_planned", column_name="presupuesto_planificado_usd", widget=widgets.DecimalWidget()
    )
    budget_executed = fields.Field(
        attribute="budget_executed", column_name="presupuesto_ejecutado_usd", widget=widgets.DecimalWidget()
    )
    budget_source_es = fields.Field(attribute="budget_source_es", column_name="fuente_presupuesto_es")
    budget_source_qu = fields.Field(attribute="budget_source_qu", column_name="fuente_presupuesto_qu")
    is_published = fields.Field(attribute="is_published", column_name="publicado", widget=YesNoWidget())
    progress = fields.Field(attribute="progress", column_name="avance_calculado", readonly=True)
    irm_level = fields.Field(column_name="nivel_irm_calculado", readonly=True)
    illustrative = fields.Field(column_name="datos_de_ejemplo", readonly=True)

    class Meta:
        model = Commitment
        import_id_fields = ("code",)
        fields = (
            "code",
            "title_es",
            "title_qu",
            "problem_es",
            "problem_qu",
            "status_quo_es",
            "status_quo_qu",
            "action_es",
            "action_qu",
            "contribution_es",
            "contribution_qu",
            "axis",
            "lead_institution",
            "lead_department",
            "starts_on",
            "ends_on",
            "budget_planned",
            "budget_executed",
            "budget_source_es",
            "budget_source_qu",
            "is_published",
            "progress",
            "irm_level",
            "illustrative",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False

    def get_export_queryset(self, request=None, **kwargs):
        from django.db.models import Exists, OuterRef

        illustrative = Milestone.objects.filter(commitment=OuterRef("pk"), is_illustrative=True)
        return (
            super()
            .get_export_queryset(request, **kwargs)
            .with_progress()
            .annotate(_has_example_data=Exists(illustrative))
            .select_related("lead_institution", "lead_department")
        )

    def dehydrate_irm_level(self, commitment):
        return commitment.irm_level.value

    def dehydrate_illustrative(self, commitment):
        has_examples = getattr(commitment, "_has_example_data", None)
        if has_examples is None:
            has_examples = commitment.milestones.filter(is_illustrative=True).exists()
        return "sí" if has_examples else "no"

    def get_instance(self, instance_loader, row):
        code = str(row.get("codigo") or "").strip().upper()
        row["codigo"] = code
        instance = super().get_instance(instance_loader, row)
        if instance is None:
            raise ValidationError(
                _("Unknown commitment code “%(code)s”; new commitments are added in the form, not by import.")
                % {"code": code}
            )
        return instance

    def do_instance_save(self, instance, is_create):
        services.commitment_save(commitment=instance, new=is_create)

    def refusal(self, stored) -> dict[str, str]:
        return {"code": _("You may not edit %(code)s.") % {"code": stored.code}}
