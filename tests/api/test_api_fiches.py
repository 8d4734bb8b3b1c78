"""The JSON API under /api/v1 through the real routes: bearer tokens, drafts, idempotency.

SECURITY.md rows: F9/F10 (mass assignment, unknown keys, big lists), R3 (Idempotency-Key),
A1 (another structure's objects answer 404), V13 (schema validation, authentication).
"""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from service.documents.models import DRAFT, SUBMITTED, Draft
from service.referrals.models import Referral
from service.registry.models import AuditEvent, RegistryEntry
from tests.helpers import fill_section, start_draft
from tests.security.harness import (
    bearer,
    count,
    ctx,
    issue_token,
    page_csrf,
    sample_fiche,
    structure_id,
    user_id,
    web_login,
)

API = "/api/v1"
NAME = "Nguyễn"
FIRST_NAME = "Thị Hương"


@pytest.fixture
def app(iapp):
    iapp.config["PROPAGATE_EXCEPTIONS"] = False  # a bug must show as a 500, as in production
    return iapp


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def orienteur(app):
    return bearer(issue_token(app, "orienteur@demo.example"))


@pytest.fixture
def samu(app):
    return bearer(issue_token(app, "samu@demo.example"))


def post_fiche(client, headers, data=None, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(f"{API}/fiches", json=data if data is not None else sample_fiche(),
                       headers={**headers, **extra})


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def registry_rows(app) -> list[RegistryEntry]:
    with ctx(app) as session:
        rows = session.execute(select(RegistryEntry).order_by(RegistryEntry.seq)).scalars().all()
        session.expunge_all()
        return rows


# --- OpenAPI ---------------------------------------------------------------------------------

def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_is_valid_openapi_3_and_lists_the_routes(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"] == "v1"
    paths = spec["paths"]
    for path in ("/api/v1/fiches", "/api/v1/fiches/{referral_id}", "/api/v1/brouillons",
                 "/api/v1/brouillons/{draft_id}", "/api/v1/brouillons/{draft_id}/envoi",
                 "/api/v1/documents/{entry_id}", "/api/v1/documents/{entry_id}/{fmt}"):
        assert path in paths, path
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    for path, item in paths.items():
        operations = {m: op for m, op in item.items() if m in methods}
        assert operations, path
        for method, operation in operations.items():
            assert operation.get("responses"), (path, method)
            for code in operation["responses"]:
                assert code == "default" or (code.isdigit() and len(code) == 3), (path, code)
        # Every {placeholder} of the path is declared as a path parameter.
        declared = {p["name"] for p in item.get("parameters", []) if p.get("in") == "path"}
        for operation in operations.values():
            declared |= {p["name"] for p in operation.get("parameters", [])
                         if p.get("in") == "path"}
        placeholders = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        assert placeholders <= declared, (path, placeholders, declared)
    # Every $ref resolves inside the document.
    for ref in _refs(spec):
        assert ref.startswith("#/"), ref
        node = spec
        for part in ref[2:].split("/"):
            assert part in node, ref
            node = node[part]
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http",
                                                                "scheme": "bearer"}
    assert spec["security"] == [{"bearer": []}]
    # The fiche schema is published with its sections.
    post = paths["/api/v1/fiches"]["post"]
    assert "201" in post["responses"]
    assert post["requestBody"]["content"]["application/json"]["schema"]


# --- Round trip ------------------------------------------------------------------------------

def test_post_fiche_then_read_it_and_download_pdf_and_docx(app, client, orienteur):
    response = post_fiche(client, orienteur)
    assert response.status_code == 201, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    created = response.get_json()
    assert location.endswith(f"/api/v1/fiches/{created['id']}")
    assert response.headers["Cache-Control"].startswith("no-store")

    again = client.get(location, headers=orienteur)
    assert again.status_code == 200
    body = again.get_json()
    assert body["id"] == created["id"]
    assert body["status"] == "recue"
    assert body["status_label"] == "Reçue – en attente de décision"
    assert body["decision_reason"] is None and body["household_reference"] is None
    assert body["snapshot"]["menage"]["demandeur"]["nom"] == NAME
    assert body["snapshot"]["menage"]["demandeur"]["prenom"] == FIRST_NAME
    latest = body["latest"]
    assert latest["version"] == 1 and latest["current"] is True
    assert latest["kind"] == "fiche_de_lien"

    listing = client.get(f"{API}/fiches", headers=orienteur)
    assert listing.status_code == 200
    assert [f["id"] for f in listing.get_json()] == [created["id"]]

    meta = client.get(f"{API}/documents/{latest['id']}", headers=orienteur)
    assert meta.status_code == 200 and meta.get_json()["pdf_sha256"] == latest["pdf_sha256"]

    pdf = client.get(latest["pdf_url"], headers=orienteur)
    assert latest["pdf_url"] == f"{API}/documents/{latest['id']}/pdf"
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(pdf.data)
    assert NAME in text and FIRST_NAME in text

    docx = client.get(f"{API}/documents/{latest['id']}/docx", headers=orienteur)
    assert docx.status_code == 200
    assert docx.mimetype == ("application/vnd.openxmlformats-officedocument"
                             ".wordprocessingml.document")
    assert NAME in docx_text(docx.data)

    assert client.get(f"{API}/documents/{latest['id']}/html", headers=orienteur).status_code \
        == 404
    rows = registry_rows(app)
    assert len(rows) == 1 and rows[0].id == latest["id"]
    with ctx(app) as session:
        downloads = session.execute(select(AuditEvent).where(
            AuditEvent.action == "download")).scalars().all()
        assert sorted(e.details["format"] for e in downloads) == ["docx", "pdf"]
        assert {e.details.get("via") for e in downloads} == {"api"}
        assert {e.user_id for e in downloads} == {user_id(app, "orienteur@demo.example")}


# --- Drafts ----------------------------------------------------------------------------------

def test_draft_partial_patch_with_version_lock_then_send(app, client, orienteur):
    full = sample_fiche()
    created = client.post(f"{API}/brouillons", json={"data": {"origine": full["origine"]}},
                          headers=orienteur)
    assert created.status_code == 201, created.get_data(as_text=True)
    draft = created.get_json()
    assert draft["status"] == DRAFT and draft["version"] == 1
    assert draft["data"]["origine"]["prescripteur_nom"] == "Élodie Marchand"
    draft_url = f"{API}/brouillons/{draft['id']}"
    assert client.get(draft_url, headers=orienteur).get_json()["version"] == 1

    saved = client.patch(draft_url, json={"version": 1, "data": {"menage": full["menage"]}},
                         headers=orienteur)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.get_json()["version"] == 2

    # Someone saved since version 1 was read: refused, nothing overwritten.
    stale = client.patch(draft_url, json={"version": 1, "data": {"menage": {"typologie": "x"}}},
                         headers=orienteur)
    assert stale.status_code == 409
    assert stale.get_json()["message"] == "Le brouillon a été modifié depuis la version lue."
    current = client.get(draft_url, headers=orienteur).get_json()
    assert current["version"] == 2
    assert current["data"]["menage"]["typologie"] == "couple_avec_enfants"

    # Sending an incomplete draft: 422 with the web form's French messages, nothing registered.
    incomplete = client.post(f"{draft_url}/envoi", headers=orienteur)
    assert incomplete.status_code == 422, incomplete.get_data(as_text=True)[:500]
    errors = incomplete.get_json()["errors"]["json"]
    assert errors["residence"] == ["Ce champ est obligatoire."]
    assert errors["consentement"] == ["Ce champ est obligatoire."]
    assert "origine" not in errors and "menage" not in errors
    assert client.get(draft_url, headers=orienteur).get_json()["status"] == DRAFT
    assert registry_rows(app) == []

    rest = {k: v for k, v in full.items() if k not in ("origine", "menage")}
    assert client.patch(draft_url, json={"version": 2, "data": rest},
                        headers=orienteur).status_code == 200
    sent = client.post(f"{draft_url}/envoi", headers={**orienteur, "Idempotency-Key": "envoi-1"})
    assert sent.status_code == 201, sent.get_data(as_text=True)[:2000]
    referral = sent.get_json()
    assert referral["status"] == "recue"
    assert referral["snapshot"]["menage"]["demandeur"]["nom"] == NAME
    assert client.get(draft_url, headers=orienteur).get_json()["status"] == SUBMITTED

    # A sent draft is immutable: PATCH answers 404 like any object one may not change.
    assert client.patch(draft_url, json={"version": 99, "data": {}},
                        headers=orienteur).status_code == 404
    # Retrying with the same key replays; another key (or none) is a conflict, never a 500.
    replay = client.post(f"{draft_url}/envoi", headers={**orienteur, "Idempotency-Key": "envoi-1"})
    assert replay.status_code == 201 and replay.get_json()["id"] == referral["id"]
    for headers in ({**orienteur, "Idempotency-Key": "envoi-2"}, orienteur):
        again = client.post(f"{draft_url}/envoi", headers=headers)
        assert again.status_code == 409, again.get_data(as_text=True)[:300]
        assert "déjà été envoyé" in again.get_json()["message"]
    assert len(registry_rows(app)) == 1


def test_draft_made_through_the_api_opens_in_the_web_pages(app, orienteur):
    client = app.test_client()
    data = sample_fiche()
    created = client.post(f"{API}/brouillons", json={"data": {"origine": data["origine"],
                                                               "menage": data["menage"]}},
                          headers=orienteur)
    assert created.status_code == 201
    draft_id = created.get_json()["id"]
    web = web_login(app, "orienteur@demo.example")
    for path in ("", "/origine", "/menage", "/ressources", "/verifier"):
        page = web.get(f"/brouillons/{draft_id}{path}")
        assert page.status_code == 200, (path, page.status_code)
    assert "Thị Hương" in web.get(f"/brouillons/{draft_id}/menage").get_data(as_text=True)


@pytest.mark.parametrize("data, where", [
    ({"origine": "du texte"}, ["origine"]),
    ({"menage": {"enfants": "Maëlys"}}, ["menage", "enfants"]),
    ({"menage": {"enfants": ["Maëlys"]}}, ["menage", "enfants", "0"]),
    ({"menage": {"demandeur": {"nom": {"$gt": ""}}}}, ["menage", "demandeur", "nom"]),
    ({"ressources": {"lignes": [{"type": "rsa"}] * 16}}, ["ressources", "lignes"]),
], ids=["section-not-object", "list-not-list", "item-not-object", "value-object",
        "too-many-lines"])
def test_draft_data_must_have_the_shape_of_the_form(app, client, orienteur, data, where):
    """Such drafts used to be stored and then broke the web pages that display them (500)."""
    response = client.post(f"{API}/brouillons", json={"data": data}, headers=orienteur)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    node = response.get_json()["errors"]["json"]["data"]
    for key in where:
        node = node[key]
    assert node and all(isinstance(m, str) for m in node)
    assert count(app, Draft) == 0


# --- Validation ------------------------------------------------------------------------------

def test_invalid_email_gives_the_web_forms_french_message(app, client, orienteur):
    data = sample_fiche()
    data["origine"]["prescripteur_courriel"] = "pas-une-adresse"
    response = post_fiche(client, orienteur, data)
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"]["json"] == {
        "origine": {"prescripteur_courriel": ["Adresse électronique non valide."]}}
    assert body["message"]
    assert registry_rows(app) == [] and count(app, Draft) == 0

    # The web form says the same words for the same answer.
    web = web_login(app, "orienteur@demo.example")
    draft_id = start_draft(web)
    page = fill_section(web, draft_id, "origine", data["origine"])
    assert page.status_code == 422
    assert "Adresse électronique non valide." in page.get_data(as_text=True)


def test_missing_sections_are_reported_in_french(client, orienteur):
    response = post_fiche(client, orienteur, {"origine": sample_fiche()["origine"]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert errors["menage"] == ["Ce champ est obligatoire."]
    assert set(errors) == {"menage", "droits", "ressources", "residence", "projet",
                           "accompagnements", "auto_evaluation", "consentement"}


def _with(path: list[str], value):
    data = sample_fiche()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize("data, where", [
    (_with(["role"], "admin"), ["role"]),
    (_with(["id"], "00000000-0000-0000-0000-000000000000"), ["id"]),
    (_with(["organisation_id"], "x"), ["organisation_id"]),
    (_with(["origine", "role"], "admin"), ["origine", "role"]),
    (_with(["menage", "demandeur", "structure_id"], "x"), ["menage", "demandeur",
                                                           "structure_id"]),
], ids=["role", "id", "organisation_id", "nested-role", "deep-structure_id"])
def test_unknown_keys_are_refused_mass_assignment(app, client, orienteur, data, where):
    response = post_fiche(client, orienteur, data)
    assert response.status_code == 422
    node = response.get_json()["errors"]["json"]
    for key in where:
        node = node[key]
    assert node == ["Champ inconnu."]
    assert registry_rows(app) == [] and count(app, Draft) == 0


@pytest.mark.parametrize("body", [
    {"data": {}, "id": "00000000-0000-0000-0000-000000000000"},
    {"data": {}, "status": "soumis"},
    {"data": {"role": "admin"}},
    {"data": {"origine": {"structure_id": "x"}}},
], ids=["draft-id", "draft-status", "unknown-section", "unknown-field"])
def test_unknown_keys_in_drafts_are_refused(app, client, orienteur, body):
    response = client.post(f"{API}/brouillons", json=body, headers=orienteur)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "Champ inconnu." in response.get_data(as_text=True)
    assert count(app, Draft) == 0


def test_ten_thousand_resource_lines_are_refused_fast(app, client, orienteur):
    data = sample_fiche()
    data["ressources"]["lignes"] = [
        {"type": "rsa", "montant_mensuel": "646,52", "date_fin": ""}] * 10_000
    started = time.perf_counter()
    response = post_fiche(client, orienteur, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["ressources"]["lignes"] == [
        "Entre 1 et 15 lignes."]
    assert elapsed < 3, f"{elapsed:.1f} s to refuse an oversized list"
    started = time.perf_counter()
    draft = client.post(f"{API}/brouillons", json={"data": {"ressources": data["ressources"]}},
                        headers=orienteur)
    assert draft.status_code == 422 and time.perf_counter() - started < 3
    assert registry_rows(app) == [] and count(app, Draft) == 0


def test_body_over_max_content_length_is_refused(app, client, orienteur):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post(f"{API}/fiches", data=b" " * size,
                           headers={**orienteur, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["message"]
    assert count(app, Draft) == 0


def test_malformed_json_and_long_idempotency_key_are_400(client, orienteur):
    bad = client.post(f"{API}/fiches", data="{pas du json",
                      headers={**orienteur, "Content-Type": "application/json"})
    assert bad.status_code == 400
    assert bad.get_json()["errors"]["json"] == ["Corps JSON non valide."]
    long_key = post_fiche(client, orienteur, key="k" * 81)
    assert long_key.status_code == 400
    assert "Idempotency-Key" in long_key.get_json()["message"]


# --- Idempotency (SECURITY R3, C4) -------------------------------------------------------------

def test_same_key_same_payload_replays_the_first_referral(app, client, orienteur):
    first = post_fiche(client, orienteur, key="fiche-2026-001")
    second = post_fiche(client, orienteur, key="fiche-2026-001")
    assert first.status_code == second.status_code == 201
    assert first.headers["Location"] == second.headers["Location"]
    assert first.get_json()["id"] == second.get_json()["id"]
    assert len(registry_rows(app)) == 1
    assert count(app, Referral) == 1
    assert count(app, Draft) == 0  # a one-call submission makes no draft

    # Same key, other payload: refused, nothing registered, no stray draft.
    other = sample_fiche()
    other["projet"]["secteurs"] = "Lattes"
    conflict = post_fiche(client, orienteur, other, key="fiche-2026-001")
    assert conflict.status_code == 409
    assert conflict.get_json()["message"] == (
        "Cette clé d'idempotence a déjà servi pour un autre document.")
    assert len(registry_rows(app)) == 1 and count(app, Draft) == 0


def test_sending_a_draft_with_a_used_key_keeps_the_draft(app, client, orienteur):
    """A reused key on /envoi used to delete the user's draft along with the 409."""
    assert post_fiche(client, orienteur, key="k-1").status_code == 201
    other = sample_fiche()
    other["projet"]["secteurs"] = "Lattes"
    draft = client.post(f"{API}/brouillons", json={"data": other}, headers=orienteur).get_json()
    response = client.post(f"{API}/brouillons/{draft['id']}/envoi",
                           headers={**orienteur, "Idempotency-Key": "k-1"})
    assert response.status_code == 409
    kept = client.get(f"{API}/brouillons/{draft['id']}", headers=orienteur)
    assert kept.status_code == 200
    assert kept.get_json()["status"] == DRAFT
    assert kept.get_json()["data"]["projet"]["secteurs"] == "Lattes"
    assert len(registry_rows(app)) == 1


def test_idempotency_keys_belong_to_their_user(app, client, orienteur, samu):
    """Keys are chosen by clients ("1", "fiche-42"): another structure reusing one must neither
    receive the first structure's referral nor be blocked by it."""
    mine = post_fiche(client, orienteur, key="1")
    assert mine.status_code == 201
    theirs = post_fiche(client, samu, key="1")
    assert theirs.status_code == 201, theirs.get_data(as_text=True)[:300]
    assert theirs.get_json()["id"] != mine.get_json()["id"]
    other = sample_fiche()
    other["projet"]["secteurs"] = "Sète"
    third = post_fiche(client, bearer(issue_token(app, "samu@demo.example")), other, key="2")
    assert third.status_code == 201
    rows = registry_rows(app)
    assert len(rows) == 3
    assert {r.structure_id for r in rows} == {structure_id(app, "orienteur@demo.example"),
                                              structure_id(app, "samu@demo.example")}
    assert client.get(mine.headers["Location"], headers=samu).status_code == 404


# --- Authentication ---------------------------------------------------------------------------

ROUTES = [
    ("get", f"{API}/fiches"),
    ("post", f"{API}/fiches"),
    ("get", f"{API}/fiches/00000000-0000-0000-0000-000000000000"),
    ("post", f"{API}/brouillons"),
    ("get", f"{API}/documents/00000000-0000-0000-0000-000000000000/pdf"),
]


@pytest.mark.parametrize("authorization", [
    None, "Bearer", "Bearer ", "Bearer lda_inconnu", "Basic b3JpZW50ZXVyOnBhc3M=",
    "Bearer {token}x", "{token}", "Token {token}",
], ids=["none", "bearer-empty", "bearer-space", "unknown", "basic", "altered", "no-scheme",
        "other-scheme"])
def test_missing_or_bad_token_is_401(app, client, authorization):
    token = issue_token(app, "orienteur@demo.example")
    headers = {"Authorization": authorization.format(token=token)} if authorization else {}
    for method, path in ROUTES:
        response = getattr(client, method)(path, headers=headers, json=sample_fiche())
        assert response.status_code == 401, (method, path)
        assert response.get_json()["message"] == "Jeton d'API manquant ou invalide."
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(app, Draft) == 0


def test_revoked_token_is_401(app, client):
    """Create and revoke a token through « Mon compte », as a user would."""
    web = web_login(app, "orienteur@demo.example")
    page = web.post("/compte", data={"csrf_token": page_csrf(web), "name": "Logiciel SI"})
    html = page.get_data(as_text=True)
    token = re.search(r'<code class="token">([^<]+)</code>', html).group(1)
    assert client.get(f"{API}/fiches", headers=bearer(token)).status_code == 200
    token_id = re.search(r"/compte/jetons/([0-9a-f-]{36})/revoquer", html).group(1)
    revoked = web.post(f"/compte/jetons/{token_id}/revoquer",
                       data={"csrf_token": page_csrf(web)})
    assert revoked.status_code == 302
    assert client.get(f"{API}/fiches", headers=bearer(token)).status_code == 401
    assert client.post(f"{API}/brouillons", json={"data": {}},
                       headers=bearer(token)).status_code == 401


def test_token_of_a_deactivated_account_is_401(app, client):
    from service.auth.models import User

    token = issue_token(app, "orienteur@demo.example")
    with ctx(app) as session:
        user = session.execute(select(User).where(
            User.email == "orienteur@demo.example")).scalar_one()
        user.active = False
        session.commit()
    assert client.get(f"{API}/fiches", headers=bearer(token)).status_code == 401


def test_session_cookie_alone_does_not_authenticate_the_api(app):
    web = web_login(app, "orienteur@demo.example")
    assert web.get("/fiches").status_code == 200  # the cookie works for the pages
    for method, path in ROUTES:
        response = getattr(web, method)(path, json={"data": {}})
        assert response.status_code == 401, (method, path)
    # Not even with the page's CSRF token (the API ignores cookies altogether).
    response = web.post(f"{API}/brouillons", json={"data": {}},
                        headers={"X-CSRFToken": page_csrf(web)})
    assert response.status_code == 401
    assert count(app, Draft) == 0


def test_non_orienteur_tokens_cannot_create(app, client):
    for email in ("plateforme@demo.example", "accompagnant@demo.example",
                  "financeur@demo.example", "admin@demo.example"):
        headers = bearer(issue_token(app, email))
        assert client.post(f"{API}/brouillons", json={"data": {}},
                           headers=headers).status_code == 404, email
        assert post_fiche(client, headers).status_code == 404, email
    assert count(app, Draft) == 0 and registry_rows(app) == []


# --- Another structure ------------------------------------------------------------------------

def test_another_structures_orienteur_gets_404(app, client, orienteur, samu):
    created = post_fiche(client, orienteur).get_json()
    entry_id = created["latest"]["id"]
    draft = client.post(f"{API}/brouillons", json={"data": {}}, headers=orienteur).get_json()
    for method, path in [
        ("get", f"{API}/fiches/{created['id']}"),
        ("get", f"{API}/documents/{entry_id}"),
        ("get", f"{API}/documents/{entry_id}/pdf"),
        ("get", f"{API}/documents/{entry_id}/docx"),
        ("get", f"{API}/brouillons/{draft['id']}"),
        ("patch", f"{API}/brouillons/{draft['id']}"),
        ("post", f"{API}/brouillons/{draft['id']}/envoi"),
    ]:
        response = getattr(client, method)(path, headers=samu, json={"version": 1, "data": {}})
        assert response.status_code == 404, (method, path, response.status_code)
        assert NAME not in response.get_data(as_text=True)
    assert client.get(f"{API}/fiches", headers=samu).get_json() == []
    # Nothing was downloaded or changed on their behalf.
    with ctx(app) as session:
        downloads = session.execute(select(AuditEvent).where(
            AuditEvent.action == "download")).scalars().all()
        assert downloads == []
        assert session.get(Draft, draft["id"]).version_id == 1


def test_list_shows_my_fiches_even_behind_500_of_other_structures(app, client, orienteur):
    """The list used to take the 500 most recent fiches of everyone, then filter."""
    from service.documents.models import DocumentSeries
    from service.ids import new_id

    mine = post_fiche(client, orienteur).get_json()
    samu_structure = structure_id(app, "samu@demo.example")
    samu_user = user_id(app, "samu@demo.example")
    with ctx(app) as session:
        received = session.get(Referral, mine["id"]).received_at
        for i in range(501):
            series = DocumentSeries(id=new_id(), kind="fiche_de_lien",
                                    structure_id=samu_structure)
            session.add(series)
            session.add(Referral(id=new_id(), series_id=series.id, structure_id=samu_structure,
                                 created_by_id=samu_user, status="recue",
                                 applicant_label=f"Personne {i}",
                                 received_at=received + timedelta(minutes=i + 1)))
        session.commit()
    listing = client.get(f"{API}/fiches", headers=orienteur)
    assert listing.status_code == 200
    assert [f["id"] for f in listing.get_json()] == [mine["id"]]



def test_listing_fiches_traces_what_is_opened_not_what_is_listed(app, client, orienteur):
    """The list carries no answers, so listing writes no reading; opening a fiche does."""
    mine = post_fiche(client, orienteur).get_json()
    plateforme = bearer(issue_token(app, "plateforme@demo.example"))
    listing = client.get(f"{API}/fiches", headers=plateforme)
    assert [f["id"] for f in listing.get_json()] == [mine["id"]]
    assert "snapshot" not in listing.get_json()[0]

    def views():
        with ctx(app) as session:
            return [(e.user_id, e.role) for e in session.execute(select(AuditEvent).where(
                AuditEvent.action == "view", AuditEvent.object_id == mine["id"])).scalars()]

    assert views() == []
    opened = client.get(listing.get_json()[0]["url"], headers=plateforme)
    assert opened.get_json()["snapshot"]["accompagnements"]["partenaires_sante"]
    assert views() == [(user_id(app, "plateforme@demo.example"), "plateforme")]
