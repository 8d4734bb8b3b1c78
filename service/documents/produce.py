"""Turn loaded data into the final context and the rendered PDF and DOCX bytes."""

from __future__ import annotations

from importlib.metadata import version

from flask import current_app

from service.kinds.base import DocumentKind
from service.registry.store import Rendered
from service.rendering.docx import render_docx
from service.rendering.jinja_env import template_sha256
from service.rendering.pdf import layout, render_html, write
from service.rendering.preflight import Preflight, document_fonts
from service.rendering.provenance import xmp_rdf
from service.rendering.qr import qr_image

LIBRARIES = ("weasyprint", "docxtpl", "pypdf", "jinja2", "babel")


def library_versions() -> dict:
    return {name: version(name) for name in LIBRARIES}


def provenance_meta(kind: DocumentKind, code: str) -> dict:
    """What every document of this kind records about how it was made (besides its data)."""
    templates = current_app.config["DOC_TEMPLATES"]
    return {
        "verification_code": code,
        "verification_url": f"{current_app.config['PUBLIC_BASE_URL']}/verifier/{code}",
        "template_name": kind.html_template,
        "template_sha256": template_sha256(templates, kind.html_template, kind.docx_template),
        "libraries": library_versions(),
    }


def full_context(kind: DocumentKind, data: dict, doc_meta: dict) -> dict:
    context = kind.build_context(data)
    context["doc"] = {**doc_meta, "qr": qr_image(doc_meta["verification_url"])}
    return context


class PreflightError(Exception):
    """The document would be released with a fault; nothing is registered."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def render(kind: DocumentKind, data: dict, doc_meta: dict, preflight: bool = True) -> Rendered:
    """PDF (PDF/A, provenance in XMP) and DOCX; preflight checks both before anything is kept."""
    templates = current_app.config["DOC_TEMPLATES"]
    context = full_context(kind, data, doc_meta)
    document = layout(templates, render_html(templates, kind.html_template, context))
    pdf = write(document, current_app.config["PDF_VARIANT"], xmp_rdf(doc_meta))
    docx = render_docx(templates, kind.docx_template, context,
                       properties=docx_properties(doc_meta)) if "docx" in kind.formats else None
    if preflight:
        totals = kind.totals(context) if kind.totals else {}
        messages = Preflight(context, document, pdf, docx, page_bounds=kind.page_bounds,
                             font_paths=tuple(document_fonts(templates)), totals=totals).run()
        if messages:
            raise PreflightError(messages)
    return Rendered(pdf=pdf, docx=docx, template_sha256=doc_meta["template_sha256"],
                    library_versions=doc_meta["libraries"])


def docx_properties(doc_meta: dict) -> dict:
    """Core properties hold 255 characters each: provenance is spread over several."""
    return {
        "title": f"{doc_meta['title']} – {doc_meta['reference']} – v{doc_meta['version']}",
        "author": doc_meta["author_structure"],
        "subject": doc_meta["title"],
        "identifier": doc_meta["registry_id"],
        "keywords": f"verification-code={doc_meta['verification_code']}",
        "comments": f"Instantané SHA-256 {doc_meta['snapshot_sha256']} ; modèle "
                    f"{doc_meta['template_name']} SHA-256 {doc_meta['template_sha256']}",
        "version": ", ".join(f"{k} {v}" for k, v in doc_meta["libraries"].items()),
        "category": "Registre des documents Logement d'abord",
        "created": doc_meta["issued_at"].replace(tzinfo=None),
        "modified": doc_meta["issued_at"].replace(tzinfo=None),
        "last_modified_by": doc_meta["author_name"],
    }
