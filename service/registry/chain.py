"""Row hashes: each registry row hashes its canonical content with its predecessor's hash."""

from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64

CHAINED_FIELDS = (
    "id", "seq", "series_id", "kind", "version", "supersedes_id", "status", "title",
    "snapshot_sha256", "template_sha256", "pdf_sha256", "pdf_size", "docx_sha256", "docx_size",
    "created_by_id", "structure_id", "idempotency_key",
)


def canonical(value) -> bytes:
    """Stable JSON: sorted keys, no spaces, UTF-8; used for snapshots and rows alike."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode()


def sha256_json(value) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


# Chained when present; rows written before these fields existed keep their hash.
OPTIONAL_CHAINED_FIELDS = ("verification_code", "template_name")


def row_hash(prev_hash: str, fields: dict, created_at_iso: str) -> str:
    content = {name: fields.get(name) for name in CHAINED_FIELDS}
    content.update({name: fields[name] for name in OPTIONAL_CHAINED_FIELDS
                    if fields.get(name) is not None})
    content["created_at"] = created_at_iso
    return hashlib.sha256(prev_hash.encode() + canonical(content)).hexdigest()
