"""Context -> DOCX with docxtpl, through the shared Jinja environment with autoescape."""

from __future__ import annotations

import io
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from service.rendering.jinja_env import document_env
from service.rendering.sanitize import strip_controls
from service.rendering.signature_images import SignatureImage, png_size

# A drawn signature in the DOCX: as high as the PDF's signature box, never wider than its cell.
SIGNATURE_HEIGHT_MM, SIGNATURE_MAX_WIDTH_MM = 15, 60


def render_docx(templates_dir: str, template: str, context: dict,
                properties: dict | None = None) -> bytes:
    doc = DocxTemplate(str(Path(templates_dir) / template))
    doc.render(_pictures(doc, strip_controls(context)), jinja_env=document_env(templates_dir),
               autoescape=True)
    core = doc.docx.core_properties
    for key, value in (properties or {}).items():
        setattr(core, key, strip_controls(value))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pictures(doc: DocxTemplate, value):
    """Drawn signatures (an <img> for the HTML) and charts (an <svg>: anything with a
    `docx_picture()` giving PNG bytes and a width in mm) become pictures of the DOCX itself."""
    if hasattr(value, "docx_picture"):
        png, width_mm = value.docx_picture()
        return InlineImage(doc, io.BytesIO(png), width=Mm(width_mm))
    if isinstance(value, SignatureImage):
        width, height = png_size(value.png)
        size = ({"height": Mm(SIGNATURE_HEIGHT_MM)}
                if width * SIGNATURE_HEIGHT_MM <= height * SIGNATURE_MAX_WIDTH_MM
                else {"width": Mm(SIGNATURE_MAX_WIDTH_MM)})
        return InlineImage(doc, io.BytesIO(value.png), **size)
    if isinstance(value, dict):
        return {k: _pictures(doc, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_pictures(doc, v) for v in value]
    return value


def undeclared_variables(templates_dir: str, template: str) -> set[str]:
    doc = DocxTemplate(str(Path(templates_dir) / template))
    return doc.get_undeclared_template_variables(document_env(templates_dir))
