"""Integrity check of the registry: hashes, missing and orphan blobs, the hash chain."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select

from service.extensions import db
from service.registry.chain import GENESIS, entry_hash, sha256_json
from service.registry.models import RegistryEntry
from service.registry.store import blob_store


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
        for stored in entry.files:
            referenced.add(stored.sha256)
            fmt = stored.format.upper()
            if not store.exists(stored.sha256):
                report.faults.append(f"Fichier {fmt} manquant : {label}, sha256 {stored.sha256}")
            elif (found := store.digest_of_stored(stored.sha256)) != stored.sha256:
                report.faults.append(
                    f"Empreinte différente : {label}, {fmt} attendu {stored.sha256}, "
                    f"obtenu {found}")
        report.faults.extend(_file_rows_faults(entry, label))
        if sha256_json(entry.snapshot) != entry.snapshot_sha256:
            report.faults.append(f"Données saisies modifiées : {label}")
        if entry.prev_hash != expected_prev:
            report.faults.append(f"Chaîne rompue avant {label} : une ligne manque ou a changé")
        if entry_hash(entry) != entry.row_hash:
            report.faults.append(f"Ligne modifiée : {label}")
        expected_prev = entry.row_hash
    for digest in store.all_digests():
        report.blobs += 1
        if digest not in referenced:
            report.orphans.append(digest)
    for tmp in store.temp_files():
        report.faults.append(f"Fichier temporaire abandonné : {tmp.name}")
    return report


def _file_rows_faults(entry: RegistryEntry, label: str) -> list[str]:
    """The file rows agree with what the row chains: its PDF, and for version 1 its DOCX."""
    expected = {("pdf", entry.pdf_sha256)}
    if entry.hash_version == 1 and entry.legacy_docx_sha256:
        expected.add(("docx", entry.legacy_docx_sha256))
    found = {(f.format, f.sha256) for f in entry.files if f.role == "document"}
    faults = []
    if ("pdf", entry.pdf_sha256) not in found:
        faults.append(f"Fichier PDF absent des fichiers de la version : {label}")
    if entry.hash_version == 1 and found != expected:
        faults.append(f"Fichiers de la version modifiés : {label}")
    return faults


def collect_orphans(grace_seconds: float) -> list[str]:
    """Delete orphan blobs and temp files older than the grace period; return their names."""
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
