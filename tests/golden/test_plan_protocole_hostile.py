"""Hostile text in the plan d'action and the protocole de crise comes out literally.

Same threats as the fiche de lien's test (SECURITY.md W1, W3, D1, D2, D3): markup, template
syntax, control characters, a 300-character word in narrow table cells, many lines.
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from service.rendering.docx import render_docx
from service.rendering.pdf import layout, render_html, write
from service.rendering.preflight import check_layout
from tests.golden.fiche_de_lien.sample import docx_parts, docx_text, pdf_text
from tests.golden.plan_action import sample as plan
from tests.golden.protocole_crise import sample as protocole

AMP = "Dupont & Fils <SARL> \"x\" 'y'"
EXPR = "{{ 7*7 }}"
STMT = "{% for x in y %}"
IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel="attachment" href="file:///etc/passwd">'
CONTROL = "Contrôle\x0bvertical\x0cpage"
WORD_300 = "x" * 300
LITERALS = [AMP, EXPR, STMT, IMG, LINK, "Contrôleverticalpage", WORD_300]


def hostile_plan() -> dict:
    raw = plan.sample_input()
    raw["entete"].update(personne=AMP, referent_2=EXPR, logement_adresse=f"{IMG}\n{LINK}")
    objectif = raw["domaines"]["liste"][0]["objectifs"][0]
    objectif.update(souhait=STMT, objectif=CONTROL, etapes="\n".join([AMP, WORD_300, EXPR]),
                    qui_fait_quoi=WORD_300, partenaires=LINK, points_appui=WORD_300)
    raw["accord"].update(points_refuses=IMG, commentaire_personne=f"{AMP}\n{STMT}", lieu=AMP)
    return raw


def hostile_protocole() -> dict:
    raw = protocole.sample_input()
    raw["entete"].update(personne=AMP, redige_avec=EXPR)
    first = raw["scenarios"]["liste"][0]
    first["avant"].update(signes_personne=IMG, ce_que_fait_equipe=WORD_300)
    first["pendant"].update(ce_qui_aide=STMT, soins_preferes=CONTROL)
    raw["scenarios"]["liste"][3]["titre"] = LINK
    raw["personnes"]["liste"][0].update(nom=AMP, coordonnees=WORD_300,
                                        informations_partagees=f"{IMG}\n{EXPR}")
    raw["logement"].update(cles=WORD_300, acces_conditions=STMT)
    raw["validite"]["lieu"] = AMP
    return raw


CASES = {
    "plan_action": (plan, hostile_plan),
    "protocole_crise": (protocole, hostile_protocole),
}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module", params=sorted(CASES))
def rendered(request):
    module, make = CASES[request.param]
    context = module.context_for(make())
    html = render_html(module.TEMPLATES_DIR, f"{request.param}.html", context)
    document = layout(module.TEMPLATES_DIR, html)
    docx = render_docx(module.TEMPLATES_DIR, f"{request.param}.docx", context)
    return html, document, write(document), docx


def test_html_escapes_every_value(rendered):
    html = rendered[0]
    assert IMG not in html and LINK not in html and "<link" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert EXPR in html and STMT in html
    assert "\x0b" not in html and "\x0c" not in html


def test_pdf_prints_hostile_text_literally_without_overflow(rendered):
    _, document, pdf, _ = rendered
    flat = squash(pdf_text(pdf))
    for literal in LITERALS:
        assert squash(literal) in flat, literal[:60]
    assert "49" not in flat and "root:x:0:0" not in flat
    assert check_layout(document) == []


def test_docx_prints_hostile_text_literally(rendered):
    docx = rendered[3]
    flat = squash(docx_text(docx))
    for literal in LITERALS:
        assert squash(literal) in flat, literal[:60]
    for name, blob in docx_parts(docx).items():
        etree.fromstring(blob)
        assert b"\x0b" not in blob and b"\x0c" not in blob, name
