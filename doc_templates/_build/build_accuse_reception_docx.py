"""Builds doc_templates/accuse_reception.docx (the receipt of a submitted dossier)."""

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
    save_reproducible,
)

FILENAME = "accuse_reception.docx"
PIECES = (10, 56, 36, 14, 58)


def deposit(doc):
    heading(doc, "A", "Le dépôt")
    kv_table(doc, KV2, [
        ("Structure candidate", "{{ c.structure }}{% if c.siret %} (SIRET {{ c.siret }})"
                                "{% endif %}"),
        ("Candidature", "{{ c.candidature }}"),
        ("Appel à candidatures", "{{ c.appel.titre }} ({{ c.appel.reference }})"),
        ("Destinataires", "{{ c.appel.financeurs }}"),
        ("Date limite", "{{ c.appel.date_limite }}"),
        ("Dossier reçu le", "{{ c.depose_le }}, avant la date limite"),
    ])


def dossier(doc):
    heading(doc, "B", "Le dossier déposé")
    kv_table(doc, KV2, [
        ("Référence du dossier", "{{ c.dossier.reference }}, version {{ c.dossier.version }} "
                                 "({{ c.dossier.pages }} pages)"),
        ("Code de vérification du dossier", "{{ c.dossier.code }}"),
        ("Empreinte SHA-256 du PDF", "{{ c.dossier.sha256 }}"),
        ("Empreinte SHA-256 de l'archive ZIP", "{{ c.dossier.archive_sha256 }}"),
        ("Contrôles au dépôt", '{{ c.controles or "—" }}'),
    ])
    note(doc, "Le code de vérification, saisi sur la page « Vérifier un document » du service, "
              "confirme que le dossier reçu est celui enregistré au registre et s'il a été "
              "remplacé par une version plus récente. Une correction déposée avant la date "
              "limite crée une nouvelle version, avec son propre accusé de réception.")


def pieces(doc):
    heading(doc, "C", "Les pièces du dossier")
    data_table(doc, PIECES, ["N°", "Pièce", "Fichier", "Pages", "SHA-256"], "p in c.pieces",
               ["{{ p.numero }}", "{{ p.titre }}", "{{ p.fichier }}", "{{ p.pages }}",
                "{{ p.sha256 }}"], align=[None, None, None, RIGHT, None])
    note(doc, "Pour une pièce jointe, l'empreinte est celle du fichier tel qu'il a été reçu ; "
              "pour une pièce produite par le service, celle de sa source DOCX dans l'archive "
              "du dossier.")


def build(out_dir: Path = TEMPLATES_DIR) -> Path:
    """Write accuse_reception.docx into `out_dir` and return its path."""
    doc = candidature_document("Accusé de réception du dossier de candidature",
                               "{{ c.appel.titre }} – {{ c.structure }}",
                               (deposit, dossier, pieces))
    return save_reproducible(doc, out_dir / FILENAME)


if __name__ == "__main__":
    main([build], __doc__, prog="python -m doc_templates._build.build_accuse_reception_docx")
