"""Integrity check of the registry: hashes, missing and orphan blobs, the hash chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC

from sqlalchemy import select

from service.extensions import db
from service.registry.chain import CHAINED_FIELDS, GENESIS, OPTIONAL_CHAINED_FIELDS, row_hash
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from service.timeutil import as_utc


@dataclass
class Report:
    rows: int = 0
    blobs: int = 0
    faults: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults and not self.orphans


def run() -> Report:
    store = blob_store()
    report = Report()
    referenced: set[str] = set()
    expected_prev = GENESIS
    for entry in db.session.execute(select(RegistryEntry).order_by(RegistryEntry.seq)).scalars():
        report.rows += 1
        label = f"{entry.title} v{entry.version} ({entry.id})"
        for fmt, digest in (("PDF", entry.pdf_sha256), ("DOCX", entry.docx_sha256)):
            if digest is None:
                continue
            referenced.add(digest)
            if not store.exists(digest):
                report.faults.append(f"Fichier {fmt} manquant : {label}, sha256 {digest}")
            elif store.digest_of_stored(digest) != digest:
                report.faults.append(
                    f"Empreinte différente : {label}, {fmt} attendu {digest}, "
                    f"obtenu {store.digest_of_stored(digest)}")
        if entry.prev_hash != expected_prev:
            report.faults.append(f"Chaîne rompue avant {label} : une ligne manque ou a changé")
        fields = {name: getattr(entry, name)
                  for name in (*CHAINED_FIELDS, *OPTIONAL_CHAINED_FIELDS)}
        created = as_utc(entry.created_at).astimezone(UTC).isoformat()
        if row_hash(entry.prev_hash, fields, created) != entry.row_hash:
            report.faults.append(f"Ligne modifiée : {label}")
        expected_prev = entry.row_hash
    for digest in store.all_digests():
        report.blobs += 1
        if digest not in referenced:
            report.orphans.append(digest)
    for tmp in store.temp_files():
        report.faults.append(f"Fichier temporaire abandonné : {tmp.name}")
    return report


def collect_orphans(grace_seconds: float) -> list[str]:
    """Delete orphan blobs and temp files older than the grace period; return their names."""
    import time

    report = run()
    store = blob_store()
    cutoff = time.time() - grace_seconds
    candidates = [store.path(d) for d in report.orphans] + store.temp_files()
    removed = []
    for path in candidates:
        if path.exists() and path.stat().st_mtime < cutoff:
            path.unlink()
            removed.append(path.name)
    return removed
