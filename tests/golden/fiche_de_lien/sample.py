"""The sample fiche de lien context (golden input + a fixed `doc` block), shared by tests."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUT = HERE / "input.json"
TEMPLATES_DIR = str(HERE.parents[2] / "doc_templates")


def sample_doc() -> dict:
    """The `doc` block the registry adds to every context (always exactly these keys)."""
    from service.rendering.qr import qr_image

    return {
        "title": "Fiche de lien",
        "reference": "FL-3F2A9C1D",
        "version": 2,
        "issued_at": datetime.datetime(2026, 11, 27, 13, 32, tzinfo=datetime.UTC),
        "author_structure": "Accueil de jour Gammes – Montpellier",
        "author_name": "Élodie Marchand",
        "registry_id": "0b7c1c7e-1111-4222-8333-944455556666",
        "snapshot_sha256": "ab" * 32,
        "template_sha256": "cd" * 32,
        "organisation": "Plateforme Logement d'abord – Montpellier Méditerranée Métropole",
        "household_reference": "",
        "supersedes_version": 1,
        "verification_code": "K7QF-9M2X-P4TA",
        "verification_url": "http://127.0.0.1:5000/verifier/K7QF-9M2X-P4TA",
        "template_name": "fiche_de_lien.html",
        "libraries": {"weasyprint": "70.0", "docxtpl": "0.20.2"},
        "qr": qr_image("http://127.0.0.1:5000/verifier/K7QF-9M2X-P4TA"),
    }


def sample_input() -> dict:
    """The raw input, as the web form or the API would send it (before the schema loads it)."""
    return json.loads(INPUT.read_text(encoding="utf-8"))


def context_for(raw: dict) -> dict:
    """Load `raw` through the kind's schema and build the full rendering context."""
    from service.kinds import get

    kind = get("fiche_de_lien")
    data = kind.schema().load(raw)
    ctx = kind.build_context(data)
    ctx["doc"] = sample_doc()
    return ctx


def sample_context() -> dict:
    return context_for(sample_input())


# ---- text extraction for golden comparisons (shared with the hostile-text test) ----

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009\u2007]+")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def normalise(text: str) -> str:
    """Collapse runs of spaces (no-break ones included), strip lines, drop empty ones."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def pdf_text(pdf: bytes) -> str:
    """pypdf's text of each page, normalised, with a marker line per page."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = [f"=== page {n} ===\n{normalise(page.extract_text())}"
             for n, page in enumerate(reader.pages, start=1)]
    return "\n".join(pages) + "\n"


def docx_parts(docx: bytes) -> dict[str, bytes]:
    """Every XML part of the package (word/*.xml, docProps, content types, rels)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return {name: package.read(name) for name in package.namelist()
                if name.endswith((".xml", ".rels"))}


def _paragraph_text(paragraph) -> str:
    out = []
    for node in paragraph.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}cr"):
        if node.tag == f"{W}t":
            out.append(node.text or "")
        elif node.getparent().tag == f"{W}r":  # a w:tab inside w:tabs is a tab stop, not text
            out.append("\n" if node.tag in (f"{W}br", f"{W}cr") else " ")
    return "".join(out)


def docx_text(docx: bytes) -> str:
    """w:t text per paragraph of the body, then of the headers and footers, normalised."""
    from lxml import etree

    parts = docx_parts(docx)
    names = ["word/document.xml"] + sorted(
        n for n in parts if re.fullmatch(r"word/(header|footer)\d+\.xml", n))
    blocks = []
    for name in names:
        root = etree.fromstring(parts[name])
        text = "\n".join(_paragraph_text(p) for p in root.iter(f"{W}p"))
        blocks.append(f"=== {name} ===\n{normalise(text)}")
    return "\n".join(blocks) + "\n"


def pdf_names(pdf: bytes) -> set[str]:
    """Every dictionary key and name reachable from the trailer (object streams included)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    reader = PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            names.update(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
        elif isinstance(obj, NameObject):
            names.add(str(obj))
    return names
