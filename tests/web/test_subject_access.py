"""RGPD subject access (SECURITY.md R10): one action exports everything about one household."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile

from sqlalchemy import select

from service.extensions import db
from service.registry.models import AuditEvent, RegistryEntry
from service.registry.store import blob_store
from tests.api.test_api_households import token_for
from tests.conftest import csrf_from, login
from tests.helpers import sample_fiche
from tests.web.test_household_documents import sample
from tests.web.test_household_path import admitted_household


def _export_page(client, household_id: str) -> str:
    return client.get(f"/menages/{household_id}").get_data(as_text=True)


def test_the_team_lead_exports_everything_about_a_household(client, accounts, app):
    login(client, "orienteur@demo.example")
    household_id = admitted_household(client, accounts, app).id
    api = app.test_client()
    worker = token_for(accounts["accompagnant@demo.example"])
    plan = api.post(f"/api/v1/menages/{household_id}/documents/plan_action",
                    json=sample("plan_action"), headers={**worker, "Idempotency-Key": "p"})
    assert plan.status_code == 201
    assert api.get(f"/api/v1/menages/{household_id}/documents", headers=worker).status_code == 200

    # The accompanying worker reads the household but does not answer the request.
    login(client, "accompagnant@demo.example")
    assert "Exporter les données du ménage" not in _export_page(client, household_id)
    page = _export_page(client, household_id)
    assert client.post(f"/menages/{household_id}/export-rgpd",
                       data={"csrf_token": csrf_from(page)}).status_code == 404
    assert api.get(f"/api/v1/menages/{household_id}/export-rgpd",
                   headers=worker).status_code == 404

    login(client, "encadrant@demo.example")
    page = _export_page(client, household_id)
    assert "Exporter les données du ménage (ZIP)" in page
    started = time.perf_counter()
    made = client.post(f"/menages/{household_id}/export-rgpd",
                       data={"csrf_token": csrf_from(page)})
    elapsed = time.perf_counter() - started
    assert made.status_code == 200 and made.mimetype == "application/zip", elapsed
    archive = zipfile.ZipFile(io.BytesIO(made.data))
    names = archive.namelist()
    assert {"donnees.json", "journal-des-acces.csv", "LISEZMOI.txt"} <= set(names)
    data = json.loads(archive.read("donnees.json"))
    applicant = sample_fiche()["menage"]["demandeur"]
    assert applicant["nom"] in [m["nom"] for m in data["membres"]]
    assert [r["status"] for r in data["fiches_de_lien"]] == ["admis"]
    assert data["fiches_de_lien"][0]["decisions"][0]["decision"] == "admis"
    kinds = sorted(d["kind"] for d in data["documents"])
    assert kinds == ["fiche_de_lien", "plan_action"]
    # Every registered file is in the archive, byte for byte.
    entries = db.session.execute(select(RegistryEntry)).scalars().all()
    for entry in entries:
        listed = next(d for d in data["documents"] if d["id"] == entry.id)
        for stored, exported in zip(entry.files, listed["fichiers"], strict=True):
            assert archive.read(exported["fichier"]) == blob_store().get(stored.sha256)
            assert exported["sha256"] == stored.sha256
    log = list(csv.reader(io.StringIO(archive.read("journal-des-acces.csv").decode(
        "utf-8-sig")), delimiter=";"))
    assert log[0] == ["date", "fonction", "professionnel", "action", "objet", "identifiant"]
    assert any(row[1] == "accompagnant" and row[3] == "view" for row in log[1:]), log
    assert "droit d'accès et portabilité" in archive.read("LISEZMOI.txt").decode()
    exported = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "export", AuditEvent.household_id == household_id)).scalar_one()
    assert exported.details == {"documents": 2}

    lead = token_for(accounts["encadrant@demo.example"])
    through_api = api.get(f"/api/v1/menages/{household_id}/export-rgpd", headers=lead)
    assert through_api.status_code == 200
    assert "donnees.json" in zipfile.ZipFile(io.BytesIO(through_api.data)).namelist()
    # Another team's professional does not see the household at all.
    other = token_for(accounts["accompagnant2@demo.example"])
    assert api.get(f"/api/v1/menages/{household_id}/export-rgpd",
                   headers=other).status_code == 404
