"""Pasted text through the JSON API: the same rule and words as the web form (issue 11,
item 1)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.registry.models import RegistryEntry
from tests.helpers import fill_section, start_draft
from tests.security.harness import bearer, ctx, issue_token, sample_fiche, web_login

API = "/api/v1"


@pytest.fixture
def client(iapp):
    return iapp.test_client()


@pytest.fixture
def orienteur(iapp):
    return bearer(issue_token(iapp, "orienteur@demo.example"))


def post(client, headers, data):
    return client.post(f"{API}/fiches", json=data, headers=headers)


@pytest.mark.parametrize("typed, named", [
    ("\u202eNguyen", "« forçage droite-à-gauche » (U+202E)"),
    ("Ngu\u200byen", "« espace sans chasse » (U+200B)"),
    ("Nguyen\u2066", "« isolat gauche-à-droite » (U+2066)"),
    ("Nguyen\ufeff", "« espace insécable sans chasse » (U+FEFF)"),
])
def test_refused_characters_are_named_in_the_field_errors(iapp, client, orienteur, typed,
                                                          named):
    data = sample_fiche()
    data["menage"]["co_demandeurs"][0]["nom"] = typed
    response = post(client, orienteur, data)
    assert response.status_code == 422
    message = response.get_json()["errors"]["json"]["menage"]["co_demandeurs"]["0"]["nom"][0]
    assert named in message and message.startswith("Ce texte contient un caractère invisible")
    with ctx(iapp) as session:
        assert session.execute(select(RegistryEntry)).first() is None
    # The web form gives the same words beside the same field.
    web = web_login(iapp, "orienteur@demo.example")
    page = fill_section(web, start_draft(web), "menage", data["menage"])
    assert page.status_code == 422
    assert named.replace("'", "&#39;") in page.get_data(as_text=True)


@pytest.mark.parametrize("typed, stored", [
    ("Nguye\u0302\u0303n", "Nguyễn"), ("Maﬁlle", "Maﬁlle"), ("T½", "T½"),
    ("ℌélène № 2", "ℌélène № 2"), ("می\u200cخواهم", "می\u200cخواهم"),
])
def test_accepted_text_is_registered_in_nfc(client, orienteur, typed, stored):
    data = sample_fiche()
    data["menage"]["demandeur"]["prenom"] = typed
    response = post(client, orienteur, data)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["snapshot"]["menage"]["demandeur"]["prenom"] == stored


def test_a_document_fault_names_the_section_and_the_field(client, orienteur):
    data = sample_fiche()
    data["menage"]["demandeur"]["nom"] = "김민준"
    response = post(client, orienteur, data)
    assert response.status_code == 422
    problems = response.get_json()["errors"]["preflight"]
    assert problems == [
        "Section B « Identité et composition du ménage », champ menage.demandeur.nom : "
        "Les caractères « 김 » (U+AE40), « 민 » (U+BBFC), « 준 » (U+C900) n'existent pas dans "
        "la police du document : ils s'imprimeraient comme des carrés vides."]
