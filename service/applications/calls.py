"""Calls for applications as data: the seed's call (DDETS and Métropole, 2025) and creating one."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

from sqlalchemy import select

from service.applications.models import CallForApplications
from service.applications.vocabulary import ALWAYS, IF_GROUPED
from service.auth.models import Structure
from service.extensions import db
from service.ids import new_id
from service.timeutil import PARIS

TERRITORY = "Montpellier Méditerranée Métropole"
DDETS = "DDETS de l'Hérault"
METROPOLE = "Montpellier Méditerranée Métropole"

# The call of ../shared/seed/appel-a-candidatures-bail-d-abord.txt, as a record.
SEED_CALL = {
    "reference": "AAP-BAIL-DABORD-2025",
    "title": "Appel à candidatures – Création de l'équipe Bail d'abord",
    "territory": TERRITORY,
    "funders": [{"code": "ddets", "name": DDETS}, {"code": "metropole", "name": METROPOLE}],
    "envelope": [
        {"code": "iml_ddets", "funder": "ddets", "credits": "IML",
         "label": "Crédits IML – DDETS de l'Hérault (État, BOP 177)", "account": "74-etat",
         "amount": "350000.00", "quantity": 64, "unit": "logements", "months": 12},
        {"code": "fsl_metropole", "funder": "metropole", "credits": "FSL",
         "label": "Crédits FSL – Montpellier Méditerranée Métropole", "account": "74-epci",
         "amount": "227000.00", "quantity": 8, "unit": "ETP", "months": 12},
    ],
    "expected_team": {"etp": "8.00", "encadrement_min": "0.50"},
    # « Les dossiers de candidatures devront être composés de : » in this order, then the
    # pieces of DOMAIN.md §4.2 the call's instruction needs.
    "pieces": [{"key": key, "required": required} for key, required in (
        ("statuts", ALWAYS), ("presentation", ALWAYS), ("situation_financiere", ALWAYS),
        ("note_intention", ALWAYS), ("conventions", IF_GROUPED),
        ("descriptif_equipe", ALWAYS), ("budget", ALWAYS), ("composition_ca", ALWAYS),
        ("agrement_ilgls", ALWAYS), ("rib", ALWAYS))],
    "contacts": ["ise.fabbrizio@montpellier.fr", "farah.bensetti@herault.gouv.fr"],
    # « Date limite de candidatures : 31 mars 2025 »: the whole day, in Paris.
    "deadline": datetime(2025, 3, 31, 23, 59, 59, tzinfo=PARIS),
    "results_on": date(2025, 4, 1),  # « Annonce des résultats : Avril 2025 »
    "launch_on": date(2025, 9, 1),  # « Lancement de l'action : Septembre 2025 »
}


def seed_call(**changes) -> dict:
    """A copy of the seed's call, with `changes` (another session, other dates)."""
    return {**copy.deepcopy(SEED_CALL), **changes}


def create_call(definition: dict, funder_structures: dict[str, str] | None = None
                ) -> CallForApplications:
    """Add a call (not committed). `funder_structures` maps a funder's code to the structure
    whose financeur accounts instruct the dossiers; by default the structure named like it."""
    funders = []
    for funder in definition["funders"]:
        structure_id = (funder_structures or {}).get(funder["code"]) or db.session.execute(
            select(Structure.id).where(Structure.name == funder["name"])).scalar_one_or_none()
        funders.append({**funder, "structure_id": structure_id})
    call = CallForApplications(
        id=new_id(), reference=definition["reference"], title=definition["title"],
        territory=definition["territory"], funders=funders, envelope=definition["envelope"],
        expected_team=definition["expected_team"], pieces=definition["pieces"],
        contacts=definition.get("contacts", []),
        # Stored in UTC: SQLite keeps no offset, and every reader takes a naive value as UTC.
        deadline=definition["deadline"].astimezone(UTC),
        results_on=definition["results_on"], launch_on=definition["launch_on"])
    db.session.add(call)
    return call
