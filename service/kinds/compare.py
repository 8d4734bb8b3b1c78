"""Field-by-field comparison of two input snapshots of a kind, in French, for version history.

    changes = compare(old_entry.snapshot, new_entry.snapshot, labels)
    [str(c) for c in changes]
    # ['Santé physique et psychique › objectif 2 › statut : « En cours » → « Atteint »', ...]

Snapshots are the schema's dump (JSON values: dates as ISO strings). Paths use schema paths
without list positions (« domaines.liste.objectifs.statut ») to find labels; the last key alone
is tried when the full path has no label. Lists of mappings are matched item by item, by an
identifying field when the kind names one (a domain by its code), else by position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from service.rendering.formatting import date_fr

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
NNBSP = "\u202f"
SEPARATOR = " › "
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Labels:
    """How a kind's snapshot reads in French; every mapping is keyed by schema path or key."""

    names: Mapping[str, str] = field(default_factory=dict)  # path -> « statut »
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # path -> code -> label
    items: Mapping[str, str] = field(default_factory=dict)  # list path -> « objectif »
    keys: Mapping[str, str] = field(default_factory=dict)  # list path -> identifying field
    summaries: Mapping[str, str] = field(default_factory=dict)  # list path -> field to quote
    hidden: frozenset[str] = frozenset()  # paths that add nothing to a path (« domaines.liste »)

    def _get(self, mapping: Mapping, path: str):
        if path in mapping:
            return mapping[path]
        return mapping.get(path.rpartition(".")[2])

    def name(self, path: str) -> str:
        return self._get(self.names, path) or path.rpartition(".")[2].replace("_", " ")

    def value(self, path: str, value) -> str:
        if isinstance(value, bool):
            return "oui" if value else "non"
        choices = self._get(self.values, path) or {}
        if isinstance(value, str) and value in choices:
            return choices[value]
        if isinstance(value, str) and _ISO_DATE.match(value):
            try:
                return date_fr(value)
            except ValueError:
                return value
        return str(value)

    def item(self, path: str) -> str:
        return self._get(self.items, path) or self.name(path).lower()


@dataclass(frozen=True)
class Change:
    kind: str  # ADDED, REMOVED or CHANGED
    path: tuple[str, ...]  # French labels, outermost first
    old: str | None = None
    new: str | None = None

    def text(self, max_length: int | None = None) -> str:
        where = SEPARATOR.join(self.path)
        old, new = _shorten(self.old, max_length), _shorten(self.new, max_length)
        if self.kind == CHANGED:
            return f"{where}{NNBSP}: {_quote(old)} → {_quote(new)}"
        if self.kind == ADDED:
            return f"{where}{NNBSP}: ajouté" + (f" ({_quote(new)})" if new else "")
        return f"{where}{NNBSP}: supprimé" + (f" ({_quote(old)})" if old else "")

    def __str__(self) -> str:
        return self.text()


def _quote(text: str | None) -> str:
    return f"«{NNBSP}{text}{NNBSP}»"


def _shorten(text: str | None, size: int | None) -> str | None:
    if text is None or size is None or len(text) <= size:
        return text
    return text[: size - 1].rstrip() + "…"


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def compare(old_snapshot: dict, new_snapshot: dict, labels: Labels | None = None) -> list[Change]:
    """What changed from `old_snapshot` to `new_snapshot`, in document order."""
    changes: list[Change] = []
    _diff(old_snapshot or {}, new_snapshot or {}, "", (), labels or Labels(), changes)
    return changes


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _diff(old, new, path: str, shown: tuple, labels: Labels, out: list[Change]) -> None:
    if _empty(old) and _empty(new):
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in [*new, *(k for k in old if k not in new)]:
            sub = _child(path, str(key))
            here = shown if sub in labels.hidden else (*shown, labels.name(sub))
            _diff(old.get(key), new.get(key), sub, here, labels, out)
    elif _is_records(old) or _is_records(new):
        _diff_records(old or [], new or [], path, shown, labels, out)
    elif isinstance(old, list) or isinstance(new, list):
        _diff_scalar(_join(old, path, labels), _join(new, path, labels), shown, out)
    else:
        _diff_scalar(None if _empty(old) else labels.value(path, old),
                     None if _empty(new) else labels.value(path, new), shown, out)


def _is_records(value) -> bool:
    return isinstance(value, list) and any(isinstance(v, Mapping) for v in value)


def _join(values, path: str, labels: Labels) -> str | None:
    if _empty(values):
        return None
    values = values if isinstance(values, list) else [values]
    return ", ".join(labels.value(path, v) for v in values)


def _diff_scalar(old: str | None, new: str | None, shown: tuple, out: list[Change]) -> None:
    if old == new:
        return
    kind = ADDED if old is None else REMOVED if new is None else CHANGED
    out.append(Change(kind, shown, old, new))


def _diff_records(old: list, new: list, path: str, shown: tuple, labels: Labels,
                  out: list[Change]) -> None:
    """Items matched by their identifying field, else by position; the list's own label is
    replaced by each item's (« objectif 2 », or the domain's name)."""
    key = labels._get(labels.keys, path)
    old_items, new_items = _keyed(old, path, key, labels), _keyed(new, path, key, labels)
    for ident, (item_label, item) in new_items.items():
        here = (*shown[:-1], item_label) if path not in labels.hidden else (*shown, item_label)
        if ident in old_items:
            _diff(old_items[ident][1], item, path, here, labels, out)
        else:
            out.append(Change(ADDED, here, None, _summary(item, path, labels)))
    for ident, (item_label, item) in old_items.items():
        if ident not in new_items:
            here = (*shown[:-1], item_label) if path not in labels.hidden else (*shown, item_label)
            out.append(Change(REMOVED, here, _summary(item, path, labels), None))


def _keyed(items: list, path: str, key: str | None, labels: Labels) -> dict:
    out: dict[tuple[str, Any], tuple[str, Mapping]] = {}
    for index, item in enumerate(items, start=1):
        item = item if isinstance(item, Mapping) else {}
        if key and not _empty(item.get(key)) and ("key", item[key]) not in out:
            ident = ("key", item[key])
            label = labels.value(_child(path, key), item[key])
        else:  # no identifying value, or a repeated one: the position identifies the item
            ident = ("position", index)
            label = f"{labels.item(path)} {index}"
        out.setdefault(ident, (label, item))
    return out


def _summary(item: Mapping, path: str, labels: Labels) -> str | None:
    name = labels._get(labels.summaries, path)
    value = item.get(name) if name else None
    return None if _empty(value) else labels.value(_child(path, name), value)


# ---- labels from a kind's forms: the same French words the user saw ----
