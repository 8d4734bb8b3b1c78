"""Accept an uploaded PDF: check it, keep its cleaned copy in the uploads store, record it.

Uploads live in their own content-addressed store (UPLOAD_ROOT, by default beside the registry's
blobs): the registry's integrity check treats every blob it does not reference as an orphan to
collect, and an uploaded piece is referenced by an upload row, not by a registry version.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from flask import current_app

from service.extensions import db
from service.ids import new_id
from service.registry.blobs import BlobStore
from service.uploads.models import Upload
from service.uploads.pdfcheck import LIMITS, Accepted, Limits, Refused, check_pdf

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
    stored anywhere."""
    checked: Accepted = check_pdf(data, limits)
    digest = upload_store().put(checked.data)
    upload = Upload(id=new_id(), structure_id=user.structure_id, uploaded_by_id=user.id,
                    purpose=purpose, filename=clean_filename(filename), sha256=digest,
                    size=len(checked.data), pages=checked.pages,
                    original_sha256=hashlib.sha256(data).hexdigest(), original_size=len(data),
                    removed=checked.removed)
    db.session.add(upload)
    return upload


def read(upload: Upload) -> bytes:
    return upload_store().get(upload.sha256)
