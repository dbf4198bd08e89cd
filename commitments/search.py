"""Text search of commitments that ignores accents, case and the Kichwa ñ.

A citizen typing on a phone writes "nawpaman" for "ñawpaman", "via" for "vía", "conecta" for "Conecta". Each
commitment keeps a folded copy of the texts a citizen might search for (`Commitment.search_text`), and a query is
folded the same way and matched word by word, so the search works alike on SQLite and PostgreSQL without
database extensions.

This module imports no model at load time: commitments.models uses `fold()` and `search_text_for()` to keep the
copy up to date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Q, QuerySet

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


def commitments_matching(commitments: QuerySet, q: str | None) -> QuerySet:
    """`commitments` whose search text holds every word of `q` (all of them if `q` has no words)."""
    condition = Q()
    for word in query_words(q):
        condition &= Q(search_text__contains=word)
    return commitments.filter(condition)
