"""A grouped application in Chromium: every section filled through its page, the pieces uploaded,
the checklist green, the dossier assembled by a worker (its progress shown) and submitted, the accusé
downloaded; then the funder compares the candidates and records the outcome."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from service.rendering.preflight_pdf import pdf_text
from tests.browser.support import A11yLog, login
from tests.golden.candidature.sample import raw_application
from tests.helpers import form_fields
from tests.uploads import pdfs

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "is_mobile": False, "has_touch": False}
LISTS = {"identite": {"agrements": "agrément"}, "type": {"membres": "structure membre"},
         "equipe": {"postes": "poste"},
         "budget": {"charges": "charge", "produits": "autre produit",
                    "contributions": "contribution volontaire en nature"}}
PIECES = {"statuts": 3, "presentation": 4, "situation_financiere": 2, "composition_ca": 1,
          "agrement_ilgls": 1, "rib": 1}


@pytest.fixture(scope="module")
def open_call(live_server):
    from service.applications.calls import create_call, seed_call
    from service.extensions import db
    from service.timeutil import utcnow

    with live_server.app.app_context():
        call = create_call(seed_call(deadline=utcnow() + timedelta(days=20)))
        db.session.commit()
        found = call.id
        db.session.remove()
    return found


def fill_section(page: Page, url: str, section: str, answers: dict, a11y: A11yLog) -> None:
    """Open the section, add the rows its lists need, type every answer, save."""
    page.goto(url)
    for name, label in LISTS.get(section, {}).items():
        for _ in range(len(answers.get(name) or [])):
            page.get_by_role("button", name=f"Ajouter : {label}", exact=True).click()
    a11y.check(page)
    for name, value in form_fields(answers).items(multi=True):
        field = page.locator(f'[name="{name}"]')
        kind = field.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind.startswith("select"):
            field.select_option(value)
        elif kind.endswith(":radio"):
            page.locator(f'[name="{name}"][value="{value}"]').check()
        elif kind.endswith(":checkbox"):
            field.check()
        else:
            field.fill(value)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="enregistré")).to_be_visible()


def test_a_grouped_application_submitted_then_compared_and_decided(
        live_server, new_context, open_call, tmp_path, screenshots):
    a11y = A11yLog()
    page = new_context(**DESKTOP).new_page()
    page.set_default_timeout(20_000)
    login(page, live_server.url, "candidat@demo.example")
    page.goto(live_server("/candidatures/"))
    a11y.check(page)
    page.get_by_role("button", name="Commencer la candidature").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    application_url = page.url
    a11y.check(page)

    raw = raw_application()
    for section, key in (("identite", "identite"), ("type", "groupement"), ("note", "note"),
                         ("equipe", "equipe"), ("budget", "budget")):
        fill_section(page, application_url + section, section, raw[key], a11y)
    member, terms = next(iter(raw["conventions"].items()))
    page.goto(application_url + "conventions")
    a11y.check(page)
    page.get_by_role("link", name="Convention avec Association Soins et Rétablissement").click()
    fill_section(page, page.url, "convention", terms, a11y)

    page.goto(application_url + "pieces")
    a11y.check(page)
    # A file that is not a PDF is refused with the reason, beside its field.
    fake = tmp_path / "statuts.pdf"
    fake.write_bytes(b"GIF89a une image")
    page.get_by_label("Fichier PDF : statuts de la structure").set_input_files(str(fake))
    page.locator("#piece-statuts").get_by_role("button", name="Joindre ce fichier").click()
    expect(page.locator("#fichier-statuts-error")).to_contain_text("n'est pas un PDF")
    a11y.check(page)
    for key, count in PIECES.items():
        path = tmp_path / f"{key}.pdf"
        path.write_bytes(pdfs.plain(count, key))
        page.locator(f"#fichier-{key}").set_input_files(str(path))
        page.locator(f"#piece-{key}").get_by_role("button", name="Joindre ce fichier").click()
        expect(page.locator(f"#piece-{key}")).to_contain_text(f"{key}.pdf")

    page.goto(application_url + "verification")
    a11y.check(page)
    expect(page.get_by_text("Dossier complet : toutes les règles de l'appel sont "
                            "respectées.")).to_be_visible()
    page.get_by_role("link", name="Passer au dépôt").click()
    a11y.check(page)
    page.get_by_role("button", name="Déposer le dossier").click()
    # The worker assembles the dossier; its page follows the progress (app.js polls it).
    expect(page.get_by_role("heading", level=1,
                            name="Assemblage et dépôt du dossier de candidature")).to_be_visible()
    a11y.check(page)
    page.screenshot(path=str(screenshots / "candidature-assemblage.png"), full_page=True)
    done = page.get_by_role("link", name="Voir le dossier déposé et l'accusé de réception")
    messages = []
    for _ in range(1200):
        if done.is_visible():
            break
        message = page.locator("[data-job-message]")
        if message.count() and (text := message.inner_text()) not in messages:
            messages.append(text)
        page.wait_for_timeout(100)
    assert messages, "the job's page showed no progress"
    assert all(m in ("En attente d'un processus de travail.", "Traitement en cours.") or re.match(
        r"Étape [1-9]\d* sur \d+ : \S", m) for m in messages), messages
    expect(page.get_by_text("Terminé", exact=True)).to_be_visible()
    done.click()
    expect(page.get_by_role("heading", level=1, name="Dossier déposé")).to_be_visible()
    a11y.check(page)
    page.screenshot(path=str(screenshots / "candidature-deposee.png"), full_page=True)
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Télécharger l'accusé de réception (PDF)").click()
    data = receipt.value.path().read_bytes()
    assert data.startswith(b"%PDF-")
    code = page.locator(".panel-confirmation .reference").inner_text()
    assert code in pdf_text(data)  # the receipt names the dossier's verification code

    funder = new_context(**DESKTOP).new_page()
    login(funder, live_server.url, "financeur@demo.example")
    funder.goto(live_server("/appels/"))
    a11y.check(funder)
    funder.get_by_role("link", name="Appel à candidatures – Création de l'équipe Bail d'abord"
                       ).first.click()
    a11y.check(funder)
    funder.get_by_role("link", name="Comparer les candidatures").click()
    expect(funder.locator("table")).to_contain_text("Association Habitat et Solidarités 34")
    expect(funder.locator("table")).to_contain_text("Conforme")
    a11y.check(funder)
    with funder.expect_download() as sheet:
        funder.get_by_role("link", name="Télécharger le tableau (Excel)").click()
    assert sheet.value.path().read_bytes()[:2] == b"PK"
    funder.get_by_role("link", name="Association Habitat et Solidarités 34").click()
    a11y.check(funder)
    funder.get_by_label("Retenue", exact=True).check()
    funder.get_by_label("Motif, communiqué à la structure").fill(
        "Équipe complète, locaux communs identifiés, lancement en septembre.")
    funder.get_by_role("button", name="Enregistrer le résultat").click()
    expect(funder.get_by_role("status").filter(has_text="Résultat enregistré")).to_be_visible()
    funder.screenshot(path=str(screenshots / "candidature-resultat.png"), full_page=True)
    a11y.assert_clean()
