"""Row hashes: each registry row hashes its canonical content with its predecessor's hash."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from service.timeutil import as_utc

GENESIS = "0" * 64

# Hash version 1: the fields chained before a version could carry several files.
CHAINED_FIELDS = (
    "id", "seq", "series_id", "kind", "version", "supersedes_id", "status", "title",
    "snapshot_sha256", "template_sha256", "pdf_sha256", "pdf_size", "docx_sha256", "docx_size",
    "created_by_id", "structure_id", "idempotency_key",
)
# Chained when present; rows written before these fields existed keep their hash.
OPTIONAL_CHAINED_FIELDS = ("verification_code", "template_name")
# Hash version 2: every stored field; the snapshot, the render metadata and the library
# versions through their canonical SHA-256, and the files as a list.
V2_FIELDS = (
    "id", "seq", "series_id", "kind", "version", "supersedes_id", "status", "title",
    "snapshot_sha256", "template_sha256", "template_name", "pdf_sha256", "pdf_size",
    "created_by_id", "structure_id", "idempotency_key", "verification_code", "hash_version",
)


def canonical(value) -> bytes:
    """Stable JSON: sorted keys, no spaces, UTF-8; used for snapshots and rows alike."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode()


def sha256_json(value) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def chained_time(created_at: datetime) -> str:
    return as_utc(created_at).astimezone(UTC).isoformat()


def row_hash(prev_hash: str, fields: dict, created_at_iso: str) -> str:
    """Hash version 1 (rows registered before files became rows of their own)."""
    content = {name: fields.get(name) for name in CHAINED_FIELDS}
    content.update({name: fields[name] for name in OPTIONAL_CHAINED_FIELDS
                    if fields.get(name) is not None})
    content["created_at"] = created_at_iso
    return hashlib.sha256(prev_hash.encode() + canonical(content)).hexdigest()


def entry_hash(entry, erased=None) -> str:
    """The hash a registry row must carry, recomputed from everything it stores; for a
    version erased at the end of its retention period (`erased`, its ErasedEntry), from the
    digests kept of the erased snapshot and render metadata."""
    if entry.hash_version == 1:
        fields = {name: getattr(entry, name) for name in CHAINED_FIELDS
                  if name not in ("docx_sha256", "docx_size")}
        fields["docx_sha256"] = entry.legacy_docx_sha256
        fields["docx_size"] = entry.legacy_docx_size
        fields.update({name: getattr(entry, name) for name in OPTIONAL_CHAINED_FIELDS})
        return row_hash(entry.prev_hash, fields, chained_time(entry.created_at))
    content = {name: getattr(entry, name) for name in V2_FIELDS}
    content["created_at"] = chained_time(entry.created_at)
    content["files"] = [f.chained() for f in sorted(entry.files, key=lambda f: f.position)
                        if f.prev_hash is None]
    if erased is None:
        content["snapshot"] = sha256_json(entry.snapshot)
        content["render_meta"] = sha256_json(entry.render_meta)
    else:
        content["snapshot"] = entry.snapshot_sha256
        content["render_meta"] = erased.render_meta_sha256
    content["library_versions"] = sha256_json(entry.library_versions)
    return hashlib.sha256(entry.prev_hash.encode() + canonical(content)).hexdigest()


def late_file_hash(prev_hash: str, entry_id: str, stored, added_at) -> str:
    """The hash of a file added to a registered version later (hash of its row and what it
    chains to: the version's row hash or the previous late file's)."""
    content = {"entry_id": entry_id, "file": stored.chained(), "added_at": chained_time(added_at)}
    return hashlib.sha256(prev_hash.encode() + canonical(content)).hexdigest()
