"""Who sees an application: its structure's accounts; the funders of its call once it is
submitted, never a draft; nobody else, and a refusal is a 404 like a missing page."""

from __future__ import annotations

import re
from datetime import timedelta

from service.applications.calls import create_call, seed_call
from service.applications.models import Application
from service.extensions import db
from service.timeutil import utcnow
from tests.applications.conftest import add_user, fill, start, upload_all
from tests.conftest import csrf_from, login
from tests.golden.candidature.sample import raw_application
from tests.security.harness import bearer, issue_token


def _submitted(client, call) -> Application:
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    fill(client, application_id, raw_application())
    upload_all(client, application_id)
    page = client.get(f"/candidatures/{application_id}/depot").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    assert client.post(f"/candidatures/{application_id}/depot", data={
        "csrf_token": csrf_from(page), "idempotency_key": key}).status_code == 302
    return db.session.get(Application, application_id)


def test_a_funder_sees_no_draft(client, accounts, call, rival):
    login(client, "candidat2@demo.example")
    draft_id = start(client, call)
    login(client, "financeur@demo.example")
    assert "Association Concurrente" not in client.get(f"/appels/{call.id}/").get_data(
        as_text=True)
    assert client.get(f"/appels/{call.id}/dossiers/{draft_id}").status_code == 404
    assert client.get(f"/candidatures/{draft_id}/").status_code == 404
    token = bearer(issue_token(client.application, "financeur@demo.example"))
    assert client.get(f"/api/v1/appels/{call.id}/dossiers", headers=token).get_json() == []
    assert client.get(f"/api/v1/candidatures/{draft_id}", headers=token).status_code == 404


def test_a_candidate_never_sees_another_structures_dossier(client, accounts, call, rival):
    application = _submitted(client, call)
    dossier, receipt = application.dossier_entry_id, application.receipt_entry_id
    login(client, "candidat2@demo.example")
    for url in (f"/candidatures/{application.id}/", f"/candidatures/{application.id}/equipe",
                f"/candidatures/{application.id}/pieces",
                f"/candidatures/{application.id}/verification",
                f"/candidatures/{application.id}/depot",
                f"/documents/{dossier}/telecharger.pdf", f"/documents/{dossier}/telecharger.zip",
                f"/documents/{receipt}/telecharger.pdf", f"/appels/{call.id}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Habitat et Solidarités" not in response.get_data(as_text=True)
    page = client.get("/candidatures/").get_data(as_text=True)
    assert client.post(f"/candidatures/{application.id}/apercu",
                       data={"csrf_token": csrf_from(page)}).status_code == 404
    token = bearer(issue_token(client.application, "candidat2@demo.example"))
    assert client.get(f"/api/v1/candidatures/{application.id}", headers=token
                      ).status_code == 404
    assert client.put(f"/api/v1/candidatures/{application.id}/note", headers=token,
                      json={"data": {"risques": "x"}}).status_code == 404


def test_a_funder_of_another_call_sees_nothing_of_this_one(client, accounts, call):
    application = _submitted(client, call)
    add_user("financeur2@demo.example", "financeur", "Département de l'Aude", "financeur")
    other = create_call(seed_call(reference="AAP-AUTRE-2026", title="Un autre appel",
                                  funders=[{"code": "aude", "name": "Département de l'Aude"}],
                                  deadline=utcnow() + timedelta(days=3)))
    db.session.commit()
    login(client, "financeur2@demo.example")
    assert client.get("/appels/").get_data(as_text=True).count("Un autre appel") == 1
    for url in (f"/appels/{call.id}/", f"/appels/{call.id}/comparaison",
                f"/appels/{call.id}/comparaison.xlsx",
                f"/appels/{call.id}/dossiers/{application.id}",
                f"/appels/{other.id}/dossiers/{application.id}",
                f"/documents/{application.dossier_entry_id}/telecharger.pdf"):
        assert client.get(url).status_code == 404, url
    # The funder of the call reads it; the candidate cannot reach the funders' pages.
    login(client, "financeur@demo.example")
    assert client.get(f"/documents/{application.dossier_entry_id}/telecharger.pdf"
                      ).status_code == 200
    login(client, "candidat@demo.example")
    assert client.get(f"/appels/{call.id}/").status_code == 404
    assert client.get(f"/appels/{call.id}/dossiers/{application.id}").status_code == 404
