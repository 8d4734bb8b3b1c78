"""Helpers for the browser tests: log in, page checks (accessibility smoke, phone layout)."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "demo-logement-2026"
SAMPLE = Path(__file__).parent.parent / "golden" / "fiche_de_lien" / "input.json"


def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def login(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1, name="Connexion")).to_be_visible()
    expect(page.get_by_text("Vous avez été déconnecté du service.")).to_be_visible()


# Structural accessibility smoke check, run in the page (no axe-core: no network needed).
A11Y_JS = r"""
() => {
  const problems = [];
  const text = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : "");
  const lang = document.documentElement.getAttribute("lang");
  if (lang !== "fr") problems.push(`<html lang="${lang}">`);
  if (!document.title.trim()) problems.push("empty <title>");
  const h1 = document.querySelectorAll("h1");
  if (h1.length !== 1) problems.push(`${h1.length} <h1> elements`);
  if (!document.querySelector("main")) problems.push("no <main>");
  const seen = {};
  document.querySelectorAll("[id]").forEach((el) => { seen[el.id] = (seen[el.id] || 0) + 1; });
  Object.entries(seen).forEach(([id, n]) => { if (n > 1) problems.push(`duplicate id "${id}" (${n}×)`); });
  document.querySelectorAll("input, select, textarea").forEach((el) => {
    if (el.type === "hidden") return;
    const what = `${el.tagName.toLowerCase()}[name="${el.name}"]#${el.id}`;
    const labels = Array.from(el.labels || []).filter((l) => text(l));
    const aria = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    const fieldset = el.closest("fieldset");
    const legend = fieldset ? fieldset.querySelector(":scope > legend") : null;
    const grouped = legend && text(legend);
    if (!labels.length && !aria && !((el.type === "radio" || el.type === "checkbox") && grouped)) {
      problems.push(`no label for ${what}`);
    }
    if (el.type === "radio" && !grouped) problems.push(`radio outside a fieldset with legend: ${what}`);
    if (el.type === "checkbox" && !grouped
        && document.querySelectorAll(`input[type=checkbox][name="${CSS.escape(el.name)}"]`).length > 1) {
      problems.push(`checkbox group without fieldset/legend: ${what}`);
    }
  });
  document.querySelectorAll("label[for]").forEach((l) => {
    if (!document.getElementById(l.htmlFor)) problems.push(`label for="${l.htmlFor}" points nowhere`);
  });
  document.querySelectorAll("[aria-describedby], [aria-labelledby]").forEach((el) => {
    ["aria-describedby", "aria-labelledby"].forEach((attr) => {
      (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean).forEach((id) => {
        if (!document.getElementById(id)) problems.push(`${attr}="${id}" points nowhere`);
      });
    });
  });
  document.querySelectorAll('a[href^="#"]').forEach((a) => {
    const id = decodeURIComponent(a.getAttribute("href").slice(1));
    if (id && !document.getElementById(id)) problems.push(`link to missing #${id}`);
  });
  document.querySelectorAll("a[href], button").forEach((el) => {
    if (!text(el) && !el.getAttribute("aria-label")) problems.push(`empty ${el.tagName.toLowerCase()}`);
  });
  let level = 0;
  document.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach((h) => {
    const n = Number(h.tagName[1]);
    if (level && n > level + 1) problems.push(`heading jumps h${level} -> h${n}: "${text(h)}"`);
    level = n;
  });
  return problems;
}
"""


class A11yLog:
    """Runs the smoke check on every page it is shown and remembers what it saw."""

    def __init__(self) -> None:
        self.problems: dict[str, list[str]] = {}
        self.pages: list[str] = []

    def check(self, page: Page) -> None:
        page.wait_for_load_state("domcontentloaded")
        key = f"{page.title()} <{page.url}>"
        self.pages.append(key)
        problems = page.evaluate(A11Y_JS)
        if problems:
            self.problems[key] = problems

    def assert_clean(self) -> None:
        assert not self.problems, json.dumps(self.problems, ensure_ascii=False, indent=1)


def assert_accessible(page: Page) -> None:
    log = A11yLog()
    log.check(page)
    log.assert_clean()


LAYOUT_JS = r"""
() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden";
  };
  const small = [];
  document.querySelectorAll('button, .button, input[type=submit]').forEach((el) => {
    if (!visible(el)) return;
    const h = el.getBoundingClientRect().height;
    if (h < 44) small.push(`${el.textContent.replace(/\s+/g, " ").trim()} (${Math.round(h)} px)`);
  });
  const wide = [];
  document.querySelectorAll("body *").forEach((el) => {
    const r = el.getBoundingClientRect();
    if (r.right > document.documentElement.clientWidth + 1 && visible(el) && !el.closest(".table-wrap, .visually-hidden, .skip-link")) {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
    }
  });
  return {scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          small, wide: wide.slice(0, 10)};
}
"""


def layout(page: Page) -> dict:
    return page.evaluate(LAYOUT_JS)
