"""The picture a link shows when it is pasted in WhatsApp, Facebook or X (Open Graph `og:image`), drawn here with
Pillow: no browser, no outside service, no image stored.

1200 × 630 pixels (the size those services crop to), in the portal's colours: the site's name on its green band, a
label ("Commitment ECPTZ0003"), the title wrapped in large type, a line under it, and a progress bar with its
percentage when there is one. It is drawn in full colour and then reduced to a small palette without dithering,
which keeps the PNG well under 60 KB (a phone on a rural connection fetches it before showing the preview).

Each app's view reads its published record and calls `preview_response()`, which keeps the PNG in Django's cache
under a key made of everything drawn (so a new title, a new percentage or another language is a new picture and a
stale one is never served) and sends it with `Cache-Control: public`.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache as remember
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
# Part of every cache key: a change to the drawing below changes it, so no picture drawn the old way is served.
DRAWING_VERSION = 1
CACHE_SECONDS = 7 * 24 * 3600
# How long browsers and the services that fetch previews may keep it (the page cache holds pages 10 minutes).
HTTP_MAX_AGE = 3600

# static/css/site.css: --brand, --ink, --muted, --soft, --focus, --line.
BRAND = (11, 93, 59)
INK = (27, 31, 35)
MUTED = (74, 85, 96)
SOFT = (243, 246, 244)
FOCUS = (255, 191, 71)
LINE = (201, 209, 217)
WHITE = (255, 255, 255)
# Enough shades for the edges of the letters to look smooth; few enough for a small file.
PALETTE_COLOURS = 24

# fonts-dejavu-core (the Dockerfile installs it). Where it is missing, Pillow's own font stands in.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"

MARGIN = 64
BAND_HEIGHT = 104
TITLE_SIZES = (68, 60, 52, 46, 40)
TITLE_MAX_LINES = 4
SUBTITLE_SIZE = 32
LABEL_SIZE = 30
ELLIPSIS = "…"


@remember
def font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu at `size` points; Pillow's built-in font when DejaVu is not installed (the picture is still drawn)."""
    for candidate in (FONT_DIR / name, Path(name)):
        try:
            return ImageFont.truetype(str(candidate), size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _width(text: str, face) -> float:
    return face.getlength(text)


def _split_long_word(word: str, face, width: int) -> list[str]:
    """A word wider than the line (a code, an address) cut into pieces that fit."""
    pieces, piece = [], ""
    for char in word:
        if piece and _width(piece + char, face) > width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    return [*pieces, piece] if piece else pieces


def wrap(text: str, face, width: int) -> list[str]:
    """`text` in lines no wider than `width` pixels, broken between words (inside a word only when it alone is
    too wide)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(candidate, face) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        if _width(word, face) <= width:
            line = word
        else:
            *full, line = _split_long_word(word, face, width)
            lines.extend(full)
    if line:
        lines.append(line)
    return lines


def _shorten(line: str, face, width: int) -> str:
    """`line` cut so that it and an ellipsis fit in `width`."""
    while line and _width(line.rstrip() + ELLIPSIS, face) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def fit(text: str, *, sizes: tuple[int, ...], max_lines: int, width: int, name: str = BOLD):
    """The largest of `sizes` at which `text` fits in `max_lines` lines; at the smallest, the last line ends in an
    ellipsis. Returns (font, lines)."""
    for size in sizes:
        face = font(name, size)
        lines = wrap(text, face, width)
        if len(lines) <= max_lines:
            return face, lines
    lines = lines[:max_lines]
    lines[-1] = _shorten(lines[-1], face, width)
    return face, lines


def _line_height(face) -> int:
    top, bottom = face.getbbox("ÁÑgjy")[1::2]
    return int((bottom - top) * 1.25)


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).netloc or settings.SITE_URL


def draw(*, title: str, subtitle: str, percent: int | None, label: str) -> Image.Image:
    """The picture in full colour (`preview_png` reduces it). The band: the site's name and tagline; then the
    label, the title, the subtitle; at the foot, the progress bar (or nothing) and the site's address."""
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    pen = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN

    # 1. The green band with the name, and a thin yellow line under it (the focus colour of the site).
    pen.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=BRAND)
    pen.rectangle((0, BAND_HEIGHT, WIDTH, BAND_HEIGHT + 8), fill=FOCUS)
    name_face = font(BOLD, 44)
    pen.text((MARGIN, BAND_HEIGHT // 2), "Conecta Pastaza", font=name_face, fill=WHITE, anchor="lm")
    tagline_face = font(REGULAR, 24)
    left = MARGIN + _width("Conecta Pastaza", name_face) + 28
    tagline = wrap(gettext("Open Government Pastaza"), tagline_face, WIDTH - MARGIN - int(left))[:1]
    if tagline:
        pen.text((left, BAND_HEIGHT // 2 + 4), tagline[0], font=tagline_face, fill=WHITE, anchor="lm")

    # 2. The label, the title and the subtitle, from the top down.
    y = BAND_HEIGHT + 40
    label_face, label_lines = fit(label, sizes=(LABEL_SIZE, 26), max_lines=1, width=inner)
    for line in label_lines:
        pen.text((MARGIN, y), line, font=label_face, fill=BRAND)
        y += _line_height(label_face)
    y += 8
    bar_top = HEIGHT - 150
    # Where the texts must stop: above the bar, or above the address when there is no bar.
    bottom = bar_top - 12 if percent is not None else HEIGHT - 84
    lines_room = TITLE_MAX_LINES if percent is None and not subtitle else TITLE_MAX_LINES - 1
    title_face, title_lines = fit(title, sizes=TITLE_SIZES, max_lines=lines_room, width=inner)
    for line in title_lines:
        pen.text((MARGIN, y), line, font=title_face, fill=INK)
        y += _line_height(title_face)
    if subtitle:
        y += 6
        subtitle_face = font(REGULAR, SUBTITLE_SIZE)
        step = _line_height(subtitle_face)
        room = max(1, (bottom - y) // step)
        subtitle_face, subtitle_lines = fit(
            subtitle, sizes=(SUBTITLE_SIZE, 28), max_lines=min(2, room), width=inner, name=REGULAR
        )
        for line in subtitle_lines:
            if y + _line_height(subtitle_face) > bottom:
                break
            pen.text((MARGIN, y), line, font=subtitle_face, fill=MUTED)
            y += _line_height(subtitle_face)

    # 3. The progress bar: an outlined track, the done part in green, the number beside it in bold.
    if percent is not None:
        percent = max(0, min(100, int(percent)))
        number_face = font(BOLD, 56)
        number = f"{percent} %"
        track_right = WIDTH - MARGIN - int(_width("100 %", number_face)) - 24
        pen.rectangle((MARGIN, bar_top, track_right, bar_top + 48), fill=SOFT, outline=INK, width=3)
        done = MARGIN + 3 + round((track_right - MARGIN - 6) * percent / 100)
        if percent:
            pen.rectangle((MARGIN + 3, bar_top + 3, done, bar_top + 45), fill=BRAND)
        pen.text((WIDTH - MARGIN, bar_top + 24), number, font=number_face, fill=INK, anchor="rm")

    # 4. The address, so the picture says where it comes from even when cropped out of its link.
    pen.line((MARGIN, HEIGHT - 70, WIDTH - MARGIN, HEIGHT - 70), fill=LINE, width=2)
    pen.text((MARGIN, HEIGHT - 38), _site_host(), font=font(REGULAR, 26), fill=MUTED, anchor="lm")
    return image


def preview_png(*, title: str, subtitle: str, percent: int | None, label: str, language: str) -> bytes:
    """The preview picture as PNG bytes: 1200 × 630, a palette of a few colours, under 60 KB. The texts are drawn
    as given (the caller translates them); `language` is that of the site's tagline."""
    with translation.override(language):
        image = draw(title=title, subtitle=subtitle, percent=percent, label=label)
    reduced = image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    reduced.save(out, format="PNG", optimize=True)
    return out.getvalue()


def preview_key(*, title: str, subtitle: str, percent: int | None, label: str, language: str) -> str:
    """The cache key: everything drawn, the language and the drawing's version, hashed (a title may be long)."""
    parts = "\x1f".join(
        (str(DRAWING_VERSION), language, _site_host(), label, title, subtitle, "" if percent is None else str(percent))
    )
    return "conecta:preview:" + hashlib.sha256(parts.encode("utf-8", "surrogateescape")).hexdigest()


def preview_response(*, title: str, subtitle: str, percent: int | None, label: str, language: str) -> HttpResponse:
    """The picture as a response, from the cache when it was drawn before (drawing takes tens of milliseconds)."""
    fields = {"title": title, "subtitle": subtitle, "percent": percent, "label": label, "language": language}
    key = preview_key(**fields)
    body = cache.get(key)
    if body is None:
        body = preview_png(**fields)
        cache.set(key, body, CACHE_SECONDS)
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={HTTP_MAX_AGE}"
    response["Content-Length"] = str(len(body))
    return response
