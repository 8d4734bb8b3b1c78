"""The household page and the team dashboard show what the charter expects and what is late."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from service.demo import _demo_path
from service.extensions import db
from service.households.models import Household
from service.ids import new_id
from service.timeutil import today_paris
from tests.helpers import fill_section, sample_fiche, start_draft, submit_draft


def admitted_household(client, accounts, app) -> Household:
    from service.referrals.models import Referral
    from service.referrals.service import decide

    draft_id = start_draft(client)
    for section, answers in sample_fiche().items():
        fill_section(client, draft_id, section, answers)
    submit_draft(client, draft_id)
    referral = db.session.execute(select(Referral)).scalar_one()
    return decide(referral, "admis", accounts["plateforme@demo.example"],
                  team_structure_id=accounts["accompagnant@demo.example"].structure_id)


def test_household_page_lists_late_items(client, accounts, app):
    from tests.conftest import csrf_from, login

    login(client, "orienteur@demo.example")
    household = admitted_household(client, accounts, app)
    household_id = household.id
    _demo_path(household_id, accounts["accompagnant@demo.example"])
    client.post("/deconnexion", data={"csrf_token": csrf_from(
        client.get("/fiches").get_data(as_text=True))})
    login(client, "accompagnant@demo.example")
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "Suivi au regard de la charte" in page
    assert "1 contact au cours des 30 derniers jours" in page
    assert "Pas de rencontre avec l&#39;infirmier" in page
    assert "Pas de plan d&#39;action concerté" in page
    assert "12 rue du Pas-du-Loup" in page
    dashboard = client.get("/menages/alertes").get_data(as_text=True)
    assert household.reference in dashboard and "1 ménage sur 1" in dashboard
    # A second contact this month clears the contact alert.
    from service.households.path import Contact

    db.session.add(Contact(id=new_id(), household_id=household_id,
                           on=today_paris() - timedelta(days=1), kind="telephone",
                           professionals=[], recorded_by_id=accounts[
                               "accompagnant@demo.example"].id))
    db.session.commit()
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "au cours des 30 derniers jours" not in page


def test_other_team_cannot_see_the_dashboard_entry(client, accounts, app):
    from tests.conftest import login

    login(client, "orienteur@demo.example")
    household = admitted_household(client, accounts, app)
    reference = household.reference
    _demo_path(household.id, accounts["accompagnant@demo.example"])
    login(client, "accompagnant2@demo.example")
    assert reference not in client.get("/menages/alertes").get_data(as_text=True)


def test_worker_records_a_contact_and_the_support_dates(client, accounts, app):
    from tests.conftest import csrf_from, login

    login(client, "orienteur@demo.example")
    household = admitted_household(client, accounts, app)
    household_id = household.id
    login(client, "accompagnant@demo.example")
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "L'accompagnement n'a pas encore commencé" in page
    form = client.get(f"/menages/{household_id}/accompagnement").get_data(as_text=True)
    bad = client.post(f"/menages/{household_id}/accompagnement", data={
        "csrf_token": csrf_from(form), "start": "2026-09-01", "planned_end": "2026-08-01"})
    assert bad.status_code == 422
    assert "La fin prévue doit suivre le début." in bad.get_data(as_text=True)
    assert 'value="2026-09-01"' in bad.get_data(as_text=True)
    ok = client.post(f"/menages/{household_id}/accompagnement", data={
        "csrf_token": csrf_from(form), "start": "2026-09-01", "planned_end": "2027-09-01",
        "nurse_first_meeting": "2026-10-05"})
    assert ok.status_code == 302
    worker = accounts["accompagnant@demo.example"]
    form = client.get(f"/menages/{household_id}/contacts/nouveau").get_data(as_text=True)
    today = today_paris().isoformat()
    future = (today_paris() + timedelta(days=3)).isoformat()
    refused = client.post(f"/menages/{household_id}/contacts/nouveau", data={
        "csrf_token": csrf_from(form), "on": future, "kind": "telephone"})
    assert "ne peut pas être daté dans le futur" in refused.get_data(as_text=True)
    stranger = client.post(f"/menages/{household_id}/contacts/nouveau", data={
        "csrf_token": csrf_from(form), "on": today, "kind": "telephone",
        "professionals": accounts["accompagnant2@demo.example"].id})
    assert "Choisissez parmi l&#39;équipe." in stranger.get_data(as_text=True)
    saved = client.post(f"/menages/{household_id}/contacts/nouveau", data={
        "csrf_token": csrf_from(form), "on": today, "kind": "visite_domicile",
        "professionals": worker.id, "place": "Au domicile"})
    assert saved.status_code == 302
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "1 contact au cours des 30 derniers jours" in page
    assert "depuis le 1er\u00a0septembre 2026" in page  # the day stays with its month


def test_gestion_locative_and_other_team_cannot_record(client, accounts, app):
    from tests.conftest import login

    login(client, "orienteur@demo.example")
    household_id = admitted_household(client, accounts, app).id
    for email in ("gestion@demo.example", "accompagnant2@demo.example", "financeur@demo.example"):
        login(client, email)
        assert client.get(f"/menages/{household_id}/contacts/nouveau").status_code == 404


def test_tenancy_with_bail_glissant_feeds_the_prefet_alert(client, accounts, app):
    from tests.conftest import csrf_from, login

    login(client, "orienteur@demo.example")
    household_id = admitted_household(client, accounts, app).id
    login(client, "accompagnant@demo.example")
    page = client.get(f"/menages/{household_id}/logement").get_data(as_text=True)
    base = {"csrf_token": csrf_from(page), "landlord_name": "ACM Habitat",
            "landlord_type": "social", "address": "3 rue de la Loge, Montpellier",
            "contract": "sous_location_bail_glissant", "rent": "412,50"}
    missing = client.post(f"/menages/{household_id}/logement", data=base)
    assert missing.status_code == 422
    assert "Obligatoire pour un bail glissant" in missing.get_data(as_text=True)
    signed = (today_paris() - timedelta(days=320)).isoformat()
    ok = client.post(f"/menages/{household_id}/logement", data={
        **base, "convention_signed": signed, "examination_months": "12",
        "entry_date": signed})
    assert ok.status_code == 302
    form = client.get(f"/menages/{household_id}/accompagnement").get_data(as_text=True)
    client.post(f"/menages/{household_id}/accompagnement", data={
        "csrf_token": csrf_from(form), "start": signed,
        "planned_end": (today_paris() + timedelta(days=200)).isoformat()})
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "Bail glissant : le bailleur doit informer le préfet" in page
    assert "3 rue de la Loge" in page


def test_extension_end_of_support_and_droit_de_suite(client, accounts, app):
    from sqlalchemy import select as sa_select

    from service.households.path import DroitDeSuite, SupportPeriod
    from tests.conftest import csrf_from, login

    login(client, "orienteur@demo.example")
    household_id = admitted_household(client, accounts, app).id
    login(client, "accompagnant@demo.example")
    url = f"/menages/{household_id}/accompagnement"
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    base = {"csrf_token": csrf, "start": "2025-10-01", "planned_end": "2026-10-01"}
    no_reason = client.post(url, data={**base, "extension_until": "2027-04-01"})
    assert "Indiquez le motif de la prolongation." in no_reason.get_data(as_text=True)
    client.post(url, data={**base, "extension_until": "2027-04-01",
                           "extension_reason": "Glissement du bail en cours"})
    period = db.session.execute(sa_select(SupportPeriod)).scalar_one()
    assert period.extensions[0]["until"] == "2027-04-01"
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "fin prévue le 1er\u00a0avril 2027 (1 prolongation)" in page
    client.post(url, data={**base, "end_date": "2027-03-15", "end_reason": "autonome",
                           "destination": "Bail direct après glissement"})
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "du 1er\u00a0octobre 2025 au 15\u00a0mars 2027" in page and "Droit de suite" in page
    form = client.get(f"/menages/{household_id}/droit-de-suite").get_data(as_text=True)
    saved = client.post(f"/menages/{household_id}/droit-de-suite", data={
        "csrf_token": csrf_from(form), "on": "2027-05-02", "requested_by": "bailleur",
        "reason": "Troubles du voisinage signalés"})
    assert saved.status_code == 302
    assert db.session.execute(sa_select(DroitDeSuite)).scalar_one().requested_by == "bailleur"


def test_team_members_with_one_coordinator_and_periodic_examinations(client, accounts, app):
    from tests.conftest import csrf_from, login

    login(client, "orienteur@demo.example")
    household_id = admitted_household(client, accounts, app).id
    login(client, "encadrant@demo.example")
    url = f"/menages/{household_id}/equipe"
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    julien, claire = accounts["accompagnant@demo.example"], accounts["infirmier@demo.example"]
    client.post(url, data={"csrf_token": csrf, "user_id": julien.id, "coordinating": "y"})
    client.post(url, data={"csrf_token": csrf, "user_id": claire.id})
    stranger = client.post(url, data={"csrf_token": csrf,
                                      "user_id": accounts["gestion@demo.example"].id})
    assert "Choisissez un professionnel de la liste." in stranger.get_data(as_text=True)
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "Julien Castel (coordination), Claire Aubert" in page
    assert client.get(f"/menages/{household_id}/logement/examens").status_code == 404
    form = client.get(f"/menages/{household_id}/logement").get_data(as_text=True)
    client.post(f"/menages/{household_id}/logement", data={
        "csrf_token": csrf_from(form), "landlord_name": "Hérault Habitat",
        "landlord_type": "social", "address": "1 place de la Comédie",
        "contract": "sous_location_bail_glissant", "convention_signed": "2026-06-01",
        "examination_months": "18"})
    exam = client.get(f"/menages/{household_id}/logement/examens").get_data(as_text=True)
    saved = client.post(f"/menages/{household_id}/logement/examens", data={
        "csrf_token": csrf_from(exam), "on": "2026-11-20",
        "participants": "Hérault Habitat, équipe, M. et Mme Nguyễn",
        "conclusion": "Loyers à jour ; glissement envisagé au printemps."})
    assert saved.status_code == 302
    page = client.get(f"/menages/{household_id}").get_data(as_text=True)
    assert "période d'examen de 18 mois ; 1\u00a0examen périodique" in page
