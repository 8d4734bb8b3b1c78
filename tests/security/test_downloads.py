"""Downloads check the bytes they serve (issue 12, defect 4; SECURITY R2).

Before, a stored file with one flipped byte was served with 200 as if it were the registered
document, and a deleted one gave a 500 « Internal Server Error ». Now the SHA-256 is computed
as the file is read: a mismatch or a missing file is a French error page (JSON in the API),
nothing of the wrong file is sent, the refusal is audited and the administrators get one
e-mail per file and fault.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import pytest
from sqlalchemy import select

from service.registry import downloads
from service.registry.blobs import FilesystemBlobStore
from service.registry.models import AuditEvent, RegistryEntry
from tests.security.harness import (
    bearer,
    ctx,
    dispose,
    issue_token,
    sample_fiche,
    seeded_app,
    web_login,
)

REFUSED = "Ce fichier ne peut pas être téléchargé"


@pytest.fixture
def app(seeded_template, tmp_path):
    app = seeded_app(seeded_template, tmp_path, PROPAGATE_EXCEPTIONS=False)
    yield app
    dispose(app)


@pytest.fixture
def sent(app):
    """One fiche registered through the API; returns its registry row."""
    token = bearer(issue_token(app, "orienteur@demo.example"))
    response = app.test_client().post("/api/v1/fiches", json=sample_fiche(), headers=token)
    assert response.status_code == 201
    with ctx(app) as session:
        entry = session.execute(select(RegistryEntry)).scalar_one()
        files = {f.format: (f.sha256, f.size) for f in entry.files}
        return {"id": entry.id, "files": files, "token": token}


@pytest.fixture
def emails(monkeypatch):
    """The alert e-mails queued for the worker."""
    queued = []
    monkeypatch.setattr("service.operations.downloads.send_message.apply_async",
                        lambda args, **kwargs: queued.append(args))
    return queued


def blob(app, digest: str) -> Path:
    path = Path(app.config["BLOB_ROOT"]) / digest[:2] / digest
    path.chmod(0o640)
    return path


def flip_a_byte(app, digest: str) -> None:
    path = blob(app, digest)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def integrity_events(app) -> list[dict]:
    with ctx(app) as session:
        return [e.details for e in session.execute(
            select(AuditEvent).where(AuditEvent.action == "integrity_fault")).scalars()]


def test_an_intact_file_is_served_whole(app, sent):
    web = web_login(app, "orienteur@demo.example")
    for fmt, (digest, size) in sent["files"].items():
        response = web.get(f"/documents/{sent['id']}/telecharger.{fmt}")
        assert response.status_code == 200
        assert hashlib.sha256(response.data).hexdigest() == digest
        assert response.headers["Content-Length"] == str(size)
    api = app.test_client().get(f"/api/v1/documents/{sent['id']}/pdf", headers=sent["token"])
    assert api.status_code == 200 and hashlib.sha256(api.data).hexdigest() == \
        sent["files"]["pdf"][0]


@pytest.mark.parametrize("fault", ["flipped-byte", "deleted", "truncated"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_damaged_file_is_refused_in_french_and_the_admins_are_told(app, sent, emails, fault,
                                                                      fmt):
    digest, _ = sent["files"][fmt]
    if fault == "flipped-byte":
        flip_a_byte(app, digest)
    elif fault == "deleted":
        blob(app, digest).unlink()
    else:
        path = blob(app, digest)
        path.write_bytes(path.read_bytes()[:-10])
    web = web_login(app, "orienteur@demo.example")
    response = web.get(f"/documents/{sent['id']}/telecharger.{fmt}")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 500
    assert REFUSED in page and "Fichier indisponible" in page
    assert response.headers["Content-Type"].startswith("text/html")
    assert b"%PDF" not in response.data and b"PK\x03\x04" not in response.data
    assert "Internal Server Error" not in page and "Traceback" not in page

    api = app.test_client().get(f"/api/v1/documents/{sent['id']}/{fmt}",
                                headers=sent["token"])
    assert api.status_code == 500 and api.get_json()["message"].startswith(REFUSED)

    events = integrity_events(app)
    assert len(events) == 2 and {e["format"] for e in events} == {fmt}
    assert {e["problem"] for e in events} == {"manquant" if fault == "deleted" else "altéré"}
    # One e-mail to the administrator, not one per attempt; it names no person.
    assert len(emails) == 1
    to, subject, body = emails[0]
    assert to == "admin@demo.example" and "téléchargement refusé" in subject
    assert digest in body and sent["id"] in body and "Nguyễn" not in body
    with ctx(app) as session:  # a refused download is not recorded as a download
        downloads_done = session.execute(select(AuditEvent).where(
            AuditEvent.action == "download")).scalars().all()
        assert downloads_done == []


def test_a_large_damaged_file_never_reaches_the_reader_whole(app, sent, emails, monkeypatch):
    """A file too large to be checked before sending is streamed with its last chunk held
    back: the mismatch stops the transfer, so the copy received is incomplete."""
    monkeypatch.setattr(downloads, "IN_MEMORY_LIMIT", 1024)
    real_chunks = FilesystemBlobStore.iter_chunks
    monkeypatch.setattr(FilesystemBlobStore, "iter_chunks",
                        lambda self, digest, chunk_size=0: real_chunks(self, digest, 1024))
    digest, size = sent["files"]["pdf"]
    flip_a_byte(app, digest)
    web = web_login(app, "orienteur@demo.example")
    response = web.get(f"/documents/{sent['id']}/telecharger.pdf", buffered=False)
    assert response.headers["Content-Length"] == str(size)
    received = b""
    with pytest.raises(downloads.FileFault):
        for chunk in response.response:
            received += chunk
    assert len(received) < size
    assert len(integrity_events(app)) == 1 and len(emails) == 1
