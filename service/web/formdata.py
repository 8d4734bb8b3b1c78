"""Between WTForms and the schema: form -> plain dict, errors -> field ids, readable answers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from wtforms import BooleanField, FieldList, Form, FormField, RadioField, SelectFieldBase

from service.rendering.formatting import date_fr, money
from service.rendering.typography import no_break
from service.web.labels import form_module

SKIP = {"csrf_token", "version", "action"}


def section_form(kind, section_key: str, formdata=None, data: dict | None = None) -> Form:
    form_class = form_module(kind).SECTION_FORMS[section_key]
    form = form_class(formdata=formdata, data=data or {})
    return form


def form_to_dict(form: Form, outer: tuple[dict, ...] = ()) -> dict:
    """The answers as the schema expects them; conditional fields that do not apply are cleared
    (a field hidden by the page and filled without JavaScript is ignored, not refused).

    `outer` are the enclosing levels' answers, innermost last: a condition inside a repeated
    entry names a field of that entry (`code=perte_de_contact` in a situation's « avant »).
    """
    data: dict = {}
    levels = (*outer, data)
    for name, field in form._fields.items():
        if name in SKIP:
            continue
        if isinstance(field, FormField):
            data[name] = form_to_dict(field.form, levels)
        elif isinstance(field, FieldList):
            data[name] = [form_to_dict(e.form, levels) if isinstance(e, FormField) else e.data
                          for e in field.entries]
        elif isinstance(field, BooleanField):
            data[name] = bool(field.data)
        else:
            data[name] = field.data if field.data is not None else ""
    for name, field in form._fields.items():
        condition = (field.render_kw or {}).get("data-show-if")
        if condition and not _applies(condition, levels):
            data[name] = [] if isinstance(data[name], list) else ""
    return data


def _applies(condition: str, levels: tuple[dict, ...]) -> bool:
    """The condition's field is looked for from the innermost level outwards."""
    other, _, values = condition.partition("=")
    found = next((level[other] for level in reversed(levels) if other in level), "")
    return str(found or "") in values.split(",")


def apply_list_action(data: dict, action: str) -> dict:
    """'add:co_demandeurs', 'remove:enfants:2', or nested 'add:domaines-0-objectifs'."""
    verb, _, rest = action.partition(":")
    path, _, index = rest.partition(":")
    target = _list_at(data, path.split("-"))
    if target is None:
        return data
    if verb == "add" and len(target) < 20:
        target.append({})
    elif verb == "remove" and index.isdigit() and int(index) < len(target):
        target.pop(int(index))
    return data


def _list_at(data, parts: list[str]):
    node = data
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node if isinstance(node, list) else None


def flatten_errors(errors, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested messages -> {'co_demandeurs-0-nom': 'Ce champ est obligatoire.'}."""
    flat: dict[str, str] = {}
    if isinstance(errors, list):
        if errors and all(isinstance(e, str) for e in errors):
            flat[prefix or "_schema"] = errors[0]
        return flat
    for key, value in errors.items():
        name = str(key) if key != "_schema" else ""
        path = "-".join(p for p in (prefix, name) if p) or "_schema"
        if isinstance(value, dict):
            flat.update(flatten_errors(value, path))
        elif isinstance(value, list) and value and isinstance(value[0], str):
            flat[path] = value[0]
        elif isinstance(value, list):
            flat.update(flatten_errors(value, path))
    return flat


def field_labels(form: Form, prefix: str = "", label_prefix: str = "") -> dict[str, str]:
    """{field id: French label} including nested and repeated fields."""
    labels = {}
    for name, field in form._fields.items():
        if name in SKIP:
            continue
        if isinstance(field, FormField):
            labels.update(field_labels(field.form, field.id,
                                       f"{label_prefix}{field.label.text} – "))
        elif isinstance(field, FieldList):
            labels[field.id] = f"{label_prefix}{field.label.text}"
            for i, entry in enumerate(field.entries):
                entry_prefix = f"{label_prefix}{entry_name(field, i, entry)} – "
                if isinstance(entry, FormField):
                    labels.update(field_labels(entry.form, entry.id, entry_prefix))
        else:
            labels[field.id] = f"{label_prefix}{field.label.text}"
    return labels


def entry_name(field: FieldList, index: int, entry) -> str:
    """« Situation 2 : Perte de contact »: the entry's number, and its kind when it has one
    (a `code` chosen from a list), so that a message says which entry is wrong."""
    name = f"{field.label.text} {index + 1}"
    code = entry.form._fields.get("code") if isinstance(entry, FormField) else None
    if isinstance(code, SelectFieldBase) and code.data:
        chosen = dict((str(c[0]), c[1]) for c in code.choices or []).get(str(code.data))
        if chosen:
            return f"{name} : {chosen}"
    return name


def answers(form: Form, label_prefix: str = "") -> list[tuple[str, str, str]]:
    """(field id, label, readable answer) rows for « Vérifiez vos réponses »."""
    rows = []
    for name, field in form._fields.items():
        if name in SKIP:
            continue
        if isinstance(field, FormField):
            rows += answers(field.form, f"{label_prefix}{field.label.text} – ")
        elif isinstance(field, FieldList):
            if not field.entries:
                words = field.render_kw or {}
                rows.append((field.id,
                             f"{label_prefix}{words.get('data-empty-label', field.label.text)}",
                             words.get("data-empty", "aucun")))
            for i, entry in enumerate(field.entries):
                rows += answers(entry.form, f"{label_prefix}{field.label.text} {i + 1} – ")
        else:
            rows.append((field.id, f"{label_prefix}{field.label.text}", readable(field)))
    return rows


def _amount(typed: str) -> str:
    """« 1 234,56 € » as the document prints it; an unreadable amount is shown as typed."""
    try:
        return money(Decimal(re.sub(r"[\s\u00a0\u202f€]", "", typed).replace(",", ".")))
    except InvalidOperation:
        return typed


def readable(field) -> str:
    data = field.data
    if isinstance(field, BooleanField):
        return "Oui" if data else "Non"
    if isinstance(field, SelectFieldBase | RadioField):
        choices = dict((str(c[0]), c[1]) for c in field.choices or [])
        if isinstance(data, list):
            return ", ".join(choices.get(str(v), str(v)) for v in data) or "Non renseigné"
        return choices.get(str(data), str(data)) if data not in (None, "") else "Non renseigné"
    if data in (None, ""):
        return "Non renseigné"
    if (field.render_kw or {}).get("inputmode") == "decimal":  # an amount in euros
        return _amount(str(data))
    if (field.render_kw or {}).get("type") == "date":
        try:
            return no_break(date_fr(str(data)))
        except ValueError:
            return str(data)  # an invalid typed date is shown as typed
    return str(data)
