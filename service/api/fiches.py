"""API for the fiche de lien: drafts, submission (idempotent), reading, downloads."""

from __future__ import annotations

import uuid

from flask import abort, g, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy import select

from service import kinds
from service.api.auth import require_token
from service.api.schemas import (
    DraftCreateSchema,
    DraftSchema,
    DraftUpdateSchema,
    EntrySchema,
    ReferralSchema,
)
from service.auth.policy import can_create, can_edit_draft, can_view_referral, require
from service.documents import flow
from service.documents.access import readable_entry
from service.documents.models import DRAFT, Draft
from service.extensions import db
from service.referrals.models import STATUSES, Referral
from service.referrals.service import latest_entry
from service.registry import audit
from service.registry.store import is_current

blp = Blueprint("api_fiches", __name__, url_prefix="/api/v1",
                description="Fiches de lien : brouillons, envoi, suivi des décisions")
blp.before_request(require_token)
KIND = "fiche_de_lien"
SECTIONS = {s.key for s in kinds.get(KIND).sections}


def _entry_json(entry) -> dict:
    return {
        "id": entry.id, "series_id": entry.series_id, "kind": entry.kind, "title": entry.title,
        "version": entry.version, "current": is_current(entry), "pdf_sha256": entry.pdf_sha256,
        "docx_sha256": entry.docx_sha256, "created_at": entry.created_at,
        "pdf_url": url_for("api_fiches.document_file", entry_id=entry.id, fmt="pdf"),
        "docx_url": url_for("api_fiches.document_file", entry_id=entry.id, fmt="docx"),
    }


def _referral_json(referral) -> dict:
    entry = latest_entry(referral.series_id)
    return {
        "id": referral.id, "status": referral.status, "status_label": STATUSES[referral.status],
        "decision_reason": referral.decision_reason, "decided_at": referral.decided_at,
        "household_reference": referral.household.reference if referral.household else None,
        "latest": _entry_json(entry), "snapshot": entry.snapshot,
    }


def _idempotency_key() -> str:
    key = request.headers.get("Idempotency-Key") or str(uuid.uuid4())
    if len(key) > 80:
        abort(400, description="Idempotency-Key trop long (80 caractères au plus).")
    return key


def _clean_sections(data: dict) -> dict:
    unknown = set(data) - SECTIONS
    if unknown:
        abort(422, description=f"Sections inconnues : {', '.join(sorted(unknown))}")
    return data


@blp.route("/fiches")
class Fiches(MethodView):
    @blp.response(200, ReferralSchema(many=True))
    def get(self):
        """Fiches envoyées par ma structure (ou toutes, pour la Plateforme)."""
        user = g.api_user
        query = select(Referral).order_by(Referral.received_at.desc()).limit(500)
        rows = [r for r in db.session.execute(query).scalars() if can_view_referral(user, r)]
        return [_referral_json(r) for r in rows]

    @blp.arguments(kinds.get(KIND).schema, location="json")
    @blp.response(201, ReferralSchema)
    def post(self, _loaded):
        """Créer et envoyer une fiche complète en un appel (idempotent : Idempotency-Key)."""
        user = g.api_user
        require(can_create(user, KIND))
        draft = flow.new_draft(KIND, user, data=request.get_json())
        referral = _finalise(draft, user)
        return _referral_json(referral), 201, {
            "Location": url_for("api_fiches.Fiche", referral_id=referral.id)}


def _finalise(draft, user) -> Referral:
    try:
        result = flow.finalise(draft, user, _idempotency_key())
    except ValidationError as exc:
        abort(422, errors={"json": exc.messages})
    except flow.IdempotencyConflict:
        db.session.delete(draft)
        db.session.commit()
        abort(409, description="Cette clé d'idempotence a déjà servi pour une autre fiche.")
    if result.replayed and draft.status == DRAFT:
        db.session.delete(draft)  # the retry's own draft is not needed
        db.session.commit()
    return db.session.execute(
        select(Referral).where(Referral.series_id == result.entry.series_id)).scalar_one()


@blp.route("/fiches/<referral_id>")
class Fiche(MethodView):
    @blp.response(200, ReferralSchema)
    def get(self, referral_id):
        """Une fiche : décision, version en vigueur, réponses enregistrées."""
        referral = db.session.get(Referral, referral_id)
        require(referral is not None and can_view_referral(g.api_user, referral))
        audit.record("view", "referral", referral.id, referral.household_id, user=g.api_user)
        db.session.commit()
        return _referral_json(referral)


@blp.route("/brouillons")
class Drafts(MethodView):
    @blp.arguments(DraftCreateSchema)
    @blp.response(201, DraftSchema)
    def post(self, args):
        """Commencer un brouillon de fiche (réponses partielles acceptées)."""
        require(can_create(g.api_user, KIND))
        return flow.new_draft(KIND, g.api_user, data=_clean_sections(args["data"]))


@blp.route("/brouillons/<draft_id>")
class DraftResource(MethodView):
    @blp.response(200, DraftSchema)
    def get(self, draft_id):
        draft = db.session.get(Draft, draft_id)
        require(draft is not None and can_edit_draft(g.api_user, draft))
        return draft

    @blp.arguments(DraftUpdateSchema)
    @blp.response(200, DraftSchema)
    def patch(self, args, draft_id):
        """Enregistrer des sections ; 409 si le brouillon a changé depuis la version lue."""
        draft = db.session.get(Draft, draft_id)
        require(draft is not None and can_edit_draft(g.api_user, draft)
                and draft.status == DRAFT)
        expected = args["version"]
        for key, raw in _clean_sections(args["data"]).items():
            try:
                flow.save_section(draft, key, raw, expected)
            except flow.StaleDraft:
                abort(409, description="Le brouillon a été modifié depuis la version lue.")
            expected = draft.version_id
        return draft


@blp.route("/brouillons/<draft_id>/envoi", methods=["POST"])
@blp.response(201, ReferralSchema)
def submit_draft(draft_id):
    """Valider et envoyer un brouillon (idempotent : en-tête Idempotency-Key)."""
    draft = db.session.get(Draft, draft_id)
    require(draft is not None and can_edit_draft(g.api_user, draft))
    return _referral_json(_finalise(draft, g.api_user))


@blp.route("/documents/<entry_id>")
@blp.response(200, EntrySchema)
def document(entry_id):
    """Métadonnées d'une version enregistrée."""
    entry, _, _ = readable_entry(g.api_user, entry_id)
    return _entry_json(entry)


@blp.route("/documents/<entry_id>/<fmt>")
@blp.response(200, content_type="application/octet-stream")
def document_file(entry_id, fmt):
    """Le PDF ou le DOCX d'une version (lecture tracée)."""
    from service.web.documents_views import MIME, _attachment

    if fmt not in MIME:
        abort(404)
    entry, series, household = readable_entry(g.api_user, entry_id)
    from service.documents.access import subject_label
    from service.registry.store import blob_store, download_name

    digest = entry.pdf_sha256 if fmt == "pdf" else entry.docx_sha256
    if digest is None:
        abort(404)
    audit.record("download", "document", entry.id, series.household_id, user=g.api_user,
                 format=fmt, via="api")
    db.session.commit()
    return _attachment(blob_store().get(digest), MIME[fmt],
                       download_name(entry, fmt, subject_label(series, household)))
