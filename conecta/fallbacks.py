"""Texts shown in Spanish because their Kichwa is missing, known as such so that every page can say so.

django-modeltranslation answers `commitment.title` on a /qu/ page with the Spanish title when the Kichwa one is
empty, and a report's snapshot falls back the same way. Left unmarked, a screen reader reads that Spanish as
Kichwa. What shows content asks here instead: `text_in()` for a model's field and `pick()` for a snapshot's
{"es": ..., "qu": ...} pair return the text, as a `SpanishFallback` when it is the Spanish stand-in; the template
tags in conecta/templatetags/translated.py wrap such a text in `lang="es"` with a short Kichwa note.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language

SPANISH = "es"
KICHWA = "qu"


class SpanishFallback(str):
    """A Spanish text shown where another language was asked for, because that language's text is missing. It is
    a plain string everywhere else (comparisons, JSON, filters); only the marking template tags look at its type."""

    __slots__ = ()
    language = SPANISH


def active_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _translated(obj, field: str) -> bool:
    """Whether `field` of `obj` is registered with modeltranslation (has a column per language)."""
    return hasattr(obj, f"{field}_{SPANISH}")


def text_in(obj, field: str, language: str | None = None) -> str:
    """`obj.<field>` in `language` (the active one by default): its own text, or else its Spanish text as a
    SpanishFallback. A field that is not translated is returned as it is."""
    if obj is None:
        return ""
    if not _translated(obj, field):
        value = getattr(obj, field, "")
        return "" if value is None else value
    language = language or active_language()
    own = getattr(obj, f"{field}_{language}", None) if language in settings.MODELTRANSLATION_LANGUAGES else None
    if own:
        return own
    spanish = getattr(obj, f"{field}_{SPANISH}", None) or ""
    if language == SPANISH or not spanish:
        return spanish
    return SpanishFallback(spanish)


def pick(pair, language: str | None = None) -> str:
    """The text of a {"es": ..., "qu": ...} pair (a report snapshot's) in `language`, or its Spanish as a
    SpanishFallback when that one is empty. Anything else (a text of an older snapshot, None) is returned as a
    text, unmarked."""
    if not isinstance(pair, dict):
        return pair or ""
    language = language or active_language()
    own = pair.get(language)
    if own:
        return own
    spanish = pair.get(SPANISH) or ""
    if language == SPANISH or not spanish:
        return spanish
    return SpanishFallback(spanish)


def is_fallback(value) -> bool:
    return isinstance(value, SpanishFallback)


def missing_fields(obj, fields) -> list[str]:
    """Those of `fields` whose Spanish text is written and whose Kichwa text is not."""
    return [
        name
        for name in fields
        if (getattr(obj, f"{name}_{SPANISH}", None) or "").strip()
        and not (getattr(obj, f"{name}_{KICHWA}", None) or "").strip()
    ]


def translated_fields(model) -> list[str]:
    """The fields of `model` written in Spanish and Kichwa (registered with modeltranslation), in the model's
    order; none for a model that is not translated."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        registered = set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []
    return [f.name for f in model._meta.get_fields() if f.name in registered]


def kichwa_missing_q(model, fields=None) -> Q:
    """The rows of `model` with at least one of `fields` (by default every translated field) written in Spanish
    and empty in Kichwa, as a filter. Matches nothing for a model with no translated field."""
    condition = None
    for name in translated_fields(model) if fields is None else fields:
        written = Q(**{f"{name}_{SPANISH}__isnull": False}) & ~Q(**{f"{name}_{SPANISH}": ""})
        empty = Q(**{f"{name}_{KICHWA}__isnull": True}) | Q(**{f"{name}_{KICHWA}": ""})
        condition = written & empty if condition is None else condition | (written & empty)
    return Q(pk__in=[]) if condition is None else condition
