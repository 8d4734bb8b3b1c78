"""Builds doc_templates/bilan_financier.docx (docxtpl tags over the bilan financier context)."""

from __future__ import annotations

from pathlib import Path

from .docx_kit import (
    RIGHT,
    TEMPLATES_DIR,
    data_table,
    main,
    note,
    para,
    run,
    save_reproducible,
    signature_boxes,
    standard_document,
    verification_footer,
)

FILENAME = "bilan_financier.docx"
GRID = (66, 27, 27, 27, 27)  # mm: account, forecast, actual, gap €, gap %
AMOUNTS = (None, RIGHT, RIGHT, RIGHT, RIGHT)


def qualitative(doc):
    para(doc, "1. Bilan qualitatif de l'action réalisée", style="Heading 1")
    p = para(doc, "Structure : ")
    run(p, "{{ structure }}", bold=True)
    run(p, ". Action : dispositif Bail d'abord (accompagnement social global des ménages et "
           "gestion locative adaptée). Exercice : {{ periode.libelle }}.")
    para(doc, "Prévision : {{ source_prevision }}. Réalisation des charges : grand livre des "
              "dépenses de la structure. Les produits réalisés sont les subventions de "
              "l'enveloppe attribuées pour l'exercice ; le nombre de bénéficiaires, les dates "
              "et les résultats figurent dans le bilan d'activités de la même période.")


def synthesis(doc):
    para(doc, "2. Tableau de synthèse", style="Heading 1")
    for title, rows in (("Charges", "charges"), ("Produits", "produits")):
        para(doc, title, style="Heading 2")
        data_table(doc, GRID, ["Compte", "Prévision", "Réalisation", "Écart (€)", "Écart (%)"],
                   f"r in {rows}",
                   ["{% if r.number %}{{ r.number }} – {% endif %}{{ r.label }}",
                    "{{ r.prevision }}", "{{ r.realisation }}", "{{ r.ecart }}",
                    "{{ r.ecart_pct }}"], align=AMOUNTS)
    para(doc, "{%p for phrase in subventions %}")
    para(doc, "{{ phrase }}")
    para(doc, "{%p endfor %}")
    note(doc, "Les lignes qui s'écartent de plus de 15 % de la prévision (ou n'avaient pas de "
              "prévision) sont expliquées en annexe.")


def costs(doc):
    para(doc, "3. Coûts rapportés et consommation de l'enveloppe", style="Heading 1")
    data_table(doc, (122, 52), ["Charges réalisées rapportées", "Montant"], "r in ratios",
               ["{{ r.label }}", "{{ r.valeur }}"], align=(None, RIGHT))
    para(doc, "")
    data_table(doc, (62, 28, 28, 28, 28),
               ["Ligne de crédits", "Enveloppe", "Consommé", "Reste", "Taux"], "r in enveloppe",
               ["{{ r.label }}", "{{ r.enveloppe }}", "{{ r.consomme }}", "{{ r.reste }}",
                "{{ r.taux }}"], align=AMOUNTS)


def annex(doc):
    para(doc, "4. Annexe – Explication des écarts significatifs", style="Heading 1")
    para(doc, "{%p for e in ecarts %}")
    p = para(doc, "{{ e.libelle }}. ", bold=True)
    run(p, "{{ e.explication }}")
    para(doc, "{%p else %}")
    para(doc, "Aucun écart de plus de 15 % entre la prévision et la réalisation.")
    para(doc, "{%p endfor %}")
    para(doc, "Charges indirectes : réparties selon la règle indiquée au budget prévisionnel. "
              "Contributions volontaires en nature : comptes 86 et 87 ci-dessus.")


def attestation(doc):
    para(doc, "5. Attestation", style="Heading 1")
    para(doc, "Je soussigné(e), ……………………………………………, représentant(e) légal(e) de "
              "{{ structure }}, certifie exactes les informations du présent compte rendu.")
    para(doc, "Fait à ……………………………, le ……………………………", before=4, after=4)
    signature_boxes(doc, ("Signature du représentant légal",
                          ["Nom, qualité et cachet de la structure"]), ("", []))


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write bilan_financier.docx into `out_dir` and return its path."""
    doc = standard_document("Bilan financier",
                            "Compte rendu financier de subvention (CERFA n° 15059*02) – "
                            "{{ structure }}", (qualitative, synthesis, costs, annex, attestation),
                            header_title="{{ portee }} {{ periode.libelle }}")
    verification_footer(doc)
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__, prog="python -m doc_templates._build.build_bilan_financier_docx")
