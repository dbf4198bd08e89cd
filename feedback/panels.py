"""What feedback adds to pages of the apps below it (conecta.extensions): the commitment page's "Citizens'
opinion" section, with the approved comments, the evaluations' figures and links to the forms (the page is cached
whole, so the forms live on their own pages). Apps above add to that section in turn ("feedback:opinion": the
open surveys about the commitment)."""

from __future__ import annotations

from conecta.extensions import Panel, panels_for

from . import selectors


def commitment_panel(request, commitment) -> Panel:
    return Panel(
        "feedback/includes/_commitment_panel.html",
        {
            "commitment": commitment,
            "participation": selectors.commitment_participation(commitment=commitment),
            "more": panels_for("feedback:opinion", request, commitment),
        },
    )
