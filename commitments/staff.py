"""The staff kit every app's admin builds on: role-scoped, read-only and protect-published admin mixins, the
spreadsheet import and export of the admins that have them, and the guard that keeps published records from being
deleted by any path (connected by each app from its `ready()`).

The roles themselves, `visible_commitments` and `planner_emails` are in commitments.roles.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm
from import_export.results import RowResult

from conecta import fallbacks, spreadsheet

from . import roles
from .forms import SpreadsheetImportForm
from .resources import AdminImportRules


class PublishedRecordProtected(models.ProtectedError):
    """Raised when something tries to delete a published record (a commitment, milestone, update, evidence the
    public sees, a meeting...)."""

    @classmethod
    def of(cls, record) -> PublishedRecordProtected:
        message = _("“%(record)s” is published and cannot be deleted; unpublish it first.") % {"record": record}
        return cls(message, {record})


def guard_published_deletion(sender, instance, **kwargs):
    """pre_delete receiver for models with `is_published`, the last line of defence: the admin never offers the
    deletion (ProtectPublishedMixin), and nothing else may do it either."""
    if getattr(instance, "is_published", False):
        raise PublishedRecordProtected.of(instance)


def guard_public_evidence_deletion(sender, instance, **kwargs):
    """pre_delete receiver for evidence, which is published by default and public only with its milestone or
    update: what the public sees stays (a planner unpublishes it instead); evidence of a draft may go."""
    if instance.is_public:
        raise PublishedRecordProtected.of(instance)


class ProtectPublishedMixin:
    """Published records cannot be deleted from the admin, one by one or in bulk."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and getattr(obj, "is_published", False):
            return False
        return super().has_delete_permission(request, obj)


class ScopedMixin:
    """Implementers see and edit only what their institution leads (commitments.roles.scope_filter).

    `commitment_path` is the lookup path from the model to its commitment ("commitment__"); a model that names its
    commitment by code instead sets `commitment_code_field`.
    """

    commitment_path = ""
    commitment_code_field = ""

    def scope_filter(self, user) -> models.Q | None:
        if self.commitment_code_field:
            return roles.scope_filter_by_code(user, self.commitment_code_field)
        return roles.scope_filter(user, self.commitment_path)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        condition = self.scope_filter(request.user)
        return qs if condition is None else qs.filter(condition).distinct()


class ReadOnlyAdminMixin:
    """Records the portal writes itself (the change history, the daily digest, earlier answers): staff with the
    view permission read them; nobody adds, changes or deletes one in the admin. Fits admins and inlines alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Publishing without Kichwa (issue 12): a record whose Spanish text has no Kichwa yet shows that Spanish on the /qu/
# pages, marked as Spanish. Whoever publishes it so says they mean to, once: a save that would publish a text
# written in Spanish and not in Kichwa asks for the box below to be ticked, unless the published record already
# lacked that Kichwa text (editing its progress does not ask again).

PUBLISH_WITHOUT_KICHWA = "publish_without_kichwa"


class KichwaGapsFormMixin(forms.Form):
    """For a ModelForm of a record with `is_published` and texts in Spanish and Kichwa: refuses to publish one
    whose Kichwa text is missing (a Spanish text written, its Kichwa empty) until `publish_without_kichwa` is
    ticked. The box stays hidden until it is needed; the refusal names the texts that lack their Kichwa."""

    publish_without_kichwa = forms.BooleanField(
        label=gettext_lazy("Publish without the Kichwa text"), required=False, widget=forms.HiddenInput
    )

    def _value(self, cleaned: dict, name: str):
        return cleaned.get(name) if name in self.fields else getattr(self.instance, name, None)

    def kichwa_gaps(self, cleaned: dict) -> list[str]:
        """The translated fields whose Spanish text this save keeps or writes while their Kichwa text is empty."""
        return [
            name
            for name in fallbacks.translated_fields(type(self.instance))
            if (self._value(cleaned, f"{name}_{fallbacks.SPANISH}") or "").strip()
            and not (self._value(cleaned, f"{name}_{fallbacks.KICHWA}") or "").strip()
        ]

    def clean(self):
        cleaned = super().clean()
        if not self._value(cleaned, "is_published"):
            return cleaned
        gaps = self.kichwa_gaps(cleaned)
        stored = self.instance
        accepted = fallbacks.missing_fields(stored, gaps) if stored.pk and stored.is_published else []
        if not [name for name in gaps if name not in accepted] or cleaned.get(PUBLISH_WITHOUT_KICHWA):
            return cleaned
        labels = ", ".join(str(type(stored)._meta.get_field(name).verbose_name) for name in gaps)
        box = self.fields[PUBLISH_WITHOUT_KICHWA]
        box.widget = forms.CheckboxInput()
        box.label = _("Publish without the Kichwa text of: %(fields)s") % {"fields": labels}
        box.help_text = _(
            "Until someone writes it, the Kichwa pages show the Spanish text, marked as Spanish. You can add the "
            "Kichwa text later; the staff home page counts the published records still missing it."
        )
        # The bound field read the label and help before clean() ran.
        self[PUBLISH_WITHOUT_KICHWA].label, self[PUBLISH_WITHOUT_KICHWA].help_text = box.label, box.help_text
        self.add_error(
            None,
            _(
                "This record would be published without its Kichwa text of: %(fields)s. Write the Kichwa text "
                "(Kichwa tab), or tick “Publish without the Kichwa text” to publish it as it is."
            )
            % {"fields": labels},
        )
        self.add_error(PUBLISH_WITHOUT_KICHWA, _("Tick this box to publish without the Kichwa text."))
        return cleaned


class KichwaGapsAdminMixin:
    """Puts KichwaGapsFormMixin into a ModelAdmin's form, the box right after `is_published`, and adds the list
    filter "Kichwa text: missing" (`?kichwa=missing`, the staff home page links to it)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "fields" in kwargs:
            fields = kwargs.pop("fields")
        else:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        # The box is declared by the form, not a column: the model form must not look for it on the model.
        kwargs["fields"] = None if fields is None else [f for f in fields if f != PUBLISH_WITHOUT_KICHWA]
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, KichwaGapsFormMixin):
            return form
        return type(form.__name__, (KichwaGapsFormMixin, form), {})

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if PUBLISH_WITHOUT_KICHWA in flatten_fieldsets(fieldsets):
            return fieldsets
        for index, (name, options) in enumerate(fieldsets):
            fields = list(options.get("fields", ()))
            if "is_published" in fields:
                fields.insert(fields.index("is_published") + 1, PUBLISH_WITHOUT_KICHWA)
                fieldsets[index] = (name, {**options, "fields": fields})
                return fieldsets
        return [*fieldsets, (None, {"fields": [PUBLISH_WITHOUT_KICHWA]})]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingKichwaFilter]


class MissingKichwaFilter(admin.SimpleListFilter):
    """Records with a text written in Spanish and not in Kichwa (any of the model's translated fields)."""

    title = gettext_lazy("Kichwa text")
    parameter_name = "kichwa"

    def lookups(self, request, model_admin):
        return [("missing", gettext_lazy("Missing")), ("written", gettext_lazy("Written"))]

    def queryset(self, request, queryset):
        condition = fallbacks.kichwa_missing_q(queryset.model)
        if self.value() == "missing":
            return queryset.filter(condition)
        if self.value() == "written":
            return queryset.exclude(condition)
        return queryset


# Spreadsheets.


class SpreadsheetAdminMixin(ImportExportMixin):
    """Spreadsheet import and export in every admin that has them (the plan's, the roads').

    - Formats (conecta.spreadsheet): bounded imports (unpacked bytes, rows, columns, checked before parsing) and
      exports whose formula-like text stays text.
    - An import may do what this user may do in this admin's form, field by field (resources.AdminImportRules).
    - An upload waits in IMPORT_TMP_DIR only while its preview offers to confirm it; an import that fails at the
      confirm step says so, and writes no admin log entry and no "Import finished" message.
    - What import-export says in English is said in the staff's language: its template strings are translated in
      locale/ (conecta/import_export_terms.py keeps their msgids), its messages are written here (the import's
      counts, the records' history); an export is named after its data and holds real dates (resources).
    """

    import_form_class = SpreadsheetImportForm
    export_form_class = ExportForm
    import_formats = [spreadsheet.XLSX, spreadsheet.CSV]
    export_formats = [spreadsheet.XLSX, spreadsheet.CSV]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "rules": AdminImportRules(self, request)}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        upload = getattr(form, "cleaned_data", {}).get("import_file") if form is not None else None
        name = getattr(upload, "tmp_storage_name", None)
        if name and context.get("confirm_form") is None:  # refused: nobody will confirm it
            self._tmp_storage(name).remove()
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ValidationError):  # a bound of conecta.spreadsheet: its own message
            form.add_error("import_file", e)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if request.method == "POST" and confirm_form.is_valid():
            storage = self._tmp_storage(confirm_form.cleaned_data["import_file_name"])
            if not getattr(storage, "exists", lambda: True)():
                messages.error(
                    request,
                    _(
                        "The uploaded file is no longer here (it was already imported, or its preview is too old). "
                        "Nothing was saved: upload the file again."
                    ),
                )
                return HttpResponseRedirect(self._import_url())
        return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        """At the confirm step, the file is imported again: the data may have changed since the preview (another
        milestone took an order, a commitment was unpublished), and then the import is rolled back whole."""
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        messages.error(
            request,
            _(
                "The import failed and nothing was saved: the data changed since the preview. Correct the file and "
                "import it again."
            ),
        )
        for text in import_problems(result):
            messages.error(request, text)
        return HttpResponseRedirect(self._import_url())

    def add_success_message(self, result, request):
        """One sentence whose words agree with the model's name ("Importación terminada. Hitos nuevos: 0;
        actualizados: 1; sin cambios: 0."), where import-export writes "0 new, 1 updated … hitos"."""
        message = self.get_import_resource_classes(request)[0].finished_message
        totals = result.totals
        messages.success(
            request,
            message
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skipped": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )

    def generate_log_entries(self, result, request):
        """Each imported record's admin history as Django writes a form's: "Added." or "Changed progress and IRM
        level.", stored structured and translated when read (import-export writes "update through import_export").
        Records that changed the same columns share one bulk insert."""
        if self.get_skip_admin_log():
            return
        resource = self.get_import_resource_classes(request)[0]()
        added, changed = [], {}
        for row in result.valid_rows():
            if row.import_type == RowResult.IMPORT_TYPE_NEW:
                added.append(row.instance)
            elif row.import_type == RowResult.IMPORT_TYPE_UPDATE:
                labels = tuple(resource.changed_labels(row.original, row.instance))
                changed.setdefault(labels, []).append(row.instance)
        batches = [(ADDITION, [{"added": {}}], added)]
        batches += [(CHANGE, [{"changed": {"fields": list(labels)}}], rows) for labels, rows in changed.items()]
        for flag, message, rows in batches:
            if rows:
                LogEntry.objects.log_actions(
                    request.user.pk, rows, flag, change_message=message, single_object=len(rows) == 1
                )

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """import-export's, but asking every binary format for native values (an XLSX export's dates as date
        cells, its numbers as numbers): import-export asks only its own formats, by exact type, and ours
        (conecta.spreadsheet.XLSX) is a subclass."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=file_format.is_binary(), **kwargs)
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data

    def init_request_context_data(self, request, form):
        """The export page lists the columns the file will have: import-export lists those an import reads,
        with the ones no export writes (avance_al, ejecutado_al)."""
        context = super().init_request_context_data(request, form)
        context["fields_list"] = [
            (resource.get_display_name(), resource(**self.get_export_resource_kwargs(request)).get_export_headers())
            for resource in self.get_export_resource_classes(request)
        ]
        return context

    def get_export_filename(self, request, queryset, file_format):
        """conecta-pastaza-hitos-2026-12-01.xlsx: what the file holds, in Spanish as its columns are, and the day
        in Pastaza."""
        slug = self.get_export_resource_classes(request)[0].export_slug()
        return f"conecta-pastaza-{slug}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def _import_url(self) -> str:
        app_label, model_name = self.get_model_info()
        return reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)

    def _tmp_storage(self, name: str):
        return self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())


def import_problems(result, limit: int = 10) -> list[str]:
    """What went wrong, row by row, for the messages of a failed confirm step (at most `limit` rows)."""
    problems = []
    for row in result.invalid_rows:
        for column, texts in row.error_dict.items():
            for text in texts:
                problems.append(
                    _("Row %(number)s, “%(column)s”: %(message)s")
                    % {"number": row.number, "column": column, "message": text}
                )
    problems += [_("Row %(number)s could not be saved.") % {"number": number} for number, _e in result.row_errors()]
    if result.base_errors:
        problems.append(_("The file could not be imported."))
    return problems[:limit]
