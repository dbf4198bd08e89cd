"""Small files of every kind an upload may be, built in memory: the accepted ones (a photo with its GPS position
in EXIF, office documents, a CSV) and the hostile ones (a web page, an SVG with script, an image and a PDF that
would unpack to far more than they weigh)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

from tests.factories import pdf_bytes

__all__ = ["pdf_bytes"]

HTML_PAGE = (
    b"<!DOCTYPE html><html><body><h1>Acta</h1><script>"
    b"fetch('/admin/auth/user/add/', {method: 'POST'})</script></body></html>"
)
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
# Where a phone put the photo: a house in Puyo (1°29'S, 78°0'W).
GPS = {1: "S", 2: (1.0, 29.0, 0.0), 3: "W", 4: (78.0, 0.0, 0.0)}


def photo_with_gps(*, size=(40, 20), orientation: int = 6, fmt: str = "JPEG") -> bytes:
    """A photo as a phone takes it: stored sideways with an EXIF orientation, its GPS position, its camera, an
    XMP packet and a comment."""
    image = Image.new("RGB", size, (200, 120, 40))
    image.putpixel((0, 0), (0, 0, 255))  # a blue top-left corner shows where the top ends up
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = GPS
    out = io.BytesIO()
    extra = {"comment": b"casa de la familia"} if fmt == "JPEG" else {}
    image.save(out, fmt, exif=exif.tobytes(), xmp=b"<x:xmpmeta>Puyo</x:xmpmeta>", **extra)
    return out.getvalue()


def png_bytes(size=(12, 8), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares `width` x `height` pixels, with almost no data: what a decompression bomb
    looks like before anyone decodes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def zip_bytes(members: dict[str, bytes], *, first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(zipfile.ZipInfo(first), members.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx_bytes(body: bytes = b"<w:document/>", **more: bytes) -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": body, **more})


def pptx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p:presentation/>"})


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["hito", "avance"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odf_bytes(mimetype: str) -> bytes:
    return zip_bytes({"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>"}, first="mimetype")


def ole_bytes(*streams: str) -> bytes:
    """A minimal OLE compound file ([MS-CFB], version 3) whose directory names `streams` (at most three)."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 40, 0, 1, 1, 0)  # no directory-sector count (v3), 1 FAT sector, directory at 1
    struct.pack_into("<IIIII", header, 56, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, free, free, free)
        struct.pack_into("<II", raw, 116, end, 0)
        return bytes(raw)

    directory = entry("Root Entry", 5) + b"".join(entry(name, 2) for name in streams)
    directory += b"\x00" * (512 - len(directory))
    return bytes(header) + fat + directory


def pdf_with_object_stream(padding: int) -> bytes:
    """A one-page PDF whose catalog sits in a compressed object stream that unpacks to `padding` bytes more
    than it needs: a PDF of a few KB that would take MBs (or GBs) of memory to read."""
    number = b"2 0 "
    packed = zlib.compress(number + b"<< /Type /Catalog /Pages 3 0 R >>" + b" " * padding, 9)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = {1: out.tell()}
    out.write(b"1 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
              % (len(number), len(packed)))
    out.write(packed + b"\nendstream\nendobj\n")
    offsets[3] = out.tell()
    out.write(b"3 0 obj\n<< /Type /Pages /Kids [4 0 R] /Count 1 >>\nendobj\n")
    offsets[4] = out.tell()
    out.write(b"4 0 obj\n<< /Type /Page /Parent 3 0 R /MediaBox [0 0 10 10] >>\nendobj\n")
    offsets[5] = out.tell()
    rows = [
        struct.pack(">BIH", 0, 0, 65535),
        struct.pack(">BIH", 1, offsets[1], 0),
        struct.pack(">BIH", 2, 1, 0),
        struct.pack(">BIH", 1, offsets[3], 0),
        struct.pack(">BIH", 1, offsets[4], 0),
        struct.pack(">BIH", 1, offsets[5], 0),
    ]
    xref = b"".join(rows)
    out.write(b"5 0 obj\n<< /Type /XRef /Size 6 /Root 2 0 R /W [1 4 2] /Length %d >>\nstream\n" % len(xref))
    out.write(xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[5])
    return out.getvalue()


def pdf_with_xref_entries(entries: int) -> bytes:
    """A one-page PDF whose compressed cross-reference stream lists `entries` objects: a few KB that pypdf
    would spend seconds and hundreds of MB reading."""
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = [out.tell()]
    out.write(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    offsets.append(out.tell())
    out.write(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n")
    offsets.append(out.tell())
    out.write(b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>\nendobj\n")
    start = out.tell()
    rows = struct.pack(">BIH", 0, 0, 65535) + b"".join(struct.pack(">BIH", 1, offset, 0) for offset in offsets)
    rows += struct.pack(">BIH", 1, offsets[0], 0) * entries
    packed = zlib.compress(rows, 9)
    out.write(b"4 0 obj\n<< /Type /XRef /Size %d /Root 1 0 R /W [1 4 2] /Filter /FlateDecode /Length %d >>\n"
              b"stream\n" % (entries + 4, len(packed)))
    out.write(packed + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()
