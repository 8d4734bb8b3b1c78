"""A new plan or protocol starts with what the household's records hold, editable (issue 11,
item 8)."""

from __future__ import annotations

import html
import re

from service.demo import _demo_path
from service.documents.models import Draft
from service.extensions import db
from service.households.service import latest_tenancy
from service.operations.path import set_team
from tests.conftest import login
from tests.helpers import fill_section
from tests.web.test_household_documents import start
from tests.web.test_household_path import admitted_household


def followed_household(client, accounts, app):
    login(client, "orienteur@demo.example")
    household = admitted_household(client, accounts, app)
    nurse, worker = accounts["infirmier@demo.example"], accounts["accompagnant@demo.example"]
    _demo_path(household.id, worker)  # a dwelling with a bail glissant
    lead = accounts["encadrant@demo.example"]
    set_team(household, {"user_id": nurse.id, "coordinating": False}, lead)
    set_team(household, {"user_id": worker.id, "coordinating": True}, lead)
    login(client, "accompagnant@demo.example")
    return household


def value_of(page: str, field_id: str) -> str:
    found = re.search(rf'id="{field_id}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*id="{field_id}"', page)
    return html.unescape(found.group(1)) if found else ""


def test_a_new_plan_starts_with_the_persons_referents_and_dwelling(client, accounts, app):
    household = followed_household(client, accounts, app)
    worker, nurse = accounts["accompagnant@demo.example"], accounts["infirmier@demo.example"]
    draft_id = start(client, "plan_action", household.id)
    page = client.get(f"/brouillons/{draft_id}/entete").get_data(as_text=True)
    assert value_of(page, "personne") == "Thị Hương Nguyễn et Jérôme Lefèvre"
    assert value_of(page, "referent_1") == f"{worker.full_name}, {worker.structure.name}"
    assert value_of(page, "referent_2") == f"{nurse.full_name}, {nurse.structure.name}"
    tenancy = latest_tenancy(household.id)
    assert html.unescape(re.search(r'id="logement_adresse"[^>]*>(.*?)</textarea>', page,
                                   re.S).group(1)).strip() == tenancy.address
    assert value_of(page, "logement_date_entree") == tenancy.entry_date.isoformat()
    assert re.search(r'<option selected value="sous_location_bail_glissant">|'
                     r'<option value="sous_location_bail_glissant" selected>', page)
    # Editable: the team changes what the records said, and it is kept.
    response = fill_section(client, draft_id, "entete", {
        "personne": "Thị Hương Nguyễn", "referent_1": "Autre référente, association",
        "date_elaboration": "2026-12-01", "date_revision": "2027-06-01"}, action="later")
    assert response.status_code == 302
    stored = db.session.get(Draft, draft_id).data["entete"]
    assert stored["personne"] == "Thị Hương Nguyễn"
    assert stored["referent_1"] == "Autre référente, association"


def test_a_new_protocol_starts_with_the_applicant_and_the_coordinator(client, accounts, app):
    household = followed_household(client, accounts, app)
    worker = accounts["accompagnant@demo.example"]
    draft_id = start(client, "protocole_crise", household.id)
    page = client.get(f"/brouillons/{draft_id}/entete").get_data(as_text=True)
    assert value_of(page, "personne") == "Thị Hương Nguyễn"
    assert value_of(page, "referent") == f"{worker.full_name}, {worker.structure.name}"
    situations = db.session.get(Draft, draft_id).data["scenarios"]["liste"]
    assert [s["code"] for s in situations] == [
        "perte_de_contact", "probleme_sante_envahissant", "difficultes_entourage"]
