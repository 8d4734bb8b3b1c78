"""At 390 px, every table shows its status and its actions without sideways scrolling (issue 11,
item 3); section C of the crisis protocol shows the fields of « Perte de contact » under that
situation only (item 4). Chromium through Playwright, against the real app.

Screenshots: tests/browser/screenshots/telephone-*.png (git-ignored).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import login
from tests.browser.test_fiche_browser import _user, make_admitted

pytestmark = pytest.mark.browser

# The cells that must stay on screen, found by their column's header (as a reader would).
STATUS_AND_ACTIONS = ["Statut", "Documents", "Téléchargements", "Personne", "Référence"]
CELLS_JS = r"""
(wanted) => {
  const width = document.documentElement.clientWidth;
  const cells = [];
  document.querySelectorAll("table").forEach((table) => {
    const headers = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((tr) => {
      Array.from(tr.children).forEach((td, i) => {
        if (!wanted.includes(headers[i])) return;
        const r = td.getBoundingClientRect();
        const parts = Array.from(td.querySelectorAll("a, button, .tag")).map((el) => {
          const b = el.getBoundingClientRect();
          return {text: el.textContent.trim(), left: b.left, right: b.right};
        });
        cells.push({column: headers[i], left: r.left, right: r.right, parts});
      });
    });
  });
  return {width, scrollWidth: document.documentElement.scrollWidth, cells};
}
"""


def assert_cells_on_screen(page, path: str, at_least: int) -> None:
    found = page.evaluate(CELLS_JS, STATUS_AND_ACTIONS)
    assert found["scrollWidth"] <= found["width"], (path, found["scrollWidth"])
    assert len(found["cells"]) >= at_least, (path, found["cells"])
    for cell in found["cells"]:
        assert cell["left"] >= 0 and cell["right"] <= found["width"] + 0.5, (path, cell)
        for part in cell["parts"]:
            assert part["left"] >= 0 and part["right"] <= found["width"] + 0.5, (path, part)


@pytest.fixture(scope="module")
def world(live_server) -> dict:
    return make_admitted(live_server, "Marie-Bénédicte", "Delacroix-Montgolfier")


@pytest.mark.parametrize("email, paths, at_least", [
    ("orienteur@demo.example", ["/fiches"], 2),
    ("plateforme@demo.example", ["/plateforme/fiches"], 2),
    ("accompagnant@demo.example", ["/menages/", "/menages/{household}"], 1),
])
def test_tables_keep_status_and_actions_on_a_phone(live_server, new_context, screenshots, world,
                                                     email, paths, at_least):
    page = new_context().new_page()
    login(page, live_server.url, email)
    for template in paths:
        path = template.format(**world)
        page.goto(live_server(path))
        assert_cells_on_screen(page, path, at_least)
        name = template.strip("/").replace("/", "-").replace("{household}", "menage")
        page.screenshot(path=str(screenshots / f"telephone-{name}.png"), full_page=True)


def test_tables_stay_tables_on_a_desktop(live_server, new_context, world):
    page = new_context(viewport={"width": 1280, "height": 900}, is_mobile=False,
                       has_touch=False).new_page()
    login(page, live_server.url, "orienteur@demo.example")
    page.goto(live_server("/fiches"))
    assert page.evaluate("getComputedStyle(document.querySelector('.table-stack tr')).display"
                         ) == "table-row"
    assert_cells_on_screen(page, "/fiches", 2)


def test_the_delay_of_perte_de_contact_follows_its_situation(live_server, phone, world):
    from service.documents import flow
    from service.extensions import db

    with live_server.app.app_context():
        draft_id = flow.new_draft("protocole_crise", _user("accompagnant@demo.example"),
                                  household_id=world["household"],
                                  data={"scenarios": {"liste": [
                                      {"code": "perte_de_contact"},
                                      {"code": "difficultes_entourage"}]}}).id
        db.session.remove()
    login(phone, live_server.url, "accompagnant@demo.example")
    phone.goto(live_server(f"/brouillons/{draft_id}/scenarios"))
    delay = "#liste-{}-avant-delai_inquietude_jours"
    expect(phone.locator(delay.format(0))).to_be_visible()
    expect(phone.locator(delay.format(1))).to_be_hidden()
    expect(phone.locator("#liste-1-avant-canaux")).to_be_hidden()
    phone.select_option("#liste-1-code", "perte_de_contact")
    expect(phone.locator(delay.format(1))).to_be_visible()
    phone.select_option("#liste-0-code", "autre")
    expect(phone.locator(delay.format(0))).to_be_hidden()
    expect(phone.locator(delay.format(1))).to_be_visible()
