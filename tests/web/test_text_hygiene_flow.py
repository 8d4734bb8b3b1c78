"""Pasted text through the web pages: refused beside its field, or kept and sent (issue 11,
item 1); a fault of the produced document names its section and field."""

from __future__ import annotations

import html
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from service.extensions import db
from service.registry.models import RegistryEntry
from tests.helpers import fill_section, sample_fiche, start_draft, submit_draft


def fill_all(client, draft_id, data):
    for section, answers in data.items():
        response = fill_section(client, draft_id, section, answers)
        assert response.status_code == 302, (section, response.get_data(as_text=True)[:2000])


@pytest.mark.parametrize("typed, named", [
    ("\u202eNguyen", "« forçage droite-à-gauche » (U+202E)"),
    ("Ngu\u200byen", "« espace sans chasse » (U+200B)"),
    ("Ma\u00adrie", "« trait d'union conditionnel » (U+00AD)"),
])
def test_a_format_character_is_refused_beside_its_field_at_save_time(login_as, typed, named):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    menage = sample_fiche()["menage"]
    menage["demandeur"]["nom"] = typed
    response = fill_section(client, draft_id, "menage", menage)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    beside = html.unescape(re.search(r'id="demandeur-nom-error">(.*?)</p>', page, re.S).group(1))
    assert named in beside and "retapez-le au clavier" in beside
    summary = re.search(r'<a href="#demandeur-nom">(.*?)</a>', page, re.S).group(1)
    assert summary.startswith("Demandeur ou demandeuse – Nom d&#39;usage : Ce texte contient")
    tasks = client.get(f"/brouillons/{draft_id}").get_data(as_text=True)
    assert re.search(r"B\. Identité et composition du ménage</a>\s*<strong[^>]*>En cours",
                     tasks)


def test_compatibility_characters_and_decomposed_accents_are_sent(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    data = sample_fiche()
    data["menage"]["demandeur"].update(nom="Nguye\u0302\u0303n", prenom="Maﬁlle")
    data["menage"]["enfants"][0]["scolarite"] = "CM1, ½ pension, ℌôpital de jour № 2"
    data["projet"]["contraintes"] = "می\u200cخواهم نزدیک مدرسه باشم"
    fill_all(client, draft_id, data)
    response, _ = submit_draft(client, draft_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    entry = db.session.execute(select(RegistryEntry)).scalar_one()
    assert entry.snapshot["menage"]["demandeur"]["nom"] == "Nguyễn"  # stored in NFC
    assert entry.snapshot["menage"]["demandeur"]["prenom"] == "Maﬁlle"  # kept as typed
    pdf = client.get(f"/documents/{entry.id}/telecharger.pdf").data
    shown = "".join(unicodedata.normalize("NFKC", "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)).split())
    for printed in ("Mafille", "Nguyễn", "½pension,Hôpitaldejour", "No2"):
        assert unicodedata.normalize("NFKC", printed) in shown, printed


def test_a_document_fault_names_the_section_and_the_field(login_as):
    """Characters the document's fonts cannot draw are refused when sending, with the place."""
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    data = sample_fiche()
    data["menage"]["demandeur"]["nom"] = "李小龍"
    fill_all(client, draft_id, data)
    response, _ = submit_draft(client, draft_id)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Le document n'a pas pu être produit correctement" in page
    link = re.search(r'<a href="(/brouillons/[^"]+/menage#demandeur-nom)">(.*?)</a>', page, re.S)
    assert link, page[:4000]
    assert link.group(2).startswith(
        "B. Identité et composition du ménage – Demandeur ou demandeuse – Nom d&#39;usage : "
        "Les caractères « 李 » (U+674E), « 小 » (U+5C0F), « 龍 » (U+9F8D) n&#39;existent pas")
    assert "personnes › 1" not in page  # the document's own path is not the user's words
    assert db.session.execute(select(RegistryEntry)).first() is None
