"""Builds doc_templates/budget_previsionnel.docx (the CERFA 12156*06 grid of an application)."""

from __future__ import annotations

from pathlib import Path

from .candidature_docx import candidature_document
from .docx_kit import (
    KV2,
    RIGHT,
    TEMPLATES_DIR,
    data_table,
    heading,
    kv_table,
    main,
    note,
    para,
    save_reproducible,
)

FILENAME = "budget_previsionnel.docx"
GRID = (18, 110, 46)  # mm: compte, libellé, montant
SPLIT = (16, 60, 68, 30)  # mm: compte, ligne, répartition, total
PRODUITS = (18, 90, 24, 42)
PERSONNEL = (34, 32, 14, 24, 22, 26, 22)


def section_a(doc):
    heading(doc, "A", "L'action")
    kv_table(doc, KV2, [
        ("Structure", "{{ c.structure.denomination }}"),
        ("Appel à candidatures", "{{ c.appel.titre }} ({{ c.appel.reference }})"),
        ("Logements accompagnés", '{{ c.logements or "—" }}'),
        ("Durée", '{% if c.duree %}{{ c.duree }} mois{% else %}—{% endif %}'),
        ("Équilibre", "{% if c.equilibre %}Budget équilibré : total des charges = total des "
                      "produits = {{ c.total_charges }}{% else %}Budget non équilibré : écart "
                      "de {{ c.ecart }}{% endif %}"),
    ])


def grid(doc, letter: str, title: str, rows: str):
    heading(doc, letter, title)
    data_table(doc, GRID, ["Compte", "Libellé", "Montant"], f"r in {rows}",
               ["{{ r.numero }}", "{{ r.libelle }}", "{{ r.montant }}"],
               align=[None, None, RIGHT])


def section_b(doc):
    grid(doc, "B", "Charges", "c.grille_charges")


def section_c(doc):
    grid(doc, "C", "Produits", "c.grille_produits")
    note(doc, "Les contributions volontaires en nature (comptes 86 et 87) figurent hors des "
              "totaux des charges et des produits.")
    para(doc, "{%p for s in c.parts %}")
    para(doc, "{{ s }}")
    para(doc, "{%p endfor %}")


def section_d(doc):
    heading(doc, "D", "Ventilation des charges par financeur")
    data_table(doc, SPLIT, ["Compte", "Ligne", "Répartition entre les financeurs", "Total"],
               "l in c.charges", ["{{ l.compte }}", "{{ l.detail }}", "{{ l._repartition }}",
                                  "{{ l.total }}"], align=[None, None, None, RIGHT])
    para(doc, "Total par financeur : {{ c._totaux_texte }} ; total {{ c.total_charges }}",
         bold=True, before=2)
    note(doc, "{% for f in c.financeurs %}{{ f.libelle }} : {{ f.nom }}"
              "{% if not loop.last %} ; {% endif %}{% endfor %}.")


def section_e(doc):
    heading(doc, "E", "Détail des produits")
    data_table(doc, PRODUITS, ["Compte", "Financeur ou ressource", "Statut", "Montant"],
               "p in c.produits", ["{{ p.compte }}", "{{ p.detail }}", "{{ p.statut }}",
                                   "{{ p.montant }}"], align=[None, None, None, RIGHT])
    para(doc, "{%p for k in c.contributions %}")
    para(doc, "{{ k.compte }} – {{ k.detail }} : {{ k.montant }}")
    para(doc, "{%p endfor %}")


def section_f(doc):
    heading(doc, "F", "Annexe : charges de personnel")
    data_table(doc, PERSONNEL, ["Poste", "Employeur", "ETP", "Salaire brut", "Charges",
                                "Coût chargé", "Ligne"], "p in c.personnel",
               ["{{ p.poste }}", "{{ p.employeur }}", "{{ p.etp }}", "{{ p.brut }}",
                "{{ p.charges }}", "{{ p.cout }}", "{{ p.financement }}"],
               align=[None, None, RIGHT, RIGHT, RIGHT, RIGHT, None])
    para(doc, "Total : {{ c.personnel_etp }}, {{ c.personnel_total }}", bold=True, before=2)
    note(doc, "Le salaire brut alimente le compte 641, le reste du coût chargé le compte 645.")


def section_g(doc):
    heading(doc, "G", "Enveloppe de l'appel et ratios")
    data_table(doc, (70, 34, 34, 36), ["Ligne de l'enveloppe", "Enveloppe", "Demandé",
                                       "Part des produits"], "e in c.enveloppe",
               ["{{ e.libelle }}", "{{ e.attendu }}", "{{ e.demande }}", "{{ e.part }}"],
               align=[None, RIGHT, RIGHT, RIGHT])
    para(doc, "{%p for r in c.ratios %}")
    para(doc, "{{ r.libelle }} : {{ r.valeur }}")
    para(doc, "{%p endfor %}")


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write budget_previsionnel.docx into `out_dir` and return its path."""
    doc = candidature_document(
        "Budget prévisionnel de l'action",
        "Présenté sur la grille du formulaire CERFA n° 12156*06 – "
        "{{ c.structure.denomination }}",
        (section_a, section_b, section_c, section_d, section_e, section_f, section_g))
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__, prog="python -m doc_templates._build.build_budget_previsionnel_docx")
