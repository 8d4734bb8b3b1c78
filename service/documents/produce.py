"""Turn loaded data into the final context and the rendered PDF and DOCX bytes."""

from __future__ import annotations

from importlib.metadata import version

from flask import current_app

from service.kinds.base import DocumentKind
from service.registry.store import Rendered
from service.rendering.docx import render_docx
from service.rendering.jinja_env import template_sha256
from service.rendering.pdf import render_pdf
from service.rendering.provenance import xmp_rdf
from service.rendering.qr import qr_svg

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
    context["doc"] = {**doc_meta, "qr": qr_svg(doc_meta["verification_url"])}
    return context


def render(kind: DocumentKind, data: dict, doc_meta: dict) -> Rendered:
    templates = current_app.config["DOC_TEMPLATES"]
    context = full_context(kind, data, doc_meta)
    pdf = render_pdf(templates, kind.html_template, context,
                     variant=current_app.config["PDF_VARIANT"], extra_rdf=xmp_rdf(doc_meta))
    docx = None
    if "docx" in kind.formats:
        docx = render_docx(templates, kind.docx_template, context, properties={
            "title": f"{doc_meta['title']} – {doc_meta['reference']} – v{doc_meta['version']}",
            "author": doc_meta["author_structure"],
            "subject": doc_meta["title"],
            "identifier": doc_meta["registry_id"],
            "keywords": f"verification-code={doc_meta['verification_code']}",
            # Core properties hold 255 characters each: provenance is spread over three.
            "comments": f"Instantané SHA-256 {doc_meta['snapshot_sha256']} ; modèle "
                        f"{doc_meta['template_name']} SHA-256 {doc_meta['template_sha256']}",
            "version": ", ".join(f"{k} {v}" for k, v in doc_meta["libraries"].items()),
            "category": "Registre des documents Logement d'abord",
            "created": doc_meta["issued_at"].replace(tzinfo=None),
            "modified": doc_meta["issued_at"].replace(tzinfo=None),
            "last_modified_by": doc_meta["author_name"],
        })
    return Rendered(pdf=pdf, docx=docx, template_sha256=doc_meta["template_sha256"],
                    library_versions=doc_meta["libraries"])
