"""A tagged PDF read as a screen reader would: its catalogue, metadata and structure tree, each structure element
with its role, /Lang, /Alt, table scope and the text of the content it holds (pikepdf for the objects, pypdf to
decode the text of each marked-content sequence). Shared by tests/reports/test_tagged_pdf.py and
tests/conecta/test_tagged_summaries.py."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pypdf import PdfReader

HEADINGS = ("H1", "H2", "H3", "H4", "H5", "H6")


@dataclass
class Element:
    role: str
    lang: str | None = None
    alt: str | None = None
    scope: str | None = None
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def all(self, role: str) -> list[Element]:
        return [element for element in self.walk() if element.role == role]

    def headings(self) -> list[tuple[int, str]]:
        """(level, text) of each heading, in the order of the tree (the reading order)."""
        return [(int(e.role[1]), e.text) for e in self.walk() if e.role in HEADINGS]


@dataclass
class TaggedPdf:
    catalog: dict
    info: dict
    xmp: dict
    tree: Element | None
    pdfinfo: dict


def _source(content) -> bytes:
    return Path(content).read_bytes() if isinstance(content, str | Path) else content


def _marked_texts(data: bytes) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page index, MCID)."""
    texts: dict[tuple[int, int], list[str]] = defaultdict(list)
    for index, page in enumerate(PdfReader(io.BytesIO(data)).pages):
        stack: list[int | None] = []

        def before(operator, operands, cm, tm, stack=stack):
            if operator == b"BDC":
                properties = operands[1] if len(operands) > 1 else None
                stack.append(properties.get("/MCID") if hasattr(properties, "get") else None)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(value, cm, tm, font, size, stack=stack, index=index):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                texts[(index, int(mcid))].append(value)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {key: "".join(parts) for key, parts in texts.items()}


def _tree(pdf: pikepdf.Pdf, data: bytes) -> Element | None:
    if "/StructTreeRoot" not in pdf.Root:
        return None
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    texts = _marked_texts(data)

    def build(node, page: int) -> Element:
        page = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
        attributes = node.get("/A")
        scoped = isinstance(attributes, pikepdf.Dictionary) and "/Scope" in attributes
        element = Element(
            role=str(node.S)[1:],
            lang=str(node.Lang) if "/Lang" in node else None,
            alt=str(node.Alt) if "/Alt" in node else None,
            scope=str(attributes.Scope)[1:] if scoped else None,
        )
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        parts = []
        for kid in kids:
            if isinstance(kid, int):
                parts.append(texts.get((page, int(kid)), ""))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                parts.append(texts.get((pages.get(kid.Pg.objgen, page), int(kid.MCID)), ""))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                child = build(kid, page)
                element.children.append(child)
                parts.append(child.text)
        element.text = " ".join(" ".join(parts).split())
        return element

    root = pdf.Root.StructTreeRoot
    kids = list(root.K) if isinstance(root.K, pikepdf.Array) else [root.K]
    document = Element(role="StructTreeRoot", children=[build(kid, 0) for kid in kids])
    document.text = " ".join(child.text for child in document.children)
    return document


def _pdfinfo(data: bytes) -> dict:
    """What poppler's pdfinfo says (an empty dict where it is not installed)."""
    if not shutil.which("pdfinfo"):
        return {}
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def read(content) -> TaggedPdf:
    """`content` (bytes or a path) read as a TaggedPdf."""
    data = _source(content)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        catalog = {
            "marked": bool(root.get("/MarkInfo", {}).get("/Marked", False)),
            "lang": str(root.Lang) if "/Lang" in root else None,
            "display_doc_title": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)),
            "struct_tree": "/StructTreeRoot" in root,
        }
        info = {str(key): str(value) for key, value in pdf.docinfo.items()}
        meta = pdf.open_metadata()
        xmp = {"title": meta.get("dc:title"), "pdfua_part": meta.get("pdfuaid:part")}
        tree = _tree(pdf, data)
    return TaggedPdf(catalog=catalog, info=info, xmp=xmp, tree=tree, pdfinfo=_pdfinfo(data))
