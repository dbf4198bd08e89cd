"""The preview picture of a shared link (conecta.preview) and the views that serve it: a valid 1200 × 630 PNG
under 60 KB whatever the title and the language, only for published things, drawn once and then served from the
cache with `Cache-Control: public`."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from PIL import Image, ImageFont

from commitments.roles import PLANNER
from conecta import preview
from reports import services as report_services
from reports.periods import Period

from ..factories import CommitmentFactory, MilestoneFactory, UserFactory
from ..feedback.factories import AnsweredSuggestionFactory
from ..roads.factories import RoadWorkFactory

MAX_BYTES = 60 * 1024
LONG_TITLE = (
    "Programa integral para mejorar la situación ambiental de Pastaza con la participación de las "
    "nacionalidades indígenas, los gobiernos parroquiales y las organizaciones de mujeres, jóvenes y "
    "productores de la provincia, mediante mesas técnicas y un observatorio ciudadano del agua y los bosques"
)
KICHWA_TITLE = (
    "Pastaza markapi yakukunata, sachakunatapash alli kamankapak ayllu llaktakunawan, warmikunawan, "
    "wamprakunawan tantanakuykunata rurana; shinallatak yaku rikuchik wasita paktachina "
    "Kawsaypachamamata-kamaykamaypakmantallatakmari"
)


def png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.verify()  # the chunks and their checksums
    return Image.open(io.BytesIO(data))


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def draws(monkeypatch):
    """How many pictures were drawn (the cache spares the others)."""
    calls = []
    real = preview.preview_png

    def counting(**fields):
        calls.append(fields)
        return real(**fields)

    monkeypatch.setattr(preview, "preview_png", counting)
    return calls


# The picture.


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Agua", "subtitle": "Nivel IRM: Limitado", "percent": 0, "label": "Compromiso X", "language": "es"},
        {"title": LONG_TITLE * 3, "subtitle": LONG_TITLE, "percent": 100, "label": LONG_TITLE, "language": "es"},
        {"title": KICHWA_TITLE, "subtitle": "Imashina kan: Rurarikun", "percent": 57, "label": "Ñan", "language": "qu"},
        {"title": KICHWA_TITLE * 2, "subtitle": "", "percent": None, "label": "Yanapana", "language": "qu"},
    ],
    ids=["short", "very-long", "kichwa", "kichwa-no-progress"],
)
def test_it_is_a_valid_1200_by_630_palette_png_under_60_kb(fields):
    data = preview.preview_png(**fields)

    image = png(data)
    assert image.format == "PNG" and image.size == (1200, 630) and image.mode == "P"
    assert len(data) < MAX_BYTES


def test_the_title_is_wrapped_in_large_type_and_cut_with_an_ellipsis_only_when_too_long():
    width = preview.WIDTH - 2 * preview.MARGIN

    face, lines = preview.fit("Agua para Pastaza", sizes=preview.TITLE_SIZES, max_lines=3, width=width)
    assert lines == ["Agua para Pastaza"] and face.size == preview.TITLE_SIZES[0]

    face, lines = preview.fit(KICHWA_TITLE * 3, sizes=preview.TITLE_SIZES, max_lines=3, width=width)
    assert len(lines) == 3 and lines[-1].endswith("…") and face.size == preview.TITLE_SIZES[-1]
    assert all(face.getlength(line) <= width for line in lines)
    # A word wider than the line is cut, never drawn past the edge.
    assert all(face.getlength(line) <= width for line in preview.wrap("A" * 200, face, width))


def test_the_bar_is_drawn_with_its_percentage_and_not_without_one():
    def green_pixels(percent):
        image = preview.draw(title="Agua", subtitle="", percent=percent, label="X")
        bar = image.crop((preview.MARGIN, preview.HEIGHT - 150, preview.WIDTH - preview.MARGIN, preview.HEIGHT - 100))
        return dict((colour, count) for count, colour in bar.getcolors(bar.width * bar.height)).get(preview.BRAND, 0)

    assert green_pixels(None) == 0 == green_pixels(0)
    assert 0 < green_pixels(25) < green_pixels(75)


def test_it_is_drawn_with_pillows_own_font_when_dejavu_is_missing(monkeypatch):
    truetype = ImageFont.truetype

    def no_font_files(font, *args, **kwargs):
        if isinstance(font, str):  # a file (Pillow's own font comes as bytes)
            raise OSError("cannot open resource")
        return truetype(font, *args, **kwargs)

    preview.font.cache_clear()
    monkeypatch.setattr(ImageFont, "truetype", no_font_files)
    try:
        data = preview.preview_png(title=LONG_TITLE, subtitle="Sub", percent=30, label="L", language="es")
    finally:
        preview.font.cache_clear()

    assert png(data).size == (1200, 630) and len(data) < MAX_BYTES


# The views.


@pytest.fixture
def report(plan, commitment, planner, settings):
    """A published quarterly report of `plan` (its PDFs are not rendered: no on-commit callback runs here)."""
    settings.CONECTA_PLAN_SLUG = plan.slug
    MilestoneFactory(commitment=commitment, progress=60)
    report = report_services.report_draft_for_period(plan=plan, period=Period(2025, 3))
    report.summary_es = "Resumen del tercer trimestre."
    report.save()
    report_services.report_submit(report=report, by=planner)
    report_services.report_approve(report=report, by=UserFactory(username="revisora", groups=[PLANNER]))
    return report_services.report_publish(report=report, by=planner)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["es", "qu"])
def test_each_kind_of_page_has_its_picture(citizen, commitment, report, lang):
    commitment.title_qu = "Allpamamata kamana rurana"
    commitment.save()
    RoadWorkFactory(code="VIA-2025-001", name_qu="Puyo – Tarqui ñan")
    for address in (
        f"/{lang}/compromisos/TEST0001/vista-previa.png",
        f"/{lang}/compromisos/test0001/vista-previa.png",
        f"/{lang}/vias/VIA-2025-001/vista-previa.png",
        f"/{lang}/informes/{report.slug}/vista-previa.png",
        f"/{lang}/participa/respuestas/vista-previa.png",
    ):
        response = citizen.get(address)

        assert response.status_code == 200, address
        assert response["Content-Type"] == "image/png"
        assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
        assert png(response.content).size == (1200, 630) and len(response.content) < MAX_BYTES


@pytest.mark.django_db
def test_it_draws_the_commitment_in_the_address_language_with_its_progress(citizen, commitment, draws):
    commitment.title_qu = "Allpamamata kamana rurana"
    commitment.save()
    MilestoneFactory(commitment=commitment, progress=40)

    citizen.get("/qu/compromisos/TEST0001/vista-previa.png")
    citizen.get("/es/compromisos/TEST0001/vista-previa.png")

    kichwa, spanish = draws
    assert (kichwa["title"], kichwa["percent"], kichwa["language"]) == ("Allpamamata kamana rurana", 40, "qu")
    assert kichwa["label"] == "Ari nishka rurana TEST0001"
    assert (spanish["title"], spanish["label"], spanish["language"]) == (
        "Compromiso ambiental",
        "Compromiso TEST0001",
        "es",
    )


@pytest.mark.django_db
def test_what_is_not_published_has_no_picture(citizen, plan, commitment, report, settings):
    CommitmentFactory(code="HIDE0001", plan=plan, is_published=False)
    RoadWorkFactory(code="VIA-2025-009", is_published=False)
    draft = report_services.report_draft_for_period(plan=plan, period=Period(2025, 4))

    for address in (
        "/es/compromisos/HIDE0001/vista-previa.png",
        "/es/compromisos/NADA0001/vista-previa.png",
        "/es/compromisos/%00%27/vista-previa.png",
        "/qu/vias/VIA-2025-009/vista-previa.png",
        "/es/vias/VIA-0000-000/vista-previa.png",
        f"/es/informes/{draft.slug}/vista-previa.png",
        "/es/informes/no-existe/vista-previa.png",
    ):
        assert citizen.get(address).status_code == 404, address


@pytest.mark.django_db
def test_the_second_request_is_served_from_the_cache_with_one_query(
    citizen, commitment, draws, django_assert_num_queries
):
    MilestoneFactory(commitment=commitment, progress=40)
    first = citizen.get("/es/compromisos/TEST0001/vista-previa.png").content

    with django_assert_num_queries(1):
        second = citizen.get("/es/compromisos/TEST0001/vista-previa.png").content

    assert second == first and len(draws) == 1


@pytest.mark.django_db
def test_the_other_pictures_are_cached_too(citizen, report, draws, django_assert_max_num_queries):
    RoadWorkFactory(code="VIA-2025-001")
    addresses = {
        "/es/vias/VIA-2025-001/vista-previa.png": 1,
        f"/es/informes/{report.slug}/vista-previa.png": 2,
        "/es/participa/respuestas/vista-previa.png": 0,
    }
    for address in addresses:
        citizen.get(address)
    drawn = len(draws)

    for address, queries in addresses.items():
        with django_assert_max_num_queries(queries):
            assert citizen.get(address).status_code == 200

    assert drawn == len(draws) == 3


@pytest.mark.django_db
def test_new_progress_or_a_new_title_gives_a_new_picture(citizen, commitment, draws):
    citizen.get("/es/compromisos/TEST0001/vista-previa.png")
    MilestoneFactory(commitment=commitment, progress=80)
    citizen.get("/es/compromisos/TEST0001/vista-previa.png")
    commitment.title_es = "Compromiso ambiental renovado"
    commitment.save()
    citizen.get("/es/compromisos/TEST0001/vista-previa.png")

    assert [(d["title"], d["percent"]) for d in draws] == [
        ("Compromiso ambiental", None),
        ("Compromiso ambiental", 80),
        ("Compromiso ambiental renovado", 80),
    ]


@pytest.mark.django_db
def test_the_answers_picture_is_the_same_for_every_answer(citizen, draws):
    AnsweredSuggestionFactory()

    citizen.get("/qu/participa/respuestas/vista-previa.png")

    assert draws == [
        {
            "title": "Kanka nirkanki, ñukanchikka rurarkanchik",
            "subtitle": draws[0]["subtitle"],
            "percent": None,
            "label": "Yanapana",
            "language": "qu",
        }
    ]
    assert draws[0]["subtitle"]
