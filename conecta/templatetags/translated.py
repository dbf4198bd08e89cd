"""Content in the page's language, and Spanish that stands in for a missing Kichwa text said to be Spanish.

    {% load translated %}
    {% translated commitment "title" %}                 a title or name, inline
    {% translated commitment "problem" "paragraphs" %}  a long text, as |linebreaks would show it
    {% translated agreement "text" "lines" %}           a text inside a <p>, as |linebreaksbr would show it
    {% translated_text c.title %}                       a report snapshot's text (a pair or what `localized` gave)
    <option{% fallback_lang c "title" %}>               only the attribute, where no markup may go
    {% fallback_note meeting "agenda" %}<ol{% fallback_lang meeting "agenda" %}>   a list made from one text
    {% in_spanish canton.population_note %}             a text that is only ever written in Spanish

On a /qu/ page a Spanish stand-in comes wrapped in `lang="es"` (so screen readers and the tagged PDF read it as
Spanish) with a short Kichwa note that it is in Spanish: "(kastilla shimipi)" after an inline text, one sentence
before a long one. Place names (cantons, parishes, where a meeting was held) and a text repeated on every row of a
table take `note=False` (or `note=forloop.first`): they are marked, not remarked on each time. A text in the
page's own language comes out as it always did. Every tag takes `as name` to hand its HTML to a {% blocktranslate %}
(never to an attribute or a <title>, which take the plain text).
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from conecta.fallbacks import SPANISH, SpanishFallback, active_language, is_fallback, pick, text_in

register = template.Library()

INLINE, PARAGRAPHS, LINES = "inline", "paragraphs", "lines"


def _body(text: str, style: str) -> SafeString:
    if style == PARAGRAPHS:
        return mark_safe(linebreaks(text, autoescape=True))
    if style == LINES:
        return linebreaksbr(text, autoescape=True)
    return conditional_escape(text)


def _block_note() -> SafeString:
    return format_html(
        '<p class="fallback-note">{}</p>', gettext("This text is not written in Kichwa yet; here it is in Spanish.")
    )


def marked(text, style: str = INLINE, *, note: bool = True, words: int | None = None) -> SafeString:
    """`text` as HTML in `style` (inline, paragraphs or lines); a SpanishFallback wrapped in lang="es", with the
    Kichwa note unless `note` is False."""
    if not text:
        return mark_safe("")
    fallback = is_fallback(text)
    if words:
        text = Truncator(text).words(words)
    body = _body(str(text), style)
    if not fallback:
        return body
    if style == PARAGRAPHS:
        if not note:
            return format_html('<div lang="{}">{}</div>', SPANISH, body)
        return format_html('{}<div lang="{}">{}</div>', _block_note(), SPANISH, body)
    if not note:
        return format_html('<span lang="{}">{}</span>', SPANISH, body)
    return format_html(
        '<span lang="{}">{}</span> <span class="fallback-note">{}</span>', SPANISH, body, gettext("(in Spanish)")
    )


@register.simple_tag
def translated(obj, field: str, style: str = INLINE, note: bool = True, words: int | None = None):
    """A translated field of a model in the active language, its Spanish stand-in marked."""
    return marked(text_in(obj, field), style, note=note, words=words)


@register.simple_tag
def translated_text(value, style: str = INLINE, note: bool = True, words: int | None = None):
    """A {"es": ..., "qu": ...} pair in the active language, or a text `localized`/`text_in` already chose (a
    SpanishFallback is marked; any other text is shown as it is)."""
    return marked(pick(value), style, note=note, words=words)


@register.simple_tag
def in_spanish(value, style: str = INLINE, note: bool = True):
    """A text that exists only in Spanish (no Kichwa column): marked on any page that is not Spanish."""
    if value and active_language() != SPANISH:
        value = SpanishFallback(value)
    return marked(value or "", style, note=note)


@register.simple_tag
def fallback_lang(obj, field: str | None = None):
    """` lang="es"` when the text (a model's `field`, or a pair or chosen text) is a Spanish stand-in, else
    nothing: for elements that cannot hold the note, such as <option>."""
    value = text_in(obj, field) if field else pick(obj)
    return format_html(' lang="{}"', SPANISH) if is_fallback(value) else ""


@register.simple_tag
def fallback_note(obj, field: str | None = None):
    """The note said before a long text, alone, when the text is a Spanish stand-in: for a list the page builds
    from one text (a meeting's agenda), whose element then takes {% fallback_lang %}."""
    value = text_in(obj, field) if field else pick(obj)
    return _block_note() if is_fallback(value) else ""
