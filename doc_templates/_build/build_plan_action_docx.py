"""Builds doc_templates/plan_action.docx (docxtpl tags over the plan d'action concerté context)."""

from __future__ import annotations

from pathlib import Path

from docx.shared import Pt

from .build_protocole_crise_docx import signatories
from .docx_kit import (
    BOX,
    CENTER,
    KV2,
    KV4,
    NAVY,
    NNBSP,
    TEMPLATES_DIR,
    add_row,
    box_line,
    control_row,
    first_para,
    hanging_indent,
    header_row,
    heading,
    kv_row,
    kv_table,
    main,
    note,
    para,
    row_props,
    run,
    save_reproducible,
    signature_boxes,
    standard_document,
    table,
    verification_footer,
)

FILENAME = "plan_action.docx"
OBJ = (10, 54, 68, 42)  # mm: n°, souhait and objectif, étapes, échéance and statut


def labelled(container, label: str, value: str, *, italic_label=False, **fmt):
    """« Label : value » as one paragraph, the label bold (or italic)."""
    style = {"italic": True} if italic_label else {"bold": True}
    p = para(container, after=1)
    run(p, f"{label}{NNBSP}: ", **style, **fmt)
    run(p, value, **fmt)
    return p


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
               + ["Total des objectifs"], align=[CENTER] * 7)
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
    hanging_indent(para(steps, "{{ loop.index }}.\t{{ e }}", after=0), 5)
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
    widths = KV2
    t = table(doc, widths)
    control_row(t, "{%tr if accord.points_refuses %}")
    kv_row(t, widths, "Les points avec lesquels je ne suis pas d'accord",
           "{{ accord.points_refuses }}")
    control_row(t, "{%tr endif %}")
    kv_row(t, widths, "Mon avis sur ce plan", '{{ accord.commentaire_personne or "—" }}')
    para(doc, "Fait à {{ accord.lieu }}, le {{ accord.date|date_fr }}", keep=True, before=5,
         after=5)
    # Signed (the signature is optional): who signed, as in the PDF; else boxes to sign by hand.
    para(doc, "{%p if signatures %}")
    signatories(doc)
    para(doc, "{%p else %}")
    signature_boxes(doc, ("Signature de la personne", ["{{ entete.personne }}"]),
                    ("Signature du professionnel ou de la professionnelle",
                     ["{%p for r in entete.referents %}", "{{ r }}", "{%p endfor %}"]))
    para(doc, "{%p endif %}")
    box_line(doc, "accord.copie_remise", "Une copie de ce plan a été remise à la personne"
             "{% if accord.copie_remise_date %} le {{ accord.copie_remise_date|date_fr }}"
             "{% endif %}.").paragraph_format.space_before = Pt(6)


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write plan_action.docx into `out_dir` and return its path."""
    doc = standard_document(
        "Plan d'action concerté",
        "Élaboré avec la personne accompagnée, à partir de ses souhaits. Ce plan n'est jamais "
        "une condition d'accès au logement ni de son maintien.",
        (section_a, section_b, domain_sections, section_c))
    verification_footer(doc)  # a reader checks this copy too
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__, prog="python -m doc_templates._build.build_plan_action_docx")
