"""« Vérifiez vos réponses » lists what is missing and offers sending only when nothing is; a
draft links back to its household; whoever may edit a draft may delete it (issue 11, item 13)."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from service.documents import flow
from service.documents.models import Draft
from service.extensions import db
from service.registry.models import AuditEvent
from tests.conftest import csrf_from, login
from tests.helpers import fill_section, sample_fiche, start_draft
from tests.web.test_household_path import admitted_household


def links(page: str) -> dict[str, str]:
    """{text: href} of the « Ce qu'il reste à compléter » summary."""
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    return {html.unescape(re.sub(r"\s+", " ", text)): html.unescape(href)
            for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', summary, re.S)}


def test_review_lists_what_is_missing_with_links_and_no_send_button(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    data = sample_fiche()
    origine = dict(data["origine"], prescripteur_fonction="")
    fill_section(client, draft_id, "origine", origine)
    fill_section(client, draft_id, "menage", data["menage"])
    response = client.get(f"/brouillons/{draft_id}/verifier")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ce qu'il reste à compléter" in page
    found = links(page)
    assert found["A. Fonction : Ce champ est obligatoire."] == (
        f"/brouillons/{draft_id}/origine?erreurs=1#prescripteur_fonction")
    assert found["C. Situation administrative et droits : section à compléter"] == (
        f"/brouillons/{draft_id}/droits?erreurs=1")
    assert found["I. Consentement : section à compléter"] == (
        f"/brouillons/{draft_id}/consentement?erreurs=1")
    assert len(found) == 8  # one field of A, sections C to I
    assert "8 réponses manquent ou sont à corriger avant « Envoyer la fiche »" in (
        html.unescape(page))
    assert 'name="idempotency_key"' not in page and ">Envoyer la fiche</button>" not in page
    assert "Il y a un problème" not in page  # nothing was refused yet: a to-do list

    # The link opens the section with the message beside the field.
    section = client.get(found["A. Fonction : Ce champ est obligatoire."].split("#")[0])
    assert 'id="prescripteur_fonction-error"' in section.get_data(as_text=True)


def test_review_offers_sending_once_nothing_is_missing(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    for section, answers in sample_fiche().items():
        assert fill_section(client, draft_id, section, answers).status_code == 302
    page = client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    assert "Ce qu'il reste à compléter" not in page
    assert 'name="idempotency_key"' in page and ">Envoyer la fiche</button>" in page


def _household_draft(client, accounts, app):
    login(client, "orienteur@demo.example")
    household = admitted_household(client, accounts, app)
    draft = flow.new_draft("plan_action", accounts["accompagnant@demo.example"],
                           household_id=household.id)
    return household, draft.id


def test_a_household_draft_links_back_to_its_household(client, accounts, app):
    household, draft_id = _household_draft(client, accounts, app)
    login(client, "accompagnant@demo.example")
    for path in (f"/brouillons/{draft_id}", f"/brouillons/{draft_id}/verifier"):
        page = client.get(path).get_data(as_text=True)
        assert f'href="/menages/{household.id}"' in page, path
        assert household.reference in page


def test_a_colleague_deletes_an_abandoned_draft_after_confirming(client, accounts, app):
    household, draft_id = _household_draft(client, accounts, app)
    login(client, "encadrant@demo.example")  # not the author: same team, may edit it
    listing = client.get(f"/menages/{household.id}").get_data(as_text=True)
    assert f'href="/brouillons/{draft_id}/supprimer"' in listing
    confirm = client.get(f"/brouillons/{draft_id}/supprimer")
    assert confirm.status_code == 200
    page = confirm.get_data(as_text=True)
    assert "Supprimer ce brouillon\u202f?" in page
    assert accounts["accompagnant@demo.example"].full_name in page  # who started it
    assert db.session.get(Draft, draft_id) is not None  # the page itself deletes nothing
    response = client.post(f"/brouillons/{draft_id}/supprimer",
                           data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/menages/{household.id}")
    db.session.expire_all()
    assert db.session.get(Draft, draft_id) is None
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "delete")
                               ).scalar_one()
    assert event.object_type == "draft" and event.object_id == draft_id
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Le brouillon a été supprimé." in after


def test_who_may_not_edit_a_draft_may_not_delete_it(client, accounts, app):
    household, draft_id = _household_draft(client, accounts, app)
    for email in ("gestion@demo.example", "accompagnant2@demo.example",
                  "orienteur@demo.example"):
        login(client, email)
        assert client.get(f"/brouillons/{draft_id}/supprimer").status_code == 404, email
    assert db.session.get(Draft, draft_id) is not None
