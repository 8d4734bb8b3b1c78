"""The write path under contention (issue 12, defects 5, 6 and 10).

- SQLite served by several processes: nothing is rendered while the database's write lock is
  held, a burst of submissions is served, and a lock that cannot be had answers a French 503
  with Retry-After instead of a 500 « database is locked ».
- A collision on the hash chain is retried without rendering again, so it leaves no orphan
  file; files of a transaction that did not commit are orphans in their grace period, which
  `registry check` lists without reporting a fault until `registry gc` may collect them.
- One draft, one referral, whatever the order of a retried append and a second sending.
"""

from __future__ import annotations

import html
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.documents import produce
from service.documents.models import SUBMITTED, Draft
from service.referrals.models import Referral
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from tests.conftest import PG_URL
from tests.helpers import form_fields, start_draft
from tests.security.harness import (
    bearer,
    count,
    ctx,
    dispose,
    issue_token,
    page_csrf,
    sample_fiche,
    seeded_app,
    web_login,
)

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite's single-writer lock")


@pytest.fixture
def app(seeded_template, tmp_path):
    app = seeded_app(seeded_template, tmp_path, PROPAGATE_EXCEPTIONS=False)
    yield app
    dispose(app)


def database_file(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


def registry_check(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["registry", "check"])
    return result.exit_code, result.output


def api_draft(app, token: dict, data: dict | None = None) -> str:
    created = app.test_client().post("/api/v1/brouillons", json={
        "data": data if data is not None else sample_fiche()}, headers=token)
    assert created.status_code == 201, created.get_data(as_text=True)[:500]
    return created.get_json()["id"]


# --- SQLite as a multi-process server (defect 10) -----------------------------------------

@sqlite_only
def test_nothing_is_rendered_while_the_write_lock_is_held(app, monkeypatch):
    """While a document renders (seconds), another process can still write at once."""
    path = database_file(app)
    real_render = produce.render
    seen = []

    def render_and_probe(*args, **kwargs):
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # the write lock, or "database is locked" now
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError as exc:
            seen.append(str(exc))
        finally:
            other.close()
        return real_render(*args, **kwargs)

    monkeypatch.setattr(produce, "render", render_and_probe)
    token = bearer(issue_token(app, "orienteur@demo.example"))
    assert app.test_client().post("/api/v1/fiches", json=sample_fiche(),
                                  headers=token).status_code == 201
    draft_id = api_draft(app, token)
    assert app.test_client().post(f"/api/v1/brouillons/{draft_id}/envoi",
                                  headers=token).status_code == 201
    assert seen == ["free", "free"]


@sqlite_only
def test_a_burst_of_submissions_on_sqlite_is_served(app):
    """16 API submissions sent 8 at a time: every one registered, none refused."""
    token = bearer(issue_token(app, "orienteur@demo.example"))
    results: list = []

    def send():
        response = app.test_client().post("/api/v1/fiches", json=sample_fiche(), headers=token)
        results.append(response.status_code)

    for _ in range(2):
        threads = [threading.Thread(target=send) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert sorted(results) == [201] * 16, results
    assert count(app, RegistryEntry) == 16 and count(app, Referral) == 16
    assert registry_check(app)[0] == 0


@sqlite_only
def test_a_lock_that_cannot_be_had_is_a_french_503_with_retry_after(seeded_template, tmp_path):
    app = seeded_app(seeded_template, tmp_path, PROPAGATE_EXCEPTIONS=False,
                     SQLITE_BUSY_TIMEOUT_MS=200)
    try:
        token = bearer(issue_token(app, "orienteur@demo.example"))
        web = web_login(app, "orienteur@demo.example")
        draft_id = start_draft(web)
        csrf = page_csrf(web, f"/brouillons/{draft_id}/origine")
        holder = sqlite3.connect(database_file(app), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            api = app.test_client().post("/api/v1/fiches", json=sample_fiche(), headers=token)
            data = form_fields(sample_fiche()["origine"])
            data.add("csrf_token", csrf)
            data.add("action", "save")
            page = web.post(f"/brouillons/{draft_id}/origine", data=data)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert api.status_code == 503 and api.headers["Retry-After"].isdigit()
        assert "réessayez" in api.get_json()["message"]
        assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
        text = html.unescape(page.get_data(as_text=True))
        assert "Le service est très sollicité" in text and "locked" not in text
        assert count(app, RegistryEntry) == 0
        # The lock released, the same requests go through.
        assert app.test_client().post("/api/v1/fiches", json=sample_fiche(),
                                      headers=token).status_code == 201
    finally:
        dispose(app)


# --- A chain collision is retried without rendering again (defect 5) -----------------------

def _collide_once(monkeypatch):
    """The first append loses the race for its place in the hash chain, as when two writes
    take the same `seq` at once: the row is flushed, then the INSERT is refused."""
    real_append = produce.append
    calls = []

    def append_then_collide(**kwargs):
        calls.append(kwargs["entry_id"])
        entry = real_append(**kwargs)
        if len(calls) == 1:
            raise IntegrityError("INSERT INTO registry_entries", {},
                                 Exception("UNIQUE constraint failed: registry_entries.seq"))
        return entry

    monkeypatch.setattr(produce, "append", append_then_collide)
    return calls


def _count_renders(monkeypatch) -> list:
    real_render = produce.render
    renders = []

    def counted(*args, **kwargs):
        renders.append(args[2]["registry_id"])
        return real_render(*args, **kwargs)

    monkeypatch.setattr(produce, "render", counted)
    return renders


def test_a_chain_collision_is_retried_without_rendering_again(app, monkeypatch):
    renders = _count_renders(monkeypatch)
    appends = _collide_once(monkeypatch)
    token = bearer(issue_token(app, "orienteur@demo.example"))
    response = app.test_client().post("/api/v1/fiches", json=sample_fiche(), headers=token)
    monkeypatch.undo()
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    assert len(renders) == 1 and len(appends) == 2
    assert appends[0] == appends[1]  # the same version, as printed, is registered
    assert count(app, RegistryEntry) == 1 and count(app, Referral) == 1
    code, output = registry_check(app)
    assert code == 0, output
    assert "ORPHELIN" not in output and "EN ATTENTE" not in output


def test_orphans_in_their_grace_period_are_listed_not_faults(app):
    with app.app_context():
        store = blob_store()
        fresh = store.put(b"%PDF-1.7 written by a transaction that rolled back")
        old = store.put(b"%PDF-1.7 left by a crash two days ago")
        past = time.time() - 2 * 86400
        os.utime(store.path(old), (past, past))
    code, output = registry_check(app)
    assert code == 1, output  # the old one is a fault
    assert f"ORPHELIN : fichier sans version enregistrée, sha256 {old}" in output
    assert "EN ATTENTE : fichier sans version enregistrée depuis moins de 24\u00a0h" in output
    assert fresh in output and f"ORPHELIN : fichier sans version enregistrée, sha256 {fresh}" \
        not in output
    result = app.test_cli_runner().invoke(args=["registry", "gc"])
    assert result.exit_code == 0 and "1 fichier(s) orphelin(s) supprimé(s)." in result.output
    code, output = registry_check(app)
    assert code == 0, output  # only the fresh one is left, inside its grace period
    assert "Registre intègre." in output and fresh in output


def test_a_fresh_temporary_file_is_pending_an_old_one_a_fault(app):
    token = bearer(issue_token(app, "orienteur@demo.example"))
    assert app.test_client().post("/api/v1/fiches", json=sample_fiche(),
                                  headers=token).status_code == 201
    folder = next(p for p in Path(app.config["BLOB_ROOT"]).iterdir() if p.is_dir())
    temp = folder / ".tmp-ecriture-en-cours"
    temp.write_bytes(b"partial")
    code, output = registry_check(app)
    assert code == 0 and "EN ATTENTE : fichier temporaire .tmp-ecriture-en-cours" in output
    past = time.time() - 2 * 86400
    os.utime(temp, (past, past))
    code, output = registry_check(app)
    assert code == 1 and "Fichier temporaire abandonné : .tmp-ecriture-en-cours" in output


# --- One draft, one referral (defect 6) -----------------------------------------------------

def _send_during_the_first_append(app, monkeypatch, token, draft_id, other_key):
    """This request's first append loses its place in the chain to another request sending
    the same draft (the page sent again, another tab), which commits first; then it retries.

    The other request runs before this one has written anything, as on PostgreSQL where both
    write at once (SQLite would make it wait for this one's transaction).
    """
    real_register = produce._register
    calls = []
    other = {}

    def other_request():
        response = app.test_client().post(f"/api/v1/brouillons/{draft_id}/envoi",
                                          headers={**token, "Idempotency-Key": other_key})
        other["status"], other["body"] = response.status_code, response.get_json()

    def register_while_another_sends(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            thread = threading.Thread(target=other_request)
            thread.start()
            thread.join(timeout=120)
            raise IntegrityError("INSERT INTO registry_entries", {},
                                 Exception("UNIQUE constraint failed: registry_entries.seq"))
        return real_register(*args, **kwargs)

    monkeypatch.setattr(produce, "_register", register_while_another_sends)
    return other


@pytest.mark.parametrize("same_key", [True, False], ids=["retry-same-key", "resend-new-key"])
def test_a_draft_sent_again_during_a_retried_append_gives_one_referral(app, monkeypatch,
                                                                         same_key):
    token = bearer(issue_token(app, "orienteur@demo.example"))
    draft_id = api_draft(app, token)
    first_key, other_key = "envoi-1", ("envoi-1" if same_key else "envoi-2")
    other = _send_during_the_first_append(app, monkeypatch, token, draft_id, other_key)
    response = app.test_client().post(f"/api/v1/brouillons/{draft_id}/envoi",
                                      headers={**token, "Idempotency-Key": first_key})
    monkeypatch.undo()
    assert other["status"] == 201, other
    if same_key:  # the retry of the same request replays the one the other registered
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["id"] == other["body"]["id"]
    else:  # a second sending of a sent draft is refused, never registered twice
        assert response.status_code == 409, response.get_json()
        assert "déjà été envoyé" in response.get_json()["message"]
    assert count(app, Referral) == 1 and count(app, RegistryEntry) == 1
    with ctx(app) as session:
        draft = session.get(Draft, draft_id)
        entry = session.execute(select(RegistryEntry)).scalar_one()
        assert draft.status == SUBMITTED and draft.entry_id == entry.id


def test_a_crashed_send_then_a_new_send_then_the_retry_give_one_referral(app, monkeypatch):
    """A render interrupted (the worker killed), the page sent again, then the first request
    retried by the client: one referral, and the retry is not registered a second time."""
    token = bearer(issue_token(app, "orienteur@demo.example"))
    draft_id = api_draft(app, token)

    def killed(*args, **kwargs):
        raise MemoryError("rendu interrompu (panne simulée)")

    monkeypatch.setattr(produce, "render", killed)
    crashed = app.test_client().post(f"/api/v1/brouillons/{draft_id}/envoi",
                                     headers={**token, "Idempotency-Key": "k-crash"})
    monkeypatch.undo()
    assert crashed.status_code == 500
    resent = app.test_client().post(f"/api/v1/brouillons/{draft_id}/envoi",
                                    headers={**token, "Idempotency-Key": "k-page"})
    retried = app.test_client().post(f"/api/v1/brouillons/{draft_id}/envoi",
                                     headers={**token, "Idempotency-Key": "k-crash"})
    assert resent.status_code == 201 and retried.status_code == 409
    assert count(app, Referral) == 1 and count(app, RegistryEntry) == 1
    # The draft is no longer offered in « Mes fiches ».
    web = web_login(app, "orienteur@demo.example")
    with ctx(app) as session:
        assert session.get(Draft, draft_id).status == SUBMITTED
    assert f"/brouillons/{draft_id}" not in web.get("/fiches").get_data(as_text=True)


def test_two_tabs_sending_one_draft_at_once_with_two_keys_give_one_referral(app):
    """Two pages of the same draft, each with its own key, sent at the same moment."""
    first = bearer(issue_token(app, "orienteur@demo.example"))
    draft_id = api_draft(app, first)
    barrier = threading.Barrier(2)
    results = []

    def send(key):
        barrier.wait(timeout=30)
        response = app.test_client().post(f"/api/v1/brouillons/{draft_id}/envoi",
                                          headers={**first, "Idempotency-Key": key})
        results.append(response.status_code)

    threads = [threading.Thread(target=send, args=(f"k-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == [201, 409], results
    assert count(app, Referral) == 1 and count(app, RegistryEntry) == 1
