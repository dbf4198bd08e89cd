"""What every moderation queue of the staff admin shares: the filters (by moderation state, by contact, by network
address), the reason form, and the mixin with the approve / reject / hide actions, the anonymisation action and
the protection of personal data. The queues of this app (feedback.admin) and the survey responses' queue
(surveys.admin) use them."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import FieldDoesNotExist
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from commitments import roles
from conecta.admin_messages import AdminMessagesMixin

from . import services
from .models import (
    REASON_MAX,
    Comment,
    ContactFields,
    Moderation,
    Suggestion,
)


class ModerationFilter(admin.SimpleListFilter):
    """The queue: for moderators, pending items unless another state (or all) is chosen; for those who only read
    or answer, everything they may see."""

    title = _("moderation")
    parameter_name = "moderation"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.default = Moderation.PENDING if model_admin.moderates(request) else self.ALL

    def lookups(self, request, model_admin):
        return [*Moderation.choices, (self.ALL, _("All"))]

    def _current(self) -> str:
        value = self.value()
        return value if value in (*Moderation.values, self.ALL) else self.default

    def choices(self, changelist):
        current = self._current()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        current = self._current()
        return queryset if current == self.ALL else queryset.filter(moderation=current)


class KeyFilter(admin.SimpleListFilter):
    """Items linked by a keyed hash given in the address (the "same contact" links); shown only when in use."""

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, self.chosen_label)] if value else []

    def choices(self, changelist):
        yield {
            "selected": False,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Anyone"),
        }
        for _lookup, title in self.lookup_choices:
            yield {"selected": True, "query_string": changelist.get_query_string(), "display": title}


class ContactFilter(KeyFilter):
    title = _("contact")
    parameter_name = "contact"
    chosen_label = _("This e-mail address or phone number")

    def queryset(self, request, queryset):
        return queryset.from_contact(self.value()) if self.value() else queryset


class AddressFilter(KeyFilter):
    title = _("network address")
    parameter_name = "address"
    chosen_label = _("This network address")

    def queryset(self, request, queryset):
        return queryset.from_address(self.value()) if self.value() else queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept for staff and the monitor; never shown publicly."),
        error_messages={"required": _("Give a reason for rejecting or hiding.")},
    )


# Who wrote in: what the monitor and implementers never see, so may not search, filter or sort by either (a search
# for an address would tell them whether it wrote in). The keyed hashes stay usable through the "same contact"
# links, which never reveal the value.
CONTACT_FIELDS = frozenset({"name", "email", "phone", "email_hash", "phone_hash"})


def reaches_contact(model, path: str) -> bool:
    """Whether a search field or lookup (`=email`, `suggestion__email__iexact`) reads a contact field of a model
    that holds one (a suggestion's or a comment's), however it gets there."""
    for part in path.lstrip("^=@").split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.name in CONTACT_FIELDS and issubclass(model, ContactFields):
            return True
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


def short(text: str, length: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


class ModerationAdminMixin(AdminMessagesMixin):
    """Approve, reject (with a reason), hide (with a reason) and anonymise, one item or many; the queue opens
    on the pending items; links to everything from the same contact or network address."""

    actions = ["approve_selected", "reject_selected", "hide_selected", "anonymise_selected"]
    anonymise_argument = ""  # "suggestions", "comments" or "evaluations": contacts_anonymise's argument
    # The queues the "from the same" contact links open (a queue above this app adds its own first).
    same_contact_models = ((Suggestion, _("suggestions")), (Comment, _("comments")))

    def has_delete_permission(self, request, obj=None):
        # Rejected or hidden items still count as received; personal data are anonymised, never deleted.
        return False

    def moderates(self, request) -> bool:
        """Planners moderate; the monitor only reads, and implementers only answer (suggestions)."""
        return roles.is_planner(request.user) and self.has_change_permission(request)

    # Only moderators see the contact, so only they search, filter and sort by it.

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if self.moderates(request):
            return fields
        return [name for name in fields if not reaches_contact(self.model, name)]

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if self.moderates(request):
            return columns
        return [name for name in columns if not (isinstance(name, str) and reaches_contact(self.model, name))]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if self.moderates(request):
            return filters
        return [item for item in filters if not (isinstance(item, str) and reaches_contact(self.model, item))]

    def lookup_allowed(self, lookup, value, request):
        # Django allows any lookup on a model's own fields in the address (?email=…, ?email__startswith=…).
        if not self.moderates(request) and reaches_contact(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.moderates(request):
            for name in self.actions:
                actions.pop(name, None)
        return actions

    @admin.action(description=_("Approve the selected items"), permissions=["change"])
    def approve_selected(self, request, queryset):
        count = services.contributions_moderate(queryset=queryset, decision=Moderation.APPROVED, by=request.user)
        message = ngettext("%(count)s item approved.", "%(count)s items approved.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Reject the selected items (asks for a reason)"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._decide_with_reason(request, queryset, Moderation.REJECTED, "reject_selected")

    @admin.action(description=_("Hide the selected items (asks for a reason)"), permissions=["change"])
    def hide_selected(self, request, queryset):
        return self._decide_with_reason(request, queryset, Moderation.HIDDEN, "hide_selected")

    def _decide_with_reason(self, request, queryset, decision: str, action: str):
        """The intermediate page of rejecting or hiding: the reason is required."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = services.contributions_moderate(
                queryset=queryset, decision=decision, by=request.user, reason=form.cleaned_data["reason"]
            )
            if decision == Moderation.REJECTED:
                message = ngettext("%(count)s item rejected.", "%(count)s items rejected.", count)
            else:
                message = ngettext("%(count)s item hidden.", "%(count)s items hidden.", count)
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
            return None
        title = _("Reject: give a reason") if decision == Moderation.REJECTED else _("Hide: give a reason")
        return self._intermediate(request, queryset, action, title, {"form": form})

    @admin.action(
        description=_("Anonymise the selected items and everything from the same contact"), permissions=["change"]
    )
    def anonymise_selected(self, request, queryset):
        selection = {self.anonymise_argument: queryset}
        if "apply" in request.POST:
            done = services.contacts_anonymise(**selection)
            self.message_user(
                request,
                _(
                    "Anonymised %(suggestions)s suggestions, %(comments)s comments and %(evaluations)s evaluations: "
                    "their texts and figures stay."
                )
                % {"suggestions": done.suggestions, "comments": done.comments, "evaluations": done.evaluations},
                messages.SUCCESS,
            )
            return None
        targets = services.anonymise_targets(**selection).counts
        return self._intermediate(
            request, queryset, "anonymise_selected", _("Anonymise personal data"), {"targets": targets}
        )

    def _intermediate(self, request, queryset, action: str, title: str, extra: dict):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset[:50],
            "count": queryset.count(),
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": queryset.values_list("pk", flat=True),
            **extra,
        }
        return TemplateResponse(request, "feedback/admin/moderation_step.html", context)

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return short(getattr(obj, "text", None) or getattr(obj, "comment", ""))

    @admin.display(description=_("from the same"))
    def same_sender(self, obj):
        """Links to everything left with the same contact and from the same network address."""
        links = []
        key = getattr(obj, "contact_key", "")
        if key:
            for model, label in self.same_contact_models:
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
                links.append((f"{url}?{urlencode({'contact': key, 'moderation': 'all'})}", _("contact: %s") % label))
        if obj.ip_hash:
            url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
            links.append((f"{url}?{urlencode({'address': obj.ip_hash, 'moderation': 'all'})}", _("address")))
        if not links:
            return "—"
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_fieldsets(self, request, obj=None):
        """Only moderators see contact details: the monitor and implementers do not need them."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.moderates(request):
            return fieldsets
        hidden = {"name", "email", "phone"}
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for title, options in fieldsets
        ]
