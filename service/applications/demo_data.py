"""Demo data of the calls for applications: the seed's call (2025, closed) and its next session,
open, with the demo candidate's dossier in progress (its pieces still to upload)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from service.applications import vocabulary as V
from service.applications.calls import METROPOLE, create_call, seed_call
from service.applications.models import Application, CallForApplications
from service.auth.models import Structure
from service.extensions import db
from service.ids import new_id
from service.timeutil import PARIS

NEXT_SESSION = {
    "reference": "AAP-BAIL-DABORD-2027",
    "title": "Appel à candidatures – Création de l'équipe Bail d'abord (session 2027, "
             "démonstration)",
    "deadline": datetime(2027, 3, 31, 23, 59, 59, tzinfo=PARIS),
    "results_on": date(2027, 4, 1), "launch_on": date(2027, 9, 1),
}


def seed_demo_calls(candidate, sample: dict | None) -> None:
    """Idempotent: what exists is kept."""
    if db.session.execute(select(Structure).where(Structure.name == METROPOLE)
                          ).scalar_one_or_none() is None:
        db.session.add(Structure(id=new_id(), name=METROPOLE, kind="financeur"))
        db.session.flush()
    calls = {}
    for definition in (seed_call(), seed_call(**NEXT_SESSION)):
        found = db.session.execute(select(CallForApplications).where(
            CallForApplications.reference == definition["reference"])).scalar_one_or_none()
        calls[definition["reference"]] = found or create_call(definition)
    db.session.flush()
    open_call = calls[NEXT_SESSION["reference"]]
    exists = db.session.execute(select(Application).where(
        Application.call_id == open_call.id, Application.structure_id == candidate.structure_id)
    ).scalar_one_or_none()
    if exists is None and sample is not None:
        application_id = new_id()
        db.session.add(Application(
            id=application_id, reference=f"CAND-{application_id[:8].upper()}",
            call_id=open_call.id, structure_id=candidate.structure_id,
            created_by_id=candidate.id, status=V.DRAFT, identity=sample["identite"],
            grouping=sample["groupement"], team=sample["equipe"]["postes"],
            note=sample["note"], budget=sample["budget"], conventions=sample["conventions"]))
    db.session.commit()
