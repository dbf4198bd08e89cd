"""The texts staff write in Spanish (es) and Kichwa (qu); Spanish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Agreement, Meeting


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "place", "summary", "agenda", "minutes")


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("text", "owner", "status_note")
