"""The dossier's ZIP: the DOCX sources of the generated pieces, the dossier's PDF, and two
manifests of SHA-256s (one JSON, one that `sha256sum -c` checks)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime

from flask import current_app

from service.applications.assembly import dossier_pdf
from service.rendering.docx import render_docx
from service.timeutil import PARIS


def _docx_doc(doc: dict, title: str) -> dict:
    return {**doc, "title": title}


def dossier_zip(context: dict) -> bytes:
    """The DOCX sources of the generated pieces, the dossier's PDF and the manifests."""
    pdf = context.get("_assembled") or dossier_pdf(context)
    templates = current_app.config["DOC_TEMPLATES"]
    doc = context["doc"]
    stamp = doc["issued_at"]
    stamp = (stamp if isinstance(stamp, datetime) else datetime.fromisoformat(stamp))
    when = stamp.astimezone(PARIS).timetuple()[:6]
    entries: list[tuple[str, bytes]] = [("dossier.pdf", pdf)]
    generated: dict[str, dict] = {}
    for piece in context["pieces"]:
        if piece["source"] == "generated":
            data = render_docx(templates, piece["_docx"],
                               {"c": piece["c"], "doc": _docx_doc(doc, piece["titre"])},
                               properties={"title": piece["titre"],
                                           "author": doc["author_structure"]})
            name = f"sources/{int(piece['numero']):02d} - {_safe(piece['titre'])}.docx"
            entries.append((name, data))
            generated[name] = {"numero": piece["numero"], "titre": piece["titre"]}
    manifest = {
        "dossier": {"reference": doc["reference"], "version": doc["version"],
                    "code_de_verification": doc["verification_code"],
                    "sha256": _sha(pdf)},
        "fichiers": [{"chemin": name, "sha256": _sha(data), "taille": len(data),
                      **generated.get(name, {})} for name, data in entries],
        "pieces_jointes": [{"numero": p["numero"], "titre": p["titre"],
                            "fichier": f["fichier"], "sha256": f["_sha256"],
                            "sha256_recu": f["_recu"]}
                           for p in context["pieces"] for f in p["fichiers"]],
    }
    entries.append(("manifeste.json", json.dumps(manifest, ensure_ascii=False, indent=2)
                    .encode("utf-8")))
    # `sha256sum -c manifeste-sha256.txt` checks every other file of the archive.
    entries.append(("manifeste-sha256.txt", "".join(
        f"{_sha(data)}  {name}\n" for name, data in entries).encode("utf-8")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _safe(title: str) -> str:
    """A piece's title as a file name: no folder separator, at most 80 characters."""
    return "".join("-" if c in '/\\:*?"<>|' else c for c in title)[:80].strip()
