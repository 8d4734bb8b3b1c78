"""A name is never cut inside a word in a PDF column, whatever its script (issue 11, item 12).

Long names of several scripts fill the name columns of the fiche and of the crisis protocol;
poppler's text layer must give each name word whole (a break at a hyphen is a break between
words)."""

from __future__ import annotations

import re
import subprocess

from service.rendering.pdf import render_pdf
from tests.golden.fiche_de_lien.sample import TEMPLATES_DIR
from tests.golden.fiche_de_lien.sample import context_for as fiche_context
from tests.golden.fiche_de_lien.sample import sample_input as fiche_input
from tests.golden.protocole_crise.sample import context_for as protocol_context
from tests.golden.protocole_crise.sample import sample_input as protocol_input

GREEK = ("Παπαδοπούλου", "Κωνσταντινοπούλου", "Χαραλαμποπούλου")
OTHERS = ("Schwarzenberger", "Wojciechowska", "Მამარდაშვილი", "Abdelrahmane")


def words(pdf: bytes) -> set[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode()
    return set(re.findall(r"[^\W\d_]+", text))


def test_names_in_the_fiches_household_table_are_whole():
    raw = fiche_input()
    raw["menage"]["demandeur"].update(nom=GREEK[0], nom_naissance=GREEK[1], prenom=GREEK[2])
    raw["menage"]["co_demandeurs"][0].update(nom=OTHERS[0], nom_naissance=OTHERS[2],
                                             prenom=OTHERS[1])
    raw["menage"]["enfants"][0]["prenom"] = OTHERS[3]
    found = words(render_pdf(TEMPLATES_DIR, "fiche_de_lien.html", fiche_context(raw)))
    assert [name for name in (*GREEK, *OTHERS) if name not in found] == []


def test_names_in_the_protocols_people_tables_are_whole():
    raw = protocol_input()
    people = raw["personnes"]["liste"]
    people[0]["nom"] = f"Αικατερίνη {GREEK[0]}-Κωνσταντινίδου"
    people[1]["nom"] = f"{GREEK[1]} {OTHERS[0]}"
    not_to_warn = next(p for p in people if p["prevenir"] == "ne_pas_prevenir")
    not_to_warn["nom"] = f"{GREEK[2]} {OTHERS[2]}"
    found = words(render_pdf(TEMPLATES_DIR, "protocole_crise.html", protocol_context(raw)))
    expected = (GREEK[0], "Κωνσταντινίδου", GREEK[1], GREEK[2], OTHERS[0], OTHERS[2])
    assert [name for name in expected if name not in found] == []
