import pytest

@pytest.mark.browser
def test_scratch(live_server, phone):
    page = phone
    page.goto(live_server("/"))
    print(page.url, page.title())
    page.get_by_label("Adresse électronique").fill("orienteur@demo.example")
    page.get_by_label("Mot de passe").fill("demo-logement-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/fiches")
    print(page.url, page.title())
    page.get_by_role("button", name="Commencer une nouvelle fiche").click()
    page.wait_for_url("**/brouillons/*")
    print(page.url, page.title())
    page.get_by_role("link", name="A. Origine de l'orientation").click()
    print(page.url, page.title())
    print(page.locator("form[data-autosave]").inner_html()[:6000])
    print(page.locator("[data-autosave-status]").inner_text())
