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


def candidature_header(doc, title: str, subtitle: str) -> None:
    """First-page block: organisation, title, subtitle; the reference box names the
    candidature the document belongs to."""
    t = table(doc, (116, 58), borders=False)
    put(t._tbl.tblPr, border_set("tblBorders", ["top"], size=24, color=NAVY), TBLPR_ORDER)
    row = add_row(t, (116, 58))
    left, meta = row.cells
    org = first_para(left, "{{ doc.organisation }}", bold=True, size=8.5, color=GREY)
    org.runs[0].font.all_caps = True
    org.paragraph_format.space_before, org.paragraph_format.space_after = Pt(4), Pt(4)
    para(left, title, style="Title").paragraph_format.right_indent = Mm(4)
    para(left, subtitle, size=9, color=GREY, after=4)
    shade(meta, LABEL_BG)
    cell_borders(meta, ["left"], size=16, color=NAVY)
    p = first_para(meta, f"Référence{NNBSP}: ", size=8.5, color=GREY)
    p.paragraph_format.space_before = Pt(4)
    run(p, "{{ doc.reference }}", bold=True, size=8.5)
    p = para(meta, f"Version{NNBSP}: ", size=8.5, color=GREY, after=0)
    run(p, "{{ doc.version }}", size=8.5)
    p = para(meta, f"Candidature{NNBSP}: ", size=8.5, color=GREY, after=0)
    run(p, "{{ doc.household_reference }}", size=8.5)
    para(meta, "Émis le {{ doc.issued_at|date_fr }}", size=8.5, after=0)


def candidature_document(title: str, subtitle: str, sections: Sequence[Callable]):
    doc = new_document(title)
    running_header_footer(doc)
    candidature_header(doc, title, subtitle)
    for section in sections:
        section(doc)
    provenance(doc)
    return doc
