"""Produce a document: validate, render every output, preflight, register (one transaction)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import version

from blinker import Namespace
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.documents.models import DocumentSeries
from service.documents.subjects import Subject, series_fields
from service.errors import IdempotencyConflict, Invalid
from service.errors import PreflightFailed as PreflightError
from service.extensions import db
from service.ids import new_id
from service.kinds.base import DocumentKind
from service.registry import audit
from service.registry.chain import sha256_json
from service.registry.codes import new_code
from service.registry.models import RegistryEntry
from service.registry.store import Rendered, RenderedFile, append, next_version
from service.rendering.docx import render_docx
from service.rendering.jinja_env import template_sha256
from service.rendering.pdf import layout, render_html, write
from service.rendering.preflight import Preflight, document_fonts
from service.rendering.provenance import xmp_rdf
from service.rendering.qr import qr_image
from service.timeutil import utcnow

signals = Namespace()
# Sent inside the registering transaction: receivers add their rows to the same commit
# (a fiche opens a referral); arguments: entry, kind, subject, user, loaded.
document_registered = signals.signal("document-registered")

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
        "template_sha256": template_sha256(templates, *kind.templates),
        "libraries": library_versions(),
    }


def full_context(kind: DocumentKind, data: dict, doc_meta: dict) -> dict:
    context = kind.build_context(data)
    context["doc"] = {**doc_meta, "qr": qr_image(doc_meta["verification_url"])}
    return context


def render(kind: DocumentKind, data: dict, doc_meta: dict, preflight: bool = True) -> Rendered:
    """Every output of the kind; the PDF is PDF/A with provenance in XMP; preflight checks the
    PDF and the DOCX before anything is kept."""
    templates = current_app.config["DOC_TEMPLATES"]
    context = full_context(kind, data, doc_meta)
    document = None
    files = []
    for output in kind.outputs:
        if output.format == "pdf" and output.template:
            document = layout(templates, render_html(templates, output.template, context))
            content = write(document, current_app.config["PDF_VARIANT"], xmp_rdf(doc_meta))
        elif output.format == "docx" and output.template:
            content = render_docx(templates, output.template, context,
                                  properties=docx_properties(doc_meta))
        elif output.build is not None:
            content = output.build(context)
        else:
            raise LookupError(f"{kind.key}: no way to produce {output.format}")
        files.append(RenderedFile(output.format, output.media_type, content, output.role))
    rendered = Rendered(files, doc_meta["template_sha256"], doc_meta["libraries"])
    if preflight:
        totals = kind.totals(context) if kind.totals else {}
        messages = Preflight(context, document, rendered.pdf, rendered.docx,
                             page_bounds=kind.page_bounds,
                             font_paths=tuple(document_fonts(templates)), totals=totals).run()
        if messages:
            raise PreflightError(messages)
    return rendered


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


@dataclass
class Produced:
    entry: RegistryEntry
    replayed: bool


def produce(kind: DocumentKind, subject: Subject, data: dict, user, idempotency_key: str, *,
            series: DocumentSeries | None = None, on_registered=None) -> Produced:
    """Validate `data` with the kind's schema, render every output, preflight, register.

    The one way a document enters the registry: a draft's finalisation calls it, and so does a
    document built from the records. A repeated key replays the first result; keys are scoped
    to the user (SECURITY C4), so another user's key never replays their document.
    `on_registered(entry)` runs inside the registering transaction (a draft marks itself sent).
    """
    key = scoped_key(user, idempotency_key)
    try:
        loaded = kind.schema().load(data or {})
    except ValidationError as exc:
        raise Invalid(exc.messages) from exc
    snapshot = kind.schema().dump(loaded)
    existing = by_key(key)
    if existing is not None:  # a retry: same payload replays, else conflict
        return _replay(existing, kind, snapshot, key)
    for attempt in range(5):
        try:
            entry = _register(kind, subject, loaded, snapshot, user, key, series)
            if on_registered is not None:
                on_registered(entry)
            db.session.commit()
            return Produced(entry, replayed=False)
        except PreflightError:
            db.session.rollback()  # rendered but faulty: nothing was stored
            raise
        except IntegrityError:
            db.session.rollback()
            existing = by_key(key)
            if existing is not None:  # a concurrent request with the same key won
                return _replay(existing, kind, snapshot, key)
            if attempt == 4:
                raise
    raise RuntimeError("unreachable")


def scoped_key(user, key: str) -> str:
    return hashlib.sha256(f"{user.id}\n{key}".encode()).hexdigest()


def by_key(scoped: str) -> RegistryEntry | None:
    return db.session.execute(
        select(RegistryEntry).where(RegistryEntry.idempotency_key == scoped)
    ).scalar_one_or_none()


def _replay(existing: RegistryEntry, kind: DocumentKind, snapshot: dict, key: str) -> Produced:
    if existing.snapshot_sha256 != sha256_json(snapshot) or existing.kind != kind.key:
        raise IdempotencyConflict()
    return Produced(existing, replayed=True)


def _register(kind, subject: Subject, loaded, snapshot, user, key, series):
    if series is None:
        series = DocumentSeries(id=new_id(), kind=kind.key,
                                structure_id=subject.structure_id or user.structure_id,
                                **series_fields(subject))
        db.session.add(series)
        db.session.flush()
    version = next_version(series.id)
    entry_id = new_id()
    snapshot_sha = sha256_json(snapshot)
    meta = {
        **provenance_meta(kind, new_code()),
        "title": kind.title,
        "reference": reference_of(kind, series),
        "version": version,
        "issued_at": utcnow().replace(microsecond=0),
        "author_structure": user.structure.name,
        "author_name": user.full_name,
        "registry_id": entry_id,
        "snapshot_sha256": snapshot_sha,
        "organisation": current_app.config["ORGANISATION_NAME"],
        "household_reference": subject.reference,
        "supersedes_version": version - 1 if version > 1 else None,
    }
    rendered = render(kind, loaded, meta)
    entry = append(series=series, kind=kind.key, title=kind.title, snapshot=snapshot,
                   snapshot_sha256=snapshot_sha, rendered=rendered, user=user,
                   idempotency_key=key, entry_id=entry_id, render_meta=meta)
    audit.record("create", "document", entry.id, series.household_id, user=user,
                 kind=kind.key, version=version)
    document_registered.send(current_app._get_current_object(), entry=entry, kind=kind,
                             subject=subject, user=user, loaded=loaded)
    return entry


def reference_of(kind: DocumentKind, series: DocumentSeries) -> str:
    """A document's own reference, e.g. « FL-3F2A9C01 »: the kind's prefix and the series."""
    return f"{kind.reference_prefix}-{series.id[:8].upper()}"
