"""What the person agrees to is printed word for word as the form says it (issue 11, item 2).

Each kind's vocabulary lists its statements (form field -> text): the form's label is that
text, and the PDF and the DOCX of the sample print it.
"""

from __future__ import annotations

import importlib
import re

import pytest

from forms import fiche_de_lien as fiche_forms
from service import kinds
from service.kinds import fiche_de_lien_vocabulary as FL
from service.rendering.docx import render_docx
from service.rendering.pdf import render_pdf
from service.web.labels import form_module
from tests.golden.fiche_de_lien.sample import TEMPLATES_DIR, docx_text, pdf_text

SAMPLES = {
    "fiche_de_lien": "tests.golden.fiche_de_lien.sample",
    "plan_action": "tests.golden.plan_action.sample",
    "protocole_crise": "tests.golden.protocole_crise.sample",
}
VOCABULARIES = {
    "fiche_de_lien": "service.kinds.fiche_de_lien_vocabulary",
    "plan_action": "service.kinds.plan_action_vocabulary",
    "protocole_crise": "service.kinds.protocole_crise_vocabulary",
}


def shown(text: str) -> str:
    """Text as both documents give it back: one kind of space, no line breaks."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).replace(" ", "")


def cases():
    for key, module in VOCABULARIES.items():
        for path, statement in importlib.import_module(module).STATEMENTS.items():
            yield key, path, statement


CASES = list(cases())


@pytest.fixture(scope="module")
def rendered():
    out = {}
    for key, module in SAMPLES.items():
        context = importlib.import_module(module).sample_context()
        kind = kinds.get(key)
        out[key] = (shown(pdf_text(render_pdf(TEMPLATES_DIR, kind.html_template, context))),
                    shown(docx_text(render_docx(TEMPLATES_DIR, f"{key}.docx", context))))
    return out


def _form_field(kind_key: str, path: str):
    section, name = path.split(".")
    form = form_module(kinds.get(kind_key)).SECTION_FORMS[section]()
    return form._fields[name]


@pytest.mark.parametrize("kind_key, path, statement", CASES,
                         ids=[f"{k}.{p}" for k, p, _ in CASES])
def test_the_form_says_what_the_documents_print(rendered, kind_key, path, statement):
    field = _form_field(kind_key, path)
    texts = statement if isinstance(statement, list) else [statement]
    if isinstance(statement, list):
        assert [label for _, label in field.choices] == texts
    else:
        assert field.label.text == statement
    pdf, docx = rendered[kind_key]
    for text in texts:
        assert shown(text) in pdf, text
        assert shown(text) in docx, text


def test_every_kind_with_an_agreement_declares_its_statements():
    assert {k for k, *_ in CASES} == {"fiche_de_lien", "plan_action", "protocole_crise"}


def test_the_fiche_names_who_receives_it_and_the_persons_rights():
    """DOMAIN.md §1.1 I1 and §8.4: transmission to the Plateforme (then the team once
    admitted), information on the processing and the rights of the GDPR."""
    assert "Plateforme Logement d'abord" in FL.CONSENT_ORIENTATION
    assert "l'équipe qui l'accompagnera" in FL.CONSENT_ORIENTATION
    assert "service Bail d'abord" not in FL.CONSENT_ORIENTATION
    for right in ("accès", "rectification", "effacement", "limitation", "opposition",
                  "réclamation auprès de la CNIL"):
        assert right in FL.CONSENT_INFORMATION
    for words in ("finalité", "destinataires", "durée de conservation"):
        assert words in FL.CONSENT_INFORMATION
    assert fiche_forms.ConsentementForm().information_rgpd.label.text == FL.CONSENT_INFORMATION
