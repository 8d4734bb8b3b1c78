"""Every document kind honours the contract of DESIGN.md §3 (run for each kind in the catalogue)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jinja2 import meta, nodes
from wtforms import FieldList, FormField

from service.config import PROJECT_ROOT
from service.kinds import CATALOGUE
from service.rendering.docx import undeclared_variables
from service.rendering.jinja_env import document_env
from service.web.labels import form_module

TEMPLATES = str(PROJECT_ROOT / "doc_templates")
KINDS = sorted(CATALOGUE)


def _form_names(form_class) -> dict:
    form = form_class()
    names = {}
    for name, field in form._fields.items():
        if isinstance(field, FormField):
            names[name] = _form_names(field.form_class)
        elif isinstance(field, FieldList):
            names[name] = _form_names(field.unbound_field.args[0]) if field.unbound_field.args \
                and isinstance(field.unbound_field.args[0], type) else None
        else:
            names[name] = None
    return names


def _schema_names(schema) -> dict:
    from marshmallow import fields

    names = {}
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        names[name] = _schema_names(inner.schema) if isinstance(inner, fields.Nested) else None
    return names


@pytest.mark.parametrize("key", KINDS)
def test_form_fields_equal_schema_fields(key):
    kind = CATALOGUE[key]
    for section in kind.sections:
        form_class = form_module(kind).SECTION_FORMS[section.key]
        assert _form_names(form_class) == _schema_names(section.schema()), section.key


@pytest.mark.parametrize("key", KINDS)
def test_templates_exist_and_declare_only_context_names(key):
    kind = CATALOGUE[key]
    sample = json.loads((Path(__file__).parent.parent / "golden" / key / "input.json")
                        .read_text(encoding="utf-8"))
    context = kind.build_context(kind.schema().load(sample))
    names = set(context) | {"doc"}
    env = document_env(TEMPLATES)
    source = (Path(TEMPLATES) / kind.html_template).read_text(encoding="utf-8")
    tree = env.parse(source)
    macros = {node.name for node in tree.find_all(nodes.Macro)}
    assert meta.find_undeclared_variables(tree) - macros <= names
    if "docx" in kind.formats:
        assert undeclared_variables(TEMPLATES, kind.output("docx").template) <= names


@pytest.mark.parametrize("key", KINDS)
def test_sample_input_loads(key):
    kind = CATALOGUE[key]
    sample = json.loads((Path(__file__).parent.parent / "golden" / key / "input.json")
                        .read_text(encoding="utf-8"))
    loaded = kind.schema().load(sample)
    assert kind.describe(loaded)


@pytest.mark.parametrize("key", KINDS)
def test_sample_passes_preflight(app, key):
    """Every kind's sample is released: all preflight checks pass on its PDF and DOCX."""
    from service.documents.produce import provenance_meta, render
    from service.registry.codes import new_code
    from tests.golden.fiche_de_lien.sample import sample_doc

    kind = CATALOGUE[key]
    sample = json.loads((Path(__file__).parent.parent / "golden" / key / "input.json")
                        .read_text(encoding="utf-8"))
    meta = {**{k: v for k, v in sample_doc().items() if k != "qr"},
            **provenance_meta(kind, new_code())}
    rendered = render(kind, kind.schema().load(sample), meta)  # raises PreflightError
    assert rendered.pdf.startswith(b"%PDF-")
