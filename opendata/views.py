"""The open-data catalogue: its page (/datos/), one page per dataset (/datos/<key>/), in Spanish and Kichwa, and the
downloads, at language-neutral addresses (/datos/<key>.csv, .es.csv, .json, .xlsx: a file's bytes are the same
whatever the language of the page that links it).

Pages are cached whole like every public page (conecta.cache). Downloads come from the builds opendata.distributions
caches under the same generation; each answers with its SHA-256 as ETag (a 304 to a client that has it), may be
read by any site (Access-Control-Allow-Origin: *) and names its licence in a Link header.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from conecta.cache import public_page

from . import distributions, selectors
from .datasets import dataset as dataset_by_key
from .dcat import schema_org_script


@require_safe
@public_page
def catalogue(request):
    return render(
        request,
        "opendata/catalogue.html",
        {
            "themes": selectors.catalogue(),
            "formats": distributions.FORMATS.values(),
            "publisher": selectors.PUBLISHER,
            "license_url": selectors.LICENSE_PAGE,
        },
    )


def _dataset_or_404(key: str):
    found = dataset_by_key(key)
    if found is None:
        raise Http404("unknown dataset")
    return found


@require_safe
@public_page
def dataset_page(request, key: str):
    dataset = _dataset_or_404(key)
    summary = distributions.summary(dataset)
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": dataset,
            "summary": summary,
            "columns": [(column, selectors.TYPE_LABELS[column.type]) for column in dataset.columns],
            # The datasets its columns name rows of (a reference to a dataset not in the catalogue is not linked).
            "references": [
                (foreign_key, dataset_by_key(foreign_key.dataset))
                for foreign_key in dataset.foreign_keys
                if dataset_by_key(foreign_key.dataset) is not None
            ],
            "theme_label": selectors.THEME_LABELS[dataset.theme],
            "frequency_label": selectors.FREQUENCY_LABELS[dataset.frequency],
            "publisher": selectors.PUBLISHER,
            "license_url": selectors.LICENSE_PAGE,
            # schema.org Dataset for search engines (Google Dataset Search): a data block, never run as a script.
            "schema_org": schema_org_script(dataset, request, summary),
        },
    )


@require_safe
def download(request, key: str, ext: str):
    """One file of a dataset, as an attachment named like its address."""
    info, content = distributions.distribution_file(_dataset_or_404(key), ext)
    response = get_conditional_response(request, etag=info.etag)
    if response is None:
        response = HttpResponse(content, content_type=info.media_type)
        response["Content-Disposition"] = f'attachment; filename="{info.filename}"'
    response["ETag"] = info.etag
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = f'<{distributions.LICENSE_URL}>; rel="license"'
    # As long as a public page: a change reaches readers within the minute, and the ETag spares them the bytes.
    patch_cache_control(response, public=True, max_age=60)
    return response
