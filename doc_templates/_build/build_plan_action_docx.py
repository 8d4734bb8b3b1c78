"""Builds doc_templates/plan_action.docx (docxtpl tags over the plan d'action concerté context).

Run: .venv/bin/python doc_templates/_build/build_plan_action_docx.py
The python-docx helpers come from the fiche de lien's build script (same look); the document
header below is generic and also serves the protocole de crise's script.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_fiche_de_lien_docx import (  # noqa: E402  (after the path set-up above)
    _TBLPR_ORDER,
    GREY,
    KV4,
    LABEL_BG,
    NAVY,
    NNBSP,
    _put,
    add_row,
    border_set,
    cell_borders,
    control_row,
    first_para,
    heading,
    kv_row,
    kv_table,
    new_document,
    note,
    para,
    provenance,
    row_props,
    run,
    running_header_footer,
    save_reproducible,
    shade,
    table,
    valign,
)
from docx.shared import Mm, Pt  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "plan_action.docx"
CENTER = 1  # WD_ALIGN_PARAGRAPH.CENTER
BOX = 11  # pt: the ☐ / ☒ glyphs, as .box in print.css


def document_header(doc, title: str, subtitle: str, issued: str = "Émis le"):
    """First-page block: organisation, title, subtitle; reference box on the right."""
    t = table(doc, (116, 58), borders=False)
    _put(t._tbl.tblPr, border_set("tblBorders", ["top"], size=24, color=NAVY), _TBLPR_ORDER)
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
    para(meta, "{%p if doc.household_reference %}", after=0)
    p = para(meta, f"Ménage{NNBSP}: ", size=8.5, color=GREY, after=0)
    run(p, "{{ doc.household_reference }}", size=8.5)
    para(meta, "{%p endif %}", after=0)
    para(meta, issued + " {{ doc.issued_at|date_fr }}", size=8.5, after=0)
    para(meta, "{%p if doc.supersedes_version %}", after=0)
    para(meta, "Remplace la version {{ doc.supersedes_version }}", bold=True, size=8.5,
         color=NAVY, before=3, after=0)
    para(meta, "{%p endif %}", after=0)


def header_row(t, widths, labels, *, center_from: int = 99):
    head = add_row(t, widths)
    row_props(head, header=True)
    for i, (cell, text) in enumerate(zip(head.cells, labels, strict=True)):
        shade(cell, NAVY)
        valign(cell, "bottom")
        p = first_para(cell, text, bold=True, size=8.5, color="FFFFFF")
        if i >= center_from:
            p.alignment = CENTER
    return head


def labelled(container, label: str, value: str, *, first=False, italic_label=False, **fmt):
    """« Label : value » as one paragraph, the label bold (or italic)."""
    style = {"italic": True} if italic_label else {"bold": True}
    p = first_para(container) if first else para(container, after=1)
    run(p, f"{label}{NNBSP}: ", **style, **fmt)
    run(p, value, **fmt)
    return p


def box_line(container, flag_expr: str, text: str, *, keep=False):
    """☒ or ☐ then the text, with a hanging indent."""
    p = para(container, f'{{{{ "☒" if {flag_expr} else "☐" }}}}', size=BOX, color=NAVY,
             keep=keep, after=2)
    run(p, f"\t{text}")
    p.paragraph_format.left_indent = Mm(6)
    p.paragraph_format.first_line_indent = Mm(-6)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(6))
    return p


def signature_boxes(doc, left: tuple[str, list[str]], right: tuple[str, list[str]],
                    height_mm: int = 32):
    """Two framed boxes; each: a bold title then lines (docxtpl paragraph tags allowed)."""
    widths = (83, 8, 83)
    t = table(doc, widths, borders=False)
    row = add_row(t, widths)
    row_props(row, height_mm=height_mm)
    cells = row.cells
    for cell, (title, lines) in ((cells[0], left), (cells[2], right)):
        cell_borders(cell, ["top", "left", "bottom", "right"], size=6, color=NAVY)
        first_para(cell, title, bold=True, color=NAVY)
        for line in lines:
            para(cell, line, size=8.5, after=0)
    return t


# =========================== the plan d'action concerté ===========================

OBJ = (10, 54, 68, 42)  # mm: n°, souhait and objectif, étapes, échéance and statut


def section_a(doc):
    heading(doc, "A", "Informations générales")
    kv_table(doc, KV4, [
        ("Personne accompagnée", "{{ entete.personne }}",
         "Date d'élaboration", "{{ entete.date_elaboration|date_fr }}"),
        ('{{ "Référents" if entete.referents|length > 1 else "Référent" }}',
         '{{ entete.referents|join("\\n") }}',
         "Prochaine révision", "{{ entete.date_revision|date_fr }}"),
        ("Adresse du logement", '{{ entete.logement_adresse or "—" }}',
         "Entrée dans le logement",
         '{{ entete.logement_date_entree|date_fr if entete.logement_date_entree else "—" }}'),
        ("Statut du bail", '{{ entete.logement_statut_bail or "—" }}'),
    ])
    note(doc, f"Le logement est indiqué pour information{NNBSP}: les objectifs de ce plan, "
         "atteints ou non, n'ont aucune incidence sur le bail.")


def section_b(doc):
    heading(doc, "B", "Domaines retenus et avancement")
    para(doc, "La personne a choisi les domaines cochés. Elle peut en ajouter ou en retirer à "
         "chaque révision du plan.", after=3)
    widths = (6, 81, 6, 81)
    t = table(doc, widths, borders=False)
    control_row(t, "{%tr for pair in domaines_proposes|batch(2, '') %}")
    row = add_row(t, widths)
    first_para(row.cells[0], '{{ "☒" if pair[0].checked else "☐" }}', size=BOX, color=NAVY)
    first_para(row.cells[1], "{{ pair[0].label }}")
    first_para(row.cells[2], '{{ ("☒" if pair[1].checked else "☐") if pair[1] else "" }}',
               size=BOX, color=NAVY)
    first_para(row.cells[3], '{{ pair[1].label if pair[1] else "" }}')
    control_row(t, "{%tr endfor %}")
    para(doc, after=0, size=4)
    widths = (21, 21, 21, 31, 24, 21, 35)
    t = table(doc, widths)
    header_row(t, widths, [f"{{{{ bilan.par_statut[{i}].label }}}}" for i in range(6)]
               + ["Total des objectifs"], center_from=0)
    row = add_row(t, widths)
    for i, cell in enumerate(row.cells[:6]):
        first_para(cell, f"{{{{ bilan.par_statut[{i}].nombre }}}}").alignment = CENTER
    first_para(row.cells[6], "{{ bilan.total }}", bold=True).alignment = CENTER


def objectives_table(doc):
    """One row per objective, never split: the person's words and resources, the steps and
    who acts, then the deadline, status and evaluation."""
    t = table(doc, OBJ)
    header_row(t, OBJ, ["N°", "Ce que je souhaite et objectif formulé ensemble",
                        "Étapes et qui fait quoi", "Échéance, statut et évaluation"])
    control_row(t, "{%tr for o in dom.objectifs %}")
    row = add_row(t, OBJ)
    row_props(row)
    number, wish, steps, when = row.cells
    first_para(number, "{{ o.numero }}", bold=True)
    first_para(wish, f"«{NNBSP}{{{{ o.souhait }}}}{NNBSP}»", italic=True).paragraph_format \
        .space_after = Pt(2)
    labelled(wish, "Objectif", "{{ o.objectif }}")
    optional_line(wish, "o.points_appui", "Mes points d'appui", italic_label=True)
    first_para(steps, "{%p for e in o.etapes %}")
    p = para(steps, "{{ loop.index }}.\t{{ e }}", after=0)
    p.paragraph_format.left_indent = Mm(5)
    p.paragraph_format.first_line_indent = Mm(-5)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(5))
    para(steps, "{%p endfor %}", after=0)
    labelled(steps, "Qui fait quoi", "{{ o.qui_fait_quoi }}")
    optional_line(steps, "o.acteurs", "Qui agit")
    optional_line(steps, "o.partenaires", "Partenaires mobilisés")
    p = first_para(when, f"Échéance{NNBSP}: ")
    run(p, '{{ o.echeance|date_fr if o.echeance else "—" }}')
    p = para(when, f"Statut{NNBSP}: ", after=1)
    run(p, "{{ o.statut }}", bold=True)
    para(when, "{%p if o.date_mise_a_jour %}", after=0)
    para(when, "Mis à jour le {{ o.date_mise_a_jour|date_fr }}", after=1)
    para(when, "{%p endif %}", after=0)
    optional_line(when, "o.commentaire_evaluation", "Évaluation", italic_label=True)
    control_row(t, "{%tr endfor %}")


def optional_line(cell, expr: str, label: str, **fmt):
    """« Label : value » only when `expr` has a value."""
    para(cell, f"{{%p if {expr} %}}", after=0)
    labelled(cell, label, f"{{{{ {expr} }}}}", **fmt)
    para(cell, "{%p endif %}", after=0)


def domain_sections(doc):
    para(doc, "{%p for dom in domaines %}")
    heading(doc, "{{ dom.numero }}", "{{ dom.titre }}")
    objectives_table(doc)
    para(doc, "{%p endfor %}")


def section_c(doc):
    heading(doc, "C", "Accord de la personne")
    para(doc, "Ce plan a été construit avec moi. Je peux demander à le revoir à tout moment, "
         "sans attendre la date de révision.", after=3)
    para(doc, "{%p for o in accord.options %}")
    box_line(doc, "o.checked", "{{ o.label }}")
    para(doc, "{%p endfor %}")
    widths = (52, 122)
    t = table(doc, widths)
    control_row(t, "{%tr if accord.points_refuses %}")
    kv_row(t, widths, "Les points avec lesquels je ne suis pas d'accord",
           "{{ accord.points_refuses }}")
    control_row(t, "{%tr endif %}")
    kv_row(t, widths, "Mon avis sur ce plan", '{{ accord.commentaire_personne or "—" }}')
    para(doc, "Fait à {{ accord.lieu }}, le {{ accord.date|date_fr }}", keep=True, before=5,
         after=5)
    signature_boxes(doc, ("Signature de la personne", ["{{ entete.personne }}"]),
                    ("Signature du professionnel ou de la professionnelle",
                     ["{%p for r in entete.referents %}", "{{ r }}", "{%p endfor %}"]))
    box_line(doc, "accord.copie_remise", "Une copie de ce plan a été remise à la personne"
             "{% if accord.copie_remise_date %} le {{ accord.copie_remise_date|date_fr }}"
             "{% endif %}.").paragraph_format.space_before = Pt(6)


def build(path: Path = OUT) -> Path:
    doc = new_document("Plan d'action concerté", "Service de documents Logement d'abord")
    running_header_footer(doc)
    document_header(doc, "Plan d'action concerté",
                    "Élaboré avec la personne accompagnée, à partir de ses souhaits. Ce plan "
                    "n'est jamais une condition d'accès au logement ni de son maintien.")
    for section in (section_a, section_b, domain_sections, section_c):
        section(doc)
    provenance(doc)
    save_reproducible(doc, path)
    return path


if __name__ == "__main__":
    print(build())
