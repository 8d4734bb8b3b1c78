"""French labels of a kind's snapshot, read from its WTForms classes, for the version history."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType

from wtforms import FieldList, FormField, SelectFieldBase

from service.kinds.base import DocumentKind
from service.kinds.compare import Labels


def form_module(kind: DocumentKind) -> ModuleType:
    """The forms module a kind names (UI side: the domain never imports forms/)."""
    if kind.form is None:
        raise LookupError(f"{kind.key} has no form")
    return importlib.import_module(kind.form)


def kind_labels(kind: DocumentKind) -> Labels | None:
    """Labels of the kind's snapshot paths: its form's labels, then its CompareSpec's names."""
    if kind.form is None:
        return None
    spec = kind.compare
    return labels_from_forms(
        form_module(kind).SECTION_FORMS, {s.key: s.title for s in kind.sections},
        names=spec.names if spec else None, keys=spec.keys if spec else None,
        summaries=spec.summaries if spec else None,
        hidden=spec.hidden if spec else frozenset())


def labels_from_forms(section_forms: Mapping[str, type], section_titles: Mapping[str, str],
                      *, names: Mapping[str, str] | None = None,
                      items: Mapping[str, str] | None = None,
                      keys: Mapping[str, str] | None = None,
                      summaries: Mapping[str, str] | None = None,
                      hidden: frozenset[str] = frozenset()) -> Labels:
    """Field labels and choice labels read from the WTForms classes; `names` etc. override."""
    found_names: dict[str, str] = dict(section_titles)
    found_values: dict[str, dict[str, str]] = {}
    found_items: dict[str, str] = {}
    for section, form_class in section_forms.items():
        _walk_form(form_class, section, found_names, found_values, found_items)
    return Labels(names={**found_names, **(names or {})}, values=found_values,
                  items={**found_items, **(items or {})}, keys=dict(keys or {}),
                  summaries=dict(summaries or {}), hidden=frozenset(hidden))


def _walk_form(form_class, path: str, names: dict, values: dict, items: dict) -> None:
    for name, bound in form_class()._fields.items():
        sub = f"{path}.{name}" if path else name
        names[sub] = bound.label.text
        if isinstance(bound, FormField):
            _walk_form(bound.form_class, sub, names, values, items)
        elif isinstance(bound, FieldList):
            items[sub] = bound.label.text.lower()
            inner = bound.unbound_field.args[0] if bound.unbound_field.args else None
            if isinstance(inner, type):
                _walk_form(inner, sub, names, values, items)
        elif isinstance(bound, SelectFieldBase) and bound.choices:
            values[sub] = {str(c[0]): c[1] for c in bound.choices if c[0] != ""}
