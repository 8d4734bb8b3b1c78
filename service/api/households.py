"""API for a household's documents (plan d'action, protocole de crise), signatures and alerts."""

from __future__ import annotations

import base64

from flask import g, request
from flask_smorest import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service import kinds
from service.api import errors, pagination
from service.api.auth import require_token
from service.api.documents import entries_json, entry_json, idempotency_key
from service.api.spec import kind_parameter
from service.attachments import attachment
from service.auth.policy import can_read_series, can_view_household
from service.auth.policy import require as require_found
from service.documents import sealing
from service.documents.models import DocumentSeries
from service.documents.subjects import subjects_of
from service.errors import OperationError
from service.extensions import db
from service.households.models import Household
from service.households.service import household_alerts
from service.kinds.base import HOUSEHOLD
from service.operations import documents, subject_access
from service.registry.models import RegistryEntry

blp = Blueprint("api_households", __name__, url_prefix="/api/v1",
                description="Documents d'un ménage : plan d'action, protocole de crise, signatures")
blp.before_request(require_token)
errors.register(blp)


def _household(household_id: str) -> Household:
    household = db.session.get(Household, household_id)
    require_found(household is not None and can_view_household(g.api_user, household))
    assert household is not None  # require_found() answered 404 otherwise
    return household


@blp.route("/menages/<household_id>/documents", methods=["GET"])
@blp.arguments(pagination.PageArguments, location="query")
@blp.response(200, headers=pagination.HEADERS)
def household_documents(args, household_id):
    """Every version the caller may read, newest first, by pages (`page`, `per_page` : 50 par
    défaut, 200 au plus ; `total` et `links` dans la réponse, en-têtes X-Pagination et Link),
    and the charter alerts."""
    household = _household(household_id)
    series = db.session.execute(
        select(DocumentSeries).where(DocumentSeries.household_id == household.id)).scalars().all()
    subjects = subjects_of(list(series))
    readable = [s.id for s in series if can_read_series(g.api_user, s, subjects[s.id])]
    page = pagination.paginate(
        select(RegistryEntry).where(RegistryEntry.series_id.in_(readable))
        .options(selectinload(RegistryEntry.files))
        .order_by(RegistryEntry.created_at.desc(), RegistryEntry.seq.desc()), args,
        key=RegistryEntry.id)
    return {"reference": household.reference,
            "documents": entries_json(page.items),
            "total": page.total, "page": page.number, "per_page": page.per_page,
            "links": pagination.links(page),
            "alertes": [{"code": a.code, "message": a.message,
                         "echeance": a.due.isoformat() if a.due else None}
                        for a in household_alerts(household.id)]}, pagination.headers(page)


@blp.route("/menages/<household_id>/export-rgpd", methods=["GET"])
@blp.response(200, content_type="application/zip")
def export_household(household_id):
    """Toutes les données d'un ménage (droit d'accès et portabilité, RGPD art. 15 et 20) : une
    archive ZIP (données JSON, chaque document enregistré, journal des accès). Réservé à
    l'encadrant de l'équipe qui accompagne le ménage ; l'export est tracé."""
    try:
        made = subject_access.export_household(g.api_user, household_id)
    except OperationError as exc:
        errors.abort_for(exc)
    return attachment(made.data, "application/zip", made.filename)


@blp.route("/menages/<household_id>/documents/<kind_key>", methods=["POST"], parameters=[
    kind_parameter(HOUSEHOLD, "Document du ménage à créer (plan d'action, protocole…)")])
@blp.response(201)
def create_document(household_id, kind_key):
    """Create and register a household document of any kind about households (the kind's
    schema and French messages, as the web form); idempotent by Idempotency-Key."""
    household = _household(household_id)
    kind = kinds.find(kind_key)
    require_found(kind is not None)
    try:
        result = documents.create_for_household(kind, household, request.get_json(silent=True),
                                                g.api_user, idempotency_key())
    except OperationError as exc:
        errors.abort_for(exc)
    return entry_json(result.entry)


def _signable(entry_id: str) -> RegistryEntry:
    entry = db.session.get(RegistryEntry, entry_id)
    try:
        return documents.signable(entry, kinds.find(entry.kind) if entry else None, g.api_user)
    except OperationError as exc:
        errors.abort_for(exc)


@blp.route("/documents/<entry_id>/signatures", methods=["POST"])
@blp.response(201)
def add_signature(entry_id):
    """One signatory: {nom, qualite, methode: dessin|nom_tape|refus, dessin_png_base64, motif}."""
    entry = _signable(entry_id)
    body = request.get_json(silent=True) or {}
    png = None
    if body.get("methode") == "dessin":
        try:
            png = base64.b64decode(str(body.get("dessin_png_base64", "")), validate=True)
        except ValueError:
            abort(422, message="Le dessin doit être une image PNG encodée en base64.")
    try:
        signature = documents.sign(entry, g.api_user, name=str(body.get("nom", "")),
                                   quality=str(body.get("qualite", "")),
                                   method=str(body.get("methode", "")), png=png,
                                   reason=body.get("motif"))
    except OperationError as exc:
        errors.abort_for(exc)
    return {"id": signature.id, "position": signature.position, "manque": sealing.missing(entry)}


@blp.route("/documents/<entry_id>/sceau", methods=["POST"])
@blp.response(201)
def seal(entry_id):
    """Seal once the person (or their refusal) and a professional are recorded."""
    entry = _signable(entry_id)
    try:
        return entry_json(documents.seal(entry, g.api_user))
    except OperationError as exc:
        errors.abort_for(exc)
