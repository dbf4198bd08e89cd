"""The texts staff write in Spanish (es) and Kichwa (qu); Spanish is the fallback. What citizens write is kept
as they wrote it, in whatever language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Agreement, Choice, Comment, Meeting, Question, Suggestion, Survey


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "place", "summary", "agenda", "minutes")


@register(Suggestion)
class SuggestionTranslation(TranslationOptions):
    fields = ("answer",)


@register(Comment)
class CommentTranslation(TranslationOptions):
    fields = ("response",)


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("text", "owner", "status_note")


@register(Survey)
class SurveyTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("text",)
