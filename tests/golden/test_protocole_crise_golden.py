"""Golden tests of the protocole de crise: PDF and DOCX text against reviewed files, plus checks.

Set UPDATE_GOLDEN=1 to rewrite expected_pdf.txt and expected_docx.txt, then review the diff.
The golden files show the protocol before anyone signs (empty signature boxes); the signed
rendering is checked by assertions.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from jinja2 import meta
from lxml import etree
from pypdf import PdfReader

from service.rendering.docx import render_docx, undeclared_variables
from service.rendering.jinja_env import document_env
from service.rendering.pdf import layout, render_html, render_pdf
from service.rendering.preflight import check_layout
from service.rendering.preflight_pdf import check_docx, check_structure, expected_values
from tests.golden.checks import assert_metadata_and_footer, compare_golden
from tests.golden.fiche_de_lien.sample import docx_parts, docx_text, pdf_text
from tests.golden.protocole_crise.sample import (
    TEMPLATES_DIR,
    context_for,
    drawn_png,
    sample_context,
    sample_input,
    sample_signatures,
)

GOLDEN = Path(__file__).parent / "protocole_crise"
CONTEXT_KEYS = {"doc", "entete", "bien_etre", "scenarios", "sante_renseignee",
                "personnes_a_prevenir", "personnes_a_ne_pas_prevenir", "logement", "validite",
                "signatures"}


@pytest.fixture(scope="module")
def context():
    return sample_context()


@pytest.fixture(scope="module")
def pdf(context):
    return render_pdf(TEMPLATES_DIR, "protocole_crise.html", context)


@pytest.fixture(scope="module")
def docx(context):
    props = {"title": "Protocole de crise – PC-2B9E6A40",
             "author": context["doc"]["author_structure"]}
    return render_docx(TEMPLATES_DIR, "protocole_crise.docx", context, props)


@pytest.fixture(scope="module")
def signed_context():
    return context_for(sample_input(), sample_signatures())


def _compare(actual: str, name: str) -> None:
    compare_golden(actual, GOLDEN / name)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_text_matches_golden(pdf):
    _compare(pdf_text(pdf), "expected_pdf.txt")


def test_docx_text_matches_golden(docx):
    _compare(docx_text(docx), "expected_docx.txt")


def test_pdf_pages_metadata_and_footer(pdf, context):
    assert_metadata_and_footer(pdf, context, 'Protocole de crise', (3, 5))


def test_no_signature_yet_prints_empty_boxes(context, pdf, docx):
    assert context["signatures"] == []
    for text in (_flat(pdf_text(pdf)), _flat(docx_text(docx))):
        assert "Signature de la personne Nadia Ferhat" in text
        assert ("Signature du professionnel ou de la professionnelle Julie Roux, équipe Bail "
                "d'abord") in text


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
def test_layout_keeps_signatures_with_the_validity_text(signed, context, signed_context):
    """Nothing overflows; the signature block shares its page with the text it signs."""
    ctx = signed_context if signed else context
    document = layout(TEMPLATES_DIR, render_html(TEMPLATES_DIR, "protocole_crise.html", ctx))
    assert check_layout(document) == []
    pdf = document.write_pdf()
    assert check_structure(PdfReader(io.BytesIO(pdf))) == []


def test_signatures_print_name_quality_date_image_or_refusal(signed_context):
    html = render_html(TEMPLATES_DIR, "protocole_crise.html", signed_context)
    assert html.count('class="signatures signature-block"') == 1
    assert '<img class="signature-dessinee"' in html.split(
        'class="signatures signature-block"')[1]  # the drawn one
    pdf = _flat(pdf_text(render_pdf(TEMPLATES_DIR, "protocole_crise.html", signed_context)))
    assert ("La personne Nadia Ferhat A refusé de signer : préfère relire le protocole chez "
            "elle avant de signer Refus enregistré le 28 janvier 2027 à 16 h 52") in pdf
    assert ("Référente, équipe Bail d'abord Julie Roux Signé le 28 janvier 2027 à 16 h 55"
            in pdf)
    assert "Signature de la personne" not in pdf
    docx = render_docx(TEMPLATES_DIR, "protocole_crise.docx", signed_context)
    assert check_docx(docx, expected_values(signed_context, with_doc=False)) == []
    text = _flat(docx_text(docx))
    assert "A refusé de signer : préfère relire le protocole chez elle avant de signer" in text
    # The drawn signature is in the DOCX too, as a picture (issue 11, item 14).
    assert "voir la version PDF" not in text
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        pictures = [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
        document = package.read("word/document.xml").decode()
    assert pictures == [drawn_png()]
    assert document.count("<w:drawing>") == 1


def test_people_are_split_by_consent_and_listed_per_situation(context, pdf):
    assert [p["nom"] for p in context["personnes_a_prevenir"]] == [
        "Samia Ferhat", "Dr Hélène Martin", "Claire Durand"]
    assert [p["nom"] for p in context["personnes_a_ne_pas_prevenir"]] == ["Karim B."]
    sante = context["scenarios"][1]["pendant"]
    assert sante["a_prevenir"] == "Samia Ferhat, Dr Hélène Martin"
    assert sante["ne_pas_prevenir"] == "Karim B."
    assert context["scenarios"][3]["pendant"]["a_prevenir"] == ""
    # Printed « aucune », never « Personne », which reads as a name (issue 11, item 12).
    assert "Personnes à prévenir aucune" in _flat(pdf_text(pdf))
    assert "Personnes à prévenir Personne" not in _flat(pdf_text(pdf))
    text = _flat(pdf_text(pdf))
    assert "Samia Ferhat Proche (sœur) 06 12 34 56 78 Perte de contact, santé, entourage" in text
    assert "Quand l'équipe s'inquiète Au bout de 7 jours sans nouvelles" in text
    assert "Soins à éviter (confidentiel)" in text


def test_docx_parts_parse_and_footer_has_page_fields(docx):
    parts = docx_parts(docx)
    for blob in parts.values():
        etree.fromstring(blob)
    footers = [b for n, b in parts.items() if n.startswith("word/footer")]
    assert footers and all(b" PAGE " in f and b" NUMPAGES " in f for f in footers)


def test_templates_declare_only_context_keys():
    assert undeclared_variables(TEMPLATES_DIR, "protocole_crise.docx") == CONTEXT_KEYS
    env = document_env(TEMPLATES_DIR)
    names = set()
    for template in ("protocole_crise.html", "_shared/base.html"):
        source = env.loader.get_source(env, template)[0]
        names |= meta.find_undeclared_variables(env.parse(source))
    assert names <= CONTEXT_KEYS


def test_optional_parts_follow_the_data():
    """Nobody named, no health wishes, no access to the dwelling, the bailleur not told."""
    raw = sample_input()
    raw["personnes"]["liste"] = []
    for scenario in raw["scenarios"]["liste"]:
        scenario["pendant"].update(soins_preferes="", soins_a_eviter="")
    raw["logement"].update(information_bailleur="non", information_bailleur_contenu="",
                           acces_autorise="non", acces_conditions="")
    context = context_for(raw)
    assert context["sante_renseignee"] is False
    pdf = _flat(pdf_text(render_pdf(TEMPLATES_DIR, "protocole_crise.html", context)))
    docx = _flat(docx_text(render_docx(TEMPLATES_DIR, "protocole_crise.docx", context)))
    for text in (pdf, docx):
        assert "Aucune personne à prévenir n'a été désignée." in text
        assert "Personnes à ne pas prévenir Aucune." in text
        assert "Personnes à prévenir aucune" in text
        assert "informations de santé confidentielles" not in text
        assert "(confidentiel)" not in text
        assert "Information du bailleur Non, le bailleur n'est pas informé." in text
        assert "Accès au logement en mon absence Non, personne n'entre sans moi." in text
