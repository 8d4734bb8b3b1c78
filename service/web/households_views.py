"""Households and their registry page: every document, every version."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from service import kinds
from service.auth import roles as R
from service.auth.policy import (
    can_create,
    can_list_households,
    can_read_series,
    can_record_path,
    can_view_household,
    has_role,
    require,
)
from service.documents.models import DRAFT, DocumentSeries, Draft
from service.documents.sealing import signatures_of
from service.documents.signatures import DRAWN, QUALITIES, REFUSED, TYPED
from service.documents.subjects import household_subject, subject_of
from service.extensions import db
from service.households.models import Household
from service.households.service import household_alerts, path_summary
from service.kinds.base import HOUSEHOLD
from service.registry import audit
from service.registry.models import SIGNED, RegistryEntry

bp = Blueprint("households", __name__, url_prefix="/menages")


@bp.route("/")
@login_required
def index():
    require(can_list_households(current_user))
    query = select(Household).order_by(Household.created_at.desc())
    if not has_role(current_user, R.PLATEFORME, R.ADMIN):
        query = query.where(Household.team_structure_id == current_user.structure_id)
    households = db.session.execute(query).scalars().all()
    return render_template("households/index.html", households=households)


@bp.route("/<household_id>")
@login_required
def show(household_id):
    household = db.session.get(Household, household_id)
    require(household is not None and can_view_household(current_user, household))
    series = db.session.execute(
        select(DocumentSeries).where(DocumentSeries.household_id == household.id)
        .order_by(DocumentSeries.created_at)).scalars().all()
    subject = household_subject(household)
    documents = []
    for s in series:
        if not can_read_series(current_user, s, subject_of(s)):
            continue
        entries = db.session.execute(
            select(RegistryEntry).where(RegistryEntry.series_id == s.id)
            .order_by(RegistryEntry.version.desc())).scalars().all()
        documents.append({"series": s, "entries": entries,
                          "current_version": entries[0].version if entries else None,
                          **_current_state(kinds.find(s.kind), entries)})
    startable = [k for k in kinds.with_subject(HOUSEHOLD)
                 if k.has_form and can_create(current_user, k, subject)]
    drafts = db.session.execute(
        select(Draft).where(Draft.household_id == household.id, Draft.status == DRAFT,
                            Draft.kind.in_([k.key for k in startable]))
        .order_by(Draft.updated_at.desc())).scalars().all()
    audit.record("view", "household", household.id, household.id)
    db.session.commit()
    return render_template("households/show.html", household=household, documents=documents,
                           alerts=household_alerts(household.id), path=path_summary(household.id),
                           can_record=can_record_path(current_user, household),
                           startable=startable, drafts=drafts, kinds=kinds.CATALOGUE,
                           revisable=[k.key for k in startable])


def _current_state(kind, entries: list[RegistryEntry]) -> dict:
    """What the current version says of the person's agreement, and who signed it and how
    (a sealed version carries the signatures recorded on the version it seals)."""
    if kind is None or not entries:
        return {"agreement": None, "signed_by": []}
    current = entries[0]
    signed_by = []
    if current.status == SIGNED and current.supersedes_id:
        signed_by = [{"name": s.signer_name, "quality": QUALITIES.get(s.quality, s.quality),
                      "method": METHOD_LABELS.get(s.method, s.method), "refusal": s.refusal_reason}
                     for s in signatures_of(
                         db.session.get_one(RegistryEntry, current.supersedes_id))]
    return {"agreement": kind.agreement(current.snapshot) if kind.agreement else None,
            "signed_by": signed_by}


# How a signatory signed, as the household page says it.
METHOD_LABELS = {DRAWN: "signature dessinée", TYPED: "nom tapé", REFUSED: "a refusé de signer"}


@bp.route("/alertes")
@login_required
def dashboard():
    """The team's households with what the charter expects and is late."""
    require(can_list_households(current_user))
    query = select(Household).order_by(Household.reference)
    if not has_role(current_user, R.PLATEFORME, R.ADMIN):
        query = query.where(Household.team_structure_id == current_user.structure_id)
    rows = [(h, household_alerts(h.id)) for h in db.session.execute(query).scalars()]
    return render_template("households/dashboard.html", rows=[r for r in rows if r[1]],
                           total=len(rows))
