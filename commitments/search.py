"""Text search of commitments that ignores accents, case and the Kichwa ñ.

A citizen typing on a phone writes "nawpaman" for "ñawpaman", "via" for "vía", "conecta" for "Conecta". Each
commitment keeps a folded copy of the texts a citizen might search for (`Commitment.search_text`), and a query is
folded the same way and matched word by word, so the search works alike on SQLite and PostgreSQL without
database extensions.

The search also looks in a commitment's published milestones, progress updates and indicators: each of those keeps
its own folded text (`search_text`, by `KeepsSearchText.save()`), so a commitment is found when every word of the
query is in its own text or in one of its published parts, and the list can say where each word was found
(`matches_for`) by reading only the parts of the page's commitments.

This module imports no model at load time: commitments.models uses `fold()`, `search_text_for()` and
`KeepsSearchText` to keep the copies up to date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# A query longer than this is cut; more words than this are ignored (a search box, not a document).
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8

_WHITESPACE = re.compile(r"\s+")


def printable(text: str | None) -> str:
    """`text` without control or format characters (a NUL byte, a right-to-left override…), which no search
    needs and PostgreSQL refuses in a query: each becomes a space."""
    return "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text or "")


def fold(text: str | None) -> str:
    """Lower-case text without accents or tildes and with single spaces: "  Ñawpaman VÍA " -> "nawpaman via".

    NFKD splits "í" into "i" + a combining accent and "ñ" into "n" + a combining tilde; dropping the combining
    marks leaves the base letters. casefold() also folds "ß" and the like.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", printable(str(text)))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WHITESPACE.sub(" ", bare.casefold()).strip()


def query_words(q: str | None) -> list[str]:
    """The folded words of a search query, without repeats, at most MAX_QUERY_WORDS of them."""
    words: list[str] = []
    for word in fold((q or "")[:MAX_QUERY_CHARS]).split(" "):
        if word and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def _institution_texts(institution) -> list[str | None]:
    if institution is None:
        return []
    return [institution.name_es, institution.name_qu, institution.acronym]


def search_text_for(commitment, *, supporters: Iterable | None = None, cantons: Iterable | None = None) -> str:
    """The folded text a commitment is found by: its code, title, problem and action in Spanish and Kichwa, the
    names and acronyms of its lead and supporting institutions, and its cantons' names.

    `supporters` and `cantons` default to the commitment's own many-to-many rows (none before it is saved).
    Works with the historical models of a migration too: it reads attributes only.
    """
    parts: list[str | None] = [commitment.code]
    for field in ("title", "problem", "action"):
        parts += [getattr(commitment, f"{field}_es", None), getattr(commitment, f"{field}_qu", None)]
    parts += _institution_texts(commitment.lead_institution)
    parts += _institution_texts(commitment.lead_department if commitment.lead_department_id else None)
    if commitment.pk:
        supporters = commitment.supporting_institutions.all() if supporters is None else supporters
        cantons = commitment.cantons.all() if cantons is None else cantons
    # Sorted, so the text does not depend on the order the links were made or read in.
    for institution in sorted(supporters or [], key=lambda i: i.slug):
        parts += _institution_texts(institution)
    for canton in sorted(cantons or [], key=lambda c: c.code):
        parts += [canton.name_es, canton.name_qu]
    return fold(" ".join(part for part in parts if part))


def search_text_refresh(commitments: QuerySet) -> int:
    """Recompute the search text of `commitments` (a queryset) and save the rows whose text changed.

    Four queries whatever the number of commitments; returns how many rows changed.
    """
    rows = list(
        commitments.select_related("lead_institution", "lead_department").prefetch_related(
            "supporting_institutions", "cantons"
        )
    )
    changed = []
    for commitment in rows:
        text = search_text_for(commitment)
        if text != commitment.search_text:
            commitment.search_text = text
            changed.append(commitment)
    if changed:
        commitments.model.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)


# The texts of a commitment's parts the search looks in (each in Spanish and Kichwa), by model name.
PART_TEXTS = {
    "milestone": ("title", "description", "expected_output"),
    "progressupdate": ("title", "text"),
    "indicator": ("name", "unit", "method", "source"),
}
LANGUAGES = ("es", "qu")


def part_search_text(record) -> str:
    """The folded text a milestone, progress update or indicator is found by: its texts in Spanish and Kichwa.
    Reads attributes only (no query), so it works with the historical models of a migration too."""
    names = PART_TEXTS[record._meta.model_name]
    parts = [getattr(record, f"{name}_{lang}", None) for name in names for lang in LANGUAGES]
    return fold(" ".join(part for part in parts if part))


class KeepsSearchText:
    """For Milestone, ProgressUpdate and Indicator: `search_text` is recomputed on every save that may change it
    (like Commitment.save()). bulk_create and queryset updates skip it: whoever uses them fills it
    (commitments.loaders)."""

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or _part_fields(self._meta.model_name).intersection(update_fields):
            self.search_text = part_search_text(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


def _part_fields(model_name: str) -> set[str]:
    return {f"{name}{suffix}" for name in PART_TEXTS[model_name] for suffix in ("", "_es", "_qu")}


def _published_parts():
    """The published parts of a commitment the search looks in, as (kind, queryset) pairs."""
    from .models import Indicator, Milestone, ProgressUpdate

    return (
        ("milestone", Milestone.objects.published()),
        ("update", ProgressUpdate.objects.published()),
        ("indicator", Indicator.objects.published()),
    )


def _any_word(words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition |= Q(search_text__contains=word)
    return condition


def commitments_matching(commitments: QuerySet, q: str | None) -> QuerySet:
    """`commitments` in which every word of `q` is found (all of them if `q` has no words): in the commitment's
    own search text or in that of one of its published milestones, progress updates or indicators. One query:
    each word is a condition with three EXISTS subqueries."""
    condition = Q()
    parts = _published_parts()
    for word in query_words(q):
        in_parts = [Exists(rows.filter(commitment=OuterRef("pk"), search_text__contains=word)) for _kind, rows in parts]
        condition &= Q(search_text__contains=word) | Q(in_parts[0]) | Q(in_parts[1]) | Q(in_parts[2])
    return commitments.filter(condition)


# Why a commitment was found: a few words of the text that holds the query's words, with those words marked.

EXCERPT_BEFORE = 40  # characters of context before the first word found
EXCERPT_LENGTH = 160  # characters an excerpt shows at most
MAX_MATCHES = 2  # lines under a result


@dataclass(frozen=True)
class Excerpt:
    """A short piece of a text, escaped, with the words found in <mark>; `lang` is the text's language."""

    html: SafeString
    lang: str


@dataclass(frozen=True)
class Match:
    """Where some words of the query were found in a commitment: `label` says where ("Found in milestone 3"),
    `excerpts` show them in that record's texts (none for the names the page does not read)."""

    label: str
    excerpts: tuple[Excerpt, ...] = ()


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """`text` folded like fold() (without trimming), and for each folded character the index of the character of
    `text` it comes from: to mark in the original text what was found in the folded one."""
    chars: list[str] = []
    positions: list[int] = []
    space = True
    for index, ch in enumerate(text):
        for folded in fold_char(ch):
            if folded.isspace():
                if space:
                    continue
                folded, space = " ", True
            else:
                space = False
            chars.append(folded)
            positions.append(index)
    return "".join(chars), positions


def fold_char(ch: str) -> str:
    """One character folded as fold() folds it, spaces kept (a control character becomes a space)."""
    if unicodedata.category(ch).startswith("C"):
        return " "
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """The spans of `text` (start, end) where the folded text holds one of `words`, merged and sorted."""
    folded, positions = _folded_with_positions(text)
    found = []
    for word in words:
        start = folded.find(word)
        while start != -1:
            found.append((positions[start], positions[start + len(word) - 1] + 1))
            start = folded.find(word, start + len(word))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def excerpt(text: str, words: list[str]) -> SafeString:
    """A piece of `text` around the first of `words` found in it (at most EXCERPT_LENGTH characters, cut at spaces,
    "…" where it was cut), escaped, with every word found in <mark>."""
    text = " ".join(printable(text).split())
    spans = _spans(text, words)
    if not spans:
        return SafeString(escape(text[:EXCERPT_LENGTH]))
    start = max(0, spans[0][0] - EXCERPT_BEFORE)
    if start:
        space = text.find(" ", start, spans[0][0])
        start = space + 1 if space != -1 else start
    end = min(len(text), max(start + EXCERPT_LENGTH, spans[0][1]))
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space != -1 else end
    out = ["…" if start else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out += [escape(text[cursor:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        cursor = span_end
    out += [escape(text[cursor:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(out))  # noqa: S308 - every piece of the text is escaped above


def _texts(record, names: Iterable[str]) -> list[tuple[str, str]]:
    """(language, text) of `record`'s fields `names`: the reader's language first, then the other."""
    current = get_language() if get_language() in LANGUAGES else LANGUAGES[0]
    order = [current, *(lang for lang in LANGUAGES if lang != current)]
    return [(lang, value) for lang in order for name in names if (value := getattr(record, f"{name}_{lang}", None))]


def _label(kind: str, record) -> str:
    if kind == "milestone":
        return _("Found in milestone %(number)s") % {"number": record.order}
    if kind == "update":
        return _("Found in the update of %(day)s") % {"day": date_format(record.occurred_on, "DATE_FORMAT")}
    if kind == "indicator":
        return _("Found in the indicator “%(name)s”") % {"name": record.name}
    if kind == "institution":
        return _("Found in its lead institution")
    if kind == "names":
        return _("Found in the supporting institutions or the cantons it names")
    return _("Found in the commitment's text")


def _commitment_texts(commitment) -> list[tuple[str, object, list[tuple[str, str]]]]:
    """The commitment's own texts a word may be found in, as (kind, record, [(language, text)]): its title (a word
    of the title in the other language), problem and action, and its lead institution and department (read with
    it, no query)."""
    texts = [("commitment", commitment, _texts(commitment, ("title", "problem", "action")))]
    for institution in (commitment.lead_institution, commitment.lead_department):
        if institution is not None:
            names = _texts(institution, ("name",)) + [(get_language(), institution.acronym)] * bool(institution.acronym)
            texts.append(("institution", institution, names))
    return texts


def _best(texts, wanted: list[str]):
    """The text that holds most of `wanted` (the first one on a tie): (kind, record, language, text, words)."""
    best = None
    for kind, record, pieces in texts:
        for lang, text in pieces:
            folded = fold(text)
            hits = [word for word in wanted if word in folded]
            if hits and (best is None or len(hits) > len(best[4])):
                best = (kind, record, lang, text, hits)
    return best


def matches_for(commitments: list, q: str | None) -> dict[int, list[Match]]:
    """Where the words of `q` were found in each of `commitments` (a page of results), by commitment id: for the
    words not in the title the reader sees, at most MAX_MATCHES lines, the text that holds most of them first.

    Three queries whatever the number of commitments (their published milestones, updates and indicators that hold
    any of the words); none when `q` has no words or every commitment of the page holds them all itself. The
    commitments need their lead institution and department read with them (select_related)."""
    words = query_words(q)
    if not words or not commitments:
        return {}
    parts: dict[int, list] = {c.pk: [] for c in commitments}
    # Only the commitments whose own text lacks a word were found through their parts.
    ids = [c.pk for c in commitments if any(word not in c.search_text for word in words)]
    for kind, rows in _published_parts() if ids else ():
        for record in rows.filter(commitment_id__in=ids).filter(_any_word(words)).order_by(*_PART_ORDER[kind]):
            parts[record.commitment_id].append((kind, record, _texts(record, PART_TEXTS[record._meta.model_name])))
    found: dict[int, list[Match]] = {}
    for commitment in commitments:
        shown = fold(f"{commitment.code} {commitment.title}")
        wanted = [word for word in words if word not in shown]
        texts = _commitment_texts(commitment) + parts[commitment.pk]
        lines = []
        while wanted and len(lines) < MAX_MATCHES:
            best = _best(texts, wanted)
            if best is None:
                break
            kind, record, lang, text, hits = best
            wanted = [word for word in wanted if word not in hits]
            pieces = [Excerpt(excerpt(text, hits), lang)]
            # The same record's other texts (its other language, its description…) may hold the words left.
            for other_lang, other in next(t[2] for t in texts if t[1] is record):
                more = [word for word in wanted if word in fold(other)]
                if more:
                    pieces.append(Excerpt(excerpt(other, more), other_lang))
                    wanted = [word for word in wanted if word not in more]
            lines.append(Match(label=_label(kind, record), excerpts=tuple(pieces)))
        if wanted and len(lines) < MAX_MATCHES and any(word in commitment.search_text for word in wanted):
            # Only the supporting institutions and the cantons are left, which the page does not read.
            lines.append(Match(label=_label("names", None)))
        if lines:
            found[commitment.pk] = lines
    return found


_PART_ORDER = {"milestone": ("order", "pk"), "update": ("-occurred_on", "-pk"), "indicator": ("order", "pk")}
