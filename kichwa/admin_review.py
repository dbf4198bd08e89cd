"""The Kichwa reviewers' queue of interface texts: the catalogue's messages awaiting review first, each with its
English and Spanish beside the Kichwa, approved as it is, approved with the reviewer's correction (in force at
once, kichwa.catalogue), or sent back with a comment. Rows come from the catalogue only: nobody adds or deletes one.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from conecta.admin_messages import AdminMessagesMixin

from .catalogue import (
    APPROVE,
    APPROVE_CORRECTED,
    NEEDS_EDITING,
    PLURAL_SEPARATOR,
    form_count,
    interface_string_review,
    review_errors,
)
from .models import InterfaceString, ReviewerProfile, ReviewState

# Awaiting first, then what needs editing, then what is approved.
QUEUE_ORDER = Case(
    When(state=ReviewState.AWAITING, then=Value(0)),
    When(state=ReviewState.NEEDS_EDITING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class ReviewStateFilter(admin.SimpleListFilter):
    """The queue opens on what awaits review; each state, or all of them, one click away."""

    title = _("review state")
    parameter_name = "state"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [
            (ReviewState.AWAITING, ReviewState.AWAITING.label),
            (ReviewState.NEEDS_EDITING, ReviewState.NEEDS_EDITING.label),
            (ReviewState.APPROVED, ReviewState.APPROVED.label),
            (self.ALL, _("All")),
        ]

    def _current(self) -> str:
        value = self.value()
        return value if value in (*ReviewState.values, self.ALL) else ReviewState.AWAITING

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
        return queryset if current == self.ALL else queryset.filter(state=current)


def _forms(text: str) -> list[str]:
    return text.split(PLURAL_SEPARATOR)


def _short(text: str, length: int = 80) -> str:
    text = " / ".join(" ".join(form.split()) for form in _forms(text))
    return text if len(text) <= length else text[: length - 1] + "…"


def _lines(text: str, language: str):
    """A text (each plural form on its line) marked with its language, for screen readers and spell checkers."""
    return format_html(
        '<div lang="{}">{}</div>', language, format_html_join("", "<p>{}</p>", ((form,) for form in _forms(text)))
    )


class InterfaceStringReviewForm(forms.ModelForm):
    """The Kichwa (one box, or one per plural form) and the comment; which button was pressed decides."""

    decision = forms.ChoiceField(
        choices=[(APPROVE, APPROVE), (APPROVE_CORRECTED, APPROVE_CORRECTED), (NEEDS_EDITING, NEEDS_EDITING)],
        required=False,
    )
    kichwa = forms.CharField(
        label=_("Kichwa"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4, "lang": "qu"})
    )
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required with “Needs editing”: what is wrong, or a better wording and why."),
    )

    class Meta:
        model = InterfaceString
        fields = ["kichwa", "comment"]

    def plural_fields(self) -> list[str]:
        return [name for name in self.fields if name.startswith("kichwa_")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form in zip(self.plural_fields(), _forms(self.instance.kichwa), strict=False):
            self.fields[name].initial = form

    def clean(self):
        data = super().clean()
        plural = self.plural_fields()
        texts = [data.get(name) or "" for name in plural] if plural else [data.get("kichwa") or ""]
        kichwa = PLURAL_SEPARATOR.join(text.replace("\r\n", "\n") for text in texts)
        errors = review_errors(
            row=self.instance, decision=data.get("decision") or "", kichwa=kichwa, comment=data.get("comment") or ""
        )
        for field, messages_ in errors.items():
            if field == "kichwa" and plural:
                field = plural[0]
            for message in messages_:
                self.add_error(field, message)
        data["kichwa"] = kichwa
        return data


def review_form_for(row: InterfaceString | None) -> type[InterfaceStringReviewForm]:
    """The review form, with one Kichwa box per plural form for a plural message."""
    if row is None or not row.msgid_plural:
        return InterfaceStringReviewForm
    count = form_count(row)
    labels = [_("Kichwa, one (1)"), *[_("Kichwa, many (2 or more)")] * (count - 1)]
    boxes = {
        f"kichwa_{index}": forms.CharField(
            label=label, required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3, "lang": "qu"})
        )
        for index, label in enumerate(labels)
    }
    return type("PluralInterfaceStringReviewForm", (InterfaceStringReviewForm,), boxes)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What needs editing in these texts."),
        error_messages={"required": _("Say in the comment what needs editing.")},
    )


@admin.register(InterfaceString)
class InterfaceStringAdmin(AdminMessagesMixin, admin.ModelAdmin):
    list_display = ["english_short", "spanish_short", "kichwa_short", "state", "organisation", "reviewed_at"]
    list_display_links = ["english_short"]
    list_filter = [ReviewStateFilter]
    search_fields = ["msgid", "msgid_plural", "msgctxt", "spanish", "kichwa", "kichwa_catalogue"]
    list_per_page = 50
    actions = ["approve_selected", "needs_editing_selected"]
    form = InterfaceStringReviewForm
    readonly_fields = [
        "english",
        "spanish_text",
        "note",
        "catalogue_text",
        "state",
        "reviewed_by",
        "organisation",
        "reviewed_at",
    ]
    change_form_template = "admin/kichwa/interfacestring/change_form.html"
    change_list_template = "admin/kichwa/interfacestring/change_list.html"

    # Rows come from the catalogue (kichwa.catalogue.sync_catalogue) and keep their review history: never added
    # or deleted here, whatever the role.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(in_catalogue=True)

    def get_ordering(self, request):
        return [QUEUE_ORDER.asc(), "msgid", "msgctxt"]

    def get_fieldsets(self, request, obj=None):
        kichwa = [f"kichwa_{index}" for index in range(form_count(obj))] if obj and obj.msgid_plural else ["kichwa"]
        return [
            (None, {"fields": [("english", "spanish_text", *kichwa)]}),
            (_("Review"), {"fields": ["note", "comment", "catalogue_text", "state", "organisation", "reviewed_at"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = review_form_for(obj)
        return super().get_form(request, obj, change, **kwargs)

    # The columns and the read-only texts.

    @admin.display(description=_("English"), ordering="msgid")
    def english_short(self, obj):
        return _short(obj.msgid)

    @admin.display(description=_("Spanish"))
    def spanish_short(self, obj):
        return _short(obj.spanish) or "—"

    @admin.display(description=_("Kichwa"))
    def kichwa_short(self, obj):
        return _short(obj.kichwa) or "—"

    @admin.display(description=_("English"))
    def english(self, obj):
        text = obj.msgid + (PLURAL_SEPARATOR + obj.msgid_plural if obj.msgid_plural else "")
        if not obj.msgctxt:
            return _lines(text, "en")
        return format_html(
            "{}<p>{}</p>", _lines(text, "en"), gettext("Context: %(context)s") % {"context": obj.msgctxt}
        )

    @admin.display(description=_("Spanish"))
    def spanish_text(self, obj):
        return _lines(obj.spanish, "es") if obj.spanish else "—"

    @admin.display(description=_("Kichwa in the catalogue"))
    def catalogue_text(self, obj):
        """What the .po file says, when a correction (in force or proposed) differs from it."""
        if not obj.corrected:
            return gettext("The same as above.")
        return _lines(obj.kichwa_catalogue, "qu") if obj.kichwa_catalogue else "—"

    # The queue's counts.

    def changelist_view(self, request, extra_context=None):
        counts = self.get_queryset(request).aggregate(
            awaiting=Count("pk", filter=Q(state=ReviewState.AWAITING)),
            needs_editing=Count("pk", filter=Q(state=ReviewState.NEEDS_EDITING)),
            approved=Count("pk", filter=Q(state=ReviewState.APPROVED)),
        )
        review_counts = [
            (ReviewState.AWAITING, ReviewState.AWAITING.label, counts["awaiting"]),
            (ReviewState.NEEDS_EDITING, ReviewState.NEEDS_EDITING.label, counts["needs_editing"]),
            (ReviewState.APPROVED, ReviewState.APPROVED.label, counts["approved"]),
        ]
        return super().changelist_view(request, {**(extra_context or {}), "review_counts": review_counts})

    # Saving a review.

    def save_model(self, request, obj, form, change):
        try:
            interface_string_review(
                string=obj,
                decision=form.cleaned_data["decision"],
                by=request.user,
                kichwa=form.cleaned_data["kichwa"],
                comment=form.cleaned_data.get("comment") or "",
            )
        except ValidationError as error:  # someone reviewed it meanwhile: the form no longer fits the row
            request._kichwa_review_refused = True
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # no relations: the review is saved whole by save_model

    def response_change(self, request, obj):
        if getattr(request, "_kichwa_review_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # The actions on many rows.

    @admin.action(description=_("Approve the selected texts as they are"), permissions=["change"])
    def approve_selected(self, request, queryset):
        approved, refused = 0, []
        with transaction.atomic():
            for row in queryset:
                try:
                    interface_string_review(string=row, decision=APPROVE, by=request.user)
                    approved += 1
                except ValidationError:
                    refused.append(_short(row.msgid, 40))
        message = ngettext("%(count)s text approved.", "%(count)s texts approved.", approved)
        self.message_user(request, message % {"count": approved}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                gettext("Not approved, for they have no Kichwa yet: %(texts)s.") % {"texts": "; ".join(refused)},
                messages.WARNING,
            )

    @admin.action(description=_("Needs editing (asks for a comment)"), permissions=["change"])
    def needs_editing_selected(self, request, queryset):
        form = CommentForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            rows = list(queryset)  # before the review moves them out of the filtered queue
            with transaction.atomic():
                for row in rows:
                    interface_string_review(
                        string=row, decision=NEEDS_EDITING, by=request.user, comment=form.cleaned_data["comment"]
                    )
            count = len(rows)
            message = ngettext(
                "%(count)s text marked as needing editing.", "%(count)s texts marked as needing editing.", count
            )
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Needs editing: say what"),
            "opts": self.model._meta,
            "queryset": queryset[:50],
            "count": queryset.count(),
            "action": "needs_editing_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": queryset.values_list("pk", flat=True),
            "form": form,
        }
        return TemplateResponse(request, "admin/kichwa/interfacestring/needs_editing.html", context)


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(AdminMessagesMixin, admin.ModelAdmin):
    """Who reviews Kichwa and for which organisation: what a reviewed page says ("Kichwa revisado por …").
    Planners name them (kichwa.roles); the person also needs the "Revisor kichwa" group to review."""

    list_display = ["user", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation"]
    autocomplete_fields = ["user"]
