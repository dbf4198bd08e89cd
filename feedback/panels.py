"""What feedback adds to pages of the apps below it (conecta.extensions): the commitment page's "Your opinion"
section, with the approved comments, the evaluations' figures, links to the forms (the page is cached whole,
so the forms live on their own pages) and to the open surveys about it; and the agreements of published meetings
about the commitment."""

from __future__ import annotations

from django.utils import timezone

from conecta.extensions import Panel

from . import meeting_selectors, selectors, survey_selectors


def commitment_panel(request, commitment) -> Panel:
    return Panel(
        "feedback/includes/_commitment_panel.html",
        {
            "commitment": commitment,
            "participation": selectors.commitment_participation(commitment=commitment),
            "agreements": meeting_selectors.commitment_agreements(commitment=commitment, today=timezone.localdate()),
            "surveys": survey_selectors.surveys_open_about(commitment=commitment, now=timezone.now()),
        },
    )
