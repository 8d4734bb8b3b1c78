"""The API keeps the contract its OpenAPI document states (issue 12, defect 7; ASVS 13.2.x).

Before: `minimum`/`maximum` were strings (strict client generators refused POST /fiches),
timestamps declared `date-time` had no offset, a body-less POST /brouillons created a draft,
`"version": "1"` or `1.5` was accepted, the verification API's 422 had no message, 405 answers
had no Allow header, and `kind_key` was a free string.
"""

from __future__ import annotations

import html
import re
from io import BytesIO

import pytest

from tests.security.harness import bearer, issue_token, sample_fiche, structure_id, web_login

API = "/api/v1"
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
NUMERIC = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


@pytest.fixture
def app(iapp):
    return iapp


@pytest.fixture
def orienteur(app):
    return bearer(issue_token(app, "orienteur@demo.example"))


def _walk(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def test_every_bound_in_the_openapi_document_is_a_number(app):
    spec = app.test_client().get(f"{API}/openapi.json").get_json()
    bad = [(path, key, value) for path, key, value in _walk(spec)
           if key in NUMERIC and (isinstance(value, bool) or not isinstance(value, int | float))]
    assert bad == []
    money = spec["components"]["schemas"]["Ressource"]["properties"]["montant_mensuel"]
    assert money["minimum"] == 0 and money["maximum"] == 1_000_000


def test_kind_keys_are_enums_of_the_kinds_each_path_accepts(app, orienteur):
    paths = app.test_client().get(f"{API}/openapi.json").get_json()["paths"]

    def enum(path):
        item = paths[path]
        parameters = item.get("parameters", []) + next(
            op for m, op in item.items() if m in ("get", "post")).get("parameters", [])
        return next(p for p in parameters if p["name"] == "kind_key")["schema"]["enum"]

    household = enum("/api/v1/menages/{household_id}/documents/{kind_key}")
    assert {"plan_action", "protocole_crise"} <= set(household)
    assert "fiche_de_lien" not in household
    period = enum("/api/v1/rapports/{kind_key}")
    assert "fiche_de_lien" not in period and "plan_action" not in period
    refused = app.test_client().post(f"{API}/rapports/inconnu",
                                     json={"debut": "2026-01-01", "fin": "2026-12-31"},
                                     headers=orienteur)
    assert refused.status_code == 404


def test_timestamps_carry_their_offset(app, orienteur):
    client = app.test_client()
    sent = client.post(f"{API}/fiches", json=sample_fiche(), headers=orienteur)
    assert sent.status_code == 201
    fiche = sent.get_json()
    assert OFFSET.match(fiche["latest"]["created_at"]), fiche["latest"]["created_at"]
    plateforme = bearer(issue_token(app, "plateforme@demo.example"))
    decided = client.post(f"{API}/fiches/{fiche['id']}/decision", headers=plateforme, json={
        "decision": "admis", "version": 1,
        "team_structure_id": structure_id(app, "accompagnant@demo.example")})
    assert decided.status_code == 200
    again = client.get(f"{API}/fiches/{fiche['id']}", headers=orienteur).get_json()
    assert OFFSET.match(again["decided_at"]), again["decided_at"]
    listed = client.get(f"{API}/fiches", headers=orienteur).get_json()[0]
    assert OFFSET.match(listed["received_at"]) and OFFSET.match(listed["decided_at"])
    draft = client.post(f"{API}/brouillons", json={"data": {}}, headers=orienteur).get_json()
    assert OFFSET.match(draft["updated_at"]), draft["updated_at"]
    code = fiche["latest"]["verification_code"]
    verified = client.get(f"{API}/verification/{code}").get_json()
    assert OFFSET.match(verified["date"]), verified["date"]


@pytest.mark.parametrize("body", [None, b"", "{}"], ids=["no-body", "empty-body", "no-data"])
def test_a_draft_needs_a_body(app, orienteur, body):
    client = app.test_client()
    if body == "{}":
        response = client.post(f"{API}/brouillons", json={}, headers=orienteur)
    elif body is None:
        response = client.post(f"{API}/brouillons", headers=orienteur)
    else:
        response = client.post(f"{API}/brouillons", data=body, headers={
            **orienteur, "Content-Type": "application/json"})
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:300]
    assert response.get_json()["message"]
    blank = client.post(f"{API}/brouillons", json={"data": {}}, headers=orienteur)
    assert blank.status_code == 201


@pytest.mark.parametrize("version", ["1", 1.5, True, 1.0, None, [1]])
def test_the_version_read_must_be_an_integer(app, orienteur, version):
    client = app.test_client()
    draft = client.post(f"{API}/brouillons", json={"data": {}}, headers=orienteur).get_json()
    response = client.patch(f"{API}/brouillons/{draft['id']}", headers=orienteur, json={
        "version": version, "data": {"origine": sample_fiche()["origine"]}})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]["json"]["version"]
    kept = client.get(f"{API}/brouillons/{draft['id']}", headers=orienteur).get_json()
    assert kept["version"] == 1 and kept["data"] == {}


def test_verification_errors_say_what_is_wrong(app):
    client = app.test_client()
    missing = client.post(f"{API}/verification/", data={})
    assert missing.status_code == 422
    assert missing.get_json()["message"] == "Champ « document » (fichier PDF) manquant."
    not_pdf = client.post(f"{API}/verification/", data={
        "document": (BytesIO(b"<html>pas un pdf</html>"), "statuts.pdf")})
    assert not_pdf.status_code == 422
    assert not_pdf.get_json()["message"] == "Ce fichier n'est pas un PDF."


@pytest.mark.parametrize("method, path, allowed", [
    ("delete", f"{API}/fiches", {"GET", "POST"}),
    ("put", f"{API}/brouillons", {"POST"}),
    ("get", f"{API}/brouillons/00000000-0000-0000-0000-000000000000/envoi", {"POST"}),
    ("post", f"{API}/verification/K7QF-9M2X-P4TA", {"GET"}),
])
def test_405_names_the_allowed_methods_in_the_api(app, orienteur, method, path, allowed):
    response = getattr(app.test_client(), method)(path, headers=orienteur)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert response.get_json()["message"]


def test_405_names_the_allowed_methods_on_pages(app):
    client = web_login(app, "orienteur@demo.example")
    response = client.get("/deconnexion")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Cette action n'est pas possible sur cette page." in html.unescape(
        response.get_data(as_text=True))
