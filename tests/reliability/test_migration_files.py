"""Upgrading a registry made before files were rows of their own keeps its hash chain valid."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from flask_migrate import upgrade
from sqlalchemy import text

from service.app import create_app
from service.extensions import db
from service.registry.blobs import BlobStore
from service.registry.chain import GENESIS, row_hash, sha256_json
from service.registry.check import run as registry_check

SNAPSHOT = {"menage": {"demandeur": {"nom": "Ferhat", "prenom": "Nadia"}}}


def _old_row(conn, store: BlobStore, seq: int, prev: str, user_id: str, structure_id: str,
             series_id: str) -> str:
    """A row as the code of migration 0005 wrote it: PDF and DOCX columns, hash version 1."""
    pdf, docx = f"%PDF-1.7 version {seq}".encode(), f"PK docx {seq}".encode()
    fields = {
        "id": f"entry-{seq}", "seq": seq, "series_id": series_id, "kind": "fiche_de_lien",
        "version": seq, "supersedes_id": f"entry-{seq - 1}" if seq > 1 else None,
        "status": "final", "title": "Fiche de lien", "snapshot_sha256": sha256_json(SNAPSHOT),
        "template_sha256": "a" * 64, "pdf_sha256": store.put(pdf), "pdf_size": len(pdf),
        "docx_sha256": store.put(docx), "docx_size": len(docx), "created_by_id": user_id,
        "structure_id": structure_id, "idempotency_key": f"key-{seq}",
        "verification_code": f"CODE-{seq:04d}-OLD", "template_name": "fiche_de_lien.html",
    }
    created = datetime(2026, 11, 20, 10, seq, tzinfo=UTC)
    digest = row_hash(prev, fields, created.isoformat())
    conn.execute(text(
        "INSERT INTO registry_entries (id, seq, series_id, kind, version, supersedes_id, status,"
        " title, snapshot, snapshot_sha256, template_sha256, library_versions, pdf_sha256,"
        " pdf_size, docx_sha256, docx_size, created_by_id, structure_id, created_at,"
        " idempotency_key, verification_code, template_name, prev_hash, row_hash) VALUES"
        " (:id, :seq, :series_id, :kind, :version, :supersedes_id, :status, :title, :snapshot,"
        " :snapshot_sha256, :template_sha256, '{}', :pdf_sha256, :pdf_size, :docx_sha256,"
        " :docx_size, :created_by_id, :structure_id, :created_at, :idempotency_key,"
        " :verification_code, :template_name, :prev_hash, :row_hash)"),
        {**fields, "snapshot": json.dumps(SNAPSHOT), "created_at": created,
         "prev_hash": prev, "row_hash": digest})
    return digest


def test_rows_of_hash_version_1_still_verify_after_the_upgrade(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}",
                      "BLOB_ROOT": str(tmp_path / "objects"), "SECRET_KEY": "test",
                      "TESTING": True})
    store = BlobStore(str(tmp_path / "objects"))
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO structures (id, name, kind, created_at)"
                              " VALUES ('s1', 'Accueil', 'orienteur', '2026-11-01')"))
            conn.execute(text(
                "INSERT INTO users (id, email, full_name, role, structure_id, password_hash,"
                " session_nonce, active, created_at) VALUES ('u1', 'o@example.org', 'Orienteur',"
                " 'orienteur', 's1', 'x', 'n', 1, '2026-11-01')"))
            conn.execute(text(
                "INSERT INTO document_series (id, kind, structure_id, created_at)"
                " VALUES ('series-1', 'fiche_de_lien', 's1', '2026-11-01')"))
            prev = GENESIS
            for seq in (1, 2):
                prev = _old_row(conn, store, seq, prev, "u1", "s1", "series-1")
        upgrade()
        report = registry_check()
        assert report.rows == 2 and report.faults == [] and report.orphans == []
        with db.engine.connect() as conn:
            files = conn.execute(text(
                "SELECT entry_id, position, format, sha256 FROM registry_files"
                " ORDER BY entry_id, position")).all()
            subject = conn.execute(text(
                "SELECT subject_type FROM document_series")).scalar_one()
        assert [(f.entry_id, f.position, f.format) for f in files] == [
            ("entry-1", 1, "pdf"), ("entry-1", 2, "docx"),
            ("entry-2", 1, "pdf"), ("entry-2", 2, "docx")]
        assert files[1].sha256 == hashlib.sha256(b"PK docx 1").hexdigest()
        assert subject == "referral"

        # With the triggers bypassed, a rewritten name in a stored snapshot is found: the
        # snapshot no longer matches its chained SHA-256.
        with db.engine.begin() as conn:
            conn.execute(text("DROP TRIGGER registry_entries_no_update"))
            conn.execute(text("UPDATE registry_entries SET snapshot = :s WHERE id = 'entry-1'"),
                         {"s": json.dumps({"menage": {"demandeur": {"nom": "Autre",
                                                                     "prenom": "Nadia"}}})})
        faults = registry_check().faults
        assert faults == ["Données saisies modifiées : Fiche de lien v1 (entry-1)"]
        db.engine.dispose()
