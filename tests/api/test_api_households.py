"""API for household documents: create a plan, a protocol, sign and seal it, list with alerts."""

from __future__ import annotations

import base64

from sqlalchemy import select

from service.auth.models import ApiToken
from service.extensions import db
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from service.rendering import signing
from tests.drawing import drawn_png
from tests.web.test_household_documents import sample
from tests.web.test_household_path import admitted_household


def token_for(user) -> dict:
    row, token = ApiToken.issue(user, "test")
    db.session.add(row)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _admitted_for_api(client, accounts, app, tmp_path) -> tuple:
    """An admitted household and its accompanying worker on the API, the seal's key in
    tmp_path: (API client, the worker's token headers, the household's id)."""
    from tests.conftest import login

    app.config["SEAL_DIR"] = str(tmp_path / "cachet")
    login(client, "orienteur@demo.example")
    household_id = admitted_household(client, accounts, app).id
    return app.test_client(), token_for(accounts["accompagnant@demo.example"]), household_id


def test_plan_and_signed_protocol_through_the_api(client, accounts, app, tmp_path):
    api, headers, household_id = _admitted_for_api(client, accounts, app, tmp_path)
    bad = api.post(f"/api/v1/menages/{household_id}/documents/plan_action",
                   json={"entete": {}}, headers=headers)
    assert bad.status_code == 422 and "Ce champ est obligatoire." in str(bad.get_json())
    plan = api.post(f"/api/v1/menages/{household_id}/documents/plan_action",
                    json=sample("plan_action"), headers={**headers, "Idempotency-Key": "p1"})
    assert plan.status_code == 201 and plan.get_json()["version"] == 1
    again = api.post(f"/api/v1/menages/{household_id}/documents/plan_action",
                     json=sample("plan_action"), headers={**headers, "Idempotency-Key": "p1"})
    assert again.get_json()["id"] == plan.get_json()["id"]  # a retry, not a second version
    protocol = api.post(f"/api/v1/menages/{household_id}/documents/protocole_crise",
                        json=sample("protocole_crise"), headers=headers).get_json()
    early = api.post(f"/api/v1/documents/{protocol['id']}/sceau", headers=headers)
    assert early.status_code == 409 and "La personne accompagnée doit signer" in \
        early.get_json()["message"]
    person = api.post(f"/api/v1/documents/{protocol['id']}/signatures", headers=headers, json={
        "nom": "Nadia Ferhat", "qualite": "personne", "methode": "dessin",
        "dessin_png_base64": base64.b64encode(drawn_png()).decode()})
    assert person.status_code == 201
    api.post(f"/api/v1/documents/{protocol['id']}/signatures", headers=headers, json={
        "nom": "Julien Castel", "qualite": "referent", "methode": "nom_tape"})
    sealed = api.post(f"/api/v1/documents/{protocol['id']}/sceau", headers=headers)
    assert sealed.status_code == 201 and sealed.get_json()["status"] == "signed"
    entry = db.session.get(RegistryEntry, sealed.get_json()["id"])
    from service.documents.sealing import trust_roots

    assert signing.validate(blob_store().get(entry.pdf_sha256), trust_roots()).ok
    listing = api.get(f"/api/v1/menages/{household_id}/documents", headers=headers).get_json()
    kinds_listed = [d["kind"] for d in listing["documents"]]
    assert kinds_listed.count("protocole_crise") == 2 and "plan_action" in kinds_listed
    assert "protocole" not in [a["code"] for a in listing["alertes"]]
    # Another team's token sees nothing of this household.
    other = token_for(accounts["accompagnant2@demo.example"])
    assert api.get(f"/api/v1/menages/{household_id}/documents", headers=other).status_code == 404
    gestion = token_for(accounts["gestion@demo.example"])
    listed = api.get(f"/api/v1/menages/{household_id}/documents", headers=gestion).get_json()
    assert all(d["kind"] not in ("protocole_crise", "plan_action", "fiche_de_lien")
               for d in listed["documents"])
    assert db.session.execute(select(RegistryEntry)).first() is not None


def test_path_records_through_the_api(client, accounts, app):
    from datetime import timedelta

    from service.timeutil import today_paris
    from tests.conftest import login

    login(client, "orienteur@demo.example")
    household_id = admitted_household(client, accounts, app).id
    api = app.test_client()
    worker = accounts["accompagnant@demo.example"]
    headers = token_for(worker)
    start = (today_paris() - timedelta(days=120)).isoformat()
    support = api.put(f"/api/v1/menages/{household_id}/accompagnement", headers=headers, json={
        "start": start, "planned_end": (today_paris() + timedelta(days=240)).isoformat(),
        "nurse_first_meeting": start})
    assert support.status_code == 200
    bad = api.put(f"/api/v1/menages/{household_id}/logement", headers=headers, json={
        "landlord_name": "ACM", "landlord_type": "social", "address": "1 rue X",
        "contract": "sous_location_bail_glissant"})
    assert bad.status_code == 422 and "bail glissant" in str(bad.get_json())
    ok = api.put(f"/api/v1/menages/{household_id}/logement", headers=headers, json={
        "landlord_name": "ACM", "landlord_type": "social", "address": "1 rue X",
        "contract": "bail_direct_droit_commun", "entry_date": start, "rent": "412,50"})
    assert ok.status_code == 200
    for days in (2, 12):
        created = api.post(f"/api/v1/menages/{household_id}/contacts", headers=headers, json={
            "on": (today_paris() - timedelta(days=days)).isoformat(), "kind": "telephone",
            "professionals": [worker.id]})
        assert created.status_code == 201
    listing = api.get(f"/api/v1/menages/{household_id}/documents", headers=headers).get_json()
    codes = [a["code"] for a in listing["alertes"]]
    assert "contacts" not in codes and "infirmier" not in codes and "plan" in codes
    gestion = token_for(accounts["gestion@demo.example"])
    assert api.post(f"/api/v1/menages/{household_id}/contacts", headers=gestion, json={
        "on": today_paris().isoformat(), "kind": "telephone"}).status_code == 404


def _statements(client, path: str, headers: dict) -> tuple[int, dict]:
    from sqlalchemy import event

    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        body = client.get(path, headers=headers).get_json()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements), body


def test_a_household_s_documents_are_listed_in_queries_independent_of_their_number(
        client, accounts, app):
    """Each listed version used to cost one query for its jobs and one for its currency."""
    from tests.conftest import login

    login(client, "orienteur@demo.example")
    household_id = admitted_household(client, accounts, app).id
    api = app.test_client()
    headers = token_for(accounts["accompagnant@demo.example"])
    path = f"/api/v1/menages/{household_id}/documents"

    def add_plan(key: str) -> None:
        made = api.post(f"{path}/plan_action", json=sample("plan_action"),
                        headers={**headers, "Idempotency-Key": key})
        assert made.status_code == 201

    add_plan("q1")
    few, body = _statements(api, path, headers)
    for number in range(2, 6):
        add_plan(f"q{number}")
    many, more = _statements(api, path, headers)
    assert len(more["documents"]) == len(body["documents"]) + 4
    assert many == few, (few, many)


def _protocol_to_sign(client, accounts, app, tmp_path) -> tuple:
    """An admitted household's protocole de crise, registered and waiting for signatures:
    (API client, the accompanying worker's token headers, the version's JSON)."""
    api, headers, household_id = _admitted_for_api(client, accounts, app, tmp_path)
    protocol = api.post(f"/api/v1/menages/{household_id}/documents/protocole_crise",
                        json=sample("protocole_crise"), headers=headers).get_json()
    return api, headers, protocol


def test_a_seal_that_loses_its_place_in_the_chain_is_appended_again(client, accounts, app,
                                                                     tmp_path, monkeypatch):
    """Two writes at once on the hash chain: the seal's append is refused once, then
    registered at the new head with the same sealed file, sealed and rendered once."""
    from sqlalchemy.exc import IntegrityError

    from service.documents import sealing

    api, headers, protocol = _protocol_to_sign(client, accounts, app, tmp_path)
    for body in ({"nom": "Nadia Ferhat", "qualite": "personne", "methode": "nom_tape"},
                 {"nom": "Julien Castel", "qualite": "referent", "methode": "nom_tape"}):
        assert api.post(f"/api/v1/documents/{protocol['id']}/signatures", headers=headers,
                        json=body).status_code == 201
    real_append, real_seal = sealing.append, sealing.signing.seal
    appends, seals = [], []

    def append_then_collide(**kwargs):
        appends.append(kwargs["entry_id"])
        entry = real_append(**kwargs)
        if len(appends) == 1:
            raise IntegrityError("INSERT INTO registry_entries", {},
                                 Exception("UNIQUE constraint failed: registry_entries.seq"))
        return entry

    def counted_seal(*args, **kwargs):
        seals.append(1)
        return real_seal(*args, **kwargs)

    monkeypatch.setattr(sealing, "append", append_then_collide)
    monkeypatch.setattr(sealing.signing, "seal", counted_seal)
    sealed = api.post(f"/api/v1/documents/{protocol['id']}/sceau", headers=headers)
    monkeypatch.undo()
    assert sealed.status_code == 201, sealed.get_data(as_text=True)[:500]
    assert sealed.get_json()["status"] == "signed" and sealed.get_json()["version"] == 2
    assert len(appends) == 2 and appends[0] == appends[1] and len(seals) == 1
    from service.registry.check import run as registry_check

    report = registry_check()
    assert report.faults == [], report.faults


def test_a_drawn_signature_s_image_is_never_an_orphan(client, accounts, app, tmp_path):
    """The image is named by its signature row, not by a registry file: `registry check`
    counted it as an orphan after 24 h, and `registry gc` deleted what sealing reads."""
    from service.registry.check import collect_orphans
    from service.registry.check import run as registry_check

    api, headers, protocol = _protocol_to_sign(client, accounts, app, tmp_path)
    assert api.post(f"/api/v1/documents/{protocol['id']}/signatures", headers=headers, json={
        "nom": "Nadia Ferhat", "qualite": "personne", "methode": "dessin",
        "dessin_png_base64": base64.b64encode(drawn_png()).decode()}).status_code == 201
    report = registry_check(grace_seconds=0)
    assert report.orphans == [] and report.faults == []
    assert collect_orphans(grace_seconds=0) == []
    api.post(f"/api/v1/documents/{protocol['id']}/signatures", headers=headers, json={
        "nom": "Julien Castel", "qualite": "referent", "methode": "nom_tape"})
    sealed = api.post(f"/api/v1/documents/{protocol['id']}/sceau", headers=headers)
    assert sealed.status_code == 201, sealed.get_data(as_text=True)[:300]
    assert registry_check(grace_seconds=0).orphans == []
