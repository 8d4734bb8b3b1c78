import time
from service.auth.models import ApiToken
from service.extensions import db
from tests.helpers import sample_fiche


def tok(user):
    row, t = ApiToken.issue(user, "t")
    db.session.add(row); db.session.commit()
    return {"Authorization": f"Bearer {t}"}


def test_explore(client, accounts):
    h = tok(accounts["orienteur@demo.example"])
    r = client.get("/api/v1/openapi.json")
    print("openapi", r.status_code, list(r.json["paths"]))
    r = client.post("/api/v1/brouillons", json={"data": {"origine": {"structure_nom": "x"}}}, headers=h)
    print("draft", r.status_code, r.json)
    did = r.json["id"]
    r = client.post(f"/api/v1/brouillons/{did}/envoi", headers=h)
    print("envoi incomplete", r.status_code, r.get_data(as_text=True)[:1500])
    r = client.post("/api/v1/brouillons", json={"data": {"origine": "abc"}}, headers=h)
    print("draft str", r.status_code, r.get_data(as_text=True)[:300])
    did2 = r.json["id"]
    login = client.get("/connexion")
    from tests.conftest import login as lg
    lg(client, "orienteur@demo.example")
    r = client.get(f"/brouillons/{did2}")
    print("web tasks of api draft str", r.status_code)
    r = client.get(f"/brouillons/{did2}/origine")
    print("web section of api draft str", r.status_code)
    d = sample_fiche(); d["role"] = "admin"
    r = client.post("/api/v1/fiches", json=d, headers=h)
    print("unknown", r.status_code, r.get_data(as_text=True)[:300])
    d = sample_fiche(); d["ressources"]["lignes"] = [{"type": "rsa", "montant_mensuel": "1", "date_fin": ""}] * 10000
    t = time.time()
    r = client.post("/api/v1/fiches", json=d, headers=h)
    print("big", r.status_code, time.time() - t, r.get_data(as_text=True)[:300])
    t = time.time()
    r = client.post("/api/v1/fiches", json=sample_fiche(), headers={**h, "Idempotency-Key": "k1"})
    print("post", r.status_code, time.time() - t, r.headers.get("Location"), r.json["status"])
    eid = r.json["latest"]["id"]
    r = client.post(f"/api/v1/brouillons/{did}/envoi", headers=h)
    print("envoi again", r.status_code, r.get_data(as_text=True)[:300])
    d = sample_fiche(); d["projet"]["secteurs"] = "Lattes"
    r = client.post("/api/v1/fiches", json=d, headers={**h, "Idempotency-Key": "k1"})
    print("conflict", r.status_code, r.get_data(as_text=True)[:300])
    r = client.get(f"/api/v1/documents/{eid}/pdf", headers=h)
    print("pdf", r.status_code, r.mimetype, len(r.data))
    r = client.get(f"/api/v1/fiches", headers=h)
    print("list", r.status_code)
    r = client.get(f"/api/v1/fiches")
    print("noauth", r.status_code, r.get_data(as_text=True)[:300], r.headers)
