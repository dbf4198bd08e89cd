"""Spreadsheet columns for the admin's import and export (django-import-export).

Column names are Spanish, as the Planning Directorate's staff read them. Imports are all-or-nothing: any row
with an error (unknown commitment code, end before start, progress outside 0-100, unknown level, a record the
user may not edit) rolls the whole file back and the preview names the row and the reason. A changed progress
(avance, nivel_irm) or executed budget enters its dated history on the day the optional avance_al or
ejecutado_al column gives (blank: today; a day to come is a row error), as the importing user's. An export's
`actualizado` column (when each record last changed) makes its import refuse a row that would write over a record
changed since the export (`ScopedResource.stale_errors`); a file without it is not checked.

An import may do exactly what the same user may do in the admin form, field by field (`AdminImportRules`, read
from the ModelAdmin itself: its fieldsets, `get_readonly_fields`, `has_add_permission`, its queryset and the
choices of its form fields): a row that changes a column the form would show read-only (or not at all), adds a
record the user may not add, or edits one they may not, is refused by naming the column, and nothing is written.
Management commands, benchmarks and scripts that give no user act for the Planning Directorate (`ImportRules`).

What the staff see of an import or export speaks their language (`ScopedResource`): the preview shows a changed
value as "20 → 30" (`ArrowDiff`), a file that cannot be imported says why without a traceback, and an export is
named and titled after its data (`conecta-pastaza-hitos-2026-12-01.xlsx`, sheet "Hitos") with real date cells in
XLSX and ISO dates in CSV.
"""

from __future__ import annotations

from copy import copy
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.html import escape, format_html
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import exceptions, fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader
from import_export.resources import Diff
from import_export.results import Error

from conecta.text import strip_control_characters

from . import services
from .models import Axis, Commitment, Indicator, IndicatorValue, Institution, IrmLevel, Milestone, ProgressSource

TRUE_WORDS = {"sí", "si", "yes", "true", "1", "x", "ari", "verdadero"}
FALSE_WORDS = {"no", "false", "0", "", "mana", "falso"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
PASTAZA_TZ = ZoneInfo("America/Guayaquil")  # the time an export's `actualizado` column is written in


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
        # An XLSX export asks for native values (force_native_type): a real date cell, which `clean` reads back.
        if kwargs.get("force_native_type"):
            return value or None
        return value.isoformat() if value else ""


class DateOfChangeWidget(LenientDateWidget):
    """The date of a change the row makes (avance_al, ejecutado_al): a date that has come; blank is today."""

    def clean(self, value, row=None, **kwargs):
        day = super().clean(value, row=row, **kwargs)
        if day is not None and day > timezone.localdate():
            raise ValueError(
                _("“%(value)s” is in the future: give the day it was reached or reported, today at the latest.")
                % {"value": value}
            )
        return day


class FileOnlyField(fields.Field):
    """A column of the file that is no column of the model: read onto the record for the import's checks or its
    save, but not a change by itself (a row that changes nothing else is skipped) nor one the admin's field
    rights apply to."""


class DateOfChangeField(FileOnlyField):
    """An optional column that dates what the row changes (avance_al dates avance and nivel_irm): read from the
    file onto the record for its save (services.milestone_save's observed_on), and never exported."""

    def __init__(self, *, attribute: str, column_name: str):
        super().__init__(attribute=attribute, column_name=column_name, widget=DateOfChangeWidget())


class ExportedAtWidget(widgets.Widget):
    """When the row's record was last changed, as an export writes it: ISO 8601 with its offset, to the second,
    in Pastaza's time (2026-12-05T17:43:05-05:00). Blank reads as no such check."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise ValueError(
                    _("“%(value)s” is not a date and time as an export writes it (2026-12-05T17:43:05-05:00).")
                    % {"value": value}
                ) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, PASTAZA_TZ)
        return moment

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return timezone.localtime(value, PASTAZA_TZ).isoformat(timespec="seconds")


class ExportedAtField(FileOnlyField):
    """The optional column `actualizado`: when the record was last changed, as the export saw it. An import that
    reads it refuses a row that would write over a record changed since (ScopedResource.stale_errors): an old
    export imported again would set back what others changed. Without the column, no such check."""

    def __init__(self, *, column_name: str = "actualizado"):
        super().__init__(attribute="exported_updated_at", column_name=column_name, widget=ExportedAtWidget())

    def get_value(self, obj):
        return getattr(obj, "updated_at", None)


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
        choices = ", ".join(value for value, _label in self.choices.choices)
        if not key:  # an empty cell: not "unknown “None”"
            raise ValueError(_("This cell is empty: write one of %(choices)s.") % {"choices": choices})
        raise ValueError(self.unknown_message % {"value": value, "choices": choices})

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


def _diff_text(value) -> str:
    return "" if value is None else force_str(value)


class ArrowDiff(Diff):
    """The import preview's cells: a changed value as "old → new", an unchanged value and every value of a new row
    as it is. (import-export's own diff marks characters: 20 changed to 30 shows as "2̶3̲0", which reads as 230.)"""

    def as_html(self):
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            old, new = _diff_text(old), _diff_text(new)
            if self.new or old == new:
                cells.append(escape(new))
            else:
                cells.append(format_html("{} → {}", old or _("(empty)"), new or _("(empty)")))
        return cells


class StaffError(Error):
    """An error of an import as the preview shows it: its message, without the Python traceback import-export
    prints under it (it stays in the log, at debug level)."""

    traceback = ""


class ScopedResource(resources.ModelResource):
    """Refuses rows that do more than the importing user may do in the admin form (`AdminImportRules`), and
    reads every text cell as the portal stores text (no control characters). What the staff see of it is theirs:
    the preview's "old → new" (`ArrowDiff`), errors without tracebacks, the file and sheet names of an export."""

    # field -> fields whose model checks compare against it (and so fail spuriously when it is unreadable)
    checked_against: dict[str, tuple[str, ...]] = {}
    # What an export's file name says it holds (conecta-pastaza-<file_slug>-<date>.xlsx). Spanish, as the columns
    # are; without it, the model's plural name in Spanish, slugified.
    file_slug: str | None = None
    # The message after a confirmed import, given the counts `new`, `updated` and `skipped`: a sentence per model,
    # so that its words agree with the model's name (the generic one counts rows).
    finished_message = gettext_lazy(
        "Import finished. Rows added: %(new)s; updated: %(updated)s; unchanged: %(skipped)s."
    )

    def __init__(self, rules: ImportRules | None = None, **kwargs):
        """`rules`: what the import may do (the admin passes `AdminImportRules`); without them, an import given
        a `user` follows that user's admin rules, and one given no user acts for the Planning Directorate."""
        super().__init__(**kwargs)
        self.given_rules = self.rules = rules

    def before_import(self, dataset, **kwargs):
        self.rules = self.given_rules
        self.importing_user = kwargs.get("user")  # who the histories the rows add are recorded by
        if self.rules is None:
            user = kwargs.get("user")
            self.rules = ImportRules() if user is None else AdminImportRules.for_user(self._meta.model, user)
        for field in self.get_import_fields():
            if isinstance(field.widget, CachedLookupMixin):
                field.widget.reset_cache()
        super().before_import(dataset, **kwargs)
        self.check_id_columns(dataset.headers or ())

    def check_id_columns(self, headers) -> None:
        """Refuse, in the staff's words, a file without the column that names each row's record (import-export
        would say "declared in 'import_id_fields' but are not present in the file headers")."""
        for name in self.get_import_id_fields():
            field = self.fields.get(name)
            if field is not None and field.column_name not in headers:
                raise exceptions.FieldError(
                    _(
                        "The file has no “%(column)s” column, which names the record each row changes. Start from "
                        "an export of this list: it has that column."
                    )
                    % {"column": field.column_name}
                )

    @classmethod
    def export_slug(cls) -> str:
        if cls.file_slug:
            return cls.file_slug
        with translation.override("es"):
            return slugify(str(cls._meta.model._meta.verbose_name_plural))

    @classmethod
    def sheet_title(cls) -> str:
        """The XLSX sheet's name: the model's plural name in Spanish, as the columns are ("Hitos")."""
        with translation.override("es"):
            return capfirst(str(cls._meta.model._meta.verbose_name_plural))

    def changed_labels(self, original, instance) -> list[str]:
        """The fields an imported row changed, named as Django's change messages store them (the untranslated
        verbose name, translated when the history is read); a translated field once for all its languages."""
        labels = []
        for field in self.get_import_fields():
            if not field.attribute or field.readonly or isinstance(field, FileOnlyField):
                continue
            if _blank_is_none(field.get_value(original)) == _blank_is_none(field.get_value(instance)):
                continue
            model_field = instance._meta.get_field(_base_name(instance._meta.model, field.attribute))
            with translation.override(None):
                label = str(model_field.verbose_name)
            if label not in labels:
                labels.append(label)
        return labels

    @classmethod
    def get_diff_class(cls):
        return ArrowDiff

    @classmethod
    def get_error_result_class(cls):
        return StaffError

    def after_export(self, queryset, dataset, **kwargs):
        super().after_export(queryset, dataset, **kwargs)
        dataset.title = self.sheet_title()

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
            if field.attribute and not field.readonly and not isinstance(field, FileOnlyField):
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

    # The refusal of a row whose record changed after the file was exported (its `actualizado` column), given
    # the `day` of that change: a sentence per model, as `finished_message`.
    stale_message = None

    def stale_errors(self, instance, skip=()) -> dict[str, str]:
        """A row that would change a record changed since the file's export (ExportedAtField) would set back
        what was changed since: it is refused. A file without the column, a blank cell, a new record or a row
        that changes nothing are not checked."""
        field = next((f for f in self.get_import_fields() if isinstance(f, ExportedAtField)), None)
        exported_at = getattr(instance, field.attribute, None) if field is not None else None
        stored = getattr(instance, "_import_stored", None)
        if exported_at is None or field.attribute in skip or stored is None or self.stale_message is None:
            return {}
        if stored.updated_at.replace(microsecond=0) <= exported_at:  # the export writes whole seconds
            return {}
        before = getattr(instance, "_import_values", {})
        values = self._field_values(instance)
        if all(_blank_is_none(value) == _blank_is_none(before.get(name)) for name, value in values.items()):
            return {}
        day = timezone.localtime(stored.updated_at, PASTAZA_TZ).strftime("%Y-%m-%d %H:%M")
        return {field.attribute: self.stale_message % {"day": day}}

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
            if not isinstance(field, FileOnlyField)
        )

    def get_export_fields(self, selected_fields=None):
        # A date of change is read from a file, never written to one: an export-then-import keeps today's date.
        fields_ = super().get_export_fields(selected_fields)
        return [field for field in fields_ if not isinstance(field, DateOfChangeField)]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Name each error by its spreadsheet column (vencimiento, avance...), as the staff see it.

        The model's clean() already checks in Python what its CHECK constraints say (and the database still
        enforces them), so full_clean skips the constraint queries, six per row, and `unique_checks` asks the
        one question left. Nor does it ask again whether the records the widgets just found exist.
        """
        errors = dict(import_validation_errors or {})
        for attribute, message in self.rights_errors(instance, skip=errors.keys()).items():
            errors[attribute] = ValidationError(message)
        for attribute, message in self.stale_errors(instance, skip=errors.keys()).items():
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


class MilestoneResource(ScopedResource):
    checked_against = {"progress": ("level",), "level": ("progress",), "starts_on": ("due_on", "completed_on")}
    file_slug = "hitos"
    finished_message = gettext_lazy(
        "Import finished. New milestones: %(new)s; updated: %(updated)s; unchanged: %(skipped)s."
    )
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
    observed_on = DateOfChangeField(attribute="progress_observed_on", column_name="avance_al")
    responsible_institution = fields.Field(
        attribute="responsible_institution", column_name="responsable", widget=InstitutionWidget()
    )
    is_published = fields.Field(attribute="is_published", column_name="publicado", widget=YesNoWidget())
    is_illustrative = fields.Field(attribute="is_illustrative", column_name="datos_de_ejemplo", widget=YesNoWidget())
    # Export only (an import ignores them): how late it runs today, from MilestoneQuerySet.with_schedule.
    is_overdue = fields.Field(column_name="vencido", widget=YesNoWidget(), readonly=True)
    days_overdue = fields.Field(column_name="dias_de_retraso", widget=widgets.IntegerWidget(), readonly=True)
    is_completed_late = fields.Field(column_name="completado_con_retraso", widget=YesNoWidget(), readonly=True)
    # Exported, and read by an import to refuse a row whose milestone changed since (stale_errors).
    exported_at = ExportedAtField()
    stale_message = gettext_lazy(
        "This milestone changed on %(day)s, after this file was exported: export it again and apply your changes again."
    )

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
            "observed_on",
            "responsible_institution",
            "is_published",
            "is_illustrative",
            "is_overdue",
            "days_overdue",
            "is_completed_late",
            "exported_at",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False

    def get_export_queryset(self, request=None, **kwargs):
        return super().get_export_queryset(request, **kwargs).select_related("commitment", "responsible_institution")

    # A row being imported may not have its dates yet (the import preview reads these columns too).

    def dehydrate_is_overdue(self, milestone):
        return YesNoWidget().render(milestone.due_on is not None and milestone.is_overdue)

    def dehydrate_days_overdue(self, milestone):
        return milestone.days_overdue if milestone.due_on is not None else 0

    def dehydrate_is_completed_late(self, milestone):
        return YesNoWidget().render(milestone.due_on is not None and milestone.is_completed_late)

    def filter_export(self, queryset, **kwargs):
        """Every exported row says whether it is overdue or was completed late in the same query (the admin's
        "Overdue" filter may have annotated it already)."""
        queryset = super().filter_export(queryset, **kwargs)
        if isinstance(queryset, QuerySet) and "overdue" not in queryset.query.annotations:
            queryset = queryset.with_schedule()
        return queryset

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
        services.milestone_save(
            milestone=instance,
            new=is_create,
            by=getattr(self, "importing_user", None),
            source=ProgressSource.IMPORT,
            observed_on=getattr(instance, "progress_observed_on", None),
        )
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

    file_slug = "compromisos"
    finished_message = gettext_lazy("Import finished. Commitments updated: %(updated)s; unchanged: %(skipped)s.")

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
    executed_on = DateOfChangeField(attribute="budget_executed_on", column_name="ejecutado_al")
    budget_source_es = fields.Field(attribute="budget_source_es", column_name="fuente_presupuesto_es")
    budget_source_qu = fields.Field(attribute="budget_source_qu", column_name="fuente_presupuesto_qu")
    is_published = fields.Field(attribute="is_published", column_name="publicado", widget=YesNoWidget())
    progress = fields.Field(attribute="progress", column_name="avance_calculado", readonly=True)
    irm_level = fields.Field(column_name="nivel_irm_calculado", readonly=True)
    illustrative = fields.Field(column_name="datos_de_ejemplo", readonly=True)
    # Export only: its end date has passed while it is incomplete (commitment_overdue, from with_progress).
    is_overdue = fields.Field(column_name="vencido", widget=YesNoWidget(), readonly=True)
    # Exported, and read by an import to refuse a row whose commitment changed since (stale_errors).
    exported_at = ExportedAtField()
    stale_message = gettext_lazy(
        "This commitment changed on %(day)s, after this file was exported: export it again and apply your "
        "changes again."
    )

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
            "executed_on",
            "budget_source_es",
            "budget_source_qu",
            "is_published",
            "progress",
            "irm_level",
            "illustrative",
            "is_overdue",
            "exported_at",
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

    def dehydrate_is_overdue(self, commitment):
        return YesNoWidget().render(commitment.ends_on is not None and commitment.is_overdue)

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
        services.commitment_save(
            commitment=instance,
            new=is_create,
            by=getattr(self, "importing_user", None),
            source=ProgressSource.IMPORT,
            executed_on=getattr(instance, "budget_executed_on", None),
        )

    def refusal(self, stored) -> dict[str, str]:
        return {"code": _("You may not edit %(code)s.") % {"code": stored.code}}


# Indicators and their measured values.


class TakenKeys:
    """Which record holds each unique key of a table within its parent (an indicator's order within its
    commitment; a value's date and group within its indicator), as the database holds them while an import saves
    its rows one by one: read in one query per parent the file names, then kept up to date by each save, as
    TakenOrders, its case for milestones, does."""

    def __init__(self, model, parent: str, rest: tuple[str, ...]):
        self.model, self.parent, self.rest = model, parent, rest
        self._holders: dict = {}  # parent id -> {rest of the key: record id}
        self._keys: dict = {}  # record id -> (parent id, rest of the key)

    def load(self, parent_ids) -> None:
        wanted = sorted({pk for pk in parent_ids if pk is not None and pk not in self._holders})
        for start in range(0, len(wanted), 500):  # within any database's limit of query parameters
            chunk = wanted[start : start + 500]
            for parent_id in chunk:
                self._holders[parent_id] = {}
            rows = self.model.objects.filter(**{f"{self.parent}__in": chunk}).values_list("pk", self.parent, *self.rest)
            for pk, parent_id, *rest in rows:
                self._remember(pk, parent_id, tuple(rest))

    def holder(self, parent_id, rest: tuple):
        if parent_id not in self._holders:
            self.load([parent_id])
        return self._holders[parent_id].get(rest)

    def saved(self, instance) -> None:
        old = self._keys.pop(instance.pk, None)
        if old is not None and self._holders[old[0]].get(old[1]) == instance.pk:
            del self._holders[old[0]][old[1]]
        parent_id = getattr(instance, self.parent)
        if parent_id in self._holders:  # a parent not read yet will be read as the database holds it
            self._remember(instance.pk, parent_id, tuple(getattr(instance, name) for name in self.rest))

    def _remember(self, pk, parent_id, rest: tuple) -> None:
        self._holders[parent_id][rest] = pk
        self._keys[pk] = (parent_id, rest)


class TakenOrders(TakenKeys):
    """Which milestone holds each order of a commitment (TakenKeys), read in one query for all the commitments a
    file names by their codes, so that a row may take the order an earlier row of the file gave up."""

    def __init__(self):
        super().__init__(Milestone, "commitment_id", ("order",))

    def load(self, commitments: Q) -> None:
        rows = Commitment.objects.filter(commitments).values_list("pk", "milestones__order", "milestones__pk")
        for commitment_id, order, milestone_id in rows:
            self._holders.setdefault(commitment_id, {})
            if milestone_id is not None:
                self._remember(milestone_id, commitment_id, (order,))

    def holder(self, commitment_id: int, order) -> int | None:
        if commitment_id not in self._holders:  # a commitment the file does not name (it has no compromiso column)
            self.load(Q(pk=commitment_id))
        return self._holders.get(commitment_id, {}).get((order,))


class TextWidget(widgets.Widget):
    """Text for a column that is never NULL: an empty cell is an empty text; spaces around it go."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return value or ""


class NumberWidget(widgets.Widget):
    """A measured number: a spreadsheet number, or text with a point or a comma before its decimals."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        text = str(value).strip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except ArithmeticError:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        number = Decimal(value)
        return f"{number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize():f}"


class IndicatorWidget(CachedLookupMixin, widgets.ForeignKeyWidget):
    """An indicator by its id (the first column of the indicators' export)."""

    def __init__(self, **kwargs):
        super().__init__(Indicator, field="pk", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            raise ValueError(_("The indicator is missing: give its id, as the export of indicators shows it."))
        try:
            number = Decimal(text)
            pk = int(number) if number == number.to_integral_value() and 0 < number < 2**63 else None
        except (ArithmeticError, ValueError):
            pk = None
        indicator = None
        if pk is not None:
            indicator = self.cached(pk, lambda: Indicator.objects.select_related("commitment").filter(pk=pk).first())
        if indicator is None:
            raise ValueError(
                _("Unknown indicator “%(value)s”; give its id, as the export of indicators shows it.")
                % {"value": value}
            )
        return indicator

    def render(self, value, obj=None, **kwargs):
        return value.pk if value else ""


class IndicatorResource(ScopedResource):
    """A commitment's indicators, by id (an empty id adds one), with the same conventions as milestones."""

    checked_against = {
        "baseline_value": ("target_value",),
        "direction": ("target_value",),
        "baseline_on": ("target_on",),
    }
    file_slug = "indicadores"
    finished_message = gettext_lazy(
        "Import finished. New indicators: %(new)s; updated: %(updated)s; unchanged: %(skipped)s."
    )
    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    commitment = fields.Field(attribute="commitment", column_name="compromiso", widget=CommitmentCodeWidget())
    order = fields.Field(attribute="order", column_name="orden", widget=widgets.IntegerWidget())
    name_es = fields.Field(attribute="name_es", column_name="nombre_es")
    name_qu = fields.Field(attribute="name_qu", column_name="nombre_qu")
    unit_es = fields.Field(attribute="unit_es", column_name="unidad_es")
    unit_qu = fields.Field(attribute="unit_qu", column_name="unidad_qu")
    direction = fields.Field(
        attribute="direction",
        column_name="sentido",
        widget=ChoiceWidget(
            Indicator.Direction,
            TranslatedMessage(lambda: _("Unknown direction “%(value)s”; use one of: %(choices)s.")),
        ),
    )
    baseline_value = fields.Field(attribute="baseline_value", column_name="linea_base", widget=NumberWidget())
    baseline_on = fields.Field(attribute="baseline_on", column_name="fecha_linea_base", widget=LenientDateWidget())
    target_value = fields.Field(attribute="target_value", column_name="meta", widget=NumberWidget())
    target_on = fields.Field(attribute="target_on", column_name="fecha_meta", widget=LenientDateWidget())
    method_es = fields.Field(attribute="method_es", column_name="metodo_es")
    method_qu = fields.Field(attribute="method_qu", column_name="metodo_qu")
    source_es = fields.Field(attribute="source_es", column_name="fuente_es")
    source_qu = fields.Field(attribute="source_qu", column_name="fuente_qu")
    disaggregation = fields.Field(
        attribute="disaggregation",
        column_name="desagregacion",
        widget=ChoiceWidget(
            Indicator.Disaggregation,
            TranslatedMessage(lambda: _("Unknown disaggregation “%(value)s”; use one of: %(choices)s.")),
        ),
    )
    is_published = fields.Field(attribute="is_published", column_name="publicado", widget=YesNoWidget())
    is_illustrative = fields.Field(attribute="is_illustrative", column_name="datos_de_ejemplo", widget=YesNoWidget())

    class Meta:
        model = Indicator
        import_id_fields = ("id",)
        instance_loader_class = CachedInstanceLoader
        fields = (
            "id",
            "commitment",
            "order",
            "name_es",
            "name_qu",
            "unit_es",
            "unit_qu",
            "direction",
            "baseline_value",
            "baseline_on",
            "target_value",
            "target_on",
            "method_es",
            "method_qu",
            "source_es",
            "source_qu",
            "disaggregation",
            "is_published",
            "is_illustrative",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False

    def get_queryset(self):
        return Indicator.objects.select_related("commitment")

    def get_export_queryset(self, request=None, **kwargs):
        return super().get_export_queryset(request, **kwargs).select_related("commitment")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._orders = TakenKeys(Indicator, "commitment_id", ("order",))
        if "compromiso" in (dataset.headers or ()):
            codes = sorted({str(code if code is not None else "").strip().upper() for code in dataset["compromiso"]})
            for start in range(0, len(codes), 500):
                self._orders.load(
                    Commitment.objects.filter(code__in=codes[start : start + 500]).values_list("pk", flat=True)
                )

    def taken_orders(self) -> TakenKeys:
        return self.__dict__.setdefault("_orders", TakenKeys(Indicator, "commitment_id", ("order",)))

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if "id" in row and (row["id"] is None or str(row["id"]).strip() == ""):
            row["id"] = None

    def get_instance(self, instance_loader, row):
        if row.get("id") in (None, ""):
            return None
        instance = super().get_instance(instance_loader, row)
        if instance is None:
            raise ValidationError(
                _("There is no indicator with id %(id)s; leave the id empty to add one.") % {"id": row.get("id")}
            )
        return instance

    def unique_checks(self, instance, errors: dict) -> None:
        if "order" in errors or "commitment" in errors or not instance.commitment_id:
            return
        holder = self.taken_orders().holder(instance.commitment_id, (instance.order,))
        if holder is not None and holder != instance.pk:
            errors["order"] = [
                _("Another indicator of %(code)s already has order %(order)s.")
                % {"code": instance.commitment.code, "order": instance.order}
            ]

    def do_instance_save(self, instance, is_create):
        services.indicator_save(indicator=instance, new=is_create)
        self.taken_orders().saved(instance)

    def refusal(self, stored) -> dict[str, str]:
        return {"commitment": _("You may not edit the indicators of %(code)s.") % {"code": stored.commitment.code}}

    def choice_refusal(self, attribute: str, value) -> str:
        if attribute == "commitment":
            return _("You may not edit the indicators of %(code)s.") % {"code": value.code}
        return super().choice_refusal(attribute, value)


class IndicatorValueResource(ScopedResource):
    """Measured values of indicators. A row names its value by id, or, with an empty id, by its indicator (id),
    date and group: a value the indicator already has on that date for that group is updated, else one is added.
    The commitment, the indicator's name and the monitor's verdict are exported for reading, never imported."""

    file_slug = "valores-de-indicadores"
    finished_message = gettext_lazy(
        "Import finished. New indicator values: %(new)s; updated: %(updated)s; unchanged: %(skipped)s."
    )
    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    indicator = fields.Field(attribute="indicator", column_name="indicador", widget=IndicatorWidget())
    commitment = fields.Field(column_name="compromiso", readonly=True)
    indicator_name = fields.Field(column_name="indicador_nombre", readonly=True)
    observed_on = fields.Field(attribute="observed_on", column_name="fecha", widget=LenientDateWidget())
    group = fields.Field(attribute="group", column_name="grupo", widget=TextWidget())
    value = fields.Field(attribute="value", column_name="valor", widget=NumberWidget())
    source_es = fields.Field(attribute="source_es", column_name="fuente_es")
    source_qu = fields.Field(attribute="source_qu", column_name="fuente_qu")
    evidence_url = fields.Field(attribute="evidence_url", column_name="evidencia_url", widget=TextWidget())
    note_es = fields.Field(attribute="note_es", column_name="nota_es")
    note_qu = fields.Field(attribute="note_qu", column_name="nota_qu")
    is_published = fields.Field(attribute="is_published", column_name="publicado", widget=YesNoWidget())
    is_illustrative = fields.Field(attribute="is_illustrative", column_name="datos_de_ejemplo", widget=YesNoWidget())
    verdict = fields.Field(column_name="verificacion_fcd", readonly=True)
    verdict_note = fields.Field(column_name="nota_fcd", readonly=True)

    class Meta:
        model = IndicatorValue
        import_id_fields = ("id",)
        instance_loader_class = CachedInstanceLoader
        fields = (
            "id",
            "indicator",
            "commitment",
            "indicator_name",
            "observed_on",
            "group",
            "value",
            "source_es",
            "source_qu",
            "evidence_url",
            "note_es",
            "note_qu",
            "is_published",
            "is_illustrative",
            "verdict",
            "verdict_note",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False

    def get_queryset(self):
        return IndicatorValue.objects.select_related("indicator__commitment")

    def get_export_queryset(self, request=None, **kwargs):
        return super().get_export_queryset(request, **kwargs).select_related("indicator__commitment", "verification")

    def dehydrate_commitment(self, value):
        return value.indicator.commitment.code

    def dehydrate_indicator_name(self, value):
        return value.indicator.name_es

    def dehydrate_verdict(self, value):
        verification = getattr(value, "verification", None)
        return verification.status if verification is not None else ""

    def dehydrate_verdict_note(self, value):
        verification = getattr(value, "verification", None)
        return verification.note if verification is not None else ""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        user = kwargs.get("user")
        request = getattr(self.rules, "request", None)
        self._user = user if user is not None else getattr(request, "user", None)
        self._saved: set[int] = set()
        self._dates = TakenKeys(IndicatorValue, "indicator_id", ("observed_on", "group"))
        if "indicador" in (dataset.headers or ()):
            widget = self.fields["indicator"].widget
            ids = set()
            for cell in dataset["indicador"]:
                try:
                    ids.add(widget.clean(cell).pk)
                except ValueError:
                    continue  # the row says so when it is read
            self._dates.load(ids)

    def taken_dates(self) -> TakenKeys:
        return self.__dict__.setdefault("_dates", TakenKeys(IndicatorValue, "indicator_id", ("observed_on", "group")))

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if "id" in row and (row["id"] is None or str(row["id"]).strip() == ""):
            row["id"] = None

    def get_instance(self, instance_loader, row):
        if row.get("id") not in (None, ""):
            instance = super().get_instance(instance_loader, row)
            if instance is None:
                raise ValidationError(
                    _("There is no indicator value with id %(id)s; leave the id empty to add one.")
                    % {"id": row.get("id")}
                )
            return instance
        key = self._natural_key(row)
        if key is None:
            return None
        pk = self.taken_dates().holder(key[0].pk, key[1:])
        if pk is None:
            return None
        if pk in self.__dict__.get("_saved", ()):
            raise ValidationError(self.taken_message(*key))
        row["id"] = pk  # the row now names the value it updates, as an exported row would
        return self.get_queryset().get(pk=pk)

    def _natural_key(self, row):
        """(indicator, date, group) as the row names them, or None when a cell cannot be read (the row then says
        why as its fields are read)."""
        try:
            indicator = self.fields["indicator"].clean(row)
            observed_on = self.fields["observed_on"].clean(row)
            group = self.fields["group"].clean(row)
        except (KeyError, ValueError):
            return None
        if observed_on is None:
            return None
        return indicator, observed_on, group

    @staticmethod
    def taken_message(indicator, observed_on, group) -> str:
        day = observed_on.isoformat()
        if group:
            return _("Indicator %(indicator)s already has a value for “%(group)s” on %(day)s.") % {
                "indicator": indicator.pk,
                "group": group,
                "day": day,
            }
        return _("Indicator %(indicator)s already has a total on %(day)s.") % {"indicator": indicator.pk, "day": day}

    def unique_checks(self, instance, errors: dict) -> None:
        if {"indicator", "observed_on", "group"} & errors.keys() or not instance.indicator_id:
            return
        if not instance.observed_on:
            return
        holder = self.taken_dates().holder(instance.indicator_id, (instance.observed_on, instance.group))
        if holder is not None and holder != instance.pk:
            errors["observed_on"] = [self.taken_message(instance.indicator, instance.observed_on, instance.group)]

    def do_instance_save(self, instance, is_create):
        services.indicator_value_save(
            value=instance, by=self.__dict__.get("_user"), source=ProgressSource.IMPORT, new=is_create
        )
        self.taken_dates().saved(instance)
        self.__dict__.setdefault("_saved", set()).add(instance.pk)

    def refusal(self, stored) -> dict[str, str]:
        return {"indicator": self.indicator_refusal(stored.indicator)}

    def choice_refusal(self, attribute: str, value) -> str:
        if attribute == "indicator":
            return self.indicator_refusal(value)
        return super().choice_refusal(attribute, value)

    @staticmethod
    def indicator_refusal(indicator) -> str:
        return _("You may not enter values for the indicators of %(code)s.") % {"code": indicator.commitment.code}
