"""The demo data creates the seed's call as a record, and its next session with a dossier."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from service.applications.demo_data import seed_demo_calls
from service.applications.models import Application, CallForApplications
from service.applications.service import calls_instructed_by, checklist
from service.demo import sample_input
from service.extensions import db
from service.rendering.formatting import datetime_fr


def test_the_seed_call_and_a_dossier_in_progress(app, accounts):
    candidate = accounts["candidat@demo.example"]
    for _ in range(2):  # idempotent
        seed_demo_calls(candidate, sample_input("dossier_candidature"))
    assert db.session.execute(select(func.count(CallForApplications.id))).scalar_one() == 2
    seed = db.session.execute(select(CallForApplications).where(
        CallForApplications.reference == "AAP-BAIL-DABORD-2025")).scalar_one()
    assert [(line["credits"], line["amount"], line["quantity"], line["unit"], line["months"])
            for line in seed.envelope] == [("IML", "350000.00", 64, "logements", 12),
                                           ("FSL", "227000.00", 8, "ETP", 12)]
    assert datetime_fr(seed.deadline) == "31 mars 2025 à 23 h 59"
    assert seed.results_on == date(2025, 4, 1) and seed.launch_on == date(2025, 9, 1)
    assert [p["key"] for p in seed.pieces][:6] == [
        "statuts", "presentation", "situation_financiere", "note_intention", "conventions",
        "descriptif_equipe"]
    assert not seed.is_open()
    assert {f["name"] for f in seed.funders} == {"DDETS de l'Hérault",
                                                 "Montpellier Méditerranée Métropole"}
    assert all(f["structure_id"] for f in seed.funders)
    financeur = accounts["financeur@demo.example"]
    assert {c.reference for c in calls_instructed_by(financeur)} == {
        "AAP-BAIL-DABORD-2025", "AAP-BAIL-DABORD-2027"}
    application = db.session.execute(select(Application)).scalar_one()
    assert application.call.reference == "AAP-BAIL-DABORD-2027" and application.call.is_open()
    assert {c.key for c in checklist(application).failing} == {
        "piece_statuts", "piece_presentation", "piece_situation_financiere",
        "piece_composition_ca", "piece_agrement_ilgls", "piece_rib"}
