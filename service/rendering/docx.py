"""Context -> DOCX with docxtpl, through the shared Jinja environment with autoescape."""

from __future__ import annotations

import io
from pathlib import Path

from docxtpl import DocxTemplate

from service.rendering.jinja_env import document_env
from service.rendering.sanitize import strip_controls


def render_docx(templates_dir: str, template: str, context: dict,
                properties: dict | None = None) -> bytes:
    doc = DocxTemplate(str(Path(templates_dir) / template))
    doc.render(strip_controls(context), jinja_env=document_env(templates_dir), autoescape=True)
    core = doc.docx.core_properties
    for key, value in (properties or {}).items():
        setattr(core, key, strip_controls(value))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def undeclared_variables(templates_dir: str, template: str) -> set[str]:
    doc = DocxTemplate(str(Path(templates_dir) / template))
    return doc.get_undeclared_template_variables(document_env(templates_dir))
