"""Builds doc_templates/bilan_activites.docx (docxtpl tags over the bilan d'activités context)."""

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
    standard_document,
    verification_footer,
)

FILENAME = "bilan_activites.docx"
FIGURES = (110, 32, 32)  # mm: indicator, period, previous period


def reading(doc):
    para(doc, "1. Période et lecture des chiffres", style="Heading 1")
    p = para(doc, "Période : ")
    run(p, "{{ periode.libelle }}", bold=True)
    run(p, ", comparée à la période précédente ({{ precedente.libelle }}). Chaque chiffre est "
           "calculé à partir des données enregistrées dans le service ; sa définition figure "
           "en annexe.")
    note(doc, "{{ note_diffusion }}")


CHARTS = (("file_active", "File active par mois (tableau B1M)."),
          ("mouvements", "Entrées et sorties par mois (tableaux B2E et B2S)."),
          ("destinations", "Sorties par destination (tableau D3)."))


def charts(doc):
    """The PDF's three charts, as pictures drawn from the same figures."""
    para(doc, "2. En un coup d'œil", style="Heading 1")
    for name, caption in CHARTS:
        para(doc, f"{{{{ graphiques.{name} }}}}", after=0, keep=True)
        note(doc, caption)


def groups(doc):
    para(doc, "{%p for groupe in groupes %}")
    para(doc, "{{ groupe.titre }}", style="Heading 1")
    para(doc, "{%p for t in groupe.tables %}")
    para(doc, "{{ t.code }} – {{ t.title }}", style="Heading 2")
    data_table(doc, FIGURES, ["Indicateur", "{{ periode.libelle }}", "{{ precedente.libelle }}"],
               "r in t.rows", ["{{ r.label }}", "{{ r.now }}", "{{ r.before }}"],
               align=(None, RIGHT, RIGHT))
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")


def annex(doc):
    para(doc, "Annexe – Définitions des indicateurs", style="Heading 1")
    para(doc, "{%p for t in tables %}")
    p = para(doc, "{{ t.code }} – {{ t.title }}. ", bold=True)
    run(p, "{{ t.definition }}")
    para(doc, "{%p endfor %}")


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write bilan_activites.docx into `out_dir` and return its path."""
    doc = standard_document("Bilan d'activités", "{{ structure }}",
                            (reading, charts, groups, annex),
                            header_title="Bilan d'activités {{ periode.libelle }}")
    verification_footer(doc)
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__, prog="python -m doc_templates._build.build_bilan_activites_docx")
