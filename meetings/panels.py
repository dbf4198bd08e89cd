"""What meetings adds to pages of the apps below it (conecta.extensions): on the commitment page, the agreements
of published meetings about the commitment."""

from __future__ import annotations

from django.utils import timezone

from conecta.extensions import Panel

from .selectors import commitment_agreements


def commitment_agreements_panel(request, commitment) -> Panel:
    return Panel(
        "meetings/includes/_commitment_agreements.html",
        {"found": commitment_agreements(commitment=commitment, today=timezone.localdate())},
    )
