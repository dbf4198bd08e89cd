"""The texts staff write in Spanish (es) and Kichwa (qu); Spanish is the fallback. What citizens write is kept
as they wrote it, in whatever language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Comment, Suggestion


@register(Suggestion)
class SuggestionTranslation(TranslationOptions):
    fields = ("answer",)


@register(Comment)
class CommentTranslation(TranslationOptions):
    fields = ("response",)
