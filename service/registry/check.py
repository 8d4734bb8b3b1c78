"""Integrity check of the registry: hashes, missing and orphan blobs, the hash chain."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from service.extensions import db
from service.registry.chain import GENESIS, entry_hash, late_file_hash, sha256_json
from service.registry.models import ErasedEntry, RegistryEntry
from service.registry.store import blob_store

# Tables other than the registry's that keep blobs of the same store (a drawn signature's image):
# each registers a function giving the digests it holds, which are never orphans.
BLOB_KEEPERS: list[Callable[[], Iterable[str]]] = []


def keep_blobs(digests: Callable[[], Iterable[str]]) -> None:
    BLOB_KEEPERS.append(digests)


@dataclass
class Report:
    rows: int = 0
    blobs: int = 0
    erased: int = 0  # versions whose content was erased at the end of their retention
    faults: list[str] = field(default_factory=list)
    # Blobs no version names, older than the grace period: left by a crash, a fault.
    orphans: list[str] = field(default_factory=list)
    # Blobs no version names yet and temp files, younger than the grace period: a write in
    # progress or one whose transaction rolled back; listed, not faults (`registry gc`).
    pending: list[str] = field(default_factory=list)
    pending_temp: list[str] = field(default_factory=list)
    grace_seconds: float = 0
    stale_temp: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults and not self.orphans


def grace_period() -> float:
    return float(current_app.config["REGISTRY_ORPHAN_GRACE_SECONDS"])


def _younger_than(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime >= cutoff
    except FileNotFoundError:  # collected or renamed meanwhile
        return True


def run(grace_seconds: float | None = None) -> Report:
    store = blob_store()
    report = Report(grace_seconds=grace_period() if grace_seconds is None else grace_seconds)
    cutoff = time.time() - report.grace_seconds
    referenced: set[str] = set()
    expected_prev = GENESIS
    erasures = {e.entry_id: e for e in db.session.execute(select(ErasedEntry)).scalars()}
    for entry in db.session.execute(select(RegistryEntry).order_by(RegistryEntry.seq)).scalars():
        report.rows += 1
        label = f"{entry.title} v{entry.version} ({entry.id})"
        erased = erasures.get(entry.id)
        if erased is not None:
            report.erased += 1
            report.faults.extend(_erased_faults(entry, label))
        for stored in entry.files if erased is None else ():
            referenced.add(stored.sha256)
            fmt = stored.format.upper()
            if not store.exists(stored.sha256):
                report.faults.append(f"Fichier {fmt} manquant : {label}, sha256 {stored.sha256}")
            elif (found := store.digest_of_stored(stored.sha256)) != stored.sha256:
                report.faults.append(
                    f"Empreinte différente : {label}, {fmt} attendu {stored.sha256}, "
                    f"obtenu {found}")
        report.faults.extend(_file_rows_faults(entry, label))
        if erased is None and sha256_json(entry.snapshot) != entry.snapshot_sha256:
            report.faults.append(f"Données saisies modifiées : {label}")
        if entry.prev_hash != expected_prev:
            report.faults.append(f"Chaîne rompue avant {label} : une ligne manque ou a changé")
        if entry_hash(entry, erased) != entry.row_hash:
            report.faults.append(f"Ligne modifiée : {label}")
        report.faults.extend(_late_file_faults(entry, label))
        expected_prev = entry.row_hash
    for keeper in BLOB_KEEPERS:
        referenced.update(keeper())
    for digest in store.all_digests():
        report.blobs += 1
        if digest not in referenced:
            young = _younger_than(store.path(digest), cutoff)
            (report.pending if young else report.orphans).append(digest)
    for tmp in store.temp_files():
        if _younger_than(tmp, cutoff):
            report.pending_temp.append(tmp.name)
        else:
            report.stale_temp.append(tmp)
            report.faults.append(f"Fichier temporaire abandonné : {tmp.name}")
    return report


def _erased_faults(entry: RegistryEntry, label: str) -> list[str]:
    """An erased version holds nothing of its content any more: an empty snapshot, no render
    metadata (its files are deleted: their digests are no longer referenced)."""
    if entry.snapshot != {} or entry.render_meta is not None:
        return [f"Données effacées réapparues : {label}"]
    return []


def _late_file_faults(entry: RegistryEntry, label: str) -> list[str]:
    """Files added after registration chain from the version's row hash, one after another."""
    faults = []
    expected: str | None = entry.row_hash
    for stored in sorted((f for f in entry.files if f.row_hash is not None),
                         key=lambda f: f.position):
        if stored.prev_hash is None or stored.prev_hash != expected \
                or stored.added_at is None or late_file_hash(
                    stored.prev_hash, entry.id, stored, stored.added_at) != stored.row_hash:
            faults.append(f"Fichier ajouté modifié : {label}, {stored.format.upper()}")
        expected = stored.row_hash
    return faults


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


def collect_orphans(grace_seconds: float | None = None) -> list[str]:
    """Delete orphan blobs and temp files older than the grace period; return their names."""
    report = run(grace_seconds)
    store = blob_store()
    cutoff = time.time() - report.grace_seconds
    candidates = [store.path(d) for d in report.orphans] + report.stale_temp
    removed = []
    for path in candidates:
        if path.exists() and path.stat().st_mtime < cutoff:
            path.unlink()
            removed.append(path.name)
    return removed


def grace_label(seconds: float) -> str:
    """« 24 h », « 30 min »: the grace period as `registry check` prints it."""
    if seconds >= 3600:
        return f"{seconds / 3600:g}\u00a0h"
    return f"{max(seconds, 0) / 60:g}\u00a0min"
