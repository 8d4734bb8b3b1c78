"""The Plateforme decides having read the fiche, confirms an admission, and follows the
household's path without writing the team's records (issue 11, item 9; DOMAIN.md §8.5)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from service.documents import flow
from service.extensions import db
from service.households.models import Household
from service.households.path import Contact
from service.referrals.models import Referral
from service.referrals.service import decide
from service.timeutil import utcnow
from tests.conftest import csrf_from, login, version_from
from tests.helpers import sample_fiche


def sent_fiche(accounts) -> Referral:
    user = accounts["orienteur@demo.example"]
    draft = flow.new_draft("fiche_de_lien", user, data=sample_fiche())
    entry = flow.finalise(draft, user, "fiche-decision").entry
    return db.session.execute(
        select(Referral).where(Referral.series_id == entry.series_id)).scalar_one()


def test_the_decision_page_shows_the_fiche_and_how_long_it_has_waited(client, accounts):
    referral = sent_fiche(accounts)
    referral.received_at = utcnow() - timedelta(days=12)
    db.session.commit()
    login(client, "plateforme@demo.example")
    page = client.get(f"/plateforme/fiches/{referral.id}").get_data(as_text=True)
    assert "en attente depuis 12\u00a0jours" in page  # never split at a line end
    for section in ("A. Origine de l&#39;orientation", "B. Identité et composition du ménage",
                    "D. Ressources", "H. Auto-évaluation des besoins d&#39;accompagnement",
                    "I. Consentement"):
        assert section in page, section
    # The answers themselves, with their labels, as on « Vérifiez vos réponses ».
    assert re.search(r"<dt>Demandeur ou demandeuse – Nom d&#39;usage</dt>\s*"
                     r"<dd[^>]*><bdi>Nguyễn</bdi></dd>", page)
    assert "Hôtel 115" in page and "J&#39;ai besoin d&#39;un coup de main de temps en temps" in page


def test_admitting_asks_for_confirmation_before_creating_the_household(client, accounts):
    referral = sent_fiche(accounts)
    login(client, "plateforme@demo.example")
    page = client.get(f"/plateforme/fiches/{referral.id}").get_data(as_text=True)
    team = accounts["accompagnant@demo.example"].structure
    asked = client.post(f"/plateforme/fiches/{referral.id}", data={
        "csrf_token": csrf_from(page), "version": version_from(page), "etape": "choix",
        "decision": "admis", "team_structure_id": team.id, "comment": "T3 à Celleneuve"})
    assert asked.status_code == 200
    confirm = asked.get_data(as_text=True)
    assert "Admettre Thị Hương Nguyễn\u202f?" in confirm and team.name in confirm.replace(
        "&#39;", "'")
    assert "Confirmer l'admission" in confirm and "T3 à Celleneuve" in confirm
    assert db.session.execute(select(Household)).first() is None  # nothing yet
    db.session.refresh(referral)
    assert referral.status == "recue"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', confirm))
    assert "etape" not in fields
    done = client.post(f"/plateforme/fiches/{referral.id}", data=fields)
    assert done.status_code == 302
    household = db.session.execute(select(Household)).scalar_one()
    assert household.team_structure_id == team.id


def test_a_wrong_admission_is_refused_before_the_confirmation(client, accounts):
    referral = sent_fiche(accounts)
    login(client, "plateforme@demo.example")
    page = client.get(f"/plateforme/fiches/{referral.id}").get_data(as_text=True)
    response = client.post(f"/plateforme/fiches/{referral.id}", data={
        "csrf_token": csrf_from(page), "version": version_from(page), "etape": "choix",
        "decision": "admis"})
    assert response.status_code == 422
    assert "Choisissez l&#39;équipe qui accompagnera le ménage." in response.get_data(
        as_text=True)


def test_the_plateforme_reads_the_path_but_does_not_write_the_teams_records(client, accounts):
    referral = sent_fiche(accounts)
    household = decide(referral, "admis", accounts["plateforme@demo.example"],
                       team_structure_id=accounts["accompagnant@demo.example"].structure_id)
    for email in ("plateforme@demo.example", "admin@demo.example"):
        login(client, email)
        page = client.get(f"/menages/{household.id}").get_data(as_text=True)
        assert "Suivi au regard de la charte" in page  # it follows the path
        assert "Enregistrer un contact" not in page
        for path in ("contacts/nouveau", "accompagnement", "logement", "equipe"):
            assert client.get(f"/menages/{household.id}/{path}").status_code == 404, path
        posted = client.post(f"/menages/{household.id}/contacts/nouveau", data={
            "csrf_token": csrf_from(page), "on": "2026-01-05", "kind": "telephone"})
        assert posted.status_code == 404
    assert db.session.execute(select(Contact)).first() is None
    login(client, "accompagnant@demo.example")
    assert client.get(f"/menages/{household.id}/contacts/nouveau").status_code == 200
