"""Between WTForms and the schema: form -> plain dict, errors -> field ids, readable answers."""

from __future__ import annotations

from wtforms import BooleanField, FieldList, Form, FormField, RadioField, SelectFieldBase

from service.rendering.formatting import date_fr
from service.web.labels import form_module

SKIP = {"csrf_token", "version", "action"}


def section_form(kind, section_key: str, formdata=None, data: dict | None = None) -> Form:
    form_class = form_module(kind).SECTION_FORMS[section_key]
    form = form_class(formdata=formdata, data=data or {})
    return form


def form_to_dict(form: Form) -> dict:
    """The answers as the schema expects them; conditional fields that do not apply are cleared."""
    data = {}
    for name, field in form._fields.items():
        if name in SKIP:
            continue
        if isinstance(field, FormField):
            data[name] = form_to_dict(field.form)
        elif isinstance(field, FieldList):
            data[name] = [form_to_dict(e.form) if isinstance(e, FormField) else e.data
                          for e in field.entries]
        elif isinstance(field, BooleanField):
            data[name] = bool(field.data)
        else:
            data[name] = field.data if field.data is not None else ""
    for name, field in form._fields.items():
        condition = (field.render_kw or {}).get("data-show-if")
        if condition and not _applies(condition, data):
            data[name] = [] if isinstance(data[name], list) else ""
    return data


def _applies(condition: str, data: dict) -> bool:
    other, _, values = condition.partition("=")
    return str(data.get(other) or "") in values.split(",")


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
            labels.update(field_labels(field.form, field.id, f"{field.label.text} – "))
        elif isinstance(field, FieldList):
            labels[field.id] = field.label.text
            for i, entry in enumerate(field.entries):
                entry_prefix = f"{label_prefix}{field.label.text} {i + 1} – "
                if isinstance(entry, FormField):
                    labels.update(field_labels(entry.form, entry.id, entry_prefix))
        else:
            labels[field.id] = f"{label_prefix}{field.label.text}"
    return labels


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
                rows.append((field.id, field.label.text, "Aucun"))
            for i, entry in enumerate(field.entries):
                rows += answers(entry.form, f"{label_prefix}{field.label.text} {i + 1} – ")
        else:
            rows.append((field.id, f"{label_prefix}{field.label.text}", readable(field)))
    return rows


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
    if (field.render_kw or {}).get("type") == "date":
        try:
            return date_fr(str(data))
        except ValueError:
            return str(data)  # an invalid typed date is shown as typed
    return str(data)
