"""The staff kit every app's admin builds on: role-scoped, read-only and protect-published admin mixins, and the
guard that keeps published records from being deleted by any path (connected by each app from its `ready()`).

The roles themselves, `visible_commitments` and `planner_emails` are in commitments.roles.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conecta import fallbacks

from . import roles


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
