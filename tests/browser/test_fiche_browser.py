"""The fiche de lien in a real browser (Chromium, phone viewport), against the real app.

Run with: .venv/bin/pytest tests/browser -q -p no:cacheprovider
Screenshots of the main pages are written to tests/browser/screenshots/ (git-ignored).
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from tests.browser.support import A11yLog, assert_accessible, layout, login, logout, sample

pytestmark = pytest.mark.browser

ORIENTEUR = "orienteur@demo.example"
PLATEFORME = "plateforme@demo.example"
SAVED = re.compile(r"^Enregistré à \d{1,2}\u00a0h\u00a0\d{2}$")  # never split
TEAM = "Équipe Bail d'abord – Association Solidarités Montpellier"


# --------------------------------------------------------------------------- server-side data

def _user(email: str):
    from service.auth.models import User
    from service.extensions import db

    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def make_draft(server, prenom: str, nom: str, *, keep: tuple[str, ...] | None = None,
               email: str = ORIENTEUR) -> str:
    """A draft of an orienteur's structure, filled with the golden sample (fast, no browser)."""
    from service.documents import flow
    from service.extensions import db

    data = sample()
    data["menage"]["demandeur"].update(prenom=prenom, nom=nom)
    if keep is not None:
        data = {k: v for k, v in data.items() if k in keep}
    with server.app.app_context():
        draft_id = flow.new_draft("fiche_de_lien", _user(email), data=data).id
        db.session.remove()
    return draft_id


def make_admitted(server, prenom: str, nom: str) -> dict:
    """A submitted fiche, admitted by the Plateforme: ids of entry, referral and household."""
    from service.auth.models import Structure
    from service.documents import flow
    from service.documents.models import Draft
    from service.extensions import db
    from service.referrals.models import Referral
    from service.referrals.service import decide

    draft_id = make_draft(server, prenom, nom)
    with server.app.app_context():
        draft = db.session.get(Draft, draft_id)
        entry = flow.finalise(draft, _user(ORIENTEUR), str(uuid.uuid4())).entry
        referral = db.session.execute(
            select(Referral).where(Referral.series_id == entry.series_id)).scalar_one()
        team = db.session.execute(select(Structure).where(Structure.name == TEAM)).scalar_one()
        household = decide(referral, "admis", _user(PLATEFORME), team_structure_id=team.id)
        ids = {"entry": entry.id, "referral": referral.id, "household": household.id,
               "draft": draft_id}
        db.session.remove()
    return ids


@pytest.fixture(scope="module")
def admitted(live_server) -> dict:
    """One admitted household for the tests that only look at its pages (one PDF render)."""
    return make_admitted(live_server, "Accessible", "Partout")


# --------------------------------------------------------------------------- page helpers

def autosave_of(section: str, *values: str):
    """Predicate: the autosave response of `section` whose request carried all `values`."""
    def predicate(response) -> bool:
        if not response.url.endswith(f"/{section}/autosave"):
            return False
        body = response.request.post_data or ""
        return all(v in body for v in values)
    return predicate


def continue_(page: Page, expected_h1: str | None = None) -> None:
    """Submit the section. Called right after the last answer, as a person would: a slow step
    in between lets the 300 ms autosave fire and race the POST (see the last test)."""
    page.get_by_role("button", name="Enregistrer et continuer").click()
    if expected_h1:
        expect(page.get_by_role("heading", level=1)).to_have_text(expected_h1)


def group(page: Page, name: str):
    """A <fieldset> by its legend (radios, checkboxes, nested forms)."""
    return page.get_by_role("group", name=name, exact=True)


def shoot(page: Page, directory, name: str) -> None:
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


# --------------------------------------------------------------------------- 1. the journey

def test_orienteur_fills_on_a_phone_resumes_submits_and_plateforme_admits(
        live_server, new_context, screenshots):
    data = sample()
    a11y = A11yLog()
    context = new_context()
    page = context.new_page()

    # Log in, start a fiche.
    page.goto(live_server("/"))
    expect(page).to_have_url(re.compile(r"/connexion"))
    a11y.check(page)
    login(page, live_server.url, ORIENTEUR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes fiches de lien")
    a11y.check(page)
    page.get_by_role("button", name="Commencer une nouvelle fiche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiche de lien")
    tasks_url = page.url
    # A is prefilled from the account, so it is already « En cours ».
    expect(page.locator(".task .tag")).to_have_text(["En cours"] + ["À compléter"] * 8)
    a11y.check(page)

    # A. Origine: structure, type, name and e-mail are prefilled from the account.
    page.get_by_role("link", name="A. Origine de l'orientation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A. Origine de l'orientation")
    a11y.check(page)
    o = data["origine"]
    expect(page.get_by_label("Nom de la structure orienteuse")).to_have_value(o["structure_nom"])
    expect(page.get_by_label("Type de structure")).to_have_value(o["structure_type"])
    expect(page.get_by_label("Nom et prénom du prescripteur")).to_have_value(o["prescripteur_nom"])
    expect(page.get_by_label("Adresse électronique")).to_have_value(ORIENTEUR)
    page.get_by_label("Fonction", exact=True).fill(o["prescripteur_fonction"])
    page.get_by_label("Téléphone").fill(o["prescripteur_telephone"])
    page.get_by_label("Adresse électronique").fill(o["prescripteur_courriel"])
    page.get_by_label("Autre référent social connu").fill(o["autre_referent"])
    page.get_by_label("Date de la fiche").fill(o["date_fiche"])
    page.get_by_label("N° SI-SIAO de la fiche groupe").fill(o["numero_siao"])
    continue_(page, "B. Identité et composition du ménage")

    # B. Partially, then wait for the autosave.
    m = data["menage"]
    demandeur = group(page, "Demandeur ou demandeuse")
    demandeur.get_by_label("Nom d'usage").fill(m["demandeur"]["nom"])
    demandeur.get_by_role("radio", name="Femme").check()
    demandeur.get_by_label("Date de naissance").fill(m["demandeur"]["date_naissance"])
    demandeur.get_by_label("Nationalité").select_option(label="Hors Union européenne")
    page.get_by_label("Composition du ménage").select_option(label="Couple avec enfant(s)")
    with page.expect_response(autosave_of("menage", m["demandeur"]["prenom"],
                                          "couple_avec_enfants", "HORS_UE")) as saved:
        demandeur.get_by_label("Prénom", exact=True).fill(m["demandeur"]["prenom"])
    assert saved.value.status == 200
    expect(page.locator("[data-autosave-status]")).to_have_text(SAVED)
    a11y.check(page)

    # Close the page: the next page of the same phone finds the draft in « Mes fiches ».
    page.close()
    page = context.new_page()
    page.goto(live_server("/"))
    if "/connexion" in page.url:
        login(page, live_server.url, ORIENTEUR)
    page.get_by_role("link", name="Mes fiches").click()
    applicant = f"{m['demandeur']['prenom']} {m['demandeur']['nom']}"
    page.get_by_role("link", name=applicant, exact=True).click()
    expect(page).to_have_url(tasks_url)
    expect(page.locator("#status-origine")).to_have_text("Terminé")
    # Demandeur + composition are all that section B requires.
    expect(page.locator("#status-menage")).to_have_text("Terminé")
    page.get_by_role("link", name="B. Identité et composition du ménage").click()
    demandeur = group(page, "Demandeur ou demandeuse")
    expect(demandeur.get_by_label("Nom d'usage")).to_have_value("Nguyễn")
    expect(demandeur.get_by_label("Prénom", exact=True)).to_have_value("Thị Hương")
    expect(demandeur.get_by_role("radio", name="Femme")).to_be_checked()
    expect(demandeur.get_by_label("Date de naissance")).to_have_value("1984-03-01")
    expect(demandeur.get_by_label("Nationalité")).to_have_value("HORS_UE")
    expect(page.get_by_label("Composition du ménage")).to_have_value("couple_avec_enfants")

    # B. The rest: repeatable lists post the form and come back.
    page.get_by_label("Situation matrimoniale").select_option(label="Vie maritale / concubinage")
    page.get_by_role("button", name="Ajouter un co-demandeur ou une co-demandeuse").click()
    co = group(page, "Co-demandeur ou co-demandeuse 1")
    expect(page.get_by_label("Situation matrimoniale")).to_have_value("concubinage")
    c = m["co_demandeurs"][0]
    co.get_by_label("Nom d'usage").fill(c["nom"])
    co.get_by_label("Prénom", exact=True).fill(c["prenom"])
    co.get_by_role("radio", name="Homme").check()
    co.get_by_label("Date de naissance").fill(c["date_naissance"])
    co.get_by_label("Nationalité").select_option(label="Française")
    page.get_by_role("button", name="Ajouter un enfant").click()
    expect(group(page, "Co-demandeur ou co-demandeuse 1").get_by_label("Nom d'usage")) \
        .to_have_value("Lefèvre")
    child = group(page, "Enfant 1")
    e = m["enfants"][0]
    child.get_by_label("Prénom").fill(e["prenom"])
    child.get_by_label("Âge").fill(e["age"])
    child.get_by_label("Sexe").select_option(label="Fille")
    child.get_by_label("Scolarité").fill(e["scolarite"])
    child.get_by_label("Présence au foyer").select_option(label="En permanence")
    animals = group(page, "Le ménage a-t-il des animaux ?")
    expect(page.get_by_role("checkbox", name="Chien")).to_be_hidden()
    animals.get_by_role("radio", name="Oui").check()
    page.get_by_role("checkbox", name="Chien").check()
    with page.expect_response(autosave_of("menage", "Maëlys", "chien",
                                          'name="regroupement_familial"\r\n\r\nnon')):
        page.get_by_label("Regroupement familial").select_option(label="Non")
    a11y.check(page)
    shoot(page, screenshots, "2-section-B-menage")
    continue_(page, "C. Situation administrative et droits")
    a11y.check(page)

    # C. Droits (the conditional date appears with the titre de séjour).
    d = data["droits"]
    page.get_by_label("Droit au séjour").select_option(label="Carte de séjour temporaire")
    page.get_by_label("Date de fin de validité du titre").fill(d["titre_fin_validite"])
    group(page, "La personne a-t-elle une domiciliation ?").get_by_role("radio", name="Oui").check()
    page.get_by_label("Organisme de domiciliation").fill(d["domiciliation_organisme"])
    page.get_by_role("checkbox", name="PUMa (ex-CMU)").check()
    page.get_by_role("checkbox", name="Complémentaire santé solidaire (ex-CMU-C)").check()
    continue_(page, "D. Ressources")
    a11y.check(page)

    # D. Ressources: one line is there, two are added.
    lines = data["ressources"]["lignes"]
    labels = ["RSA", "Prime d'activité", "Allocations familiales"]
    for i, (line, label) in enumerate(zip(lines, labels, strict=True)):
        if i:
            page.get_by_role("button", name="Ajouter une ressource").click()
        item = group(page, f"Ressource {i + 1}")
        item.get_by_label("Type de ressource").select_option(label=label)
        item.get_by_label("Montant mensuel").fill(line["montant_mensuel"])
        if line["date_fin"]:
            item.get_by_label("Date de fin prévue").fill(line["date_fin"])
    page.get_by_role("checkbox", name="Dette d'énergie").check()
    continue_(page, "E. Situation résidentielle actuelle")
    a11y.check(page)

    # E. Situation résidentielle.
    r = data["residence"]
    page.get_by_label("Lieu de vie actuel").select_option(label="Hôtel 115")
    page.get_by_label("Depuis combien de temps").select_option(label="1 à 3 ans")
    page.get_by_role("checkbox", name="Expulsion locative").check()
    page.get_by_role("checkbox", name="Séparation ou rupture familiale").check()
    group(page, "Demande de logement social en cours ?").get_by_role("radio", name="Oui").check()
    page.get_by_label("Numéro unique (NUR)").fill(r["numero_unique"])
    page.get_by_label("Date de la demande").fill(r["date_demande_logement"])
    page.get_by_label("Recours DALO / DAHO").select_option(label="Reconnu prioritaire")
    page.get_by_label("Inscription SYPLO").select_option(label="Inscrit")
    group(page, "Expérience antérieure de logement autonome ?") \
        .get_by_role("radio", name="Oui").check()
    continue_(page, "F. Projet logement")
    a11y.check(page)

    # F. Projet logement.
    p = data["projet"]
    page.get_by_label("Secteur(s) géographique(s) souhaité(s)").fill(p["secteurs"])
    page.get_by_label("Typologie souhaitée").select_option(label="T3")
    group(page, "Besoin d'un logement accessible (PMR) ?").get_by_role("radio", name="Non").check()
    page.get_by_label("Reste à charge supportable").fill(p["reste_a_charge"])
    page.get_by_label("Contraintes et souhaits").fill(p["contraintes"])
    continue_(page, "G. Accompagnements en cours")
    a11y.check(page)

    # G. Accompagnements.
    g = data["accompagnements"]
    page.get_by_role("checkbox", name="ASLL (FSL)").check()
    page.get_by_label("Précisions").fill(g["mesures_precision"])
    page.get_by_label("Partenaires de santé").fill(g["partenaires_sante"])
    continue_(page, "H. Auto-évaluation des besoins d'accompagnement")
    a11y.check(page)

    # H. Auto-évaluation: three identical « Ce qui pourrait m'aider » labels, so by id.
    h = data["auto_evaluation"]
    group(page, "Payer mon loyer et mes charges") \
        .get_by_role("radio", name="J'ai besoin d'un coup de main de temps en temps").check()
    page.locator("#loyer_aide").fill(h["loyer_aide"])
    group(page, "Entretenir mon logement") \
        .get_by_role("radio", name="Je n'ai pas besoin d'aide").check()
    group(page, "Respecter le voisinage et les parties communes") \
        .get_by_role("radio", name="Je ne sais pas / je préfère en parler").check()
    page.locator("#voisinage_aide").fill(h["voisinage_aide"])
    continue_(page, "I. Consentement")
    a11y.check(page)

    # I. Consentement, then back to the task list.
    page.get_by_label("La personne est d'accord pour être orientée").check()
    page.get_by_label("La personne a été informée de l'utilisation de ses données").check()
    page.get_by_label("Date du recueil du consentement").fill("2026-11-27")
    page.get_by_label("Fait à").fill("Montpellier")
    page.get_by_role("button", name="Enregistrer et revenir au sommaire").click()
    # (The browser keeps the #lignes of the last « Ajouter » redirect: no fragment in Location.)
    expect(page).to_have_url(re.compile(re.escape(tasks_url) + r"(#\w*)?$"))
    expect(page.locator(".task .tag")).to_have_text(["Terminé"] * 9)
    expect(page.get_by_text("9 sections terminées sur 9.")).to_be_visible()
    a11y.check(page)
    shoot(page, screenshots, "1-sommaire")

    # Check answers.
    page.get_by_role("link", name="Vérifier et envoyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez vos réponses avant d'envoyer")
    expect(page).to_have_title(re.compile(r"^Vérifiez vos réponses"))
    review = page.locator("main")
    for answer in ("Thị Hương", "Nguyễn", "Lefèvre", "Maëlys", "Carte de séjour temporaire",
                   "CCAS de Montpellier", "Hôtel 115", "Reconnu prioritaire", "1 234,56",
                   "Montpellier – Celleneuve", "ASLL (FSL)", "e.marchand@gammes.example.org"):
        expect(review).to_contain_text(answer)
    expect(page.locator(".summary-list dd.summary-action a").first).to_have_text(
        re.compile(r"^Modifier"))
    a11y.check(page)
    shoot(page, screenshots, "3-verifier")

    # Send.
    page.get_by_role("button", name="Envoyer la fiche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiche de lien envoyée")
    a11y.check(page)
    shoot(page, screenshots, "4-confirmation")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Fiche de lien" in text
    assert "Nguyễn" in text and "Thị Hương" in text

    # The orienteur's list now shows it as received.
    page.get_by_role("link", name="Mes fiches").click()
    expect(page.locator("table")).to_contain_text("Reçue – en attente de décision")
    expect(page.get_by_role("link", name=applicant, exact=True)).to_have_count(0)  # not a draft
    logout(page)

    # The Plateforme admits the household and picks the team.
    login(page, live_server.url, PLATEFORME)
    page.get_by_role("link", name="Fiches reçues").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiches de lien reçues")
    a11y.check(page)
    page.get_by_role("link", name=applicant, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(applicant)
    a11y.check(page)
    team = page.get_by_label("Équipe d'accompagnement")
    expect(team).to_be_hidden()
    page.get_by_role("radio", name="Admis").check()
    expect(team).to_be_visible()
    team.select_option(label=TEAM)
    page.get_by_role("button", name="Enregistrer la décision").click()
    # Admitting creates a household: a confirmation page comes first.
    page.get_by_role("button", name="Confirmer l'admission").click()
    expect(page.get_by_role("status")).to_contain_text("Décision enregistrée : Admis.")
    household_link = page.get_by_role("link", name=re.compile(r"^BA-\d{4}-\d{4}$"))
    reference = household_link.inner_text()
    household_link.click()

    # The household's registry lists the fiche, v1, in force, with its SHA-256.
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect(page.locator("main")).to_contain_text(TEAM)
    registry = page.locator("table.registry")
    expect(page.get_by_role("heading", level=3, name="Fiche de lien")).to_be_visible()
    row = registry.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text("v1")
    expect(row.locator("td").nth(1)).to_have_text("En vigueur")
    expect(row.locator("code.hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    for member in ("Thị Hương Nguyễn", "Jérôme Lefèvre", "Maëlys"):
        expect(page.locator("main")).to_contain_text(member)
    a11y.check(page)
    shoot(page, screenshots, "5-menage-registre")
    a11y.assert_clean()


# --------------------------------------------------------------------------- 2. conditional fields

def test_titre_de_sejour_end_date_only_for_a_titre(live_server, phone):
    draft_id = make_draft(live_server, "Conditionnel", "Titre", keep=("origine", "menage"))
    login(phone, live_server.url, ORIENTEUR)
    phone.goto(live_server(f"/brouillons/{draft_id}/droits"))
    droit = phone.get_by_label("Droit au séjour")
    end = phone.get_by_label("Date de fin de validité du titre")
    organisme = phone.get_by_label("Organisme de domiciliation")
    expect(end).to_be_hidden()
    expect(organisme).to_be_hidden()

    droit.select_option(label="Carte de séjour temporaire")
    expect(end).to_be_visible()
    end.fill("2027-06-30")
    droit.select_option(label="Français")
    expect(end).to_be_hidden()
    droit.select_option(label="Récépissé de demande de titre")
    expect(end).to_be_visible()
    expect(end).to_have_value("2027-06-30")  # hiding does not wipe what was typed
    droit.select_option(value="")  # « — Choisir — »
    expect(end).to_be_hidden()

    domiciliation = group(phone, "La personne a-t-elle une domiciliation ?")
    domiciliation.get_by_role("radio", name="Oui").check()
    expect(organisme).to_be_visible()
    domiciliation.get_by_role("radio", name="Non").check()
    expect(organisme).to_be_hidden()

    # A date left in a hidden field is not kept: the server clears what does not apply.
    droit.select_option(label="Français")
    phone.get_by_role("button", name="Enregistrer et revenir au sommaire").click()
    expect(phone.locator("#status-droits")).to_have_text("Terminé")
    phone.goto(live_server(f"/brouillons/{draft_id}/droits"))
    expect(phone.get_by_label("Droit au séjour")).to_have_value("francais")
    expect(phone.get_by_label("Date de fin de validité du titre")).to_be_hidden()
    expect(phone.get_by_label("Date de fin de validité du titre")).to_have_value("")

    # A controlling answer restored from the server shows its field on load.
    phone.get_by_label("Droit au séjour").select_option(label="Carte de séjour temporaire")
    phone.get_by_label("Date de fin de validité du titre").fill("2027-06-30")
    phone.get_by_role("button", name="Enregistrer et revenir au sommaire").click()
    phone.goto(live_server(f"/brouillons/{draft_id}/droits"))
    expect(phone.get_by_label("Date de fin de validité du titre")).to_be_visible()
    expect(phone.get_by_label("Date de fin de validité du titre")).to_have_value("2027-06-30")


# --------------------------------------------------------------------------- 3. errors

def test_section_errors_are_summarised_focused_and_nothing_typed_is_lost(live_server, phone):
    login(phone, live_server.url, ORIENTEUR)
    phone.get_by_role("button", name="Commencer une nouvelle fiche").click()
    phone.get_by_role("link", name="A. Origine de l'orientation").click()
    phone.get_by_label("Fonction", exact=True).fill("Travailleuse sociale")
    phone.get_by_label("Téléphone").fill("04 67 00 12 34")
    phone.get_by_label("Adresse électronique").fill("pas-une-adresse")
    continue_(phone)

    expect(phone).to_have_title(re.compile(r"^Erreur : A\. Origine de l'orientation"))
    summary = phone.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", level=2)).to_have_text("Il y a un problème")
    assert phone.evaluate("window.scrollY") == 0
    summary_top = summary.bounding_box()["y"]
    assert summary_top < phone.get_by_role("heading", level=1).bounding_box()["y"]
    assert summary_top < 844
    # (Order not checked: the app lists « Date de la fiche » before the e-mail above it.)
    assert sorted(summary.get_by_role("link").all_inner_texts()) == [
        "Adresse électronique : Adresse électronique non valide.",
        "Date de la fiche : Ce champ est obligatoire.",
    ]

    email = phone.get_by_label("Adresse électronique")
    expect(email).to_have_value("pas-une-adresse")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "prescripteur_courriel-error")
    expect(phone.locator("#prescripteur_courriel-error")).to_contain_text(
        "Adresse électronique non valide.")
    expect(phone.get_by_label("Fonction", exact=True)).to_have_value("Travailleuse sociale")
    assert_accessible(phone)

    link = summary.get_by_role("link", name="Adresse électronique : Adresse électronique non valide.")
    expect(link).to_have_attribute("href", "#prescripteur_courriel")
    link.click()
    expect(phone).to_have_url(re.compile(r"#prescripteur_courriel$"))
    expect(email).to_be_in_viewport()

    # Correcting the answers clears the errors and moves on.
    email.fill("e.marchand@gammes.example.org")
    phone.get_by_label("Date de la fiche").fill("2026-11-27")
    continue_(phone, "B. Identité et composition du ménage")
    expect(phone).not_to_have_title(re.compile(r"^Erreur"))


def test_sending_an_incomplete_fiche_lists_every_missing_section(live_server, phone):
    draft_id = make_draft(live_server, "Incomplète", "Envoi", keep=("origine", "menage"))
    login(phone, live_server.url, ORIENTEUR)
    phone.goto(live_server(f"/brouillons/{draft_id}/verifier"))
    # Nothing to send yet: the page lists what is missing instead (issue 11, item 13).
    expect(phone.get_by_role("button", name="Envoyer la fiche")).to_have_count(0)
    expect(phone).to_have_title(re.compile(r"^Vérifiez vos réponses"))
    summary = phone.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Rien n'a été perdu")
    expect(summary.get_by_role("link")).to_have_text(
        [re.compile(f"^{letter}\\. ") for letter in "CDEFGHI"])
    assert_accessible(phone)
    summary.get_by_role("link", name=re.compile(r"^E\. ")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("E. Situation résidentielle actuelle")
    expect(phone.locator(".error-summary")).to_be_focused()
    expect(phone.get_by_label("Lieu de vie actuel")).to_have_attribute("aria-invalid", "true")
    phone.get_by_role("link", name="Retour au sommaire").click()
    expect(phone.locator("#status-residence")).to_have_text("À compléter")


def test_droit_au_sejour_required_for_a_foreign_national_shows_in_section_c(live_server, phone):
    draft_id = make_draft(live_server, "Sans", "Titre")
    from service.documents.models import Draft
    from service.extensions import db

    with live_server.app.app_context():  # Hors UE, and no droit au séjour
        draft = db.session.get(Draft, draft_id)
        draft.data = {**draft.data, "droits": {**draft.data["droits"], "droit_sejour": "",
                                               "titre_fin_validite": ""}}
        db.session.commit()
        db.session.remove()
    login(phone, live_server.url, ORIENTEUR)
    phone.goto(live_server(f"/brouillons/{draft_id}/verifier"))  # lists what is missing
    link = phone.locator(".error-summary").get_by_role("link")
    expect(link).to_have_text(["C. Droit au séjour : Précisez le droit au séjour."])
    link.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "C. Situation administrative et droits")
    expect(phone.locator(".error-summary")).to_contain_text("Précisez le droit au séjour.",
                                                            timeout=500)


# --------------------------------------------------------------------------- 4. phone layout

def test_no_horizontal_scroll_at_320_px_and_44_px_buttons(live_server, new_context):
    # The Samu social's account: its « Mes fiches » has a draft and nothing sent (the other
    # structure's list, with its table of sent fiches, is the test below).
    draft_id = make_draft(live_server, "Étroite", "Largeur", email="samu@demo.example")
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    pages = {}
    page.goto(live_server("/connexion"))
    pages["connexion"] = layout(page)
    login(page, live_server.url, "samu@demo.example")
    expect(page.get_by_role("link", name="Étroite Largeur")).to_be_visible()
    pages["mes fiches"] = layout(page)
    for name, path in (("sommaire", ""), ("section A", "/origine"), ("section B", "/menage"),
                       ("section D", "/ressources"), ("vérifier", "/verifier")):
        page.goto(live_server(f"/brouillons/{draft_id}{path}"))
        pages[name] = layout(page)

    too_wide = {name: (r["scrollWidth"], r["wide"]) for name, r in pages.items()
                if r["scrollWidth"] > 320}
    assert not too_wide, too_wide
    # Every full-size button; the « Retirer » buttons of lists are checked separately below.
    small = {name: [b for b in r["small"] if not b.startswith("Retirer")]
             for name, r in pages.items()}
    assert not any(small.values()), small


def test_pages_with_tables_do_not_scroll_sideways_at_320_px(live_server, new_context, admitted):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    login(page, live_server.url, ORIENTEUR)
    widths = {"mes fiches": layout(page)["scrollWidth"]}
    logout(page)
    login(page, live_server.url, PLATEFORME)
    page.goto(live_server(f"/menages/{admitted['household']}"))
    widths["ménage"] = layout(page)["scrollWidth"]
    assert widths == {"mes fiches": 320, "ménage": 320}


def test_remove_buttons_of_repeatable_lists_are_44_px(live_server, new_context):
    draft_id = make_draft(live_server, "Étroite", "Retirer")
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    login(page, live_server.url, ORIENTEUR)
    page.goto(live_server(f"/brouillons/{draft_id}/menage"))
    remove = page.get_by_role("button", name=re.compile(r"^Retirer"))
    expect(remove).to_have_count(2)
    heights = [box["height"] for box in (b.bounding_box() for b in remove.all())]
    assert min(heights) >= 44, heights


# --------------------------------------------------------------------------- 5. accessibility

def test_accessibility_smoke_on_every_kind_of_page(live_server, phone, admitted):
    draft_id = make_draft(live_server, "Accessible", "Brouillon")
    a11y = A11yLog()
    page = phone

    page.goto(live_server("/connexion"))
    a11y.check(page)
    page.get_by_label("Adresse électronique").fill(ORIENTEUR)
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_title(re.compile(r"^Erreur : Connexion"))
    expect(page.locator(".error-summary")).to_be_focused()
    a11y.check(page)

    login(page, live_server.url, ORIENTEUR)
    for path in ("/fiches", f"/brouillons/{draft_id}",
                 *(f"/brouillons/{draft_id}/{s}" for s in (
                     "origine", "menage", "droits", "ressources", "residence", "projet",
                     "accompagnements", "auto_evaluation", "consentement")),
                 f"/brouillons/{draft_id}/origine?erreurs=1",
                 f"/brouillons/{draft_id}/verifier",
                 f"/documents/{admitted['entry']}/confirmation",
                 "/compte", "/page-qui-n-existe-pas"):
        page.goto(live_server(path))
        a11y.check(page)
    # A section with errors, as posted.
    page.goto(live_server(f"/brouillons/{draft_id}/consentement"))
    page.get_by_label("La personne est d'accord pour être orientée").uncheck()
    page.get_by_label("Fait à").fill("")
    continue_(page)
    expect(page.locator(".error-summary")).to_be_visible()
    a11y.check(page)
    logout(page)
    a11y.check(page)

    login(page, live_server.url, PLATEFORME)
    for path in ("/plateforme/fiches", f"/plateforme/fiches/{admitted['referral']}",
                 "/menages/", f"/menages/{admitted['household']}"):
        page.goto(live_server(path))
        a11y.check(page)
    assert len(a11y.pages) >= 24
    a11y.assert_clean()


# --------------------------------------------------------------------------- autosave vs. submit

def test_continue_while_own_autosave_is_in_flight_is_not_a_conflict(live_server, phone):
    """A slow network: the autosave reached the server, its answer has not come back yet."""
    draft_id = make_draft(live_server, "Réseau", "Lent", keep=())
    login(phone, live_server.url, ORIENTEUR)
    phone.goto(live_server(f"/brouillons/{draft_id}/origine"))
    held = []

    def slow_answer(route):
        held.append((route, route.fetch()))  # the server has saved; the phone waits

    phone.route("**/autosave", slow_answer)
    phone.get_by_label("Fonction", exact=True).fill("Éducatrice spécialisée")
    phone.get_by_label("Type de structure").select_option(label="Samu social, maraude")
    for _ in range(60):
        if held:
            break
        phone.wait_for_timeout(50)
    assert held, "no autosave was sent"
    try:
        continue_(phone)  # the page waits for its own save before posting the form
        phone.wait_for_timeout(300)
        while held:
            route, response = held.pop()
            route.fulfill(response=response)
        # Not the conflict page: the section comes back with its own errors and the answers kept.
        expect(phone.get_by_role("heading", level=1)).to_have_text(
            "A. Origine de l'orientation", timeout=5000)
        expect(phone.get_by_text("Il y a un problème")).to_be_visible()
        expect(phone.get_by_label("Fonction", exact=True)).to_have_value("Éducatrice spécialisée")
    finally:
        for route, response in held:
            try:
                route.fulfill(response=response)
            except Exception:  # noqa: S110  (the page has gone: nothing to answer)
                pass
