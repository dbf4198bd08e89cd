"""Hostile and oversized spreadsheets, built in memory: the zip bomb of the security review (a real workbook whose
sheet unpacks to hundreds of MB, padded to about 4 MB so it passes the 5 MB upload limit) and XLSX files whose
sheet XML the tests write by hand. bench/zipbomb.py builds its bomb here too."""

from __future__ import annotations

import io
import random
import zipfile

import tablib

SHEET_PART = "xl/worksheets/sheet1.xml"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MB = 1024 * 1024


def _replace_part(xlsx: bytes, name: str, write) -> bytes:
    """The workbook `xlsx` with its part `name` rewritten by `write(stream)`, every other part kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == name:
                with target.open(name, "w", force_zip64=True) as stream:
                    write(stream)
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def _workbook(headers=("id", "compromiso")) -> bytes:
    return tablib.Dataset(headers=list(headers)).export("xlsx")


def zip_bomb(*, unpacked_mb: int = 300, size_mb: float = 4.0) -> bytes:
    """A real XLSX workbook whose sheet unpacks to `unpacked_mb` MB of rows, and whose file is about `size_mb` MB
    (the rest is an incompressible picture, as a real bomb would pad itself to look ordinary)."""
    row = ('<row>' + '<c t="inlineStr"><is><t>x</t></is></c>' * 40 + "</row>").encode()
    chunk = row * (MB // len(row) + 1)

    def write(stream):
        stream.write(f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode())
        written = 0
        while written < unpacked_mb * MB:
            stream.write(chunk)
            written += len(chunk)
        stream.write(b"</sheetData></worksheet>")

    bomb = _replace_part(_workbook(), SHEET_PART, write)
    padding = max(0, int(size_mb * MB) - len(bomb) - 4096)
    out = io.BytesIO(bomb)
    with zipfile.ZipFile(out, "a") as archive:
        noise = random.Random(9).randbytes(padding)
        archive.writestr(zipfile.ZipInfo("xl/media/image1.png"), noise, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def xlsx_with_sheet(sheet_data: str) -> bytes:
    """A real workbook whose sheet holds exactly `sheet_data` (the XML inside <sheetData>)."""

    def write(stream):
        stream.write(f'<worksheet xmlns="{SHEET_NS}"><sheetData>{sheet_data}</sheetData></worksheet>'.encode())

    return _replace_part(_workbook(), SHEET_PART, write)
