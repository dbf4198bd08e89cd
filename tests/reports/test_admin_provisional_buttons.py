"""A provisional draft (its period has not ended: Report.is_provisional) offers no "Approve" nor "Publish" button
in its admin page, which says instead from which day it can be approved and published. The services still refuse
both (tests/reports/test_as_of.py)."""

import zoneinfo
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from reports import services
from reports.models import Report

from .conftest import Q3

pytestmark = pytest.mark.django_db

PUYO = zoneinfo.ZoneInfo("America/Guayaquil")
WAITS = "Podrá aprobarse y publicarse desde el 1 de octubre de 2025"


def frozen(*args):
    return time_machine.travel(datetime(*args, tzinfo=PUYO), tick=False)


def page(user, report) -> str:
    client = Client()
    client.force_login(user)
    with translation.override("es"):
        return client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()


def workflow_button(report, step: str) -> str:
    return f'action="/admin/reports/report/{report.pk}/workflow/{step}/"'


@pytest.fixture
def in_review(plan_with_progress, planner):
    with frozen(2025, 9, 15, 10):
        report = services.report_draft_for_period(plan=plan_with_progress, period=Q3)
        report.summary_es = "Resumen."
        report.save()
        services.report_submit(report=report, by=planner)
    return report


def test_a_provisional_draft_in_review_offers_no_approve_button_and_says_when(in_review, second_planner):
    with frozen(2025, 9, 20, 10):
        html = page(second_planner, in_review)

    assert workflow_button(in_review, "approve") not in html
    assert workflow_button(in_review, "return") in html  # the other steps stay
    buttons = html.split('class="conecta-workflow"', 1)[1].split("<style>", 1)[0]
    assert WAITS in buttons  # said where the button was, besides the note at the top of the form


def test_an_approved_provisional_draft_offers_no_publish_button(in_review, planner):
    # Approved while the clock said the period had ended (a clock set back, the example report): still refused.
    Report.objects.filter(pk=in_review.pk).update(status=Report.Status.APPROVED)
    in_review.refresh_from_db()
    with frozen(2025, 9, 20, 10):
        html = page(planner, in_review)

    assert workflow_button(in_review, "publish") not in html
    assert workflow_button(in_review, "return") in html
    assert WAITS in html


def test_once_the_period_has_ended_the_approve_button_is_back(in_review, second_planner):
    with frozen(2025, 10, 1, 9):
        html = page(second_planner, in_review)

    assert workflow_button(in_review, "approve") in html
    assert WAITS not in html
