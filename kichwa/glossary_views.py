"""The public glossary of Kichwa terms (/<lang>/kichwa/glosario/) and its CSV: cached pages, dropped when a term
changes (kichwa.apps)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from conecta.cache import public_page

from . import glossary


@public_page
def glossary_page(request):
    """Every term with its Kichwa, meaning, source and review state (one query)."""
    return render(request, "kichwa/glossary.html", {"terms": list(glossary.glossary_public())})


@public_page
def glossary_csv(request):
    response = HttpResponse(glossary.glossary_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{glossary.CSV_NAME}"'
    return response
