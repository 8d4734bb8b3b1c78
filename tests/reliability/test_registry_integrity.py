"""Registry durability: `flask registry check`, append-only tables, crash injection between the
blob write and the commit, concurrent double submit (SECURITY R1–R3, R5, R6, C1–C3).

Two fiches are rendered once per module; each test works on its own copy of that database and
blob directory, so corrupting a file or a row never leaks into the next test.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from service.documents import produce
from service.documents.models import DRAFT, Draft
from service.referrals.models import Referral
from service.registry.chain import sha256_json
from service.registry.models import AuditEvent, RegistryEntry
from tests.conftest import PG_URL
from tests.helpers import start_draft, submit_draft
from tests.security.harness import (
    bearer,
    count,
    ctx,
    dispose,
    fill_all,
    issue_token,
    make_app,
    sample_fiche,
    seeded_app,
    web_login,
)


def second_fiche() -> dict:
    data = sample_fiche()
    data["menage"]["demandeur"].update(prenom="Sandrine", nom="Moreau", sexe="F",
                                       nationalite="FRANCAISE")
    data["menage"].update(typologie="femme_seule", co_demandeurs=[], enfants=[])
    data["droits"].update(droit_sejour="francais", titre_fin_validite="")
    return data


def submit_two(app) -> None:
    headers = bearer(issue_token(app, "orienteur@demo.example"))
    client = app.test_client()
    for data in (sample_fiche(), second_fiche()):
        response = client.post("/api/v1/fiches", json=data, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)[:1000]


@pytest.fixture(scope="module")
def two_fiches(seeded_template, tmp_path_factory):
    """A database and blob directory holding two registered fiches (SQLite: built once)."""
    if seeded_template is None:
        return None
    root = tmp_path_factory.mktemp("two-fiches")
    app = seeded_app(seeded_template, root)
    submit_two(app)
    dispose(app)
    return root


@pytest.fixture
def app(two_fiches, seeded_template, tmp_path):
    if two_fiches is None:  # PostgreSQL: one shared database, rebuild the state each time
        app = seeded_app(seeded_template, tmp_path)
        submit_two(app)
    else:
        shutil.copy(two_fiches / "app.db", tmp_path / "app.db")
        shutil.copytree(two_fiches / "objects", tmp_path / "objects")  # keeps mode 0440
        app = make_app(f"sqlite:///{tmp_path / 'app.db'}", tmp_path / "objects")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app
    dispose(app)


def registry_check(app):
    result = app.test_cli_runner().invoke(args=["registry", "check"])
    return result.exit_code, result.output


def entries(app) -> list[RegistryEntry]:
    with ctx(app) as session:
        rows = session.execute(select(RegistryEntry).order_by(RegistryEntry.seq)).scalars().all()
        session.expunge_all()
        return rows


def blob(app, digest: str) -> Path:
    return Path(app.config["BLOB_ROOT"]) / digest[:2] / digest


def blob_files(app) -> set[str]:
    root = Path(app.config["BLOB_ROOT"])
    return {p.name for p in root.glob("??/*")} if root.exists() else set()


# --- registry check ---------------------------------------------------------------------------

def test_check_passes_after_two_fiches(app):
    code, output = registry_check(app)
    assert code == 0, output
    assert "Registre intègre." in output
    assert "2 versions enregistrées, 4 fichiers stockés." in output
    rows = entries(app)
    assert [r.seq for r in rows] == [1, 2]
    assert rows[1].prev_hash == rows[0].row_hash
    for row in rows:
        path = blob(app, row.pdf_sha256)
        assert stat.S_IMODE(path.stat().st_mode) == 0o440  # stored read-only


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_flipped_byte_is_reported(app, fmt):
    row = entries(app)[0]
    digest = row.pdf_sha256 if fmt == "pdf" else row.docx_sha256
    path = blob(app, digest)
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    code, output = registry_check(app)
    assert code == 1
    assert "Empreinte différente" in output and row.id in output
    assert f"{fmt.upper()} attendu {digest}" in output
    assert "Registre intègre." not in output


def test_deleted_blob_is_reported_missing(app):
    row = entries(app)[1]
    path = blob(app, row.docx_sha256)
    path.chmod(0o640)
    path.unlink()
    code, output = registry_check(app)
    assert code == 1
    assert f"Fichier DOCX manquant : Fiche de lien v1 ({row.id})" in output
    # The download of a missing file is an error page, not a crash with a traceback.
    web = web_login(app, "orienteur@demo.example")
    response = web.get(f"/documents/{row.id}/telecharger.docx")
    assert response.status_code in (404, 500, 503)
    assert "Traceback" not in response.get_data(as_text=True)


def _two_days_old(path: Path) -> None:
    """Past the grace period: younger orphans are writes in progress (or rolled back)."""
    past = time.time() - 2 * 86400
    os.utime(path, (past, past))


def test_orphan_blob_is_reported(app):
    orphan = "ab" + "c" * 62
    path = blob(app, orphan)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 nobody registered me")
    _two_days_old(path)
    code, output = registry_check(app)
    assert code == 1
    assert f"ORPHELIN : fichier sans version enregistrée, sha256 {orphan}" in output
    assert "manquant" not in output and "Empreinte" not in output


def test_leftover_temporary_file_is_reported(app):
    digest = entries(app)[0].pdf_sha256
    (blob(app, digest).parent / ".tmp-abandonne").write_bytes(b"partial")
    _two_days_old(blob(app, digest).parent / ".tmp-abandonne")
    code, output = registry_check(app)
    assert code == 1 and "Fichier temporaire abandonné : .tmp-abandonne" in output


# --- Append-only tables (R6) -------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "UPDATE registry_entries SET title = 'Fiche modifiée'",
    "UPDATE registry_entries SET pdf_sha256 = docx_sha256",
    "DELETE FROM registry_entries",
    "DELETE FROM registry_entries WHERE seq = 2",
    "UPDATE audit_events SET action = 'rien'",
    "UPDATE audit_events SET user_id = NULL",
    "DELETE FROM audit_events",
])
def test_append_only_tables_refuse_update_and_delete(app, sql):
    before = (len(entries(app)), count(app, AuditEvent))
    assert before[0] == 2 and before[1] > 0
    with ctx(app) as session:
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(sql))
        session.rollback()
    assert (len(entries(app)), count(app, AuditEvent)) == before
    assert registry_check(app)[0] == 0


@pytest.fixture(autouse=True)
def _triggers_enabled_again(app):
    """On PostgreSQL the tests below disable the registry's triggers in the database every
    test shares (the per-test reset empties tables, it does not restore triggers): enable
    them again, or later tests of the append-only rules would run without them."""
    yield
    if PG_URL:
        with ctx(app) as session:
            session.execute(text("ALTER TABLE registry_entries ENABLE TRIGGER USER"))
            session.commit()


def test_chain_detects_rows_changed_behind_the_triggers(app):
    """A superuser can drop the triggers; the hash chain still shows the change (R6)."""
    rows = entries(app)
    with ctx(app) as session:
        if PG_URL:
            session.execute(text("ALTER TABLE registry_entries DISABLE TRIGGER USER"))
        else:
            session.execute(text("DROP TRIGGER registry_entries_no_update"))
            session.execute(text("DROP TRIGGER registry_entries_no_delete"))
        session.execute(text("UPDATE registry_entries SET title = 'Fiche falsifiée' "
                             "WHERE seq = 1"))
        session.commit()
    code, output = registry_check(app)
    assert code == 1 and f"Ligne modifiée : Fiche falsifiée v1 ({rows[0].id})" in output
    with ctx(app) as session:
        # As a superuser would: foreign keys off too (drafts point to their registry row).
        session.execute(text("SET session_replication_role = replica" if PG_URL
                             else "PRAGMA foreign_keys = OFF"))
        session.execute(text("DELETE FROM registry_entries WHERE seq = 1"))
        session.commit()
    code, output = registry_check(app)
    assert code == 1 and "Chaîne rompue" in output and rows[1].id in output


def _without_triggers(session) -> None:
    if PG_URL:
        session.execute(text("ALTER TABLE registry_entries DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER registry_entries_no_update"))


REWRITES = {
    # A person's name rewritten in the stored answers, the snapshot's digest left as it was.
    "name-in-snapshot": ("UPDATE registry_entries SET snapshot = :snapshot WHERE seq = 1",
                         True),
    # The same, with the snapshot's digest recomputed to match: the row hash still differs.
    "name-and-digest": ("UPDATE registry_entries SET snapshot = :snapshot, "
                        "snapshot_sha256 = :digest WHERE seq = 1", False),
    # The render metadata (what the document printed besides the answers).
    "render-meta": ("UPDATE registry_entries SET render_meta = :meta WHERE seq = 1", False),
}


@pytest.mark.parametrize("rewrite", REWRITES)
def test_a_rewritten_field_of_a_hash_version_2_row_is_found(app, rewrite):
    """Every stored field of a version-2 row is inside its hash (issue 12, defect 3)."""
    row = entries(app)[0]
    assert row.hash_version == 2
    snapshot = row.snapshot
    snapshot["menage"]["demandeur"]["nom"] = "Autre-Nom"
    meta = {**row.render_meta, "author_name": "Quelqu'un d'autre"}
    sql, snapshot_fault = REWRITES[rewrite]
    with ctx(app) as session:
        _without_triggers(session)
        session.execute(text(sql), {"snapshot": json.dumps(snapshot),
                                    "digest": sha256_json(snapshot), "meta": json.dumps(meta)})
        session.commit()
    code, output = registry_check(app)
    label = f"Fiche de lien v1 ({row.id})"
    assert code == 1
    assert f"ANOMALIE : Ligne modifiée : {label}" in output
    assert (f"Données saisies modifiées : {label}" in output) == snapshot_fault
    assert "Chaîne rompue" not in output  # the next row still names this row's stored hash


# --- Crash injection (R1, C1) ----------------------------------------------------------------

class _Proxy:
    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)


class _SessionWhoseCommitFails(_Proxy):
    def commit(self):
        raise OperationalError("COMMIT", {}, OSError("disque plein (panne simulée)"))


class _DbWhoseCommitFails(_Proxy):
    @property
    def session(self):
        return _SessionWhoseCommitFails(self._real.session)


def _fail_commit(monkeypatch):
    monkeypatch.setattr(produce, "db", _DbWhoseCommitFails(produce.db))


def _crash_after_blobs(monkeypatch):
    real = produce.append

    def append_then_crash(**kwargs):
        real(**kwargs)  # blobs written and fsynced, row flushed
        raise RuntimeError("arrêt brutal après l'écriture des fichiers (panne simulée)")

    monkeypatch.setattr(produce, "append", append_then_crash)


def _crash_in_render(monkeypatch):
    def render(*args, **kwargs):
        raise MemoryError("rendu interrompu (panne simulée)")

    monkeypatch.setattr(produce, "render", render)


FAULTS = {"commit-fails": (_fail_commit, True),
          "crash-after-blobs": (_crash_after_blobs, True),
          "crash-in-render": (_crash_in_render, False)}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_during_submit_leaves_no_row_and_the_draft_intact(app, monkeypatch, fault):
    inject, writes_blobs = FAULTS[fault]
    client = web_login(app, "orienteur@demo.example")
    draft_id = start_draft(client)
    data = sample_fiche()
    data["menage"]["demandeur"]["prenom"] = "Lina"
    fill_all(client, draft_id, data)
    files_before = blob_files(app)
    rows_before = len(entries(app))
    events_before = count(app, AuditEvent)

    inject(monkeypatch)
    response, key = submit_draft(client, draft_id)
    monkeypatch.undo()

    assert response.status_code == 500
    assert "incident" in response.get_data(as_text=True)
    assert len(entries(app)) == rows_before  # no row, so no row without its file
    assert count(app, Referral) == 2
    assert count(app, AuditEvent) == events_before  # the "create" event went with the row
    with ctx(app) as session:
        draft = session.get(Draft, draft_id)
        assert draft.status == DRAFT and draft.entry_id is None and draft.series_id is None
    new_files = blob_files(app) - files_before
    code, output = registry_check(app)
    assert "manquant" not in output and "Empreinte" not in output
    if writes_blobs:
        assert len(new_files) == 2  # the PDF and the DOCX of the lost attempt
        # Orphans inside their grace period: listed, not a fault (`registry gc` collects them).
        assert code == 0, output
        for digest in new_files:
            assert "EN ATTENTE : fichier sans version enregistrée" in output and digest in output
            assert f"ORPHELIN : fichier sans version enregistrée, sha256 {digest}" not in output
    else:
        assert new_files == set() and code == 0, output

    # The user sends again (same key, from the same page): one row, nothing lost.
    page = client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    retry = client.post(f"/brouillons/{draft_id}/envoyer",
                        data={"csrf_token": csrf, "idempotency_key": key})
    assert retry.status_code == 302
    assert len(entries(app)) == rows_before + 1
    code, output = registry_check(app)
    assert "manquant" not in output and "Empreinte" not in output and code == 0
    assert ("EN ATTENTE" in output) == writes_blobs and "ORPHELIN" not in output


# --- Concurrency (R3, R5) ----------------------------------------------------------------------

def _run_together(count_: int, target) -> list:
    barrier = threading.Barrier(count_)
    results: list = [None] * count_

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count_)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return results


def test_concurrent_api_double_submit_with_one_key_gives_one_row(app):
    rows_before = len(entries(app))
    headers = bearer(issue_token(app, "orienteur@demo.example"), **{
        "Idempotency-Key": "double-clic-2026-11-27"})
    data = sample_fiche()
    data["menage"]["demandeur"]["prenom"] = "Double"

    def post(_):
        # Each thread has its own client; each request its own app context, session and
        # SQLite connection (no context is left pushed by the fixture).
        response = app.test_client().post("/api/v1/fiches", json=data, headers=headers)
        return response.status_code, response.get_json(), response.headers.get("Location")

    results = _run_together(2, post)
    for result in results:
        assert not isinstance(result, BaseException), repr(result)
    statuses = sorted(r[0] for r in results)
    assert statuses in ([201, 201], [201, 409]), results
    created = [r for r in results if r[0] == 201]
    assert len({r[1]["id"] for r in created}) == 1
    assert len({r[2] for r in created}) == 1
    assert len(entries(app)) == rows_before + 1
    assert count(app, Referral) == 3
    with ctx(app) as session:
        drafts = session.execute(select(Draft).where(Draft.status == DRAFT)).scalars().all()
        assert drafts == []  # the losing request's own draft was dropped
    code, output = registry_check(app)
    assert "manquant" not in output and "Empreinte" not in output and "Chaîne" not in output


def test_concurrent_web_double_submit_of_one_draft_gives_one_row(app):
    """Two tabs of the same user send the same draft with the same key at the same time."""
    first = web_login(app, "orienteur@demo.example")
    second = web_login(app, "orienteur@demo.example")
    draft_id = start_draft(first)
    fill_all(first, draft_id, sample_fiche())
    page = first.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"',
                        c.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
                        ).group(1) for c in (first, second)]
    clients = [first, second]
    rows_before = len(entries(app))

    def send(i):
        response = clients[i].post(f"/brouillons/{draft_id}/envoyer",
                                   data={"csrf_token": tokens[i], "idempotency_key": key})
        return response.status_code, response.headers.get("Location")

    results = _run_together(2, send)
    for result in results:
        assert not isinstance(result, BaseException), repr(result)
    assert [r[0] for r in results] == [302, 302], results
    assert results[0][1] == results[1][1]
    assert len(entries(app)) == rows_before + 1
    with ctx(app) as session:
        assert session.get(Draft, draft_id).status != DRAFT
    code, output = registry_check(app)
    assert "manquant" not in output and "Empreinte" not in output


def test_blob_store_files_are_read_only_and_written_atomically(app, monkeypatch):
    """A crash inside the blob write leaves no partial file under its final name (R7)."""
    from service.registry.blobs import BlobStore

    store = BlobStore(app.config["BLOB_ROOT"])

    def fsync_fails(fd):
        raise OSError("fsync interrompu (panne simulée)")

    monkeypatch.setattr(os, "fsync", fsync_fails)
    with pytest.raises(OSError):
        store.put(b"%PDF-1.7 contenu jamais valide")
    monkeypatch.undo()
    digest = hashlib.sha256(b"%PDF-1.7 contenu jamais valide").hexdigest()
    assert not store.exists(digest)
    assert store.temp_files() == []
    assert registry_check(app)[0] == 0


def test_key_race_with_a_different_payload_is_a_conflict(app, monkeypatch):
    """The race made deterministic: the second request does not see the first row when it
    starts (as if both started together), then loses the insert on the UNIQUE key."""
    headers = bearer(issue_token(app, "orienteur@demo.example"),
                     **{"Idempotency-Key": "course-1"})
    client = app.test_client()
    first = client.post("/api/v1/fiches", json=sample_fiche(), headers=headers)
    assert first.status_code == 201
    real_by_key = produce.by_key
    calls = []

    def by_key_not_yet_committed(key):
        calls.append(key)
        return None if len(calls) == 1 else real_by_key(key)

    monkeypatch.setattr(produce, "by_key", by_key_not_yet_committed)
    other = sample_fiche()
    other["projet"]["secteurs"] = "Lattes"
    second = client.post("/api/v1/fiches", json=other, headers=headers)
    assert len(calls) == 2  # the insert lost on the UNIQUE key, then looked again
    assert len(entries(app)) == 3
    assert second.status_code == 409, (second.status_code, second.get_json().get("id"))


def test_gc_removes_old_orphans_only(app):
    import os
    import time

    from service.registry.store import blob_store

    with app.app_context():
        store = blob_store()
        old, fresh = store.put(b"orphan from a crash"), store.put(b"render in progress")
        past = time.time() - 3 * 86400
        os.utime(store.path(old), (past, past))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["registry", "gc", "--grace-hours", "24"])
    assert result.exit_code == 0 and "1 fichier(s) orphelin(s) supprimé(s)." in result.output
    with app.app_context():
        assert not blob_store().exists(old) and blob_store().exists(fresh)
