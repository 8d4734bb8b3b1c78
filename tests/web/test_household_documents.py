"""The team writes a plan d'action concerté and a protocole de crise for its household."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from service.extensions import db
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from tests.conftest import csrf_from, login
from tests.helpers import fill_section
from tests.web.test_household_path import admitted_household

GOLDEN = Path(__file__).parent.parent / "golden"


def sample(kind: str) -> dict:
    return json.loads((GOLDEN / kind / "input.json").read_text(encoding="utf-8"))


def start(client, kind: str, household_id: str) -> str:
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    response = client.post(f"/brouillons/nouveau/{kind}",
                           data={"csrf_token": csrf_from(page), "menage": household_id})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].rstrip("/").split("/")[-1]


def submit(client, draft_id: str):
    page = client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    return client.post(f"/brouillons/{draft_id}/envoyer",
                       data={"csrf_token": csrf_from(page), "idempotency_key": key})


def household_for_team(client, accounts, app) -> str:
    login(client, "orienteur@demo.example")
    household_id = admitted_household(client, accounts, app).id
    login(client, "accompagnant@demo.example")
    return household_id


def test_team_writes_a_plan_and_it_is_registered_for_the_household(client, accounts, app):
    household_id = household_for_team(client, accounts, app)
    draft_id = start(client, "plan_action", household_id)
    data = sample("plan_action")
    for section, answers in data.items():
        response = fill_section(client, draft_id, section, answers)
        assert response.status_code == 302, (section, response.get_data(as_text=True)[:2000])
    response = submit(client, draft_id)
    assert response.status_code == 302
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Document enregistré : plan d&#39;action concerté" in confirmation
    entry = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "plan_action")).scalar_one()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        blob_store().get(entry.pdf_sha256))).pages)
    assert "Plan d'action concerté" in text and "PA-" in text
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert entry.pdf_sha256 in page
    assert "Pas de plan d&#39;action concerté" not in page  # the alert is cleared


def test_nested_objectives_can_be_added_in_the_web_form(client, accounts, app):
    household_id = household_for_team(client, accounts, app)
    draft_id = start(client, "plan_action", household_id)
    domaines = sample("plan_action")["domaines"]
    before = len(domaines["liste"][0]["objectifs"])
    fill_section(client, draft_id, "domaines", domaines, action="add:liste-0-objectifs")
    page = client.get(f"/brouillons/{draft_id}/domaines").get_data(as_text=True)
    assert f'id="liste-0-objectifs-{before}-souhait"' in page


def test_protocol_is_read_by_the_team_only(client, accounts, app):
    household_id = household_for_team(client, accounts, app)
    draft_id = start(client, "protocole_crise", household_id)
    tasks = client.get(f"/brouillons/{draft_id}/scenarios").get_data(as_text=True)
    assert "Perte de contact" in tasks  # the charter's situations are prefilled
    for section, answers in sample("protocole_crise").items():
        assert fill_section(client, draft_id, section, answers).status_code == 302, section
    assert submit(client, draft_id).status_code == 302
    entry = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "protocole_crise")).scalar_one()
    url = f"/documents/{entry.id}/telecharger.pdf"
    assert client.get(url).status_code == 200
    for email in ("gestion@demo.example", "plateforme@demo.example",
                  "accompagnant2@demo.example", "orienteur@demo.example"):
        login(client, email)
        assert client.get(url).status_code == 404, email
    login(client, "infirmier@demo.example")
    assert client.get(url).status_code == 200


def test_other_team_cannot_start_a_plan(client, accounts, app):
    household_id = household_for_team(client, accounts, app)
    login(client, "accompagnant2@demo.example")
    page = client.get("/menages/").get_data(as_text=True)
    response = client.post("/brouillons/nouveau/plan_action",
                           data={"csrf_token": csrf_from(page), "menage": household_id})
    assert response.status_code == 404


def test_revision_makes_version_two_and_the_comparison_lists_the_change(client, accounts, app):
    household_id = household_for_team(client, accounts, app)
    draft_id = start(client, "plan_action", household_id)
    data = sample("plan_action")
    for section, answers in data.items():
        fill_section(client, draft_id, section, answers)
    submit(client, draft_id)
    first = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "plan_action")).scalar_one()
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "Réviser" in page
    response = client.post(f"/documents/{first.id}/corriger", data={"csrf_token": csrf_from(page)})
    revision = response.headers["Location"].rstrip("/").split("/")[-1]
    domaines = data["domaines"]
    domaines["liste"][0]["objectifs"][0]["statut"] = "atteint"
    assert fill_section(client, revision, "domaines", domaines).status_code == 302
    submit(client, revision)
    second = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "plan_action", RegistryEntry.version == 2)).scalar_one()
    assert second.supersedes_id == first.id
    comparison = client.get(f"/documents/{second.id}/comparer").get_data(as_text=True)
    assert "Ce qui a changé dans la version 2" in comparison
    assert "statut" in comparison and "Atteint" in comparison
    assert client.get(f"/documents/{first.id}/telecharger.pdf").status_code == 200  # v1 readable


def test_two_workers_saving_the_same_plan_section_get_a_conflict_page(client, accounts, app):
    from tests.helpers import csrf_and_version, form_fields

    household_id = household_for_team(client, accounts, app)
    draft_id = start(client, "plan_action", household_id)
    entete = sample("plan_action")["entete"]
    other = app.test_client()
    login(other, "encadrant@demo.example")
    page_1 = client.get(f"/brouillons/{draft_id}/entete").get_data(as_text=True)
    page_2 = other.get(f"/brouillons/{draft_id}/entete").get_data(as_text=True)
    for who, page, referents in ((client, page_1, "Julien Castel"),
                                 (other, page_2, "Sophie Delmas")):
        csrf, version = csrf_and_version(page)
        data = form_fields({**entete, "referent_1": referents})
        data.update({"csrf_token": csrf, "version": version, "action": "later"})
        response = who.post(f"/brouillons/{draft_id}/entete", data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Cette section a été modifiée entre-temps" in html
    assert "Julien Castel" in html and "Sophie Delmas" in html  # both versions shown
