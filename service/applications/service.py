"""Reading applications: their snapshot, their checklist, the lists each role sees."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from sqlalchemy import select

from service.applications import checklist as C
from service.applications import vocabulary as V
from service.applications.budget import Budget, compute
from service.applications.models import Application, CallForApplications
from service.applications.snapshot import ApplicationSnapshotSchema
from service.documents.subjects import Subject
from service.extensions import db
from service.kinds.base import APPLICATION
from service.registry.chain import sha256_json
from service.registry.models import RegistryEntry
from service.timeutil import as_utc


def application_subject(application: Application) -> Subject:
    return Subject(APPLICATION, application.id, application=application,
                   structure_id=application.structure_id)


def call_snapshot(call: CallForApplications) -> dict:
    """The call's rules as a submission freezes them (JSON values)."""
    return {
        "reference": call.reference, "title": call.title, "territory": call.territory,
        "funders": [{"code": f["code"], "name": f["name"]} for f in call.funders],
        "envelope": call.envelope, "etp": str(call.expected_team.get("etp", "8")),
        "encadrement_min": str(call.expected_team.get("encadrement_min", "0.5")),
        "pieces": call.pieces, "deadline": as_utc(call.deadline).isoformat(),
        "results_on": call.results_on.isoformat(), "launch_on": call.launch_on.isoformat(),
    }


def _decimal_fr(value) -> str:
    """« 8.00 » → « 8 », « 0.50 » → « 0,5 »: as a call's text writes its figures."""
    text = format_decimal(Decimal(str(value)), format="#,##0.##", locale="fr_FR")
    return text


def call_wording(call: CallForApplications) -> dict[str, str]:
    """The call's own figures and territory, for the words of the candidate's pages (next
    year's call, or another territory's, reads its own numbers there)."""
    dwellings = next((line.get("quantity") for line in call.envelope or []
                      if line.get("unit") == "logements"), None)
    team = call.expected_team or {}
    return {
        "territoire": call.territory,
        "logements": _decimal_fr(dwellings) if dwellings is not None else "",
        "etp": _decimal_fr(team.get("etp", "8")),
        "encadrement": _decimal_fr(team.get("encadrement_min", "0.5")),
    }


def raw_snapshot(application: Application) -> dict:
    """Everything the dossier is made of, as stored (JSON values): what a submission registers."""
    files: dict[str, list] = {}
    for piece in application.pieces:
        upload = piece.upload
        files.setdefault(piece.piece_key, []).append({
            "filename": upload.filename, "sha256": upload.sha256,
            "original_sha256": upload.original_sha256, "pages": upload.pages,
            "size": upload.size})
    order = [p["key"] for p in application.call.pieces]
    return {
        "reference": application.reference,
        "structure": application.structure.name,
        "call": call_snapshot(application.call),
        "identite": application.identity or {},
        "groupement": application.grouping or {},
        "equipe": {"postes": application.team or []},
        "note": application.note or {},
        "budget": application.budget or {},
        "conventions": {siret: terms for siret, terms in (application.conventions or {}).items()
                        if siret in lending_members(application)},
        "pieces": [{"key": key, "files": files[key]} for key in order if key in files],
    }


def loaded(raw: dict, partial: bool = True) -> dict:
    """The snapshot with typed values (Decimal, dates); `partial` admits what is missing."""
    return ApplicationSnapshotSchema().load(raw, partial=partial)


def content_sha256(application: Application) -> str:
    return sha256_json(raw_snapshot(application))


def checklist(application: Application) -> C.Checklist:
    return C.evaluate(C.facts(loaded(raw_snapshot(application))))


def checklist_of_snapshot(snapshot: dict) -> C.Checklist:
    """The checklist of a registered dossier, from what was submitted."""
    return C.evaluate(C.facts(loaded(snapshot, partial=False)))


def employer_names(application: Application) -> dict[str, str]:
    return {V.CARRIER: application.name,
            **{m["siret"]: m["denomination"] for m in members(application)}}


def members(application: Application) -> list[dict]:
    grouping = application.grouping or {}
    return list(grouping.get("membres") or []) if grouping.get("type") == V.GROUPED else []


def lending_members(application: Application) -> list[str]:
    """SIRETs of the members that employ at least one post: one convention each."""
    employers = {post.get("employeur") for post in application.team or []}
    return [m["siret"] for m in members(application) if m["siret"] in employers]


def budget_of(application: Application) -> Budget:
    return compute(application.call.envelope, application.team or [], application.budget or {},
                   employer_names(application))


def funder_columns(call: CallForApplications) -> list[tuple[str, str]]:
    """(code, label) of the split columns: the envelope lines, then « autres »."""
    return [(line["code"], line["label"]) for line in call.envelope] + [
        (V.OTHER_FUNDING, V.OTHER_FUNDING_LABEL)]


def open_calls() -> list[CallForApplications]:
    return list(db.session.execute(
        select(CallForApplications).order_by(CallForApplications.deadline.desc())).scalars())


def application_of(structure_id: str, call_id: str) -> Application | None:
    return db.session.execute(select(Application).where(
        Application.structure_id == structure_id, Application.call_id == call_id)
    ).scalar_one_or_none()


def applications_of_structure(structure_id: str) -> list[Application]:
    return list(db.session.execute(select(Application).where(
        Application.structure_id == structure_id).order_by(Application.created_at)).scalars())


def calls_instructed_by(user) -> list[CallForApplications]:
    """The calls whose funders include the user's structure (every call for the admin)."""
    calls = open_calls()
    if user.role == "admin":
        return calls
    return [c for c in calls if user.structure_id in c.funder_structure_ids]


def submitted_applications(call: CallForApplications) -> list[Application]:
    """Submitted dossiers only: a draft never reaches a funder."""
    rows = db.session.execute(select(Application).where(
        Application.call_id == call.id, Application.status == V.SUBMITTED,
        Application.dossier_entry_id.is_not(None)).order_by(Application.submitted_at)).scalars()
    return list(rows)


def dossier_entry(application: Application) -> RegistryEntry | None:
    if application.dossier_entry_id is None:
        return None
    return db.session.get(RegistryEntry, application.dossier_entry_id)


def receipt_entry(application: Application) -> RegistryEntry | None:
    if application.receipt_entry_id is None:
        return None
    return db.session.get(RegistryEntry, application.receipt_entry_id)


def etp_total(team: list[dict]) -> Decimal:
    return sum((Decimal(str(p.get("etp") or 0)) for p in team), Decimal(0))
