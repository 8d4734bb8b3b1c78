"""API for a household's documents (plan d'action, protocole de crise), signatures and alerts."""

from __future__ import annotations

import base64
import uuid

from flask import g, request, url_for
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError
from sqlalchemy import select

from service import kinds
from service.api import errors
from service.api.auth import require_token
from service.auth.policy import HOUSEHOLD_KINDS, can_create, can_read_series, can_view_household
from service.auth.policy import require as require_found
from service.documents import flow, sealing
from service.documents.models import DocumentSeries
from service.documents.produce import PreflightError
from service.extensions import db
from service.households.models import Household
from service.households.service import household_alerts
from service.registry.models import RegistryEntry
from service.registry.store import is_current

blp = Blueprint("api_households", __name__, url_prefix="/api/v1",
                description="Documents d'un ménage : plan d'action, protocole de crise, signatures")
blp.before_request(require_token)
errors.register(blp)


def _household(household_id: str) -> Household:
    household = db.session.get(Household, household_id)
    require_found(household is not None and can_view_household(g.api_user, household))
    return household


def _entry_json(entry: RegistryEntry) -> dict:
    return {
        "id": entry.id, "kind": entry.kind, "title": entry.title, "version": entry.version,
        "status": entry.status, "current": is_current(entry),
        "verification_code": entry.verification_code, "pdf_sha256": entry.pdf_sha256,
        "created_at": entry.created_at.isoformat(),
        "pdf_url": url_for("api_fiches.document_file", entry_id=entry.id, fmt="pdf"),
    }


@blp.route("/menages/<household_id>/documents", methods=["GET"])
@blp.response(200)
def household_documents(household_id):
    """Every version the caller may read, newest first, and the charter alerts."""
    household = _household(household_id)
    entries = db.session.execute(
        select(RegistryEntry).join(DocumentSeries, DocumentSeries.id == RegistryEntry.series_id)
        .where(DocumentSeries.household_id == household.id)
        .order_by(RegistryEntry.created_at.desc())).scalars().all()
    readable = [e for e in entries if can_read_series(g.api_user, e.series, household=household)]
    return {"reference": household.reference,
            "documents": [_entry_json(e) for e in readable],
            "alertes": [{"code": a.code, "message": a.message,
                         "echeance": a.due.isoformat() if a.due else None}
                        for a in household_alerts(household.id)]}


@blp.route("/menages/<household_id>/documents/<kind_key>", methods=["POST"])
@blp.response(201)
def create_document(household_id, kind_key):
    """Create and register a plan or a protocol (same schema and messages as the web form)."""
    household = _household(household_id)
    require_found(kind_key in HOUSEHOLD_KINDS and can_create(g.api_user, kind_key, household))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(422, message="Un objet JSON est attendu.")
    draft = flow.new_draft(kind_key, g.api_user, household_id=household.id, data=payload)
    key = request.headers.get("Idempotency-Key") or str(uuid.uuid4())
    try:
        result = flow.finalise(draft, g.api_user, f"api:{key[:80]}",
                               household_reference=household.reference)
    except ValidationError as exc:
        _drop(draft)
        abort(422, errors={"json": errors.french(exc.messages)},
              message="Réponses manquantes ou incorrectes.")
    except PreflightError as exc:
        _drop(draft)
        abort(422, errors={"preflight": exc.messages},
              message="Le document produit n'a pas passé les contrôles.")
    except flow.IdempotencyConflict:
        _drop(draft)
        abort(409, message="Cette clé d'idempotence a déjà servi pour un autre document.")
    if result.replayed:
        _drop(draft)
    return _entry_json(result.entry)


def _drop(draft) -> None:
    db.session.delete(draft)
    db.session.commit()


def _signable(entry_id: str) -> RegistryEntry:
    entry = db.session.get(RegistryEntry, entry_id)
    require_found(entry is not None)
    household = db.session.get(Household, entry.series.household_id) \
        if entry.series.household_id else None
    require_found(household is not None and kinds.get(entry.kind).signed
                  and can_create(g.api_user, entry.kind, household)
                  and entry.status == "final" and is_current(entry))
    return entry


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
        signature = sealing.record(entry, g.api_user, name=str(body.get("nom", "")),
                                   quality=str(body.get("qualite", "")),
                                   method=str(body.get("methode", "")), png=png,
                                   reason=body.get("motif"))
    except ValueError as exc:
        abort(422, message=str(exc))
    return {"id": signature.id, "position": signature.position, "manque": sealing.missing(entry)}


@blp.route("/documents/<entry_id>/sceau", methods=["POST"])
@blp.response(201)
def seal(entry_id):
    """Seal once the person (or their refusal) and a professional are recorded."""
    entry = _signable(entry_id)
    problems = sealing.missing(entry)
    if problems:
        abort(409, message=" ".join(problems))
    household = db.session.get(Household, entry.series.household_id)
    return _entry_json(sealing.seal_version(entry, g.api_user, household.reference))


# --------------------------------------------------------------------------- path records

def _recordable(household_id: str) -> Household:
    from service.auth.policy import can_record_path

    household = db.session.get(Household, household_id)
    require_found(household is not None and can_record_path(g.api_user, household))
    return household


def _load(schema) -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(422, message="Un objet JSON est attendu.")
    try:
        return schema.load(payload)
    except ValidationError as exc:
        abort(422, errors={"json": errors.french(exc.messages)}, message="Données non valides.")


@blp.route("/menages/<household_id>/contacts", methods=["POST"])
@blp.response(201)
def add_contact(household_id):
    """{on, kind, professionals: [user ids of the team], place}; no health notes here."""
    from service.auth.models import User
    from service.households.path import Contact
    from service.households.schemas import ContactSchema
    from service.ids import new_id
    from service.registry import audit

    household = _recordable(household_id)
    data = _load(ContactSchema())
    team = set(db.session.execute(select(User.id).where(
        User.structure_id == household.team_structure_id)).scalars())
    if set(data["professionals"]) - team:
        abort(422, errors={"json": {"professionals": ["Choisissez parmi l'équipe."]}})
    contact = Contact(id=new_id(), household_id=household.id, recorded_by_id=g.api_user.id,
                      **data)
    db.session.add(contact)
    audit.record("create", "contact", contact.id, household.id, user=g.api_user)
    db.session.commit()
    return {"id": contact.id}


@blp.route("/menages/<household_id>/logement", methods=["PUT"])
@blp.response(200)
def put_tenancy(household_id):
    """The dwelling and lease (same fields and rules as the web form)."""
    from service.households.schemas import TenancySchema
    from service.households.service import save_tenancy

    household = _recordable(household_id)
    tenancy = save_tenancy(household.id, _load(TenancySchema()), g.api_user)
    return {"id": tenancy.id}


@blp.route("/menages/<household_id>/accompagnement", methods=["PUT"])
@blp.response(200)
def put_support(household_id):
    """Start, planned end, nurse meeting, extension (appended), end of support."""
    from service.households.schemas import SupportSchema
    from service.households.service import save_support

    household = _recordable(household_id)
    period = save_support(household.id, _load(SupportSchema()), g.api_user)
    return {"id": period.id, "extensions": period.extensions}
