"""Builds doc_templates/note_intention.docx (docxtpl tags over the note d'intention's context)."""

from __future__ import annotations

from pathlib import Path

from .candidature_docx import candidature_document
from .docx_kit import KV2, TEMPLATES_DIR, heading, kv_table, main, para, save_reproducible

FILENAME = "note_intention.docx"


def section_a(doc):
    heading(doc, "A", "La structure candidate")
    kv_table(doc, KV2, [
        ("Structure", '{{ c.structure.denomination }}{% if c.structure.sigle %} '
                      '({{ c.structure.sigle }}){% endif %}'),
        ("SIRET", '{{ c.structure.siret or "—" }}'),
        ("Type de candidature", '{{ c.groupement.type or "—" }}'),
        ("Membres du groupement", '{% for m in c.groupement.membres %}{{ m.denomination }} '
                                  '(SIRET {{ m.siret }}){% if not loop.last %} ; {% endif %}'
                                  '{% else %}—{% endfor %}'),
        ("Appel à candidatures", "{{ c.appel.titre }} ({{ c.appel.reference }})"),
    ])


def sections(doc):
    para(doc, "{%p for s in c.sections %}")
    heading(doc, "{{ s.numero }}", "{{ s.titre }}")
    para(doc, "{%p for p in s.paragraphes %}")
    para(doc, "{{ p }}", after=3)
    para(doc, "{%p else %}")
    para(doc, "Section à rédiger.", italic=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write note_intention.docx into `out_dir` and return its path."""
    doc = candidature_document(
        "Note d'intention",
        "Création de l'équipe Bail d'abord et mise en œuvre concrète du dispositif – "
        "{{ c.structure.denomination }}", (section_a, sections))
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__, prog="python -m doc_templates._build.build_note_intention_docx")
