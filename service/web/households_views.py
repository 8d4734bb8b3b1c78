"""Households and their registry page: every document, every version."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

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
from service.documents.signatures import DRAWN, QUALITIES, REFUSED, TYPED, Signature
from service.documents.subjects import household_subject, subjects_of
from service.extensions import db
from service.households.facts import alerts_by_household
from service.households.models import Household
from service.households.service import household_alerts, path_summary
from service.kinds.base import HOUSEHOLD
from service.registry import audit
from service.registry.models import SIGNED, RegistryEntry
from service.web.pagination import paginate, paginate_list

bp = Blueprint("households", __name__, url_prefix="/menages")


@bp.route("/")
@login_required
def index():
    require(can_list_households(current_user))
    # One statement per table whatever the number of households shown (members, teams).
    query = (select(Household).options(selectinload(Household.members),
                                       selectinload(Household.team_structure))
             .order_by(Household.created_at.desc(), Household.id.desc()))
    if not has_role(current_user, R.PLATEFORME, R.ADMIN):
        query = query.where(Household.team_structure_id == current_user.structure_id)
    page = paginate(query, key=Household.id)
    return render_template("households/index.html", households=page.items, page=page)


@bp.route("/<household_id>")
@login_required
def show(household_id):
    household = db.session.get(Household, household_id)
    require(household is not None and can_view_household(current_user, household))
    # The whole registry of the household (it is the page's purpose), with the same
    # statements whatever its number of documents and versions: the series, what they are
    # about, their versions with their authors, structures and files, the signatures.
    series = db.session.execute(
        select(DocumentSeries).where(DocumentSeries.household_id == household.id)
        .order_by(DocumentSeries.created_at)).scalars().all()
    subjects = subjects_of(list(series))
    readable = [s for s in series if can_read_series(current_user, s, subjects[s.id])]
    versions: dict[str, list[RegistryEntry]] = {s.id: [] for s in readable}
    for entry in db.session.execute(
            select(RegistryEntry).where(RegistryEntry.series_id.in_(list(versions)))
            .options(selectinload(RegistryEntry.created_by),
                     selectinload(RegistryEntry.structure))
            .order_by(RegistryEntry.version.desc())).scalars():
        versions[entry.series_id].append(entry)
    signatures = _signatures([entries[0] for entries in versions.values() if entries])
    documents = [{"series": s, "entries": versions[s.id],
                  "current_version": versions[s.id][0].version if versions[s.id] else None,
                  **_current_state(kinds.find(s.kind), versions[s.id], signatures)}
                 for s in readable]
    subject = household_subject(household)
    startable = [k for k in kinds.with_subject(HOUSEHOLD)
                 if k.has_form and can_create(current_user, k, subject)]
    drafts = db.session.execute(
        select(Draft).where(Draft.household_id == household.id, Draft.status == DRAFT,
                            Draft.kind.in_([k.key for k in startable]))
        .options(selectinload(Draft.author)).order_by(Draft.updated_at.desc())).scalars().all()
    page = render_template("households/show.html", household=household, documents=documents,
                           alerts=household_alerts(household.id), path=path_summary(household.id),
                           can_record=can_record_path(current_user, household),
                           startable=startable, drafts=drafts, kinds=kinds.CATALOGUE,
                           revisable=[k.key for k in startable])
    # Recorded once the page is made: a commit expires the rows it shows (each would be read
    # again, one statement per row).
    audit.record("view", "household", household.id, household.id)
    db.session.commit()
    return page


def _signatures(currents: list[RegistryEntry]) -> dict[str, list[Signature]]:
    """{id of a sealed current version: the signatures recorded on the version it seals},
    in one statement for every document of the page."""
    sealed = {e.supersedes_id: e.id for e in currents if e.status == SIGNED and e.supersedes_id}
    found: dict[str, list[Signature]] = {entry_id: [] for entry_id in sealed.values()}
    if sealed:
        for signature in db.session.execute(
                select(Signature).where(Signature.entry_id.in_(list(sealed)))
                .order_by(Signature.position)).scalars():
            found[sealed[signature.entry_id]].append(signature)
    return found


def _current_state(kind, entries: list[RegistryEntry],
                   signatures: dict[str, list[Signature]]) -> dict:
    """What the current version says of the person's agreement, and who signed it and how
    (a sealed version carries the signatures recorded on the version it seals)."""
    if kind is None or not entries:
        return {"agreement": None, "signed_by": []}
    current = entries[0]
    signed_by = [{"name": s.signer_name, "quality": QUALITIES.get(s.quality, s.quality),
                  "method": METHOD_LABELS.get(s.method, s.method), "refusal": s.refusal_reason}
                 for s in signatures.get(current.id, [])]
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
    households = db.session.execute(query).scalars().all()
    # Which households are late needs every household's facts: read for all at once (one
    # statement per table), then the late ones shown a page at a time.
    late = alerts_by_household([h.id for h in households])
    page = paginate_list([(h, late[h.id]) for h in households if late[h.id]])
    return render_template("households/dashboard.html", rows=page.items, page=page,
                           total=len(households))
