"""The staff admin of surveys: building them (survey, questions, options, in Spanish and Kichwa) and moderating
their responses.

Django's admin has no nested inlines, so a survey's page edits its questions (an inline) and each question's page
edits its options (an inline there), reached by the "edit options" link beside every question. Once people have
answered a survey its questions and options cannot be removed nor their kinds changed: the results would no
longer add up. A published or answered survey cannot be deleted.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from conecta.admin_messages import AdminMessagesMixin
from feedback.models import Moderation
from feedback.moderation import AddressFilter, ModerationAdminMixin, ModerationFilter, short

from .models import Answer, Choice, Question, Survey, SurveyResponse
from .services import (
    MIN_OPTIONS,
    QuestionDraft,
    question_delete,
    question_options_problem,
    survey_delete,
    survey_deletion_problem,
    survey_has_responses,
    survey_publish_problems,
    survey_responses_anonymise,
)

ANSWERED_KIND_MESSAGE = _(
    "People have already answered this survey: the kind of a question cannot change any more (its results would "
    "no longer add up). Add a new question instead."
)


# Questions, edited on the survey's page.


class QuestionForm(forms.ModelForm):
    """A question's kind is fixed once people answered the survey; a question with options stays a choice."""

    class Meta:
        model = Question
        fields = ["order", "kind", "text", "help_text", "required"]

    def clean_kind(self):
        kind = self.cleaned_data.get("kind")
        question = self.instance
        if question.pk and kind != question.kind:
            previous = Question.objects.get(pk=question.pk)
            if survey_has_responses(previous.survey):
                raise ValidationError(ANSWERED_KIND_MESSAGE, code="answered")
        return kind


class NumberedFormSet(BaseInlineFormSet):
    """New rows start numbered after the last one, so that adding several at once needs no renumbering."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        start = max((row.order for row in self.get_queryset()), default=0) + 1
        self.initial_extra = [{"order": start + n} for n in range(self.extra)]


class QuestionFormSet(NumberedFormSet):
    """A published survey needs a question at least, and each choice question two options at least; a question
    whose kind no longer takes options must lose them first. Removing a question of a draft removes its
    options too."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        existing = dict(
            Question.objects.filter(pk__in=[f.instance.pk for f in self.forms if f.instance.pk])
            .annotate(n=Count("choices"))
            .values_list("pk", "n")
        )
        drafts = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            options = existing.get(form.instance.pk, 0)
            draft = QuestionDraft(number=data["order"], kind=data["kind"], options=options)
            drafts.append(draft)
            problem = question_options_problem(kind=draft.kind, options=options, check_minimum=False)
            if problem:
                form.add_error("kind", problem)
        if self.instance.is_published:
            problems = survey_publish_problems(questions=drafts)
            if problems:
                raise ValidationError(problems)

    def delete_existing(self, obj, commit=True):
        if commit:
            question_delete(question=obj)


class QuestionInline(TranslationStackedInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0
    fields = [("order", "kind", "required"), "text", "help_text", "options_link"]
    readonly_fields = ["options_link"]
    ordering = ["order", "pk"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_options=Count("choices"))

    def has_delete_permission(self, request, obj=None):
        # `obj` is the survey: once answered, none of its questions may go.
        if obj is not None and survey_has_responses(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The admin refuses to delete a question that has options (they PROTECT it); a draft's question goes
        # with its options (QuestionFormSet.delete_existing), and an answered survey offers no deletion at all.
        formset.form.hand_clean_DELETE = lambda form: None
        return formset

    @admin.display(description=_("options"))
    def options_link(self, question: Question):
        if question is None or question.pk is None:
            return _("Save the survey first; then add the options of a choice question here.")
        count = getattr(question, "_options", None)
        count = question.choices.count() if count is None else count
        url = reverse("admin:surveys_question_change", args=[question.pk])
        if question.kind not in Question.CHOICE_KINDS:
            if count:
                return format_html('<a href="{}">{}</a>', url, _("This kind takes no options: remove them"))
            return _("This kind of question takes no options.")
        label = ngettext("%(count)s option · edit options", "%(count)s options · edit options", count) % {
            "count": count
        }
        return format_html('<a href="{}"><strong>{}</strong></a>', url, label)


# Surveys.


class SurveyStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Survey.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == Survey.State.DRAFT:
            return queryset.filter(is_published=False)
        if value == Survey.State.UPCOMING:
            return queryset.published().filter(opens_at__gt=now)
        if value == Survey.State.OPEN:
            return queryset.open_at(now)
        if value == Survey.State.CLOSED:
            return queryset.closed_at(now)
        return queryset


@admin.register(Survey)
class SurveyAdmin(AdminMessagesMixin, TabbedTranslationAdmin):
    list_display = ["title", "state", "opens_at", "closes_at", "questions_count", "responses_link", "is_illustrative"]
    list_filter = [SurveyStateFilter, "is_published", "is_illustrative", "plan"]
    list_select_related = ["commitment"]
    search_fields = ["title_es", "title_qu", "slug"]
    date_hierarchy = "opens_at"
    prepopulated_fields = {"slug": ["title_es"]}
    inlines = [QuestionInline]
    readonly_fields = ["public_links", "responses_link", "add_question_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description"]}),
        (_("When it is open"), {"fields": ["opens_at", "closes_at"]}),
        (_("What it is about"), {"fields": ["plan", "commitment"]}),
        (_("Publication"), {"fields": ["is_published", "is_illustrative", "public_links", "responses_link"]}),
        (_("Questions"), {"fields": ["add_question_link"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _questions=Count("questions", distinct=True),
                _responses=Count("responses", distinct=True),
                _pending=Count("responses", filter=Q(responses__moderation=Moderation.PENDING), distinct=True),
            )
        )

    @admin.display(description=_("state"))
    def state(self, survey: Survey):
        return Survey.State(survey.state_at(timezone.now())).label

    @admin.display(description=_("questions"), ordering="_questions")
    def questions_count(self, survey: Survey):
        return survey._questions

    @admin.display(description=_("responses"))
    def responses_link(self, survey: Survey):
        if survey is None or survey.pk is None:
            return "—"
        total = getattr(survey, "_responses", None)
        pending = getattr(survey, "_pending", None)
        if total is None:
            total = survey.responses.count()
            pending = survey.responses.pending().count()
        url = reverse("admin:surveys_surveyresponse_changelist") + f"?survey__id__exact={survey.pk}&moderation=all"
        label = ngettext(
            "%(total)s response (%(pending)s awaiting moderation)",
            "%(total)s responses (%(pending)s awaiting moderation)",
            total,
        ) % {"total": total, "pending": pending}
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("on the portal"))
    def public_links(self, survey: Survey):
        if survey is None or survey.pk is None:
            return "—"
        page = reverse("surveys:detail", args=[survey.slug])
        results = reverse("surveys:results", args=[survey.slug])
        if not survey.is_published:
            return format_html('<a href="{}">{}</a>', page, _("Preview the draft (only staff see it)"))
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a>', page, _("Its page"), results, _("Its results"))

    @admin.display(description=_("new question"))
    def add_question_link(self, survey: Survey):
        if survey is None or survey.pk is None:
            return _("Save the survey first; then add the options of each choice question with “edit options”.")
        url = reverse("admin:surveys_question_add") + f"?survey={survey.pk}"
        return format_html(
            '<a href="{}">{}</a> <span class="help">{}</span>',
            url,
            _("Add a question with its options"),
            _("(below, each question's “edit options” link edits its options)"),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commitment":
            from commitments.models import Commitment

            kwargs["queryset"] = Commitment.objects.select_related("plan").order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Deletion: only a draft nobody answered, with its questions and options.

    def has_delete_permission(self, request, obj=None):
        if obj is not None and survey_deletion_problem(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        protected = [problem for survey in objs if (problem := survey_deletion_problem(survey))]
        if protected:
            return [], {}, set(), protected
        deleted, counts, perms_needed = [], Counter(), set()
        for model in (Question, Choice):
            if not request.user.has_perm(f"surveys.delete_{model._meta.model_name}"):
                perms_needed.add(model._meta.verbose_name)
        questions = Question.objects.filter(survey__in=objs).prefetch_related("choices").order_by("order")
        by_survey: dict[int, list] = {}
        for question in questions:
            options = [str(choice) for choice in question.choices.all()]
            by_survey.setdefault(question.survey_id, []).extend(
                [str(question), options] if options else [str(question)]
            )
            counts[Question._meta.verbose_name_plural] += 1
            counts[Choice._meta.verbose_name_plural] += len(options)
        for survey in objs:
            deleted.append(str(survey))
            if by_survey.get(survey.pk):
                deleted.append(by_survey[survey.pk])
            counts[Survey._meta.verbose_name_plural] += 1
        return deleted, dict(counts), perms_needed, []

    def delete_model(self, request, obj):
        survey_delete(survey=obj)

    def delete_queryset(self, request, queryset):
        for survey in queryset:
            survey_delete(survey=survey)


# A question's own page: its options.


class ChoiceFormSet(NumberedFormSet):
    """A choice question has two options at least; a scale or free-text question none."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = sum(
            1
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not (self.can_delete and self._should_delete_form(form))
        )
        problem = question_options_problem(kind=self.instance.kind, options=kept)
        if problem:
            raise ValidationError(problem)


class ChoiceInline(TranslationTabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ["order", "text"]
    ordering = ["order", "pk"]

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return 3
        if obj.kind not in Question.CHOICE_KINDS:
            return 0
        return max(1, MIN_OPTIONS - obj.choices.count())

    def has_delete_permission(self, request, obj=None):
        # `obj` is the question: once its survey is answered, none of its options may go.
        if obj is not None and survey_has_responses(obj.survey):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Question)
class QuestionAdmin(AdminMessagesMixin, TabbedTranslationAdmin):
    """Reached from its survey's page ("edit options"); not listed on the admin's index."""

    form = QuestionForm
    list_display = ["__str__", "survey", "kind", "required", "options_count"]
    list_filter = ["kind", "survey"]
    list_select_related = ["survey"]
    search_fields = ["text_es", "text_qu", "survey__title_es"]
    inlines = [ChoiceInline]
    fields = ["survey", ("order", "kind", "required"), "text", "help_text"]

    def get_model_perms(self, request):
        return {}

    def get_readonly_fields(self, request, obj=None):
        # A question stays in the survey it was made for.
        return ["survey"] if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "survey" in form.base_fields:
            form.base_fields["survey"].queryset = Survey.objects.order_by("-opens_at")
        return form

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_options=Count("choices"))

    @admin.display(description=_("options"), ordering="_options")
    def options_count(self, question: Question):
        return question._options

    def _back_to_survey(self, request, question: Question):
        return HttpResponseRedirect(reverse("admin:surveys_survey_change", args=[question.survey_id]))

    def response_post_save_add(self, request, obj):
        return self._back_to_survey(request, obj)

    def response_post_save_change(self, request, obj):
        return self._back_to_survey(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and survey_has_responses(obj.survey):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        protected = [
            _("%(question)s: its survey has responses.") % {"question": q}
            for q in objs
            if survey_has_responses(q.survey)
        ]
        if protected:
            return [], {}, set(), protected
        deleted, counts = [], Counter()
        for question in objs:
            options = [str(choice) for choice in question.choices.all()]
            deleted += [str(question), options] if options else [str(question)]
            counts[Question._meta.verbose_name_plural] += 1
            counts[Choice._meta.verbose_name_plural] += len(options)
        perms_needed = set()
        if not request.user.has_perm("surveys.delete_choice"):
            perms_needed.add(Choice._meta.verbose_name)
        return deleted, dict(counts), perms_needed, []

    def delete_model(self, request, obj):
        question_delete(question=obj)

    def delete_queryset(self, request, queryset):
        for question in queryset:
            question_delete(question=question)


# Responses: the moderation queue.


class SurveyResponseAdmin(ModerationAdminMixin, admin.ModelAdmin):
    """What people answered: read-only. Responses with written answers wait for moderation (their words are
    public once approved); rejecting or hiding one takes all its answers out of the figures."""

    actions = ["approve_selected", "reject_selected", "hide_selected", "anonymise_selected"]
    list_display = ["survey", "created_at", "moderation", "written", "language", "same_sender"]
    list_filter = [ModerationFilter, "survey", "language", AddressFilter]
    list_select_related = ["survey"]
    date_hierarchy = "created_at"
    search_fields = ["answers__text", "survey__title_es"]
    fields = [
        "survey",
        "created_at",
        "language",
        "answers_table",
        "moderation",
        "moderated_at",
        "moderated_by",
        "moderation_reason",
        "anonymised_at",
        "same_sender",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        written = Answer.objects.exclude(text="").select_related("question").order_by("question__order", "pk")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("answers", queryset=written, to_attr="written_answers"))
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("written answers"))
    def written(self, response: SurveyResponse):
        texts = [answer.text for answer in getattr(response, "written_answers", [])]
        return short(" · ".join(texts)) if texts else "—"

    @admin.display(description=_("answers"))
    def answers_table(self, response: SurveyResponse):
        answers = response.answers.select_related("question", "choice").order_by("question__order", "choice__order")
        values: dict[Question, list[str]] = {}
        for answer in answers:
            if answer.choice_id:
                value = answer.choice.text
            elif answer.scale is not None:
                value = f"{answer.scale} / 5"
            else:
                value = answer.text
            values.setdefault(answer.question, []).append(value)
        rows = [(question.order, question.text, " · ".join(given)) for question, given in values.items()]
        if not rows:
            return _("No answers.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Question"),
            _("Answer"),
            format_html_join(
                "",
                '<tr><td>{}. {}</td><td style="white-space:pre-wrap">{}</td></tr>',
                rows,
            ),
        )

    @admin.action(description=_("Remove the network-address hash of the selected responses"), permissions=["change"])
    def anonymise_selected(self, request, queryset):
        count = survey_responses_anonymise(queryset=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s response anonymised: its answers and figures stay.",
                "%(count)s responses anonymised: their answers and figures stay.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


admin.site.register(SurveyResponse, SurveyResponseAdmin)
