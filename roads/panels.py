"""What roads adds to the floors below it (conecta.extensions): on the commitment page, the road works that are
part of the commitment; and, for `manage.py verify_files`, the files of the works' published documents."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext

from conecta.extensions import Panel, PublishedFile

from .models import RoadDocument
from .selectors import commitment_works, matching_works


def commitment_works_panel(request, commitment) -> Panel | None:
    """The commitment's published road works (code, name, status, physical progress), with a link to the list of
    all of them; nothing for a commitment without road works."""
    works, count = commitment_works(commitment=commitment)
    if not works:
        return None
    return Panel(
        "roads/includes/_work_commitment_panel.html", {"commitment": commitment, "works": works, "count": count}
    )


def search_works_panel(request, q: str) -> Panel | None:
    """On the commitments' search: the published road works the same words find (at most PANEL_WORKS, with a
    link to all of them in the list of road works); nothing when none is found."""
    works, count = matching_works(q=q)
    if not works:
        return None
    return Panel("roads/includes/_work_search_panel.html", {"q": q, "works": works, "count": count})


def participate_panel(request, obj) -> Panel:
    """On the participation page: how to report a problem on a road, see the reports and follow one."""
    return Panel("roads/includes/_participate.html")


def published_document_files() -> Iterator[PublishedFile]:
    """The files of the published documents of published works (RoadDocument.objects.published()), with the
    SHA-256 and size their work's page shows."""
    for document in RoadDocument.objects.published().exclude(file="").select_related("work").order_by("pk"):
        yield PublishedFile(
            what=gettext("Document “%(title)s” of road work %(code)s")
            % {"title": document.title, "code": document.work.code},
            storage=document.file.storage,
            name=document.file.name,
            sha256=document.sha256,
            size=document.size,
        )
