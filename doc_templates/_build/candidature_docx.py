"""Blocks the DOCX templates of an application's documents share (built on docx_kit).

Their first-page box names the candidature (not a household), and their tables print the
context `c` of service/applications/contexts.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from docx.shared import Mm, Pt

from .docx_kit import (
    GREY,
    LABEL_BG,
    NAVY,
    NNBSP,
    TBLPR_ORDER,
    add_row,
    border_set,
    cell_borders,
    document_header,
    first_para,
    new_document,
    para,
    provenance,
    put,
    run,
    running_header_footer,
    shade,
    table,
)


def candidature_document(title: str, subtitle: str, sections: Sequence[Callable]):
    doc = new_document(title)
    running_header_footer(doc)
    document_header(doc, title, subtitle, subject_label="Candidature", household_kind=False)
    for section in sections:
        section(doc)
    provenance(doc)
    return doc
