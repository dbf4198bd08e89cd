"""Every human-readable text of the plan in Spanish (es) and Kichwa (qu); Spanish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    ActionPlan,
    Canton,
    Commitment,
    Evidence,
    Indicator,
    IndicatorValue,
    Institution,
    Milestone,
    OgpValue,
    Parish,
    ProgressUpdate,
)


@register(ActionPlan)
class ActionPlanTranslation(TranslationOptions):
    fields = ("title", "foreword", "vision", "challenges", "monitoring")


@register(Institution)
class InstitutionTranslation(TranslationOptions):
    fields = ("name",)


@register(OgpValue)
class OgpValueTranslation(TranslationOptions):
    fields = ("name",)


@register(Canton)
class CantonTranslation(TranslationOptions):
    fields = ("name",)


@register(Parish)
class ParishTranslation(TranslationOptions):
    fields = ("name",)


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ("title", "problem", "status_quo", "action", "contribution", "budget_source")


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("title", "description", "expected_output")


@register(ProgressUpdate)
class ProgressUpdateTranslation(TranslationOptions):
    fields = ("title", "text")


@register(Evidence)
class EvidenceTranslation(TranslationOptions):
    fields = ("title",)


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name", "unit", "method", "source")


@register(IndicatorValue)
class IndicatorValueTranslation(TranslationOptions):
    fields = ("source", "note")
