"""Builds doc_templates/descriptif_equipe.docx (the team table of an application)."""

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

FILENAME = "descriptif_equipe.docx"
POSTS = (9, 46, 33, 50, 16, 20)  # mm


def section_a(doc):
    heading(doc, "A", "Les professionnels de l'équipe")
    data_table(doc, POSTS, ["N°", "Poste", "Employeur", "Qualification et expérience", "ETP",
                            "Statut"], "p in c.postes", [
        "{{ p.numero }}",
        "{{ p.intitule or p.fonction }}{% if p.intitule %} ({{ p.fonction }}){% endif %}"
        "{% if p.nom %} – {{ p.nom }}{% endif %}",
        "{{ p.employeur }}",
        '{{ p.diplome or "—" }}{% if p.experience %} ; expérience : {{ p.experience }}'
        '{% endif %}{% if p.connaissance %} ; {{ p.connaissance }}{% endif %}',
        "{{ p.etp }}", "{{ p.statut }}"], align=[None, None, None, None, RIGHT, None])
    para(doc, "Total de l'équipe : {{ c.total_etp }}", bold=True, before=2)


def section_b(doc):
    heading(doc, "B", "Répartition")
    kv_table(doc, KV2, [
        ("Encadrement", "{{ c.encadrement_etp }}"),
        ("Par qualification", "{% for q in c.par_diplome %}{{ q.libelle }} : {{ q.etp }}"
                              "{% if not loop.last %} ; {% endif %}{% endfor %}"),
        ("Par employeur", "{% for e in c.par_employeur %}{{ e.libelle }} : {{ e.etp }}"
                          "{% if not loop.last %} ; {% endif %}{% endfor %}"),
    ])


def section_c(doc):
    para(doc, "{%p if c.experimentes %}")
    heading(doc, "C", "Profils expérimentés")
    note(doc, "« Des profils dotés d'une expérience significative dans l'accompagnement social "
              "et ayant une bonne connaissance du Logement d'abord pourront également être "
              "étudiés. »")
    para(doc, "{%p for p in c.experimentes %}")
    para(doc, "{{ p.numero }}. {{ p.intitule or p.fonction }} : {{ p.justification }}", after=2)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write descriptif_equipe.docx into `out_dir` and return its path."""
    doc = candidature_document(
        "Descriptif détaillé des professionnels et de leurs qualifications",
        "Équipe Bail d'abord proposée par {{ c.structure.denomination }}",
        (section_a, section_b, section_c))
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__, prog="python -m doc_templates._build.build_descriptif_equipe_docx")
