"""Builds doc_templates/convention_mise_a_disposition.docx (L8241-2 and R8241-2 C. trav.)."""

from __future__ import annotations

from pathlib import Path

from .candidature_docx import candidature_document
from .docx_kit import (
    KV2,
    KV4,
    RIGHT,
    TEMPLATES_DIR,
    data_table,
    heading,
    kv_table,
    main,
    note,
    para,
    save_reproducible,
    signature_boxes,
)

FILENAME = "convention_mise_a_disposition.docx"
STAFF = (10, 48, 64, 22, 30)


def parties(doc):
    para(doc, "Projet de convention établi dans le cadre de la candidature groupée à l'appel "
              "« {{ c.appel.titre }} » ({{ c.appel.reference }}). Prêt de main-d'œuvre à but "
              "non lucratif (articles L8241-1 et L8241-2 du code du travail).", after=4)
    heading(doc, "1", "Les parties")
    kv_table(doc, KV4, [
        ("Structure prêteuse", "{{ c.preteuse.denomination }}",
         "Structure utilisatrice", "{{ c.utilisatrice.denomination }}"),
        ("SIRET", "{{ c.preteuse.siret }}", "SIRET", '{{ c.utilisatrice.siret or "—" }}'),
        ("Adresse", '{{ c.preteuse.adresse or "—" }}',
         "Siège", '{{ c.utilisatrice.siege or "—" }}'),
        ("Représentée par", '{{ c.preteuse.representant or "—" }}',
         "Représentée par", '{{ c.utilisatrice.representant or "—" }}'),
    ])


def articles(doc):
    heading(doc, "2", "Objet et finalité")
    para(doc, "La structure prêteuse met à la disposition de la structure utilisatrice les "
              "salariés désignés à l'article 3, sans but lucratif, pour la finalité suivante :")
    para(doc, "{{ c.finalite }}")
    heading(doc, "3", "Salariés mis à disposition : identité et qualification")
    data_table(doc, STAFF, ["N°", "Salarié", "Poste et qualification", "Quotité", "Statut"],
               "s in c.salaries", [
                   "{{ s.numero }}", '{{ s.nom or "—" }}',
                   "{{ s.intitule }}{% if s.intitule %} ({% endif %}{{ s.fonction }}"
                   '{% if s.intitule %}){% endif %} – {{ s.diplome or "—" }}',
                   "{{ s.etp }}", "{{ s.statut }}"], align=[None, None, None, RIGHT, None])
    para(doc, "Total mis à disposition : {{ c.total_etp }}", bold=True, before=2)
    note(doc, "L'identité d'un salarié recruté pour un poste à pourvoir est portée à la "
              "convention par avenant avant le début de sa mise à disposition.")
    heading(doc, "4", "Durée")
    para(doc, "La mise à disposition commence le {{ c.debut }} et prend fin le {{ c.fin }}.")
    heading(doc, "5", "Missions, lieu et horaires")
    kv_table(doc, KV2, [("Missions confiées", "{{ c.missions }}"),
                        ("Lieu d'exécution", "{{ c.lieu }}"), ("Horaires", "{{ c.horaires }}")])
    heading(doc, "6", "Salaires, charges sociales et frais professionnels facturés")
    para(doc, "{{ c.refacturation }}")
    para(doc, "La structure prêteuse ne facture à la structure utilisatrice que les salaires "
              "versés aux salariés, les charges sociales afférentes et les frais professionnels "
              "remboursés au titre de la mise à disposition. Montant annuel estimé : "
              "{{ c.cout_annuel }} pour {{ c.total_etp }}.")
    heading(doc, "7", "Situation des salariés")
    para(doc, "Chaque mise à disposition requiert l'accord écrit du salarié. Un avenant à son "
              "contrat de travail, signé par lui, précise le travail confié dans la structure "
              "utilisatrice, les horaires et le lieu d'exécution du travail, ainsi que les "
              "caractéristiques particulières du poste.")
    para(doc, "Pendant la mise à disposition, le contrat de travail qui lie le salarié à la "
              "structure prêteuse n'est ni rompu ni suspendu ; il continue d'appartenir au "
              "personnel de la structure prêteuse et de bénéficier de sa convention collective"
              "{% if c.convention_collective %} ({{ c.convention_collective }}){% endif %}. À "
              "son issue, il retrouve son poste de travail ou un poste équivalent, sans que "
              "l'évolution de sa carrière ou de sa rémunération en soit affectée.")
    para(doc, "Les comités sociaux et économiques des deux structures, lorsqu'elles en sont "
              "dotées, sont consultés ou informés avant la mise en œuvre de la mise à "
              "disposition.")
    heading(doc, "8", "Fin anticipée")
    para(doc, "{{ c.fin_anticipee }}")
    para(doc, "Fait à Montpellier, le ………………, en deux exemplaires.", keep=True, before=5,
         after=5)
    signature_boxes(doc, ("Pour la structure prêteuse", ["{{ c.preteuse.denomination }}",
                                                          "{{ c.preteuse.representant }}"]),
                    ("Pour la structure utilisatrice", ["{{ c.utilisatrice.denomination }}",
                                                        "{{ c.utilisatrice.representant }}"]))


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write convention_mise_a_disposition.docx into `out_dir` and return its path."""
    doc = candidature_document(
        "Convention de mise à disposition de salariés",
        "Entre {{ c.preteuse.denomination }} et {{ c.utilisatrice.denomination }}",
        (parties, articles))
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__,
         prog="python -m doc_templates._build.build_convention_mise_a_disposition_docx")
