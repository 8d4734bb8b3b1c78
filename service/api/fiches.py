"""API for the fiche de lien: drafts, submission (idempotent), reading, downloads."""

from __future__ import annotations

from flask import g, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from service import kinds
from service.api import errors, pagination
from service.api.auth import require_token
from service.api.documents import entries_json, entry_json, idempotency_key
from service.api.schemas import (
    DraftCreateSchema,
    DraftSchema,
    DraftUpdateSchema,
    ReferralSchema,
    ReferralSummarySchema,
)
from service.auth import roles as R
from service.auth.policy import can_create, can_edit_draft, can_view_referral, has_role, require
from service.documents import flow
from service.documents.models import DRAFT, SUBMITTED, Draft
from service.errors import OperationError
from service.extensions import db
from service.operations import documents
from service.referrals.models import STATUSES, Referral
from service.referrals.service import latest_entries, latest_entry
from service.registry import audit

blp = Blueprint("api_fiches", __name__, url_prefix="/api/v1",
                description="Fiches de lien : brouillons, envoi, suivi des décisions")
blp.before_request(require_token)
errors.register(blp)
# This API is the fiche de lien's own (« /fiches »); every other mechanism is generic.
FICHE = kinds.FICHE_DE_LIEN


def _summaries_json(referrals: list[Referral]) -> list[dict]:
    """Fiches as the list shows them: their state and current version, not their answers;
    the same few statements whatever the number of fiches (their latest versions, their
    files, jobs and households are read for all of them at once)."""
    latest = latest_entries([r.series_id for r in referrals])
    entries = dict(zip(latest, entries_json(latest.values()), strict=True))
    return [{
        "id": referral.id, "status": referral.status, "status_label": STATUSES[referral.status],
        "decision_reason": referral.decision_reason, "decided_at": referral.decided_at,
        "received_at": referral.received_at,
        "household_reference": referral.household.reference if referral.household else None,
        "version": referral.version_id, "latest": entries.get(referral.series_id),
        "url": url_for("api_fiches.Fiche", referral_id=referral.id),
    } for referral in referrals]


def _referral_json(referral) -> dict:
    entry = latest_entry(referral.series_id)
    return {
        "id": referral.id, "status": referral.status, "status_label": STATUSES[referral.status],
        "decision_reason": referral.decision_reason, "decided_at": referral.decided_at,
        "household_reference": referral.household.reference if referral.household else None,
        "version": referral.version_id, "latest": entry_json(entry), "snapshot": entry.snapshot,
    }


# --- Shape of draft data -------------------------------------------------------------------
# Drafts keep invalid answers (nothing typed is lost), but only in the shape the web form
# stores: known sections and fields, objects where the schema nests, lists where it repeats,
# plain values elsewhere. Anything else is mass assignment (SECURITY F10) and would break the
# web pages that display the draft.

UNKNOWN = "Champ inconnu."


def _shape_errors(schema: Schema, raw) -> dict | list:
    if not isinstance(raw, dict):
        return ["Un objet JSON est attendu."]
    errors: dict = {}
    for key, value in raw.items():
        field = schema.fields.get(key)
        if field is None or field.dump_only:
            errors[key] = [UNKNOWN]
            continue
        problem = _field_shape(field, value)
        if problem:
            errors[key] = problem
    return errors


def _field_shape(field: fields.Field, value):
    if value is None:
        return None
    if isinstance(field, fields.Nested):
        return _shape_errors(field.schema, value) or None
    if isinstance(field, fields.List):
        if not isinstance(value, list):
            return ["Une liste est attendue."]
        limit = min((v.max for v in field.validators
                     if isinstance(v, validate.Length) and v.max is not None), default=None)
        if limit is not None and len(value) > limit:
            return [f"{limit} éléments au maximum."]
        errors = {i: e for i, item in enumerate(value) if (e := _field_shape(field.inner, item))}
        return errors or None
    if isinstance(value, dict | list):
        return ["Valeur non valide."]
    return None


def _clean_sections(data: dict) -> dict:
    errors = _shape_errors(FICHE.schema(), data)
    if errors:
        abort(422, errors={"json": {"data": errors}},
              message="Les réponses ne correspondent pas aux sections de la fiche.")
    return data


@blp.route("/fiches")
class Fiches(MethodView):
    @blp.arguments(pagination.PageArguments, location="query")
    @blp.response(200, ReferralSummarySchema(many=True), headers=pagination.HEADERS)
    def get(self, args):
        """Fiches envoyées par ma structure (ou toutes, pour la Plateforme), les plus récentes
        d'abord, par pages (`page`, `per_page` : 50 par défaut, 200 au plus) ; le total et
        les numéros de pages dans l'en-tête X-Pagination, les liens dans l'en-tête Link.

        La liste ne contient pas les réponses : ouvrir une fiche (GET /fiches/{id}) les
        donne, et cette lecture est tracée. La consultation de la liste est tracée aussi,
        en une seule entrée (le nombre de fiches et leurs identifiants).
        """
        user = g.api_user
        query = (select(Referral).options(selectinload(Referral.household))
                 .order_by(Referral.received_at.desc(), Referral.id.desc()))
        # Filter in SQL, before the page is cut: the page holds what the caller may see
        # (the rule of can_view_referral: an orienteur, their structure's fiches).
        if has_role(user, R.ORIENTEUR):
            query = query.where(Referral.structure_id == user.structure_id)
        elif not has_role(user, R.PLATEFORME, R.ADMIN):
            return [], pagination.headers(pagination.empty(args))
        page = pagination.paginate(query, args, key=Referral.id)
        shown = [r for r in page.items if can_view_referral(user, r)]  # no query: a rule
        body = _summaries_json(shown)
        # One event for the list read, written after the rows are read (a commit expires
        # them); the ids say which fiches were listed, not their answers (not listed).
        audit.record("list", "referral", None, None, user=user, page=page.number,
                     count=len(shown), total=page.total, ids=[r.id for r in shown])
        db.session.commit()
        return body, pagination.headers(page)

    @blp.arguments(FICHE.schema, location="json")
    @blp.response(201, ReferralSchema)
    def post(self, _loaded):
        """Créer et envoyer une fiche complète en un appel (idempotent : Idempotency-Key)."""
        user = g.api_user
        try:
            result = documents.create_fiche(FICHE, request.get_json(), user, idempotency_key())
        except OperationError as exc:
            errors.abort_for(exc)
        referral = _referral_of(result.entry, user)
        return _referral_json(referral), 201, {
            "Location": url_for("api_fiches.Fiche", referral_id=referral.id)}


def _referral_of(entry, user) -> Referral:
    referral = db.session.execute(
        select(Referral).where(Referral.series_id == entry.series_id)).scalar_one()
    require(can_view_referral(user, referral))
    return referral


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
        require(can_create(g.api_user, FICHE))
        return flow.new_draft(FICHE.key, g.api_user, data=_clean_sections(args["data"]))


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
            except (flow.StaleDraft, StaleDataError):
                db.session.rollback()
                abort(409, message="Le brouillon a été modifié depuis la version lue.")
            expected = draft.version_id
        return draft


@blp.route("/brouillons/<draft_id>/envoi", methods=["POST"])
@blp.response(201, ReferralSchema)
def submit_draft(draft_id):
    """Valider et envoyer un brouillon (idempotent : en-tête Idempotency-Key)."""
    draft = db.session.get(Draft, draft_id)
    require(draft is not None and can_edit_draft(g.api_user, draft)
            and draft.status in (DRAFT, SUBMITTED))
    try:
        result = documents.send_draft(draft, g.api_user, idempotency_key())
    except OperationError as exc:
        errors.abort_for(exc)
    return _referral_json(_referral_of(result.entry, g.api_user))
