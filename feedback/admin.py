"""The staff admin of participation: meetings and their attendance; the moderation queues of what citizens send
(suggestions, complaints and questions, comments, evaluations), their answers, offline feedback and anonymisation."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from commitments import roles
from commitments.models import Commitment

from . import services
from .models import (
    NAME_MAX,
    PHONE_MAX,
    PLACE_MAX,
    REASON_MAX,
    SUGGESTION_TEXT_MAX,
    Comment,
    ContactFields,
    DailyDigest,
    Evaluation,
    Moderation,
    PreviousAnswer,
    Suggestion,
    SuggestionReply,
)
from .protection import PlainTextField
from .selectors import suggestions_with_reply_state

# What citizens send: the moderation queues, answers, offline feedback and anonymisation.


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


class _KeyFilter(admin.SimpleListFilter):
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


class ContactFilter(_KeyFilter):
    title = _("contact")
    parameter_name = "contact"
    chosen_label = _("This e-mail address or phone number")

    def queryset(self, request, queryset):
        return queryset.from_contact(self.value()) if self.value() else queryset


class AddressFilter(_KeyFilter):
    title = _("network address")
    parameter_name = "address"
    chosen_label = _("This network address")

    def queryset(self, request, queryset):
        return queryset.from_address(self.value()) if self.value() else queryset


class SuggestionModerationFilter(ModerationFilter):
    """Asked for the suggestions with a new reply (they were approved long ago), the queue shows every state."""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        if NewReplyFilter.parameter_name in request.GET:
            self.default = self.ALL


class NewReplyFilter(admin.SimpleListFilter):
    """The suggestions whose person wrote back after the last answer (or closing): someone has to answer."""

    title = _("replies to answers")
    parameter_name = "reply"
    NEW = "new"
    ANY = "any"

    def lookups(self, request, model_admin):
        return [(self.NEW, _("With a new reply")), (self.ANY, _("With any reply"))]

    def queryset(self, request, queryset):
        if self.value() == self.NEW:
            return queryset.filter(has_new_reply=True)
        if self.value() == self.ANY:
            return queryset.filter(last_reply_at__isnull=False)
        return queryset


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


def _short(text: str, length: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


class ModerationAdminMixin:
    """Approve, reject (with a reason), hide (with a reason) and anonymise, one item or many; the queue opens
    on the pending items; links to everything from the same contact or network address."""

    actions = ["approve_selected", "reject_selected", "hide_selected", "anonymise_selected"]
    anonymise_argument = ""  # "suggestions", "comments" or "evaluations": contacts_anonymise's argument

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
        return _short(getattr(obj, "text", None) or getattr(obj, "comment", ""))

    @admin.display(description=_("from the same"))
    def same_sender(self, obj):
        """Links to everything left with the same contact and from the same network address."""
        links = []
        key = getattr(obj, "contact_key", "")
        if key:
            for model, label in ((Suggestion, _("suggestions")), (Comment, _("comments"))):
                url = reverse(f"admin:feedback_{model._meta.model_name}_changelist")
                links.append((f"{url}?{urlencode({'contact': key, 'moderation': 'all'})}", _("contact: %s") % label))
        if obj.ip_hash:
            url = reverse(f"admin:feedback_{obj._meta.model_name}_changelist")
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


class OfflineSuggestionForm(forms.ModelForm):
    """Feedback gathered through a traditional channel: which one, where, in which language, when."""

    class Meta:
        model = Suggestion
        fields = [
            "kind",
            "text",
            "commitment",
            "canton",
            "parish",
            "channel",
            "place",
            "language",
            "received_on",
            "name",
            "email",
            "phone",
        ]

    text = PlainTextField(
        label=_("text"),
        max_length=SUGGESTION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write what the person said.")},
    )
    name = PlainTextField(label=_("name or pseudonym"), max_length=NAME_MAX, required=False, multiline=False)
    phone = PlainTextField(label=_("phone"), max_length=PHONE_MAX, required=False, multiline=False)
    place = PlainTextField(
        label=_("place"),
        max_length=PLACE_MAX,
        required=False,
        multiline=False,
        help_text=_("Where it was gathered: canton, parish or community."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [c for c in Suggestion.Channel.choices if c[0] != Suggestion.Channel.WEB]
        self.fields["received_on"].initial = timezone.localdate
        self.fields["commitment"].queryset = Commitment.objects.published()

    def clean_received_on(self):
        day = self.cleaned_data.get("received_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return day


class SuggestionReplyInline(admin.TabularInline):
    """What the person wrote back, read-only, oldest first (moderated from the replies' own queue)."""

    model = SuggestionReply
    fields = ["created_at", "text", "language", "moderation"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("reply from the person")
    verbose_name_plural = _("replies from the person (never public)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PreviousAnswerInline(admin.TabularInline):
    """The answers given before the current one: kept when staff change an answer (feedback.services)."""

    model = PreviousAnswer
    fields = ["answered_at", "answer_es", "answer_qu", "notified_at", "replaced_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Part of the suggestion's record: whoever may see the suggestion sees its earlier answers.
        return request.user.has_perm("feedback.view_suggestion") or request.user.has_perm("feedback.change_suggestion")


IMPLEMENTER_READONLY = [
    "kind",
    "commitment",
    "canton",
    "parish",
    "name",
    "email",
    "phone",
    "public_summary",
    "is_public",
    "changed_commitments",
]


@admin.register(Suggestion)
class SuggestionAdmin(ModerationAdminMixin, TabbedTranslationAdmin):
    anonymise_argument = "suggestions"
    list_display = [
        "tracking_code",
        "kind",
        "short_text",
        "status",
        "moderation",
        "received_on",
        "new_reply",
        "same_sender",
    ]
    list_filter = [
        SuggestionModerationFilter,
        NewReplyFilter,
        "status",
        "kind",
        "channel",
        "language",
        "is_public",
        ContactFilter,
        AddressFilter,
    ]
    inlines = [PreviousAnswerInline, SuggestionReplyInline]
    list_select_related = ["commitment"]
    search_fields = ["tracking_code", "text", "=email", "=phone"]
    date_hierarchy = "received_on"
    autocomplete_fields: list[str] = []
    filter_horizontal = ["changed_commitments"]
    readonly_fields = [
        "tracking_code",
        "text",
        "channel",
        "place",
        "language",
        "received_on",
        "created_at",
        "entered_by",
        "consent_at",
        "moderation",
        "moderated_at",
        "moderated_by",
        "moderation_reason",
        "status_changed_at",
        "answered_at",
        "answered_by",
        "answer_notified_at",
        "confirmation_sent_at",
        "closed_at",
        "anonymised_at",
        "same_sender",
    ]
    fieldsets = [
        (None, {"fields": ["tracking_code", "kind", "text", "commitment", "canton", "parish"]}),
        (_("Received"), {"fields": ["channel", "place", "language", "received_on", "created_at", "entered_by"]}),
        (
            _("Contact (never public)"),
            {
                "fields": [
                    "name",
                    "email",
                    "phone",
                    "same_sender",
                    "consent_at",
                    "confirmation_sent_at",
                    "anonymised_at",
                ]
            },
        ),
        (_("Moderation"), {"fields": ["moderation", "moderated_at", "moderated_by", "moderation_reason"]}),
        (
            _("Answer"),
            {
                "description": _(
                    "When the person writes back, write the new answer here: the earlier one is kept under "
                    "“Earlier answers” and the person is e-mailed once about the new one."
                ),
                "fields": [
                    "status",
                    "answer",
                    "public_summary",
                    "is_public",
                    "changed_commitments",
                    "status_changed_at",
                    "answered_at",
                    "answered_by",
                    "answer_notified_at",
                    "closed_at",
                ],
            },
        ),
    ]
    add_fieldsets = [
        (None, {"fields": ["kind", "text", "commitment", "canton", "parish"]}),
        (_("Received"), {"fields": ["channel", "place", "language", "received_on"]}),
        (_("Contact (optional, never public)"), {"fields": ["name", "email", "phone"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if self.moderates(request):
            return self.readonly_fields
        # An implementer answers: the status and the answer; the rest is the planners'.
        return [*self.readonly_fields, *IMPLEMENTER_READONLY]

    def get_queryset(self, request):
        """Implementers see the approved suggestions about the commitments their institution leads."""
        return suggestions_with_reply_state(suggestions_visible_to(request.user, super().get_queryset(request)))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("new reply"), boolean=True, ordering="-last_reply_at")
    def new_reply(self, obj):
        return getattr(obj, "has_new_reply", False)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = OfflineSuggestionForm
        return super().get_form(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "changed_commitments":
            kwargs["queryset"] = Commitment.objects.published()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commitment":
            kwargs["queryset"] = Commitment.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("commitment"), ordering="commitment__code")
    def commitment_code(self, obj):
        return obj.commitment.code if obj.commitment_id else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            services.suggestion_save_offline(suggestion=obj, by=request.user)
            return
        previous = Suggestion.objects.get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        services.suggestion_staff_saved(suggestion=obj, previous=previous, by=request.user)


def suggestions_visible_to(user, queryset):
    """The suggestions `user` may see: all for planners and the monitor; for an implementer, the approved ones
    about the commitments their institution leads."""
    scope = roles.scoped_institution(user)
    if scope is None:
        return queryset
    if scope is False:
        return queryset.none()
    return queryset.approved().filter(Q(commitment__lead_institution=scope) | Q(commitment__lead_department=scope))


@admin.register(SuggestionReply)
class SuggestionReplyAdmin(ModerationAdminMixin, admin.ModelAdmin):
    """The queue of replies to answers: never public, so moderating one says it is genuine (approve) or spam
    and abuse (reject, hide: it then leaves the tracking page and the "new reply" marks)."""

    actions = ["approve_selected", "reject_selected", "hide_selected"]
    list_display = ["suggestion_link", "short_text", "moderation", "created_at", "same_sender"]
    list_filter = [ModerationFilter, "language", AddressFilter]
    list_select_related = ["suggestion"]
    search_fields = ["text", "suggestion__tracking_code"]
    date_hierarchy = "created_at"
    fields = [
        "suggestion_link",
        "text",
        "language",
        "created_at",
        "moderation",
        "moderated_at",
        "moderated_by",
        "moderation_reason",
        "anonymised_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.scoped_institution(request.user) is None:
            return queryset
        return queryset.filter(suggestion__in=suggestions_visible_to(request.user, Suggestion.objects.all()))

    @admin.display(description=_("suggestion, complaint or question"), ordering="suggestion__tracking_code")
    def suggestion_link(self, obj):
        url = reverse("admin:feedback_suggestion_change", args=[obj.suggestion_id])
        return format_html('<a href="{}">{}</a>', url, obj.suggestion.tracking_code)


@admin.register(Comment)
class CommentAdmin(ModerationAdminMixin, TabbedTranslationAdmin):
    anonymise_argument = "comments"
    list_display = ["commitment", "name", "short_text", "moderation", "created_at", "has_response", "same_sender"]
    list_filter = [ModerationFilter, "language", ContactFilter, AddressFilter]
    list_select_related = ["commitment"]
    search_fields = ["text", "name", "=email", "commitment__code"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "commitment",
        "text",
        "language",
        "created_at",
        "consent_at",
        "moderation",
        "moderated_at",
        "moderated_by",
        "moderation_reason",
        "response_at",
        "response_by",
        "anonymised_at",
        "same_sender",
    ]
    fieldsets = [
        (None, {"fields": ["commitment", "text", "language", "created_at"]}),
        (
            _("Contact (the name is public, the e-mail never)"),
            {"fields": ["name", "email", "same_sender", "consent_at", "anonymised_at"]},
        ),
        (_("Moderation"), {"fields": ["moderation", "moderated_at", "moderated_by", "moderation_reason"]}),
        (_("Official response"), {"fields": ["response", "response_at", "response_by"]}),
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("response"), boolean=True)
    def has_response(self, obj):
        return bool(obj.response_es or obj.response_qu)

    def save_model(self, request, obj, form, change):
        previous = Comment.objects.get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        services.comment_staff_saved(comment=obj, previous=previous, by=request.user)


@admin.register(Evaluation)
class EvaluationAdmin(ModerationAdminMixin, admin.ModelAdmin):
    anonymise_argument = "evaluations"
    list_display = ["commitment", "score", "short_text", "moderation", "created_at", "same_sender"]
    list_filter = [ModerationFilter, "score", "language", AddressFilter]
    list_select_related = ["commitment"]
    search_fields = ["comment", "commitment__code"]
    date_hierarchy = "created_at"
    fields = [
        "commitment",
        "score",
        "comment",
        "language",
        "created_at",
        "moderation",
        "moderated_at",
        "moderated_by",
        "moderation_reason",
        "anonymised_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(DailyDigest)
class DailyDigestAdmin(admin.ModelAdmin):
    list_display = ["day", "sent_at", "items"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The meetings (with their minutes and agreements) and the surveys have admin modules of their own.
from . import meeting_admin, survey_admin  # noqa: E402, F401
