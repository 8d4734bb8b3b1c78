"""Turn loaded data into the final context and the rendered PDF and DOCX bytes."""

from __future__ import annotations

from importlib.metadata import version

from flask import current_app

from service.kinds.base import DocumentKind
from service.registry.store import Rendered
from service.rendering.docx import render_docx
from service.rendering.jinja_env import template_sha256
from service.rendering.pdf import render_pdf

LIBRARIES = ("weasyprint", "docxtpl", "pypdf", "jinja2", "babel")


def library_versions() -> dict:
    return {name: version(name) for name in LIBRARIES}


def full_context(kind: DocumentKind, data: dict, doc_meta: dict) -> dict:
    context = kind.build_context(data)
    context["doc"] = doc_meta
    return context


def render(kind: DocumentKind, data: dict, doc_meta: dict) -> Rendered:
    templates = current_app.config["DOC_TEMPLATES"]
    context = full_context(kind, data, doc_meta)
    pdf = render_pdf(templates, kind.html_template, context)
    docx = None
    if "docx" in kind.formats:
        docx = render_docx(templates, kind.docx_template, context, properties={
            "title": f"{doc_meta['title']} – {doc_meta['reference']} – v{doc_meta['version']}",
            "author": doc_meta["author_structure"],
            "subject": doc_meta["title"],
            "identifier": doc_meta["registry_id"],
            "comments": f"Registre {doc_meta['registry_id']} ; "
                        f"instantané sha256 {doc_meta['snapshot_sha256']}",
            "created": doc_meta["issued_at"].replace(tzinfo=None),
            "modified": doc_meta["issued_at"].replace(tzinfo=None),
            "last_modified_by": doc_meta["author_name"],
        })
    return Rendered(
        pdf=pdf,
        docx=docx,
        template_sha256=template_sha256(templates, kind.html_template, kind.docx_template),
        library_versions=library_versions(),
    )
