"""The texts staff and the monitor write, in Spanish (es) and Kichwa (qu); Spanish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import GovernmentReply, MonitorAssessment, MonitorDocument, Report, ReportNarrative


@register(Report)
class ReportTranslation(TranslationOptions):
    fields = ("summary", "correction_note")


@register(ReportNarrative)
class ReportNarrativeTranslation(TranslationOptions):
    fields = ("text",)


@register(MonitorDocument)
class MonitorDocumentTranslation(TranslationOptions):
    fields = ("title", "description")


@register(MonitorAssessment)
class MonitorAssessmentTranslation(TranslationOptions):
    fields = ("text",)


@register(GovernmentReply)
class GovernmentReplyTranslation(TranslationOptions):
    fields = ("text",)
