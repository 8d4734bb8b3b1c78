"""The same application through the JSON API: same operations, fields and French messages."""

from __future__ import annotations

import io
from datetime import timedelta

from service.extensions import db
from service.timeutil import utcnow
from tests.applications.conftest import UPLOADS
from tests.golden.candidature.sample import MEMBER_SIRET, raw_application
from tests.security.harness import bearer, issue_token
from tests.uploads import pdfs


def test_an_application_through_the_api_from_start_to_outcome(client, accounts, call):
    token = bearer(issue_token(client.application, "candidat@demo.example"))
    calls = client.get("/api/v1/appels", headers=token).get_json()
    assert [c["reference"] for c in calls] == ["AAP-BAIL-DABORD-2025"]
    assert calls[0]["enveloppe"][0]["montant"] == "350000.00"
    made = client.post(f"/api/v1/appels/{call.id}/candidatures", headers=token)
    assert made.status_code == 201
    application = made.get_json()
    url = f"/api/v1/candidatures/{application['id']}"
    raw = raw_application()

    bad = client.put(f"{url}/identite", headers=token, json={
        "version": application["version"], "data": {**raw["identite"], "siret": "123"}})
    assert bad.status_code == 422
    assert bad.get_json()["errors"]["json"]["siret"] == [
        "Le SIRET compte 14 chiffres (9 du SIREN et 5 du NIC)."]
    stale = client.put(f"{url}/identite", headers=token,
                       json={"version": application["version"] + 5, "data": raw["identite"]})
    assert stale.status_code == 409
    version = application["version"]
    for section in ("identite", "groupement", "equipe", "note", "budget"):
        answer = client.put(f"{url}/{section}", headers=token,
                            json={"version": version, "data": raw[section]})
        assert answer.status_code == 200, (section, answer.get_json())
        version = answer.get_json()["version"]
    wrong_employer = client.put(f"{url}/equipe", headers=token, json={"data": {"postes": [
        {**raw["equipe"]["postes"][0], "employeur": "44123456700010"}]}})
    assert wrong_employer.get_json()["errors"]["json"]["postes"]["0"]["employeur"] == [
        "Choisissez la structure porteuse ou un membre du groupement."]
    assert client.put(f"{url}/conventions/{MEMBER_SIRET}", headers=token,
                      json={"data": raw["conventions"][MEMBER_SIRET]}).status_code == 200

    refused = client.post(f"{url}/pieces/statuts", headers=token, data={
        "fichier": (io.BytesIO(pdfs.encrypted()), "statuts.pdf")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "chiffré" in refused.get_json()["errors"]["json"]["fichier"][0]
    for key, pages in UPLOADS.items():
        added = client.post(f"{url}/pieces/{key}", headers=token, data={
            "fichier": (io.BytesIO(pdfs.plain(pages, key)), f"{key}.pdf")},
            content_type="multipart/form-data")
        assert added.status_code == 201 and added.get_json()["pages"] == pages
    checked = client.get(f"{url}/verification", headers=token).get_json()
    assert checked["complet"] is True
    assert {c["cle"] for c in checked["controles"]} >= {"agrement_ilgls", "equipe_etp",
                                                         "enveloppe_iml_ddets"}

    headers = {**token, "Idempotency-Key": "depot-1"}
    sent = client.post(f"{url}/depot", headers=headers, json={})
    assert sent.status_code == 202, sent.get_json()
    job = sent.get_json()
    assert job["kind"] == "depot_dossier" and job["url"] == f"/api/v1/jobs/{job['id']}"
    followed = client.get(job["url"], headers=token).get_json()
    assert followed["state"] == "termine" and followed["step"] == followed["steps"] > 3
    again = client.post(f"{url}/depot", headers=headers, json={})
    assert again.status_code == 202 and again.get_json()["id"] == job["id"]
    body = client.get(url, headers=token).get_json()
    assert [f["format"] for f in body["dossier"]["files"]] == ["pdf", "zip"]
    assert body["accuse"]["id"] == followed["entry_id"]
    assert client.get(body["accuse"]["pdf_url"], headers=token).status_code == 200
    assert body["dossier"]["version"] == 1

    preview = client.post(f"{url}/apercu", headers={**token, "Idempotency-Key": "ap-1"})
    assert preview.status_code == 202 and preview.get_json()["state"] == "termine"
    previewed = client.get(preview.get_json()["file_url"], headers=token)
    assert previewed.status_code == 200 and previewed.data.startswith(b"%PDF")
    funder_token = bearer(issue_token(client.application, "financeur@demo.example"))
    assert client.get(preview.get_json()["file_url"], headers=funder_token).status_code == 404

    funder = bearer(issue_token(client.application, "financeur@demo.example"))
    listed = client.get(f"/api/v1/appels/{call.id}/dossiers", headers=funder).get_json()
    assert [d["verification"] for d in listed] == ["Conforme"]
    compared = client.get(f"/api/v1/appels/{call.id}/comparaison", headers=funder).get_json()
    assert compared[0]["budget_total"] == "592000.00"
    assert compared[0]["par_financeur"] == {"iml_ddets": "350000.00",
                                            "fsl_metropole": "227000.00", "autre": "15000.00"}
    decided = client.post(f"/api/v1/appels/{call.id}/dossiers/{application['id']}/resultat",
                          headers=funder, json={"outcome": "non_retenue",
                                                "reason": "Locaux communs non identifiés."})
    assert decided.status_code == 200 and decided.get_json()["resultat"] == "non_retenue"
    assert client.post(f"/api/v1/appels/{call.id}/dossiers/{application['id']}/resultat",
                       headers=token, json={"outcome": "retenue", "reason": "x"}
                       ).status_code == 404

    call.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    late = client.post(f"{url}/depot", headers={**token, "Idempotency-Key": "depot-2"},
                       json={"confirmation": True})
    assert late.status_code == 409
    assert late.get_json()["message"].startswith("La date limite de dépôt de cet appel était")
