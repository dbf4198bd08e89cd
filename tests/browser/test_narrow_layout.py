"""What a new citizen tripped on at 360 px (issue 12), in a real browser: the Kichwa header and review note take a
few lines, the territory's wide table says it scrolls, a bar's number never touches its level word, the search
says where it found the words, and no page asks for something that is not there (the favicon)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VIEWPORT_HEIGHT = 800  # tests/browser/conftest.py PageVisit


def test_the_kichwa_header_and_review_note_leave_most_of_the_screen_to_the_page(visit_reused):
    v = visit_reused(360)
    v.goto("/qu/")

    bottom = v.page.evaluate("document.querySelector('.review-note').getBoundingClientRect().bottom")
    header = v.page.evaluate("document.querySelector('header.top').getBoundingClientRect().height")

    # Before: a 270 px header and a 110 px note, nearly half of the screen.
    assert header <= 200, header
    assert bottom <= VIEWPORT_HEIGHT * 0.35, bottom


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_territory_table_says_it_scrolls_where_it_does(visit_reused, lang):
    narrow = visit_reused(360)
    narrow.goto(f"/{lang}/territorio/")
    region = narrow.page.locator(".table-scroll").first

    assert narrow.page.locator("#cantons-hint").is_visible()
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert region.get_attribute("aria-describedby") == "cantons-hint"

    wide = visit_reused(1280)
    wide.goto(f"/{lang}/territorio/")
    assert not wide.page.locator("#cantons-hint").is_visible()


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_bars_number_never_touches_its_level_word(visit_reused, lang):
    v = visit_reused(360)
    v.goto(f"/{lang}/")

    gaps = v.page.evaluate(
        """() => [...document.querySelectorAll('.progress')].filter(p => p.querySelector('.lvl')).map(p =>
            p.querySelector('.lvl').getBoundingClientRect().left
            - p.querySelector('.pct').getBoundingClientRect().right)"""
    )

    assert gaps and min(gaps) >= 6, gaps


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_search_says_where_it_found_the_words(visit_reused, lang):
    v = visit_reused(360)
    v.goto(f"/{lang}/compromisos/?q=vivero")

    why = v.page.locator(".rows .why").first
    assert why.is_visible()
    assert why.locator("mark").first.inner_text().lower() == "vivero"
    assert v.page.evaluate("document.scrollingElement.scrollWidth") <= 360


def test_no_page_asks_for_a_missing_file(visit):
    v = visit(360)
    failed: list[str] = []
    v.page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)

    for path in ("/es/", "/qu/territorio/", "/es/participa/", "/admin/login/"):
        v.goto(path)
    # A headless browser asks for no icon by itself: ask for the ones a page links, and the one at the root.
    v.goto("/es/")
    statuses = v.page.evaluate(
        """async () => Promise.all([...document.querySelectorAll('link[rel=icon]')].map(l => l.href)
            .concat(['/favicon.ico']).map(async url => [url, (await fetch(url)).status]))"""
    )

    assert failed == []
    assert len(statuses) == 3 and all(status == 200 for _url, status in statuses), statuses


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_contact_channels_fit_a_phone(visit_reused, settings, lang):
    settings.CONTACT_PHONE = "(03) 000-0000"
    settings.CONTACT_WHATSAPP = "099 000 0000"
    settings.CONTACT_OFFICE_ADDRESS = "Calle de ejemplo y otra calle de ejemplo, frente al parque, Puyo"
    settings.CONTACT_OFFICE_HOURS = "lunes a viernes, 08:00–17:00"
    settings.CONTACT_EMAIL = "participacion.ciudadana@example.org"
    v = visit_reused(360)
    v.goto(f"/{lang}/participa/")

    assert v.page.evaluate("document.scrollingElement.scrollWidth") <= 360
    links = v.page.locator(".channels a, .foot-contact a")
    assert links.count() == 6  # phone, WhatsApp and e-mail, in the block and in the footer
    heights = links.evaluate_all("els => els.map(a => a.getBoundingClientRect().height)")
    assert min(heights) >= 24, heights
    assert v.page.locator('#way-offline ~ dl a[href^="tel:"]').is_visible()
