"""The public pages in a real browser: axe (WCAG 2.2 AA + best practice), keyboard use, reflow at 360 px,
target size, no scripts, nothing loaded from another host, screenshots and a printed handout.

Screenshots go to tests/screenshots/<page>-<lang>-<width>.png for a person to look at.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe

# The demo data is loaded once per module (tests/browser/conftest.py shared_demo); the django_db mark asks
# pytest-django to set the test database up even when only these tests run. These tests only read.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

LANGS = ["es", "qu"]
# name -> (path under the language prefix, expected HTTP status)
PAGES = {
    "home": ("", 200),
    "ECPTZ0001": ("compromisos/ECPTZ0001/", 200),
    "ECPTZ0002": ("compromisos/ECPTZ0002/", 200),
    "ECPTZ0003": ("compromisos/ECPTZ0003/", 200),
    "list": ("compromisos/", 200),
    "list-filtered": ("compromisos/?q=via&eje=human_settlements&orden=mas-avance", 200),
    "institution": ("instituciones/gadp-pastaza/", 200),
    "territory": ("territorio/", 200),
    "canton": ("territorio/pastaza/", 200),
    "canton-mera": ("territorio/mera/", 200),
    "plan": ("plan/", 200),
    "accessibility": ("accesibilidad/", 200),
    "privacy": ("privacidad/", 200),
    "reports": ("informes/", 200),
    "report": ("informes/2025-t4/", 200),
    "participate": ("participa/", 200),
    "suggest": ("participa/sugerencia/", 200),
    "track": ("participa/seguimiento/?codigo=PZ-AAAA-AA", 200),
    "answers": ("participa/respuestas/", 200),
    "comment": ("participa/compromisos/ECPTZ0003/comentar/", 200),
    "comments": ("participa/compromisos/ECPTZ0003/comentarios/", 200),
    "evaluate": ("participa/compromisos/ECPTZ0003/evaluar/", 200),
    "track-answered": ("participa/seguimiento/?codigo=PZ-BRWS-R2", 200),
    "suggestion-sent": ("participa/recibido/PZ-BRWS-R2/", 200),
    "comment-sent": ("participa/compromisos/ECPTZ0003/comentar/enviado/", 200),
    "evaluation-sent": ("participa/compromisos/ECPTZ0003/evaluar/enviado/", 200),
    "survey-thanks": ("participa/encuestas/encuesta-abierta/gracias/", 200),
    "surveys": ("participa/encuestas/", 200),
    "survey-open": ("participa/encuestas/como-quiere-informarse-del-plan/", 200),
    "survey-results": ("participa/encuestas/encuesta-cerrada/resultados/", 200),
    "survey-texts": ("participa/encuestas/encuesta-cerrada/resultados/pregunta-4/", 200),
    "meetings": ("reuniones/", 200),
    "meeting-workshop": ("reuniones/taller-cocreacion-biofisico-2024/", 200),
    "meeting-committee": ("reuniones/comite-2025-03/", 200),
    "agreements": ("reuniones/acuerdos/", 200),
    "roads": ("vias/", 200),
    "road-work": ("vias/VIA-EJEMPLO-01/", 200),
    "road-report": ("vias/reportar/", 200),
    "road-requests": ("vias/solicitudes/", 200),
    "road-request": ("vias/solicitudes/VP-EJEM-P2/", 200),
    "road-track": ("vias/seguimiento/?codigo=VP-EJEM-P2", 200),
    "open-data": ("datos/", 200),
    "dataset": ("datos/hitos/", 200),
    "bundles": ("datos/historial/", 200),
    "api": ("api/", 200),
    "glossary": ("kichwa/glosario/", 200),
    "follow": ("alertas/seguir/?que=commitment:ECPTZ0001", 200),
    "follow-unknown": ("alertas/seguir/?que=commitment:NOPE0000", 404),
    "alerts-bad-link": ("alertas/gestionar/no-valido/", 404),
    "404": ("no-existe/", 404),
}
WIDTHS = [360, 1280]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MIN_TARGET = 24  # WCAG 2.2 SC 2.5.8 Target Size (Minimum), CSS px

page_params = pytest.mark.parametrize("name", list(PAGES))
lang_params = pytest.mark.parametrize("lang", LANGS)
width_params = pytest.mark.parametrize("width", WIDTHS)


def url_of(name: str, lang: str) -> str:
    return f"/{lang}/{PAGES[name][0]}"


def open_page(visit, name: str, lang: str, width: int):
    v = visit(width)
    v.goto(url_of(name, lang), status=PAGES[name][1])
    return v


def axe_report(violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{', '.join(t for t in v['tags'] if 'wcag' in t)}]")
        lines.append(f"  {v['helpUrl']}")
        for node in v["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


@page_params
@lang_params
@width_params
def test_axe_finds_no_violations(visit_reused, name, lang, width):
    v = open_page(visit_reused, name, lang, width)
    results = Axe().run(
        v.page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    assert not violations, f"{url_of(name, lang)} at {width}px\n" + axe_report(violations)


@page_params
@lang_params
@width_params
def test_screenshot(visit_reused, screenshots_dir, name, lang, width):
    v = open_page(visit_reused, name, lang, width)
    v.page.screenshot(path=str(screenshots_dir / f"{name}-{lang}-{width}.png"), full_page=True)


@page_params
@lang_params
def test_no_horizontal_scroll_at_360(visit_reused, name, lang):
    v = open_page(visit_reused, name, lang, 360)
    scroll_width = v.page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width > 360:
        wide = v.page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > 360)
                .slice(0, 10).map(el => el.outerHTML.slice(0, 120))"""
        )
        pytest.fail(f"{url_of(name, lang)}: scrollWidth {scroll_width} > 360; too wide: {json.dumps(wide, indent=1)}")


TARGETS_JS = """(min) => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
            + '[tabindex]:not([tabindex="-1"]), [role=button], [role=link]';
  const small = [];
  for (const el of document.querySelectorAll(sel)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;      // not rendered
    if (box.right <= 0 || box.bottom <= 0) continue;         // parked off-screen (the skip link until focused)
    // A link that wraps is several boxes: each line of it must be tall enough, and the whole wide enough.
    const lines = [...el.getClientRects()];
    const short = lines.filter(r => r.height < min);
    if (box.width < min || box.height < min || short.length) {
      small.push({html: el.outerHTML.slice(0, 140), width: box.width, height: box.height,
                  lineHeights: lines.map(r => Math.round(r.height * 10) / 10)});
    }
  }
  return small;
}"""


@page_params
@lang_params
def test_targets_are_at_least_24px_at_360(visit_reused, name, lang):
    v = open_page(visit_reused, name, lang, 360)
    small = v.page.evaluate(TARGETS_JS, MIN_TARGET)
    assert not small, f"{url_of(name, lang)}: targets under {MIN_TARGET}x{MIN_TARGET} px:\n" + json.dumps(
        small, indent=1, ensure_ascii=False
    )


@page_params
@lang_params
def test_no_scripts_and_nothing_from_other_hosts(visit, name, lang):
    v = visit(1280)
    v.page.goto(v.base_url + url_of(name, lang), wait_until="networkidle")
    # A data block (schema.org JSON-LD) never runs; the road report form alone has its one optional script.
    allowed = ['script[type="application/ld+json"]']
    if name == "road-report":
        allowed.append('script[src$="/js/road-position.js"]')
    scripts = v.page.locator(f"script:not({', '.join(allowed)})")
    assert scripts.count() == 0, scripts.evaluate_all("els => els.map(e => e.outerHTML.slice(0, 120))")
    assert v.page.evaluate("document.querySelectorAll('[onclick],[onload],[onerror],[onsubmit]').length") == 0
    assert v.requests, "no request recorded"
    assert not v.foreign_requests(), f"requests to other hosts: {v.foreign_requests()}"


def active(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement; const r = el.getBoundingClientRect();
                   return {tag: el.tagName, id: el.id, cls: el.className, text: el.textContent.trim().slice(0, 60),
                           inMain: !!el.closest('main'), x: r.x, y: r.y, w: r.width, h: r.height}; }"""
    )


@pytest.mark.parametrize("name", ["home", "ECPTZ0002"])
@lang_params
@width_params
def test_skip_link_is_first_visible_when_focused_and_moves_focus_to_main(visit, screenshots_dir, name, lang, width):
    v = open_page(visit, name, lang, width)
    page = v.page
    page.keyboard.press("Tab")
    focused = active(page)
    page.screenshot(path=str(screenshots_dir / f"{name}-{lang}-{width}-skip-focused.png"))
    assert focused["tag"] == "A" and "skip" in focused["cls"], f"first Tab focused {focused}"
    # Visible: entirely inside the viewport, big enough to see and hit, not transparent.
    assert focused["x"] >= 0 and focused["y"] >= 0 and focused["x"] + focused["w"] <= width, focused
    assert focused["w"] >= MIN_TARGET and focused["h"] >= MIN_TARGET, focused
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.visibility, s.opacity, s.clipPath]; }"
    )
    assert style[0] == "visible" and float(style[1]) == 1 and style[2] in ("none", ""), style
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'")
    assert active(page)["id"] == "main", active(page)
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert active(page)["inMain"], f"Tab after the skip link went to {active(page)}"


@pytest.mark.parametrize("name", ["home", "ECPTZ0002", "404"])
@pytest.mark.parametrize(("lang", "other"), [("es", "qu"), ("qu", "es")])
def test_language_switcher_goes_to_same_page_in_other_language(visit, name, lang, other):
    v = open_page(visit, name, lang, 360)
    page = v.page
    assert page.get_attribute("html", "lang") == lang
    current = page.locator("nav.langs [aria-current]")
    assert current.count() == 1 and current.get_attribute("lang") == lang
    switch = page.locator(f"nav.langs a[hreflang={other}]")
    assert switch.count() == 1
    switch.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # A missing page keeps its address under the other language's prefix (the same "not found", translated).
    expected = url_of(name, other)
    assert page.url == v.base_url + expected
    assert page.get_attribute("html", "lang") == other
    assert page.locator("nav.langs [aria-current]").get_attribute("lang") == other
    # The note that the Kichwa texts await community review is on Kichwa pages only.
    assert page.locator(".review-note").count() == (1 if other == "qu" else 0)


FOCUS_STYLE_JS = """() => { const s = getComputedStyle(document.activeElement);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor, shadow: s.boxShadow}; }"""


@lang_params
def test_focus_outline_is_visible(visit, lang):
    v = open_page(visit, "ECPTZ0001", lang, 1280)
    page = v.page
    checked = []
    for _ in range(40):
        page.keyboard.press("Tab")
        el = active(page)
        if el["tag"] != "A":
            continue
        focused = page.evaluate(FOCUS_STYLE_JS)
        assert focused["style"] not in ("none", "hidden") and focused["width"] >= 2, (el, focused)
        checked.append(el)
        if el["inMain"]:
            break
    assert any(el["inMain"] for el in checked), f"never reached a link in main: {checked}"
    assert len(checked) >= 3, checked  # skip link, header links and a content link all checked
    # Without focus the same link has no outline: the outline is the focus indicator, not decoration.
    page.evaluate("document.activeElement.blur()")
    assert page.evaluate("() => getComputedStyle(document.querySelector('main a[href]')).outlineStyle") in ("none", "")


def test_print_stylesheet_and_pdf_handout(visit, screenshots_dir):
    v = open_page(visit, "ECPTZ0003", "es", 1280)
    page = v.page
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.skip', 'nav.langs', 'nav.main-nav', '.foot'].map(s => {
             const el = document.querySelector(s); return [s, el ? getComputedStyle(el).display : 'absent']; })"""
    )
    assert all(display in ("none", "absent") for _sel, display in hidden), hidden
    # The handout says where it came from: the page's own address is printed under the portal's name.
    assert page.locator(".print-url").is_visible(), "the page address is not printed"
    assert page.locator(".print-url").inner_text().endswith("/es/compromisos/ECPTZ0003/")
    assert page.locator(".brand").is_visible()
    # The home page printed: each commitment's link carries its full address (SITE_URL + path).
    page.goto(v.base_url + "/es/")
    after = page.evaluate("() => getComputedStyle(document.querySelector('.card h3 a'), '::after').content")
    assert "/es/compromisos/ECPTZ0001/" in after and "http" in after, after
    page.goto(v.base_url + url_of("ECPTZ0003", "es"))
    path = screenshots_dir / "ECPTZ0003-print.pdf"
    try:
        page.pdf(path=str(path), format="A4", margin={"top": "15mm", "bottom": "15mm", "left": "15mm", "right": "15mm"})
    except Exception as exc:  # noqa: BLE001 - printing is optional in some Chromium builds
        pytest.skip(f"Chromium could not print to PDF: {exc}")
    assert path.stat().st_size > 1000
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(path), str(screenshots_dir / "ECPTZ0003-print")], check=True
        )


# The forms, sent empty: the page comes back with the error summary at the top and each error by its field.
FORMS = {
    "suggest": "participa/sugerencia/",
    "comment": "participa/compromisos/ECPTZ0003/comentar/",
    "evaluate": "participa/compromisos/ECPTZ0003/evaluar/",
    "survey": "participa/encuestas/encuesta-abierta/",
    "reply": "participa/seguimiento/?codigo=PZ-BRWS-R2",
}


@pytest.mark.parametrize("form", list(FORMS))
@lang_params
def test_a_form_sent_empty_shows_an_accessible_error_summary_linked_to_the_fields(visit, screenshots_dir, form, lang):
    v = visit(360)
    v.goto(f"/{lang}/{FORMS[form]}")
    with v.page.expect_navigation():
        v.page.locator("form[method=post] button[type=submit]").click()

    summary = v.page.locator(".error-summary")
    assert summary.is_visible(), f"{form}: no error summary"
    assert summary.get_attribute("role") == "alert"
    targets = [
        href.removeprefix("#")
        for href in summary.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    ]
    assert targets, f"{form}: the summary lists no error"
    for target in targets:
        assert v.page.locator(f"[id='{target}']").count() == 1, f"{form}: the summary links to a missing #{target}"
    assert v.page.locator(".errorlist, .field-error, [aria-invalid=true]").count() >= 1
    results = Axe().run(v.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, f"{form} with errors ({lang})\n" + axe_report(violations)
    assert v.page.evaluate("document.scrollingElement.scrollWidth") <= 360
    v.page.screenshot(path=str(screenshots_dir / f"errors-{form}-{lang}-360.png"), full_page=True)


# The two pages a form can answer with instead of itself: too many attempts (429) and a refused security token
# (403). Both are reached the way a person reaches them, with a real submission.
@lang_params
def test_the_too_many_attempts_page_is_accessible(visit, screenshots_dir, settings, lang):
    settings.PARTICIPATION_RATE_LIMITS = {"default": (0, 15)}  # the live server runs in this process
    v = visit(360)
    v.goto(f"/{lang}/participa/sugerencia/")
    with v.page.expect_navigation() as navigation:
        v.page.locator("form[method=post] button[type=submit]").click()

    assert navigation.value.status == 429
    assert v.page.locator("main h1").count() == 1
    results = Axe().run(v.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, f"429 page ({lang})\n" + axe_report(violations)
    assert v.page.evaluate("document.scrollingElement.scrollWidth") <= 360
    v.page.screenshot(path=str(screenshots_dir / f"too-many-{lang}-360.png"), full_page=True)


@lang_params
def test_the_refused_security_token_page_is_accessible(visit, screenshots_dir, lang):
    v = visit(360)
    v.goto(f"/{lang}/participa/sugerencia/")
    v.context.clear_cookies()  # as after a very long pause, or with cookies blocked
    with v.page.expect_navigation() as navigation:
        v.page.locator("form[method=post] button[type=submit]").click()

    assert navigation.value.status == 403
    assert v.page.locator(f"main a[href^='/{lang}/participa/']").count() >= 1  # the way back
    results = Axe().run(v.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, f"CSRF failure page ({lang})\n" + axe_report(violations)
    assert v.page.evaluate("document.scrollingElement.scrollWidth") <= 360
    v.page.screenshot(path=str(screenshots_dir / f"csrf-failure-{lang}-360.png"), full_page=True)
