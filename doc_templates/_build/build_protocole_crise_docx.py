"""Builds doc_templates/protocole_crise.docx (docxtpl tags over the protocole de crise context).

Once sealed, the DOCX shows each signatory as the PDF does: the drawn signature (a picture of
the DOCX, see service/rendering/docx.py), the typed name, or the reason given for refusing.
"""

from __future__ import annotations

from pathlib import Path

from .docx_kit import (
    GREY,
    KV2,
    KV4,
    NNBSP,
    TEMPLATES_DIR,
    add_row,
    box_line,
    control_row,
    data_table,
    first_para,
    header_row,
    heading,
    kv_row,
    kv_table,
    main,
    note,
    para,
    row_props,
    save_reproducible,
    signature_boxes,
    standard_document,
    table,
    verification_footer,
)

FILENAME = "protocole_crise.docx"


def section_a(doc):
    heading(doc, "A", "Informations générales")
    kv_table(doc, KV4, [
        ("Personne", "{{ entete.personne }}", "Date du protocole", "{{ entete.date|date_fr }}"),
        ("Rédigé avec", "{{ entete.referent }}",
         "Révision prévue", "{{ entete.date_revision|date_fr }}"),
        ("Autres personnes présentes", '{{ entete.redige_avec or "—" }}'),
    ])
    para(doc, "{%p if sante_renseignee %}")
    note(doc, f"Ce protocole contient des informations de santé confidentielles{NNBSP}: elles "
         "ne sont communiquées qu'aux personnes et dans les limites prévues ci-dessous.")
    para(doc, "{%p endif %}")


def section_b(doc):
    heading(doc, "B", "Quand je vais bien")
    kv_table(doc, KV2, [
        ("Comment je suis quand je vais bien", "{{ bien_etre.quand_je_vais_bien }}"),
        ("Mes habitudes au quotidien", '{{ bien_etre.mes_habitudes or "—" }}'),
        ("Ce qui m'aide à rester bien", '{{ bien_etre.ce_qui_me_fait_du_bien or "—" }}'),
    ])


def block(doc, title: str, rows):
    """A sub-heading and a label / value table; a row with a condition prints only if true."""
    para(doc, title, style="Heading 2")
    t = table(doc, KV2)
    for label, value, *condition in rows:
        if condition:
            control_row(t, f"{{%tr if {condition[0]} %}}")
        kv_row(t, KV2, label, value)
        if condition:
            control_row(t, "{%tr endif %}")


def optional(label: str, expr: str):
    return (label, f"{{{{ {expr} }}}}", expr)


def situations(doc):
    heading(doc, "C", f"Situations de crise{NNBSP}: avant, pendant, après")
    para(doc, f"Pour chaque situation, ce que nous avons prévu ensemble{NNBSP}: avant, pour la "
         f"prévenir{NNBSP}; pendant{NNBSP}; et après, pour reprendre le fil.", after=3)
    para(doc, "{%p for s in scenarios %}")
    heading(doc, "{{ s.numero }}",
            "{{ s.titre }}{% if s.precision %} – {{ s.precision }}{% endif %}")
    block(doc, f"Avant{NNBSP}: prévenir et repérer les signes", [
        optional("Les signes que je repère", "s.avant.signes_personne"),
        optional("Les signes que les autres peuvent repérer", "s.avant.signes_entourage"),
        optional("Ce qui peut déclencher la crise", "s.avant.declencheurs"),
        optional("Ce que je fais moi-même", "s.avant.ce_que_je_fais"),
        ("Ce que l'équipe fait", "{{ s.avant.ce_que_fait_equipe }}"),
        ("Quand l'équipe s'inquiète", 'Au bout de {{ s.avant.delai_inquietude_jours|plural('
         '"jour") }} sans nouvelles', "s.avant.delai_inquietude_jours is not none"),
        optional("Comment l'équipe essaie de me joindre", "s.avant.canaux"),
    ])
    block(doc, "Pendant la crise", [
        ("Ce qui m'aide", "{{ s.pendant.ce_qui_aide }}"),
        optional("Ce qui ne m'aide pas", "s.pendant.ce_qui_naide_pas"),
        ("Personnes à prévenir", '{{ s.pendant.a_prevenir or "aucune" }}'),
        optional("Personnes à ne pas prévenir", "s.pendant.ne_pas_prevenir"),
        optional("Soins que je préfère (confidentiel)", "s.pendant.soins_preferes"),
        optional("Soins à éviter (confidentiel)", "s.pendant.soins_a_eviter"),
    ])
    block(doc, "Après la crise", [
        optional("Les signes que la crise est finie", "s.apres.signes_fin"),
        ("Comment on reprend contact", "{{ s.apres.reprise_contact }}"),
        optional("Comment on en reparle ensemble", "s.apres.debriefing"),
    ])
    para(doc, "{%p endfor %}")


def people(doc):
    heading(doc, "D", "Personnes ressources")
    para(doc, "Personnes à prévenir, avec mon accord", style="Heading 2")
    para(doc, "{%p if personnes_a_prevenir %}")
    data_table(
        doc, (28, 26, 29, 28, 40, 23),
        ["Nom", "Rôle", "Coordonnées", "Situations", "Ce qui peut lui être dit", "Mon accord"],
        "p in personnes_a_prevenir",
        ["{{ p.nom }}", "{{ p.role }}", "{{ p.coordonnees }}", "{{ p.scenarios }}",
         "{{ p.informations_partagees }}",
         '{{ "☒" if p.consentement else "☐" }} le {{ p.date_consentement|date_fr '
         'if p.date_consentement else "—" }}'],
    )
    para(doc, "{%p else %}")
    para(doc, "Aucune personne à prévenir n'a été désignée.", italic=True, color=GREY)
    para(doc, "{%p endif %}")
    para(doc, "Personnes à ne pas prévenir", style="Heading 2")
    para(doc, "{%p if personnes_a_ne_pas_prevenir %}")
    data_table(
        doc, (44, 44, 43, 43), ["Nom", "Rôle", "Situations", "Coordonnées"],
        "p in personnes_a_ne_pas_prevenir",
        ["{{ p.nom }}", "{{ p.role }}", "{{ p.scenarios }}", '{{ p.coordonnees or "—" }}'],
    )
    para(doc, "{%p else %}")
    para(doc, "Aucune.", italic=True, color=GREY)
    para(doc, "{%p endif %}")


def dwelling(doc):
    heading(doc, "E", "Mon logement pendant une crise")
    kv_table(doc, KV2, [
        ("Mes clés", '{{ logement.cles or "—" }}'),
        ("Mes animaux", '{{ logement.animaux or "—" }}'),
        ("Mon courrier", '{{ logement.courrier or "—" }}'),
        ("Le loyer et les factures", '{{ logement.loyer or "—" }}'),
        ("Information du bailleur", "{% if logement.information_bailleur %}Oui – "
         "{{ logement.information_bailleur_contenu }}{% else %}Non, le bailleur n'est pas "
         "informé.{% endif %}"),
        ("Accès au logement en mon absence", "{% if logement.acces_autorise %}Oui – "
         "{{ logement.acces_conditions }}{% else %}Non, personne n'entre sans moi.{% endif %}"),
    ])


def signatories(doc):
    widths = (64, 110)
    t = table(doc, widths)
    header_row(t, widths, ["Signataire", "Signature"])
    control_row(t, "{%tr for s in signatures %}")
    row = add_row(t, widths)
    row_props(row, height_mm=12)
    who, what = row.cells
    first_para(who, "{{ s.qualite }}", bold=True)
    para(who, "{{ s.nom }}", after=0)
    first_para(what, f"{{% if s.refus %}}A refusé de signer{NNBSP}: {{{{ s.refus }}}}"
               "{% elif s.image %}{{ s.image }}"
               f"{{% else %}}Nom tapé{NNBSP}: {{{{ s.nom }}}}{{% endif %}}")
    para(what, '{% if s.date %}{{ "Refus enregistré" if s.refus else "Signé" }} le '
         "{{ s.date|datetime_fr }}{% endif %}", size=8.5, color=GREY, after=0)
    control_row(t, "{%tr endfor %}")


def validity(doc):
    heading(doc, "F", "Validité et signatures")
    # The statement comes from the context: the same source as the web form's label.
    box_line(doc, "validite.modification_acceptee", "{{ validite.texte_modification }}",
             keep=True)
    para(doc, "Ce protocole prend effet le {{ validite.date_effet|date_fr }}. Il sera revu avec "
         "moi au plus tard le {{ entete.date_revision|date_fr }}.", keep=True)
    para(doc, "Fait à {{ validite.lieu }}, le {{ entete.date|date_fr }}", keep=True, before=3,
         after=5)
    para(doc, "{%p if signatures %}")
    signatories(doc)
    para(doc, "{%p else %}")
    signature_boxes(doc, ("Signature de la personne", ["{{ entete.personne }}"]),
                    ("Signature du professionnel ou de la professionnelle",
                     ["{{ entete.referent }}"]))
    para(doc, "{%p endif %}")


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write protocole_crise.docx into `out_dir` and return its path."""
    doc = standard_document(
        "Protocole de crise",
        "Ce qui est prévu avec la personne avant, pendant et après une situation de crise. Il "
        "peut être modifié à tout moment à sa demande.",
        (section_a, section_b, situations, people, dwelling, validity))
    verification_footer(doc)  # a reader checks this copy too
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__, prog="python -m doc_templates._build.build_protocole_crise_docx")
