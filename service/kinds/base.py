"""What a document kind declares; the generic flow needs nothing else to handle it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from marshmallow import Schema


@dataclass(frozen=True)
class Section:
    """One page of the task list; `key` is both the schema field and the form's name."""

    key: str
    letter: str
    title: str
    schema: type[Schema]


@dataclass(frozen=True)
class DocumentKind:
    key: str
    title: str
    schema: type[Schema]
    sections: tuple[Section, ...]
    form_module: ModuleType | None
    build_context: Callable[[dict], dict]
    describe: Callable[[dict], str]  # short label of the subject, for lists
    # Rules spanning sections, on raw draft data: {section: {field: [messages]}}.
    cross_checks: Callable[[dict], dict] | None = None
    # Totals the document prints, recomputed from the context's lines: {name: "1 881,08 €"};
    # preflight compares them with the cells marked data-total="name".
    totals: Callable[[dict], dict] | None = None
    formats: tuple[str, ...] = ("pdf", "docx")
    scope: str = "household"  # household, referral, application, period
    signed: bool = False
    page_bounds: tuple[int, int] = (1, 20)
    extra: dict = field(default_factory=dict)

    @property
    def html_template(self) -> str:
        return f"{self.key}.html"

    @property
    def docx_template(self) -> str:
        return f"{self.key}.docx"

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)
