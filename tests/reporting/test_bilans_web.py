"""The team lead produces both bilans from the web pages and the API; a funder reads them with
small counts hidden and reaches no household, no reference and no drill-down (404)."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from service.extensions import db
from service.finance.ledger import Expense
from service.registry.models import RegistryEntry
from tests.conftest import csrf_from, login
from tests.reporting.history import build, build_finance
from tests.security.harness import bearer, issue_token

YEAR = {"debut": "2026-01-01", "fin": "2026-12-31"}


@pytest.fixture
def history(app, accounts):
    h = build(accounts)
    build_finance(h)
    return h


def _produce(client, kind: str, period=YEAR):
    page = client.get("/rapports/").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    return client.post(f"/rapports/{kind}", data={"csrf_token": csrf_from(page),
                                                  "idempotency_key": key, **period})


def _entry(kind: str) -> RegistryEntry:
    return db.session.execute(select(RegistryEntry).where(RegistryEntry.kind == kind)
                              .order_by(RegistryEntry.created_at.desc()).limit(1)).scalar_one()


def test_team_lead_produces_and_traces_the_bilan_d_activites(client, history):
    login(client, "encadrant@demo.example")
    made = _produce(client, "bilan_activites")
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    entry = _entry("bilan_activites")
    assert [f.format for f in entry.files] == ["pdf", "docx", "xlsx"]
    page = client.get(f"/bilans/{entry.id}").get_data(as_text=True)
    # Exact figures, each opening its households: 4 households in the file active.
    assert "File active" in page and f"/bilans/{entry.id}/B1/menages" in page
    traced = client.get(f"/bilans/{entry.id}/B1/menages").get_data(as_text=True)
    for name in ("H1", "H2", "H3", "H4"):
        assert history.households[name].reference in traced
    assert history.households["X1"].reference not in traced
    assert client.get(f"/bilans/{entry.id}/D3/rue").get_data(as_text=True).count("BA-2025-") == 1
    assert client.get(f"/bilans/{entry.id}/B6/etp").status_code == 404  # no household there


def test_funders_read_bilans_without_small_counts_or_households(client, app, history):
    login(client, "encadrant@demo.example")
    assert _produce(client, "bilan_activites").status_code == 302
    entry = _entry("bilan_activites")
    login(client, "financeur@demo.example")
    listed = client.get("/bilans/").get_data(as_text=True)
    assert "Bilan d&#39;activités 2026" in listed
    page = client.get(f"/bilans/{entry.id}").get_data(as_text=True)
    assert "moins de 5" in page and "BA-2025-" not in page and "/B1/menages" not in page
    assert client.get(f"/bilans/{entry.id}/B1/menages").status_code == 404
    assert client.get(f"/documents/{entry.id}/telecharger.pdf").status_code == 200
    household = history.households["H1"]
    assert client.get(f"/menages/{household.id}").status_code == 404
    assert client.get("/bilans/export/csv").status_code == 404
    token = bearer(issue_token(app, "financeur@demo.example"))
    figures = client.get(f"/api/v1/bilans/{entry.id}", headers=token)
    assert figures.status_code == 200 and figures.get_json()["exact"] is False
    assert "BA-2025-" not in figures.get_data(as_text=True)
    assert client.get(f"/api/v1/bilans/{entry.id}/indicateurs/B1/menages",
                      headers=token).status_code == 404
    assert client.get(f"/api/v1/menages/{household.id}/documents",
                      headers=token).status_code == 404
    assert client.get("/api/v1/export-menages?debut=2026-01-01&fin=2026-12-31",
                      headers=token).status_code == 404
    lead = bearer(issue_token(app, "encadrant@demo.example"))
    traced = client.get(f"/api/v1/bilans/{entry.id}/indicateurs/D3/rue", headers=lead)
    assert traced.get_json()["menages"] == [history.households["H4"].reference]
    # Another team's lead does not see this bilan at all.
    other = bearer(issue_token(app, "accompagnant2@demo.example"))
    assert client.get(f"/api/v1/bilans/{entry.id}", headers=other).status_code == 404


def test_bilan_financier_needs_its_gaps_explained(client, app, accounts):
    h = build(accounts)
    build_finance(h, explain=False)
    login(client, "encadrant@demo.example")
    refused = _produce(client, "bilan_financier_iml")
    assert refused.status_code == 302 and "/travaux/" in refused.headers["Location"]
    text = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Bilan financier" in text and "Le traitement n'a pas abouti" in text
    assert "Écart de plus de 15 % sans explication" in text and "613 Locations" in text
    token = bearer(issue_token(app, "encadrant@demo.example"))
    api = client.post("/api/v1/rapports/bilan_financier_iml", json=YEAR,
                      headers={**token, "Idempotency-Key": str(uuid.uuid4())})
    assert api.status_code == 202 and api.get_json()["state"] == "echec"
    assert "616 Assurance" in api.get_json()["error"] and api.get_json()["entry_id"] is None
    for account in ("613", "616", "618"):
        assert client.put("/api/v1/ecarts", json={**YEAR, "scope": "iml_ddets",
                                                  "account": account,
                                                  "text": f"Raison {account}."},
                          headers=token).status_code == 200
    api = client.post("/api/v1/rapports/bilan_financier_iml", json=YEAR,
                      headers={**token, "Idempotency-Key": str(uuid.uuid4())})
    assert api.status_code == 202 and api.get_json()["state"] == "termine", api.get_json()
    made = client.get(f"/api/v1/documents/{api.get_json()['entry_id']}", headers=token)
    assert [f["format"] for f in made.get_json()["files"]] == ["pdf", "docx", "xlsx"]
    login(client, "financeur@demo.example")
    entry = _entry("bilan_financier_iml")
    assert client.get(f"/documents/{entry.id}/telecharger.xlsx").status_code == 200


def test_ledger_csv_import_is_all_or_nothing(client, app, history):
    login(client, "gestion@demo.example")
    page = client.get("/bilans/donnees/depenses?annee=2026").get_data(as_text=True)
    before = db.session.execute(select(func.count(Expense.id))).scalar_one()
    wrong = ("date;montant;categorie;compte;financeur;libelle;menage\n"
             "15/03/2026;120,50;transport;625;iml_ddets;Tickets de tram;BA-2025-0001\n"
             "16/03/2026;douze;transport;625;iml_ddets;Bus;\n"
             "17/03/2026;80;inconnue;999;iml_ddets;Essai;BA-2099-0001\n")
    answer = client.post("/bilans/donnees/depenses/import?annee=2026", data={
        "csrf_token": csrf_from(page), "fichier": (io.BytesIO(wrong.encode()), "gl.csv")},
        content_type="multipart/form-data")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Ligne 3, montant : Montant non valide (ex. : 1 234,56)." in text
    assert "Ligne 4, catégorie : Choisissez une valeur dans la liste." in text
    assert "Ligne 4, ménage : Aucun ménage suivi par votre équipe" in text
    assert db.session.execute(select(func.count(Expense.id))).scalar_one() == before
    right = wrong.split("\n")[0] + "\n" + wrong.split("\n")[1] + "\n"
    done = client.post("/bilans/donnees/depenses/import?annee=2026", data={
        "csrf_token": csrf_from(page), "fichier": (io.BytesIO(right.encode("cp1252")), "gl.csv")},
        content_type="multipart/form-data")
    assert done.status_code == 302
    assert db.session.execute(select(func.count(Expense.id))).scalar_one() == before + 1
    listed = client.get("/bilans/donnees/depenses?annee=2026").get_data(as_text=True)
    assert "Tickets de tram" in listed and "120,50" in listed


def test_export_per_household_for_the_plateforme(client, history):
    login(client, "encadrant@demo.example")
    csv = client.get("/bilans/export/csv?debut=2026-01-01&fin=2026-12-31")
    assert csv.status_code == 200
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Référence du ménage;Composition familiale;Personnes")
    assert len(lines) == 1 + 4  # H1 to H4
    h2 = next(line for line in lines if history.households["H2"].reference in line)
    assert ";2026-02-01;2026-09-30;autonome;permanent;2026-02-15;" in h2
    assert "Prénom" not in csv.data.decode("utf-8-sig")
    xlsx = client.get("/bilans/export/xlsx?debut=2026-01-01&fin=2026-12-31")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.cell(row=5, column=1).value.startswith("BA-2025-")
