"""French wording and typography of the pages (issue 11, item 12)."""

from __future__ import annotations

import html
import re

from service.demo import _demo_path
from service.documents import flow
from tests.conftest import login
from tests.helpers import csrf_and_version, fill_section, sample_fiche, start_draft, submit_draft
from tests.web.test_household_path import admitted_household

NBSP, NNBSP = "\u00a0", "\u202f"


def test_repeated_entries_say_what_they_add_and_remove(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    fill_section(client, draft_id, "menage", sample_fiche()["menage"], action="later")
    page = html.unescape(client.get(f"/brouillons/{draft_id}/menage").get_data(as_text=True))
    assert ">Ajouter un enfant</button>" in page and ">Retirer l'enfant 1</button>" in page
    assert ">Ajouter un co-demandeur ou une co-demandeuse</button>" in page
    assert ">Retirer le co-demandeur ou la co-demandeuse 1</button>" in page
    assert "Ajouter : " not in page and "Retirer : " not in page
    ressources = html.unescape(client.get(f"/brouillons/{draft_id}/ressources").get_data(
        as_text=True))
    assert ">Ajouter une ressource</button>" in ressources


def test_review_prints_amounts_in_euros_and_empty_lists_in_words(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    data = sample_fiche()
    data["menage"]["enfants"] = []
    data["projet"]["reste_a_charge"] = "350"
    for section, answers in data.items():
        fill_section(client, draft_id, section, answers)
    page = html.unescape(client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True))
    assert f"<bdi>646,52{NBSP}€</bdi>" in page and f"<bdi>1{NNBSP}234,56{NBSP}€</bdi>" in page
    assert f"<bdi>350,00{NBSP}€</bdi>" in page
    assert re.search(r"<dt>Enfants</dt>\s*<dd[^>]*><bdi>aucun</bdi>", page)
    assert "Reste à charge supportable par mois" in page and "Reste-à-charge" not in page


def test_sent_fiches_list_pdf_word_and_correct_alike(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    for section, answers in sample_fiche().items():
        fill_section(client, draft_id, section, answers)
    submit_draft(client, draft_id)
    page = client.get("/fiches").get_data(as_text=True)
    cell = re.search(r'<td data-label="Documents"[^>]*>(.*?)</td>', page, re.S).group(1)
    text = re.sub(r"<span class=\"visually-hidden\">.*?</span>", "", cell, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    assert text == "PDF · Word · Corriger"


def test_times_and_dates_never_split_and_no_examination_reads_aucun(client, accounts, app):
    login(client, "orienteur@demo.example")
    household = admitted_household(client, accounts, app)
    _demo_path(household.id, accounts["accompagnant@demo.example"])  # a bail glissant
    login(client, "accompagnant@demo.example")
    page = client.get(f"/menages/{household.id}").get_data(as_text=True)
    assert "aucun examen périodique" in page and "0 examen" not in page
    # « 2 décembre 2026 à 22 h 20 »: the day with its month, the time, never split.
    stamp = re.search(r"(\d{1,2}|1er)(.)(\w+) \d{4} à (\d{1,2})(.)h(.)(\d{2})", page)
    assert stamp and {stamp.group(2), stamp.group(5), stamp.group(6)} == {NBSP}
    draft = flow.new_draft("protocole_crise", accounts["accompagnant@demo.example"],
                           household_id=household.id)
    section = client.get(f"/brouillons/{draft.id}/entete").get_data(as_text=True)
    assert re.search(rf"Enregistré à \d{{1,2}}{NBSP}h{NBSP}\d{{2}}<", section)
    csrf, version = csrf_and_version(section)
    saved = client.post(f"/brouillons/{draft.id}/entete/autosave",
                        data={"csrf_token": csrf, "version": version, "personne": "Nadia"},
                        headers={"X-CSRFToken": csrf})
    assert re.fullmatch(rf"Enregistré à \d{{1,2}}{NBSP}h{NBSP}\d{{2}}", saved.json["message"])
    review = html.unescape(client.get(f"/brouillons/{draft.id}/verifier").get_data(
        as_text=True))
    assert re.search(r"<dt>Personnes à prévenir ou à ne pas prévenir</dt>\s*<dd[^>]*>"
                     r"<bdi>aucune</bdi>", review)
