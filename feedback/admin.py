"""The staff admin of what citizens send: the moderation queues of suggestions, complaints and questions,
comments, evaluations and replies, their answers, offline feedback and anonymisation. The moderation pieces every
queue shares (survey responses' too) are in feedback.moderation."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from commitments import roles
from commitments.models import Commitment
from commitments.staff import ReadOnlyAdminMixin

from . import services
from .models import (
    NAME_MAX,
    PHONE_MAX,
    PLACE_MAX,
    SUGGESTION_TEXT_MAX,
    Comment,
    DailyDigest,
    Evaluation,
    PreviousAnswer,
    Suggestion,
    SuggestionReply,
)
from .moderation import AddressFilter, ContactFilter, ModerationAdminMixin, ModerationFilter
from .protection import PlainTextField
from .selectors import suggestions_with_reply_state


class SuggestionModerationFilter(ModerationFilter):
    """Asked for the suggestions with a new reply (they were approved long ago), the queue shows every state."""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        if {NewReplyFilter.parameter_name, AnswerFilter.parameter_name, AssignedFilter.parameter_name} & set(
            request.GET
        ):
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


class AnswerFilter(admin.SimpleListFilter):
    """The suggestions nobody has answered yet (SuggestionQuerySet.awaiting_answer), and those of them past their
    response deadline (feedback.deadlines)."""

    title = _("answer")
    parameter_name = "respuesta"
    AWAITING = "pendiente"
    LATE = "vencida"

    def lookups(self, request, model_admin):
        return [(self.AWAITING, _("Awaiting an answer")), (self.LATE, _("Past the response deadline"))]

    def queryset(self, request, queryset):
        if self.value() == self.AWAITING:
            return queryset.awaiting_answer()
        if self.value() == self.LATE:
            return queryset.past_deadline()
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    """Who prepares the answer: the signed-in person, or nobody yet."""

    title = _("assigned to")
    parameter_name = "asignada"
    ME = "yo"
    NOBODY = "nadie"

    def lookups(self, request, model_admin):
        return [(self.ME, _("Assigned to me")), (self.NOBODY, _("Not assigned"))]

    def queryset(self, request, queryset):
        if self.value() == self.ME:
            return queryset.filter(assigned_to=request.user)
        if self.value() == self.NOBODY:
            return queryset.filter(assigned_to__isnull=True)
        return queryset


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


class SuggestionReplyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """What the person wrote back, read-only, oldest first (moderated from the replies' own queue)."""

    model = SuggestionReply
    fields = ["created_at", "text", "language", "moderation"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("reply from the person")
    verbose_name_plural = _("replies from the person (never public)")


class PreviousAnswerInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The answers given before the current one: kept when staff change an answer (feedback.services)."""

    model = PreviousAnswer
    fields = ["answered_at", "answer_es", "answer_qu", "notified_at", "replaced_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

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
    "assigned_to",
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
        "answer_due",
        "new_reply",
        "same_sender",
    ]
    list_filter = [
        SuggestionModerationFilter,
        NewReplyFilter,
        AnswerFilter,
        AssignedFilter,
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
        "answer_due",
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
                "description": format_lazy(
                    "{} {}",
                    _(
                        "When the person writes back, write the new answer here: the earlier one is kept under "
                        "“Earlier answers” and the person is e-mailed once about the new one."
                    ),
                    _(
                        "Answering does not approve the message: it is public only once a moderator approves it "
                        "and “make public” is ticked, and the public page never shows the person's name."
                    ),
                ),
                "fields": [
                    "answer_due",
                    "assigned_to",
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

    @admin.display(description=_("answer due"), ordering="received_on")
    def answer_due(self, obj):
        """The response deadline (SUGGESTION_RESPONSE_WORKING_DAYS working days after it was received), said in
        words when it has passed unanswered."""
        deadline = obj.response_deadline
        if deadline is None:
            return "—"
        if obj.is_past_deadline:
            return format_html('{} · <strong class="late">{}</strong>', date_format(deadline), _("past the deadline"))
        return date_format(deadline)

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
        if change:
            services.suggestion_staff_save(suggestion=obj, by=request.user)
        else:
            services.suggestion_save_offline(suggestion=obj, by=request.user)


def suggestions_visible_to(user, queryset):
    """The suggestions `user` may see: all for planners and the monitor; for an implementer, the approved ones
    about the commitments their institution leads."""
    condition = roles.scope_filter(user, "commitment__")
    return queryset if condition is None else queryset.approved().filter(condition)


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
        if roles.scope_filter(request.user) is None:
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
        services.comment_staff_save(comment=obj, by=request.user)


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
class DailyDigestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "sent_at", "items"]
