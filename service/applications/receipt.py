"""What an accusé de réception states, read from the registered dossier: when it was received,
each piece with its SHA-256 (a file as received; a generated piece's DOCX source), the dossier's
verification code, pages and archive."""

from __future__ import annotations

import io
import json
import zipfile

from pypdf import PdfReader

from service.applications.documents import DOSSIER
from service.applications.models import Application
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from service.timeutil import as_utc


def receipt_data(application: Application, dossier: RegistryEntry, data: dict,
                  summary: str) -> dict:
    store = blob_store()
    pdf = store.get(dossier.pdf_sha256)
    archive = dossier.file("zip")
    manifest = {}
    if archive is not None:
        with zipfile.ZipFile(io.BytesIO(store.get(archive.sha256))) as zipped:
            manifest = json.loads(zipped.read("manifeste.json"))
    sources = {entry["chemin"]: entry for entry in manifest.get("fichiers", [])}
    pieces = []
    for entry in manifest.get("pieces_jointes", []):
        pieces.append({"numero": int(entry["numero"]), "titre": entry["titre"],
                       "fichier": entry["fichier"], "pages": pages_of(data, entry),
                       "sha256": entry["sha256_recu"]})
    for path, entry in sources.items():
        if "titre" in entry:  # a generated piece: its DOCX source in the archive
            pieces.append({"numero": int(entry["numero"]), "titre": entry["titre"],
                           "fichier": path.removeprefix("sources/"), "pages": 0,
                           "sha256": entry["sha256"]})
    pieces.sort(key=lambda p: (p["numero"], p["fichier"]))
    identity = application.identity or {}
    return {
        "reference": application.reference,
        "structure": identity.get("denomination") or application.structure.name,
        "siret": identity.get("siret") or "",
        "appel_titre": application.call.title, "appel_reference": application.call.reference,
        "financeurs": ", ".join(f["name"] for f in application.call.funders),
        "date_limite": data["call"]["deadline"],
        "depose_le": as_utc(dossier.created_at).isoformat(),
        "dossier": {"reference": f"{DOSSIER.reference_prefix}-{dossier.series_id[:8].upper()}",
                    "version": dossier.version, "code": dossier.verification_code,
                    "sha256": dossier.pdf_sha256,
                    "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                    "archive_sha256": archive.sha256 if archive else ""},
        "pieces": pieces, "controles": summary,
    }


def pages_of(data: dict, entry: dict) -> int:
    for piece in data.get("pieces") or []:
        for f in piece["files"]:
            if f["sha256"] == entry["sha256"]:
                return int(f["pages"])
    return 0
