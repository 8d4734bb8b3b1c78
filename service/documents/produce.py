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

from service import faults
from service.documents.locate import locate
from service.documents.models import DocumentSeries
from service.documents.subjects import Subject, series_fields
from service.errors import IdempotencyConflict, Invalid, OperationError
from service.errors import PreflightFailed as PreflightError
from service.extensions import db
from service.ids import new_id
from service.interpreter import collector_paused
from service.jobs.queue import enqueue
from service.kinds.base import DocumentKind, Output
from service.registry import audit
from service.registry.chain import sha256_json
from service.registry.codes import new_code
from service.registry.models import RegistryEntry
from service.registry.store import Rendered, RenderedFile, append, blob_store, next_version
from service.rendering.docx import render_docx
from service.rendering.jinja_env import template_sha256
from service.rendering.pdf import layout, render_html, write
from service.rendering.preflight import Preflight, check_docx, document_fonts
from service.rendering.preflight_pdf import expected_values
from service.rendering.provenance import xmp_rdf
from service.rendering.qr import qr_image
from service.timeutil import utcnow

# The job kind that makes a version's deferred outputs (documents/deferred.py).
DEFERRED_FILES = "fichiers_differes"

signals = Namespace()
# Sent inside the registering transaction: receivers add their rows to the same commit
# (a fiche opens a referral); arguments: entry, kind, subject, user, loaded.
document_registered = signals.signal("document-registered")

LIBRARIES = ("weasyprint", "docxtpl", "pypdf", "jinja2", "babel")
# Appends of one rendered version at the head of the hash chain before giving up (each retry
# follows a concurrent write that took the place).
APPEND_ATTEMPTS = 8


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


def render(kind: DocumentKind, data: dict, doc_meta: dict, preflight: bool = True,
           outputs: tuple[Output, ...] | None = None) -> Rendered:
    """The kind's outputs (all, or those named); the PDF is PDF/A with provenance in XMP;
    preflight checks the PDF and the DOCX rendered before anything is kept. The collector is
    paused for the whole of it, laid-out document and preflight included
    (service/interpreter.py)."""
    with collector_paused():
        return _render(kind, data, doc_meta, preflight, outputs)


def _render(kind: DocumentKind, data: dict, doc_meta: dict, preflight: bool,
            outputs: tuple[Output, ...] | None) -> Rendered:
    templates = current_app.config["DOC_TEMPLATES"]
    context = full_context(kind, data, doc_meta)
    document = None
    files = []
    for output in outputs if outputs is not None else kind.outputs:
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
    if preflight and document is None:  # outputs made later: the DOCX alone is checked
        messages = check_docx(rendered.docx, expected_values(context, with_doc=False)) \
            if rendered.docx is not None else []
        if messages:
            raise PreflightError(messages)
    elif preflight:
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
    # Known before rendering: the series (its id is printed in the reference), then each
    # attempt's version. Rendering takes seconds and writes nothing: no write lock is held
    # while it runs (SQLite's single writer stays free), and the writes that follow are short.
    series_id = series.id if series is not None else new_id()
    prepared = None
    for attempt in range(APPEND_ATTEMPTS):
        version = next_version(series_id)
        if prepared is None or prepared.meta["version"] != version or _code_taken(prepared):
            # The first attempt, or a version registered meanwhile in the same series: what is
            # printed changed, so render again (the earlier files are orphans in their grace
            # period, collected by `registry gc`).
            try:
                prepared = _prepare(kind, subject, loaded, snapshot, user, series_id, version)
            except PreflightError as exc:  # rendered but faulty: nothing was stored
                raise PreflightError(exc.problems, locate(kind, data, exc.problems)) from exc
        try:
            entry = _register(prepared, kind, subject, loaded, snapshot, user, key, series)
            if on_registered is not None:
                on_registered(entry)
            faults.point("before-commit")
            db.session.commit()
            faults.point("after-commit")
            if len(entry.files) < len(kind.outputs):  # the rest is made by a worker
                enqueue(DEFERRED_FILES, "entry", entry.id, user)
            return Produced(entry, replayed=False)
        except IntegrityError:
            # Another write took this place in the hash chain (or this key): append the same
            # files again at the new head, without rendering them again.
            db.session.rollback()
            existing = by_key(key)
            if existing is not None:  # a concurrent request with the same key won
                return _replay(existing, kind, snapshot, key)
            if attempt == APPEND_ATTEMPTS - 1:
                raise
        except OperationError:
            db.session.rollback()  # a receiver refused (the draft was sent meanwhile)
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


@dataclass
class Prepared:
    """A version rendered before anything is written: registered as is on every attempt."""

    series_id: str
    entry_id: str
    meta: dict
    rendered: Rendered


def _prepare(kind, subject: Subject, loaded, snapshot, user, series_id: str,
             version: int) -> Prepared:
    entry_id = new_id()
    meta = {
        **provenance_meta(kind, new_code()),
        "title": kind.title,
        "reference": reference_for(kind, series_id),
        "version": version,
        "issued_at": utcnow().replace(microsecond=0),
        "author_structure": user.structure.name,
        "author_name": user.full_name,
        "registry_id": entry_id,
        "snapshot_sha256": sha256_json(snapshot),
        "organisation": current_app.config["ORGANISATION_NAME"],
        "household_reference": subject.reference,
        "supersedes_version": version - 1 if version > 1 else None,
    }
    now = [o for o in kind.outputs if not (o.deferred and current_app.config["DEFER_OUTPUTS"])]
    rendered = render(kind, loaded, meta, outputs=tuple(now))
    faults.point("after-render")
    store = blob_store()
    for rendered_file in rendered.files:  # fsynced before the transaction, which stays short
        store.put(rendered_file.data)
    faults.point("after-blobs")
    return Prepared(series_id, entry_id, meta, rendered)


def _code_taken(prepared: Prepared) -> bool:
    """Codes are random (60 bits): taken by another version only in theory, checked anyway."""
    code = prepared.meta["verification_code"]
    return db.session.execute(select(RegistryEntry.id).where(
        RegistryEntry.verification_code == code)).first() is not None


def _register(prepared: Prepared, kind, subject: Subject, loaded, snapshot, user, key, series):
    """The writes of one attempt, in one short transaction; the caller commits."""
    if series is None:
        series = DocumentSeries(id=prepared.series_id, kind=kind.key,
                                structure_id=subject.structure_id or user.structure_id,
                                **series_fields(subject))
        db.session.add(series)
        db.session.flush()
    meta = prepared.meta
    entry = append(series=series, kind=kind.key, title=kind.title, snapshot=snapshot,
                   snapshot_sha256=meta["snapshot_sha256"], rendered=prepared.rendered,
                   user=user, idempotency_key=key, entry_id=prepared.entry_id,
                   render_meta=meta, version=meta["version"])
    audit.record("create", "document", entry.id, series.household_id, user=user,
                 kind=kind.key, version=entry.version)
    # Flask types current_app as the Flask object it proxies, hiding the proxy's own method.
    document_registered.send(current_app._get_current_object(),  # type: ignore[attr-defined]
                             entry=entry, kind=kind, subject=subject, user=user, loaded=loaded)
    return entry


def reference_of(kind: DocumentKind, series: DocumentSeries) -> str:
    """A document's own reference, e.g. « FL-3F2A9C01 »: the kind's prefix and the series."""
    return reference_for(kind, series.id)


def reference_for(kind: DocumentKind, series_id: str) -> str:
    return f"{kind.reference_prefix}-{series_id[:8].upper()}"
