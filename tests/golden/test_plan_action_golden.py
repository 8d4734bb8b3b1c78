"""Golden tests of the plan d'action concerté: PDF and DOCX text against reviewed files, plus checks.

Set UPDATE_GOLDEN=1 to rewrite expected_pdf.txt and expected_docx.txt, then review the diff.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from jinja2 import meta
from lxml import etree
from pypdf import PdfReader

from service.rendering.docx import render_docx, undeclared_variables
from service.rendering.jinja_env import document_env
from service.rendering.pdf import layout, render_html, render_pdf
from service.rendering.preflight import check_layout
from service.rendering.preflight_pdf import check_structure
from tests.golden.checks import assert_metadata_and_footer, compare_golden
from tests.golden.fiche_de_lien.sample import docx_parts, docx_text, pdf_text
from tests.golden.plan_action.sample import (
    TEMPLATES_DIR,
    context_for,
    sample_context,
    sample_input,
)

GOLDEN = Path(__file__).parent / "plan_action"
CONTEXT_KEYS = {"doc", "entete", "domaines_proposes", "domaines", "bilan", "accord", "signatures"}


@pytest.fixture(scope="module")
def context():
    return sample_context()


@pytest.fixture(scope="module")
def pdf(context):
    return render_pdf(TEMPLATES_DIR, "plan_action.html", context)


@pytest.fixture(scope="module")
def docx(context):
    props = {"title": "Plan d'action concerté – PA-7C41D2E8",
             "author": context["doc"]["author_structure"]}
    return render_docx(TEMPLATES_DIR, "plan_action.docx", context, props)


def _compare(actual: str, name: str) -> None:
    compare_golden(actual, GOLDEN / name)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_text_matches_golden(pdf):
    _compare(pdf_text(pdf), "expected_pdf.txt")


def test_docx_text_matches_golden(docx):
    _compare(docx_text(docx), "expected_docx.txt")


def test_pdf_pages_metadata_and_footer(pdf, context):
    assert_metadata_and_footer(pdf, context, "Plan d'action concerté", (2, 4))


def test_pdf_structure_and_layout(pdf, context):
    """Fonts embedded, no active content; nothing overflows, the signatures sit with the
    agreement they sign."""
    assert check_structure(PdfReader(io.BytesIO(pdf))) == []
    document = layout(TEMPLATES_DIR, render_html(TEMPLATES_DIR, "plan_action.html", context))
    assert check_layout(document) == []


def test_pdf_shows_each_domain_with_its_objectives(pdf):
    text = _flat(pdf_text(pdf))
    assert text.index("1 Vie quotidienne") < text.index("1.1") < text.index("1.2") \
        < text.index("2 Santé physique et psychique") < text.index("2.1") \
        < text.index("3 Culture, loisirs, vacances") < text.index("3.2")
    assert "« J'aimerais savoir où passe mon argent. »" in text
    assert "☒ Je suis d'accord avec une partie de ce plan seulement." in text
    assert "☒ Une copie de ce plan a été remise à la personne le 22 février 2027." in text


def test_status_counts_feed_the_bilans(context):
    assert context["bilan"]["comptes"] == {"a_faire": 2, "en_cours": 1, "atteint": 1,
                                           "partiellement_atteint": 0, "abandonne": 0,
                                           "reporte": 1}
    assert context["bilan"]["total"] == 5 and context["bilan"]["domaines"] == 3


def test_docx_parts_parse_and_footer_has_page_fields(docx):
    parts = docx_parts(docx)
    for blob in parts.values():
        etree.fromstring(blob)
    footers = [b for n, b in parts.items() if n.startswith("word/footer")]
    assert footers and all(b" PAGE " in f and b" NUMPAGES " in f for f in footers)


def test_templates_declare_only_context_keys():
    assert undeclared_variables(TEMPLATES_DIR, "plan_action.docx") == CONTEXT_KEYS
    env = document_env(TEMPLATES_DIR)
    names = set()
    for template in ("plan_action.html", "_shared/base.html"):
        source = env.loader.get_source(env, template)[0]
        names |= meta.find_undeclared_variables(env.parse(source))
    assert names <= CONTEXT_KEYS


def test_optional_parts_follow_the_data():
    """Full agreement, one référent·e, no dwelling details, no copy, first version."""
    raw = sample_input()
    raw["entete"].update(referent_2="", logement_adresse="", logement_date_entree="",
                         logement_statut_bail="")
    raw["accord"].update(accord_personne="accord", points_refuses="", commentaire_personne="",
                         copie_remise=False, copie_remise_date="")
    objectif = raw["domaines"]["liste"][1]["objectifs"][0]
    objectif.update(points_appui="", partenaires="", commentaire_evaluation="")
    context = context_for(raw)
    context["doc"].update({"version": 1, "supersedes_version": None})
    pdf = _flat(pdf_text(render_pdf(TEMPLATES_DIR, "plan_action.html", context)))
    docx = _flat(docx_text(render_docx(TEMPLATES_DIR, "plan_action.docx", context)))
    for text in (pdf, docx):
        assert "Référent Julie Roux" in text and "Thomas Vidal" not in text
        assert "Adresse du logement —" in text and "Statut du bail —" in text
        assert "☒ Je suis d'accord avec ce plan d'action." in text
        assert "Les points avec lesquels je ne suis pas d'accord" not in text
        assert "Mon avis sur ce plan —" in text
        assert "☐ Une copie de ce plan a été remise à la personne." in text
        assert "Remplace la version" not in text
        assert "Ma sœur connaît bien le quartier." not in text
