"""Hostile text in every text field of the fiche de lien comes out literally, never as markup.

SECURITY.md W1 (file: URLs as text), W3 (<link rel="attachment">), D1 (& < > quotes in Word
XML, header included), D2 (control characters), D3 (template syntax as data).
"""

from __future__ import annotations

import copy
import io
import re

import pytest
from lxml import etree
from pypdf import PdfReader

from service.rendering.docx import render_docx
from service.rendering.pdf import render_html, render_pdf
from tests.golden.fiche_de_lien.sample import (
    TEMPLATES_DIR,
    context_for,
    docx_parts,
    docx_text,
    pdf_names,
    pdf_text,
    sample_input,
)

AMP = "Dupont & Fils <SARL> \"x\" 'y'"
EXPR = "{{ 7*7 }}"
STMT = "{% for x in y %}"
IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel="attachment" href="file:///etc/passwd">'
ACCENTS = "Œuvre, Ñandú, Łódź, Hương"
GLYPHS = "Maison ⌂ et sourire ☺"  # DejaVu draws these
# DejaVu has no emoji: WeasyPrint then draws .notdef and encodes that font through its own
# CMap, which pypdf cannot decode. The emoji is checked in the DOCX; the PDF test only checks
# that rendering it does not fail.
EMOJI = "Chez moi 🏠"
CONTROL = "Contrôle\x0bvertical\x0cpage"
CONTROL_CLEAN = "Contrôleverticalpage"
EMAIL = "a&b<c>\"d'@exemple.org"
WORD_300 = "x" * 300
LONG = (
    "Le ménage souhaite un logement calme, proche des écoles & des transports <en commun>. "
    * 40 + WORD_300 + " " + "Fin du paragraphe."
)
MULTILINE = f"Ligne un\nLigne deux & <trois>\n{AMP}"
LITERALS = [AMP, EXPR, STMT, IMG, LINK, ACCENTS, GLYPHS, CONTROL_CLEAN, EMAIL]


def hostile_input() -> dict:
    raw = sample_input()
    raw["origine"].update({
        "structure_nom": AMP, "prescripteur_nom": ACCENTS, "prescripteur_fonction": IMG,
        "prescripteur_courriel": EMAIL, "autre_referent": LINK, "numero_siao": EXPR,
    })
    raw["menage"]["demandeur"].update({"nom": AMP, "nom_naissance": STMT, "prenom": ACCENTS})
    raw["menage"]["co_demandeurs"][0].update({"nom": IMG, "nom_naissance": LINK,
                                              "prenom": EXPR})
    raw["menage"]["enfants"][0].update({"prenom": GLYPHS, "scolarite": CONTROL})
    raw["droits"]["domiciliation_organisme"] = f"{GLYPHS} – {AMP}"
    raw["residence"]["numero_unique"] = STMT
    raw["projet"].update({
        "secteurs": "\n".join([AMP, EXPR, STMT, IMG, LINK, ACCENTS]),
        "besoins_adaptation": LONG, "contraintes": MULTILINE,
    })
    raw["accompagnements"].update({"mesures_precision": f"{EXPR} {STMT}",
                                   "partenaires_sante": LONG})
    raw["auto_evaluation"].update({"loyer_aide": LONG, "entretien_aide": f"{IMG}\n{LINK}",
                                   "voisinage_aide": f"{CONTROL} {GLYPHS}"})
    raw["consentement"]["lieu"] = AMP
    return raw


@pytest.fixture(scope="module")
def context():
    ctx = context_for(hostile_input())
    ctx["doc"].update({"organisation": f"{AMP} – {ACCENTS}", "author_structure": AMP,
                       "author_name": ACCENTS, "household_reference": EXPR})
    # Control characters that reach the renderers anyway (not through the schema).
    ctx["origine"]["structure_type"] += "\x0b\x0c"
    ctx["dettes"] = f"Aucune\x0cconnue {CONTROL}"
    return ctx


@pytest.fixture(scope="module")
def pdf(context):
    return render_pdf(TEMPLATES_DIR, "fiche_de_lien.html", context)


def with_emoji(context: dict) -> dict:
    ctx = copy.deepcopy(context)
    ctx["droits"]["domiciliation_organisme"] += f" {EMOJI}"
    return ctx


@pytest.fixture(scope="module")
def docx(context):
    props = {"title": f"Fiche de lien – {AMP}", "author": AMP, "subject": CONTROL}
    return render_docx(TEMPLATES_DIR, "fiche_de_lien.docx", with_emoji(context), props)


def squash(text: str) -> str:
    """No whitespace at all: a long word may wrap anywhere in a PDF table cell."""
    return re.sub(r"\s+", "", text)


def collapse(text: str) -> str:
    return " ".join(text.split())


def test_schema_accepts_the_hostile_input():
    data = context_for(hostile_input())
    assert data["projet"]["besoins_adaptation"] == LONG
    assert data["enfants"][0]["scolarite"] == CONTROL_CLEAN


def test_html_escapes_every_value(context):
    html = render_html(TEMPLATES_DIR, "fiche_de_lien.html", context)
    images = re.findall(r"<img[^>]*", html)
    assert images and all(i.startswith('<img class="qr" src="data:image/png;base64,')
                          for i in images)  # only our own QR code
    assert "<link" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "{{ 7*7 }}" in html and "{% for x in y %}" in html
    assert "\x0b" not in html and "\x0c" not in html


def test_pdf_prints_hostile_text_literally(pdf):
    text = pdf_text(pdf)
    flat = squash(text)
    for literal in LITERALS:
        assert squash(literal) in flat, literal
    assert squash(LONG[:300]) in flat and squash(LONG[-400:]) in flat
    assert "49" not in text
    assert "\x0b" not in text and "\x0c" not in text
    assert "root:x:0:0" not in text


def test_pdf_has_no_attachment_nor_script(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert not {"/EmbeddedFiles", "/JavaScript", "/JS", "/OpenAction", "/Launch"} & pdf_names(pdf)
    assert reader.metadata.author == AMP


def test_docx_prints_hostile_text_literally(docx):
    text = collapse(docx_text(docx))
    for literal in [*LITERALS, EMOJI, collapse(LONG), "Ligne deux & <trois>"]:
        assert collapse(literal) in text, literal[:80]
    assert "49" not in text


def test_docx_parts_are_valid_xml_without_controls(docx):
    parts = docx_parts(docx)
    for name, blob in parts.items():
        etree.fromstring(blob)
        assert b"\x0b" not in blob and b"\x0c" not in blob, name
    headers = b"".join(b for n, b in parts.items() if n.startswith("word/header"))
    assert b"Dupont &amp; Fils &lt;SARL&gt;" in headers
    assert b"Dupont &amp; Fils &lt;SARL&gt;" in parts["docProps/core.xml"]


def test_pdf_renders_a_glyph_missing_from_the_fonts(context):
    pdf = render_pdf(TEMPLATES_DIR, "fiche_de_lien.html", with_emoji(context))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2 and reader.attachments == {}
