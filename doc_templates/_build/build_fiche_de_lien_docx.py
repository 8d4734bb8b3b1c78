"""Builds doc_templates/fiche_de_lien.docx (docxtpl tags over the fiche de lien context)."""

from __future__ import annotations

from pathlib import Path

from .docx_kit import (
    BOX,
    CENTER,
    GREY,
    KV2,
    KV4,
    LABEL_BG,
    NAVY,
    NNBSP,
    RIGHT,
    SUB_BG,
    TEMPLATES_DIR,
    add_row,
    box_line,
    control_row,
    data_table,
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
    shade,
    signature_boxes,
    standard_document,
    table,
    valign,
    verification_footer,
)

FILENAME = "fiche_de_lien.docx"


def section_a(doc):
    heading(doc, "A", "Origine de l'orientation")
    kv_table(doc, KV4, [
        ("Structure orienteuse", "{{ origine.structure_nom }}",
         "Type de structure", "{{ origine.structure_type }}"),
        ("Prescripteur ou prescriptrice", "{{ origine.prescripteur_nom }}",
         "Fonction", "{{ origine.prescripteur_fonction }}"),
        ("Téléphone", "{{ origine.prescripteur_telephone }}",
         "Courriel", "{{ origine.prescripteur_courriel }}"),
        ("Date de la fiche", "{{ origine.date_fiche|date_fr }}",
         "N° SI-SIAO (fiche groupe)", '{{ origine.numero_siao or "—" }}'),
        ("Autre référent social connu", '{{ origine.autre_referent or "—" }}'),
    ])


def section_b(doc):
    heading(doc, "B", "Identité et composition du ménage")
    data_table(
        doc, (31, 24, 24, 24, 16, 24, 31),
        ["Rôle", "Nom", "Nom de naissance", "Prénom", "Sexe", "Date de naissance",
         "Nationalité"],
        "p in personnes",
        ["{{ p.role }}", "{{ p.nom }}", '{{ p.nom_naissance or "—" }}', "{{ p.prenom }}",
         "{{ p.sexe }}", "{{ p.date_naissance|date_short }}", "{{ p.nationalite }}"],
    )
    para(doc, after=0, size=4)
    kv_table(doc, KV4, [
        ("Typologie familiale", "{{ menage.typologie }}",
         "Situation matrimoniale", "{{ menage.situation_matrimoniale }}"),
        ("Animaux", "{{ menage.animaux }}",
         "Regroupement familial", "{{ menage.regroupement_familial }}"),
        ("Enfant à naître (date prévue)",
         '{{ menage.enfant_a_naitre_date|date_fr if menage.enfant_a_naitre_date else "—" }}'),
    ])
    para(doc, "Enfants", style="Heading 2")
    para(doc, "{%p if enfants %}")
    data_table(
        doc, (35, 19, 23, 54, 43),
        ["Prénom", "Âge", "Sexe", "Scolarité", "Hébergement de l'enfant"],
        "e in enfants",
        ["{{ e.prenom }}",
         "{% if e.age == 0 %}moins d'un an{% elif e.age == 1 %}1 an{% else %}"
         "{{ e.age }} ans{% endif %}",
         "{{ e.sexe }}", '{{ e.scolarite or "—" }}', "{{ e.hebergement }}"],
    )
    para(doc, "{%p else %}")
    para(doc, "Aucun enfant déclaré.", italic=True, color=GREY)
    para(doc, "{%p endif %}")


def section_c(doc):
    heading(doc, "C", "Situation administrative et droits")
    t = table(doc, KV4)
    control_row(t, "{%tr if droits.titre_fin_validite %}")
    kv_row(t, KV4, "Droit au séjour", "{{ droits.droit_sejour }}",
           "Fin de validité du titre", "{{ droits.titre_fin_validite|date_fr }}")
    control_row(t, "{%tr else %}")
    kv_row(t, KV4, "Droit au séjour", "{{ droits.droit_sejour }}")
    control_row(t, "{%tr endif %}")
    kv_row(t, KV4, "Domiciliation",
           "{{ droits.domiciliation }}{% if droits.domiciliation_organisme %} – "
           "{{ droits.domiciliation_organisme }}{% endif %}",
           "Couverture maladie", "{{ droits.couverture_maladie }}")
    note(doc, "Situation déclarée par la personne, sans pièce justificative demandée à ce stade.")


def section_d(doc):
    heading(doc, "D", "Ressources")
    t = data_table(
        doc, (87, 44, 43), ["Type de ressource", "Montant mensuel", "Date de fin prévue"],
        "r in ressources",
        ["{{ r.type }}", '{{ r.montant|money if r.montant is not none else "—" }}',
         '{{ r.date_fin|date_fr if r.date_fin else "—" }}'],
        align=[None, RIGHT, None],
    )
    total = add_row(t, (87, 44, 43))
    for cell in total.cells:
        shade(cell, LABEL_BG)
    first_para(total.cells[0], "Total mensuel", bold=True)
    first_para(total.cells[1], "{{ total_ressources|money }}", bold=True).alignment = RIGHT
    para(doc, after=0, size=4)
    kv_table(doc, KV2, [("Dettes connues", "{{ dettes }}")])


def section_e(doc):
    heading(doc, "E", "Situation résidentielle actuelle")
    kv_table(doc, KV4, [
        ("Lieu de vie actuel", "{{ residence.lieu_de_vie }}",
         "Durée sans logement personnel", "{{ residence.duree_errance }}"),
        ("Motif(s) de la demande", "{{ residence.motifs }}"),
        ("Demande de logement social", "{{ residence.demande_logement_social }}",
         "Numéro unique (NUR)", '{{ residence.numero_unique or "—" }}'),
        ("Date de la demande", "{{ residence.date_demande_logement|date_fr "
         'if residence.date_demande_logement else "—" }}',
         "Expérience de logement autonome", "{{ residence.experience_logement }}"),
        ("Recours DALO", "{{ residence.dalo }}",
         "SYPLO (contingent préfectoral)", "{{ residence.syplo }}"),
    ])


def section_f(doc):
    heading(doc, "F", "Projet logement")
    t = table(doc, KV4)
    row = kv_row(t, KV4, "Secteurs souhaités, par ordre de préférence", "{%p for s in "
                 "projet.secteurs %}")
    cell = row.cells[1]
    hanging_indent(para(cell, "{{ loop.index }}.\t{{ s }}", after=0), 5, tab_stop=False)
    para(cell, "{%p endfor %}", after=0)
    kv_row(t, KV4, "Typologie souhaitée", "{{ projet.typologie_souhaitee }}",
           "Accessibilité PMR nécessaire", "{{ projet.accessibilite_pmr }}")
    kv_row(t, KV4, "Reste à charge supportable", '{{ projet.reste_a_charge|money ~ " par mois" '
           'if projet.reste_a_charge is not none else "—" }}')
    kv_row(t, KV4, "Besoins d'adaptation du logement", '{{ projet.besoins_adaptation or "—" }}')
    kv_row(t, KV4, "Contraintes (soins, travail, école, réseau, animaux)",
           '{{ projet.contraintes or "—" }}')


def section_g(doc):
    heading(doc, "G", "Accompagnements en cours")
    kv_table(doc, KV2, [
        ("Mesures d'accompagnement", "{{ accompagnements.mesures }}"),
        ("Précisions", '{{ accompagnements.mesures_precision or "—" }}'),
        ("Partenaires santé ou soin qui suivent la personne",
         '{{ accompagnements.partenaires_sante or "—" }}'),
    ])


def section_h(doc):
    heading(doc, "H", "Auto-évaluation des besoins d'accompagnement")
    para(doc, "Partie remplie par la personne elle-même, avec ses mots, pour chacune des trois "
         "obligations du locataire.", after=3)
    widths = (42, 33, 33, 33, 33)
    t = table(doc, widths)
    header_row(t, widths, ["Comme locataire, je dois…"] + [
        f"{{{{ auto_evaluation[0].options[{i}].label }}}}" for i in range(4)],
        align=[None] + [CENTER] * 4)
    control_row(t, "{%tr for row in auto_evaluation %}")
    row = add_row(t, widths)
    row_props(row)
    first_para(row.cells[0], "{{ row.imperatif }}", bold=True)
    for i, cell in enumerate(row.cells[1:]):
        valign(cell, "center")
        first_para(cell, f'{{{{ "☒" if row.options[{i}].checked else "☐" }}}}', size=BOX,
                   color=NAVY).alignment = CENTER
    sub = add_row(t, widths)
    row_props(sub)
    cell = sub.cells[0].merge(sub.cells[4])
    shade(cell, SUB_BG)
    p = first_para(cell, f"Ce qui pourrait m'aider{NNBSP}:", italic=True, size=8.5)
    run(p, ' {{ row.aide or "—" }}', size=8.5)
    control_row(t, "{%tr endfor %}")
    note(doc, f"Cette auto-évaluation n'est pas un critère d'éligibilité{NNBSP}: elle sert "
         "seulement à préparer l'accompagnement avec la personne.")


def section_i(doc):
    heading(doc, "I", "Consentement")
    # The statements come from the context: the same source as the web form's labels.
    box_line(doc, "consentement.accord_orientation",
             "{{ consentement.texte_accord_orientation }}", keep=True, after=3)
    box_line(doc, "consentement.information_rgpd",
             "{{ consentement.texte_information_rgpd }}", keep=True, after=3)
    para(doc, "Fait à {{ consentement.lieu }}, le {{ consentement.date_consentement|date_fr }}",
         keep=True, before=3, after=5)
    t = signature_boxes(doc, ("Signature de la personne",
                              ["{{ personnes[0].prenom }} {{ personnes[0].nom }}"]),
                        ("Signature du prescripteur ou de la prescriptrice",
                         ["{{ origine.prescripteur_nom }}, {{ origine.prescripteur_fonction }}"]))
    para(t.rows[0].cells[2], "{{ origine.structure_nom }}", size=7.5, color=GREY, after=0)


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write fiche_de_lien.docx into `out_dir` and return its path."""
    doc = standard_document(
        "Fiche de lien",
        "Remplie par le service qui oriente, avec la personne. Elle ne constitue pas une "
        "évaluation sociale.",
        (section_a, section_b, section_c, section_d, section_e, section_f, section_g,
         section_h, section_i),
        header_title="Fiche de lien – orientation vers le dispositif Bail d'abord",
        issued="Émise le")
    verification_footer(doc)  # a reader checks this copy too
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__, prog="python -m doc_templates._build.build_fiche_de_lien_docx")
