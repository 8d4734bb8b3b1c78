"""Which answer a preflight problem is about: its section and field, found in the input.

The preflight checks the rendered document against its context (labels, formatted values), and
knows nothing of forms. A problem that carries the text it is about is matched here against the
answers of the input, so that the page and the API can say « section B, Nom d'usage » instead
of a path inside the document's context.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from service.kinds.base import DocumentKind
from service.kinds.fields import clean_text


@dataclass(frozen=True)
class Located:
    """A problem and the answer it is about: `path` inside the section, e.g. ("demandeur",
    "nom") or ("co_demandeurs", 0, "nom")."""

    section: str
    letter: str
    title: str
    path: tuple
    message: str  # as the preflight said it (it identifies the problem)
    bare: str  # without the document's own path to the value: the page names the field

    @property
    def field_id(self) -> str:
        """The form's id of the field: demandeur-nom, co_demandeurs-0-nom."""
        return "-".join(str(p) for p in self.path)

    @property
    def json_path(self) -> str:
        return ".".join(str(p) for p in (self.section, *self.path))

    @property
    def placed(self) -> str:
        """The message with its place, for a reader of JSON (the API)."""
        return (f"Section {self.letter} « {self.title} », champ {self.json_path} : "
                f"{self.bare}")


def _shown(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if not c.isspace() and unicodedata.category(c) != "Cf")


def _answers(value, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _answers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _answers(item, (*path, index))


def _find(data: dict, sections: set[str], text: str) -> tuple | None:
    """The path of the answer that is this text, holds it, or (long enough) is part of it."""
    wanted = _shown(text)
    if not wanted:
        return None
    candidates = [(path, _shown(clean_text(answer))) for path, answer in _answers(data)
                  if path and path[0] in sections and len(path) > 1]
    for test in (lambda a: a == wanted, lambda a: wanted in a,
                 lambda a: len(a) >= 4 and a in wanted):
        for path, answer in candidates:
            if answer and test(answer):
                return path
    return None


def locate(kind: DocumentKind, data, problems: Sequence[str]) -> list[Located]:
    """The problems that could be traced to an answer of a form-filled kind's input."""
    if not kind.has_form or not isinstance(data, dict):
        return []
    sections = {s.key for s in kind.sections}
    found = []
    for problem in problems:
        value = getattr(problem, "value", None)
        path = _find(data, sections, value) if value else None
        if path is not None:
            section = kind.section(path[0])
            found.append(Located(section.key, section.letter, section.title, tuple(path[1:]),
                                 str(problem), getattr(problem, "bare", str(problem))))
    return found
