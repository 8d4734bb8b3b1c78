"""Accept an uploaded PDF: check it, keep its cleaned copy in the uploads store, record it.

Uploads live in their own content-addressed store (UPLOAD_ROOT, by default beside the registry's
blobs): the registry's integrity check treats every blob it does not reference as an orphan to
collect, and an uploaded piece is referenced by an upload row, not by a registry version.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from pathlib import Path

from flask import current_app

from service.extensions import db
from service.ids import new_id
from service.registry.blobs import BlobStore
from service.timeutil import utcnow
from service.uploads import antivirus
from service.uploads.models import Upload
from service.uploads.pdfcheck import LIMITS, Accepted, Limits, Refused, check_pdf

log = logging.getLogger(__name__)

INFECTED = ("Ce fichier contient un programme malveillant ({threat}) : il n'a pas été "
            "enregistré et il a été mis à l'écart pour l'administration du service. Faites "
            "analyser l'ordinateur d'où il vient avant de déposer la pièce à nouveau.")
SCANNER_DOWN = ("L'analyse antivirus des fichiers est momentanément indisponible : le fichier "
                "n'a pas été enregistré. Réessayez dans quelques minutes ; si cela dure, "
                "prévenez l'administration du service.")

__all__ = ["Refused", "accept", "clean_filename", "upload_store"]


def upload_store() -> BlobStore:
    root = current_app.config.get("UPLOAD_ROOT") or str(
        Path(current_app.config["BLOB_ROOT"]).with_name("uploads"))
    return BlobStore(root)


def clean_filename(name: str | None) -> str:
    """The file's own name, for display only: no folders, no control characters, 120 chars."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base)
                   if unicodedata.category(c)[0] != "C").strip()
    return (base or "document.pdf")[:120]


def accept(data: bytes, filename: str | None, user, purpose: str,
           limits: Limits = LIMITS) -> Upload:
    """The new Upload row (added to the session, not committed), or Refused: then nothing is
    stored anywhere (an infected file goes to the quarantine folder, nowhere else)."""
    _scan(data, user)
    checked: Accepted = check_pdf(data, limits)
    digest = upload_store().put(checked.data)
    upload = Upload(id=new_id(), structure_id=user.structure_id, uploaded_by_id=user.id,
                    purpose=purpose, filename=clean_filename(filename), sha256=digest,
                    size=len(checked.data), pages=checked.pages,
                    original_sha256=hashlib.sha256(data).hexdigest(), original_size=len(data),
                    removed=checked.removed)
    db.session.add(upload)
    return upload


def _scan(data: bytes, user) -> None:
    """Refused unless clamd finds the file clean (no scanner configured: development only,
    production refuses to start without one, see service/config.py)."""
    address = current_app.config.get("ANTIVIRUS_CLAMD")
    if not address:
        return
    digest = hashlib.sha256(data).hexdigest()
    try:
        verdict = antivirus.scan(data, address, current_app.config["ANTIVIRUS_TIMEOUT_SECONDS"])
    except antivirus.Unavailable as exc:
        log.error("upload refused, antivirus unavailable (%s): sha256 %s", exc, digest)
        raise Refused(SCANNER_DOWN) from exc
    if verdict.clean:
        return
    antivirus.quarantine(current_app.config["QUARANTINE_DIR"], data, digest, {
        "menace": verdict.threat, "sha256": digest, "taille": len(data),
        "recu_le": utcnow().isoformat(), "utilisateur": user.id,
        "structure": user.structure_id})
    log.warning("upload quarantined: %s, sha256 %s, user %s", verdict.threat, digest, user.id)
    raise Refused(INFECTED.format(threat=verdict.threat))


def read(upload: Upload) -> bytes:
    return upload_store().get(upload.sha256)
