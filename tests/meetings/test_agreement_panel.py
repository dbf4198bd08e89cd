"""The commitment page shows the agreements of published meetings about it (feedback.panels), in one query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.selectors import PANEL_AGREEMENTS

from .factories import AgreementFactory, MeetingFactory

pytestmark = pytest.mark.django_db

URL = "/{lang}/compromisos/TEST0001/"
# The commitment page's own 8, the participation panel's 5 (tests/feedback/test_commitment_panel.py) and the
# commitment's published recordings and, on a Kichwa page, the review of the Kichwa it shows (kichwa).
PAGE_QUERIES = 8 + 5 + 1 + 1


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_it_lists_the_agreements_of_published_meetings_with_status_due_date_owner_and_meeting(
    citizen, commitment, other_commitment, gad, lang
):
    meeting = MeetingFactory(slug="comite-marzo", title_es="Comité de marzo")
    AgreementFactory(
        meeting=meeting,
        text_es="Acuerdo visible",
        owner_institution=gad,
        due_date=timezone.localdate() - timedelta(days=2),
        commitment=commitment,
    )
    AgreementFactory(meeting=meeting, text_es="Sobre otro compromiso", commitment=other_commitment)
    AgreementFactory(meeting=MeetingFactory(is_published=False), text_es="SECRETO", commitment=commitment)

    response = citizen.get(URL.format(lang=lang))

    found = response.context["panels"][0].context["found"]
    assert [a.text_es for a in found.agreements] == ["Acuerdo visible"] and found.count == 1
    text = response.text
    assert 'id="agreements-h"' in text
    assert "Acuerdo visible" in text and "Sobre otro compromiso" not in text and "SECRETO" not in text
    assert f'href="/{lang}/reuniones/comite-marzo/#acuerdo-' in text
    assert f'href="/{lang}/reuniones/acuerdos/?compromiso=TEST0001"' in text
    assert 'class="late"' in text


def test_a_commitment_without_agreements_shows_no_empty_section(citizen, commitment):
    assert 'id="agreements-h"' not in citizen.get(URL.format(lang="es")).text


def test_the_page_costs_the_same_few_queries_whatever_the_agreements(citizen, commitment, gad):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert citizen.get(URL.format(lang="qu")).status_code == 200
        return len(captured)

    none = queries()
    for n in range(5):
        AgreementFactory(commitment=commitment, owner_institution=gad, meeting=MeetingFactory(slug=f"m-{n}"))

    assert queries() == none <= PAGE_QUERIES


def test_beyond_the_panels_limit_it_counts_them_all_and_links_to_the_register(
    citizen, commitment, django_assert_max_num_queries
):
    meeting = MeetingFactory()
    for n in range(PANEL_AGREEMENTS + 2):
        AgreementFactory(meeting=meeting, order=n + 1, commitment=commitment)

    with django_assert_max_num_queries(PAGE_QUERIES + 1):  # + the count beyond those shown
        response = citizen.get(URL.format(lang="es"))

    found = response.context["panels"][0].context["found"]
    assert (len(found.agreements), found.count) == (PANEL_AGREEMENTS, PANEL_AGREEMENTS + 2)
