"""What a PDF contains, to check that compared engines produced comparable documents."""

from __future__ import annotations

import io


def describe(pdf: bytes) -> str:
    """'3 pages, 41 KB, fonts: DejaVuSansCondensed, ...' (subset prefixes dropped)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    fonts: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            name = str(font.get_object().get("/BaseFont", "?")).lstrip("/")
            fonts.add(name.split("+", 1)[-1])
    tagged = "/StructTreeRoot" in reader.trailer["/Root"]
    return (f"{len(reader.pages)} pages, {len(pdf) / 1024:.0f} KB, "
            f"{'tagged' if tagged else 'untagged'}, fonts: {', '.join(sorted(fonts)) or 'none'}")


def is_tagged(pdf: bytes) -> bool:
    """Whether the PDF has a structure tree (tagged, accessible PDF)."""
    from pypdf import PdfReader

    return "/StructTreeRoot" in PdfReader(io.BytesIO(pdf)).trailer["/Root"]
