"""The glossary of the portal's key terms in Spanish and Kichwa: what the public page, its CSV and the open-data
dataset "glosario-kichwa" read, and what the admin does when a reviewer judges a term.

A term is published with its state whether or not a reviewer approved it: the page says which terms await review,
as the portal's Kichwa does. Who reviewed it is said by organisation, never by the person's name.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from conecta.spreadsheet import safe_cell

from .models import GlossaryTerm, ReviewState
from .roles import reviewer_organisation

# The columns of the CSV and of the dataset "glosario-kichwa" (Spanish names, as every export of the portal has).
COLUMNS = ("termino_es", "termino_qu", "significado_es", "fuente", "estado", "revisado_por", "revisado_el")
CSV_NAME = "conecta-pastaza-glosario-kichwa.csv"
JUDGED = (ReviewState.APPROVED, ReviewState.NEEDS_EDITING)


def glossary_public() -> models.QuerySet[GlossaryTerm]:
    """Every term, in Spanish alphabetical order (one query)."""
    return GlossaryTerm.objects.order_by("spanish", "pk").only(
        "spanish", "kichwa", "meaning", "source", "state", "organisation", "reviewed_at"
    )


def glossary_rows() -> list[dict[str, Any]]:
    """One row per term, keyed by COLUMNS: the state as a code, the reviewing organisation and the day (in Pastaza)
    only for an approved term."""
    rows = []
    for term in glossary_public():
        approved = term.state == ReviewState.APPROVED
        rows.append(
            {
                "termino_es": term.spanish,
                "termino_qu": term.kichwa,
                "significado_es": term.meaning,
                "fuente": term.source,
                "estado": term.state,
                "revisado_por": term.organisation if approved else "",
                "revisado_el": timezone.localdate(term.reviewed_at) if approved and term.reviewed_at else None,
            }
        )
    return rows


def glossary_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in glossary_rows():
        writer.writerow(
            {key: safe_cell(value.isoformat() if hasattr(value, "isoformat") else value) for key, value in row.items()}
        )
    return out.getvalue()


def glossary_modified():
    return GlossaryTerm.objects.aggregate(at=models.Max("updated_at"))["at"]


@transaction.atomic
def glossary_term_save(*, term: GlossaryTerm, by) -> GlossaryTerm:
    """Save a term written or judged in the admin. A term approved (or sent back as needing editing) now, or changed
    while in that state, is stamped with the person, their organisation and the time; a term awaiting review
    carries no reviewer."""
    before = None
    if term.pk is not None:
        before = (
            GlossaryTerm.objects.filter(pk=term.pk).values("spanish", "kichwa", "meaning", "source", "state").first()
        )
    changed = before is None or any(before[name] != getattr(term, name) for name in before)
    if term.state in JUDGED:
        if changed or term.reviewed_at is None:
            term.reviewed_by = by
            term.organisation = reviewer_organisation(by)
            term.reviewed_at = timezone.now()
    else:
        term.reviewed_by, term.organisation, term.reviewed_at = None, "", None
    term.save()
    return term


def glossary_term_approve(*, term: GlossaryTerm, by) -> GlossaryTerm:
    term.state = ReviewState.APPROVED
    return glossary_term_save(term=term, by=by)
