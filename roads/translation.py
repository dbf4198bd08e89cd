"""The texts of road works and of the public notes on road requests in Spanish (es) and Kichwa (qu); Spanish is
the fallback. What citizens write is kept in the language they wrote it in (feedback's rule)."""

from modeltranslation.translator import TranslationOptions, register

from .models import RoadDocument, RoadProgress, RoadRequestChange, RoadWork


@register(RoadWork)
class RoadWorkTranslation(TranslationOptions):
    fields = ("name", "description", "geometry_note")


@register(RoadProgress)
class RoadProgressTranslation(TranslationOptions):
    fields = ("note",)


@register(RoadDocument)
class RoadDocumentTranslation(TranslationOptions):
    fields = ("title",)


@register(RoadRequestChange)
class RoadRequestChangeTranslation(TranslationOptions):
    fields = ("note",)
