"""What surveys adds to pages of the apps below it (conecta.extensions): the open surveys about a commitment in
its page's "Citizens' opinion" section, and the open surveys on the page of the ways to take part."""

from __future__ import annotations

from django.utils import timezone

from conecta.extensions import Panel

from .selectors import surveys_open, surveys_open_about


def commitment_surveys_panel(request, commitment) -> Panel | None:
    surveys = surveys_open_about(commitment=commitment, now=timezone.now())
    return Panel("surveys/includes/_commitment_surveys.html", {"surveys": surveys}) if surveys else None


def participate_surveys_panel(request, obj) -> Panel:
    return Panel("surveys/includes/_participate.html", {"open_surveys": surveys_open(now=timezone.now())})
