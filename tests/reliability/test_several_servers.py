"""Several application servers: nothing generated per machine in production, /sante for the
load balancer, the blob store behind its interface with streamed reads."""

from __future__ import annotations

import hashlib
import socket
from datetime import timedelta

import pytest

from service.app import create_app
from service.config import ConfigurationError
from service.extensions import db
from service.jobs import heartbeat
from service.jobs.heartbeat import WorkerHeartbeat
from service.registry.blobs import CHUNK_SIZE, BlobMissing, BlobStorage, FilesystemBlobStore
from service.registry.store import blob_store
from service.timeutil import utcnow
from tests.conftest import csrf_from

STRONG_KEY = "k" * 40


def _production(tmp_path, **settings):
    seal = tmp_path / "cachet.p12"
    seal.write_bytes(b"PKCS#12 placeholder: read by the sealer when first used")
    (tmp_path / "blobs").mkdir(exist_ok=True)
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
              "ENV": "production", "SECRET_KEY": STRONG_KEY, "SEAL_PKCS12_PATH": str(seal),
              "BLOB_ROOT": str(tmp_path / "blobs"),
              "PUBLIC_BASE_URL": "https://documents.logement-dabord.example",
              "ANTIVIRUS_CLAMD": "unix:/run/clamav/clamd.ctl"}
    return create_app({**config, **settings})


def test_production_refuses_to_start_without_the_shared_settings(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "ENV": "production"})
    message = str(refused.value)
    assert "FLASK_ENV=production" in message
    for setting in ("FLASK_SECRET_KEY", "FLASK_SEAL_PKCS12_PATH", "FLASK_BLOB_ROOT",
                    "FLASK_ANTIVIRUS_CLAMD"):
        assert f"  - {setting}: " in message, setting


def test_production_names_each_wrong_setting(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        _production(tmp_path, SECRET_KEY="court", BLOB_ROOT=str(tmp_path / "absent"))
    message = str(refused.value)
    assert "FLASK_SECRET_KEY" in message and "at least 32 characters" in message
    assert f"FLASK_BLOB_ROOT: {tmp_path / 'absent'} is not a folder" in message
    assert "FLASK_SEAL_PKCS12_PATH" not in message
    assert not (tmp_path / "absent").exists()  # never created: it is a mount point
    with pytest.raises(ConfigurationError, match="FLASK_SEAL_PKCS12_PATH: .* cannot be read"):
        _production(tmp_path, SEAL_PKCS12_PATH=str(tmp_path / "nulle-part.p12"))


def test_production_reads_flask_env_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_ENV", "production")
    with pytest.raises(ConfigurationError, match="FLASK_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("FLASK_ENV", "staging")
    with pytest.raises(ConfigurationError, match="development or production"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_every_setting_given(tmp_path):
    app = _production(tmp_path)
    assert app.config["SECRET_KEY"] == STRONG_KEY
    assert app.config["BLOB_ROOT"] == str(tmp_path / "blobs")


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_sante_is_healthy_with_a_recent_worker_heartbeat(app, client):
    heartbeat.beat("celery@serveur-travail-1")
    response = client.get("/sante")
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["status"] == "ok"
    assert {k: v["ok"] for k, v in body["checks"].items()} == {
        "database": True, "broker": True, "blob_store": True, "workers": True}
    assert body["checks"]["workers"]["age_seconds"] <= 5
    assert "serveur-travail-1" not in response.get_data(as_text=True)  # no host names
    assert response.headers["Cache-Control"] == "no-store, private"


def test_sante_checks_the_real_redis_broker(app, client):
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/0"
    heartbeat.beat("celery@w1")
    body = client.get("/sante").get_json()
    assert body["checks"]["broker"] == {"ok": True} and body["status"] == "ok"


def test_sante_is_503_when_the_broker_is_down(app, client):
    app.config["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{_unused_port()}/0"
    heartbeat.beat("celery@w1")
    response = client.get("/sante")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"] == {"ok": False}
    assert body["checks"]["database"] == {"ok": True}
    assert "127.0.0.1" not in response.get_data(as_text=True)  # the URL is not disclosed


def test_sante_is_503_when_the_blob_store_is_not_writable(app, client, tmp_path):
    heartbeat.beat("celery@w1")
    (tmp_path / "pas-un-dossier").write_text("a file where the volume should be")
    app.config["BLOB_ROOT"] = str(tmp_path / "pas-un-dossier")
    response = client.get("/sante")
    assert response.status_code == 503
    assert response.get_json()["checks"]["blob_store"] == {"ok": False}


def test_sante_reports_late_workers_as_degraded_but_serving(app, client):
    assert client.get("/sante").get_json()["checks"]["workers"] == {
        "ok": False, "last_heartbeat": None}
    db.session.add(WorkerHeartbeat(worker="celery@w1", at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    response = client.get("/sante")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["workers"]["ok"] is False
    assert 3590 <= body["checks"]["workers"]["age_seconds"] <= 3700
    heartbeat.beat("celery@w1")  # the same worker's row is updated, not duplicated
    assert db.session.query(WorkerHeartbeat).count() == 1
    assert client.get("/sante").get_json()["status"] == "ok"


def test_heartbeats_keep_the_latest_of_every_worker(app):
    assert heartbeat.last() is None
    heartbeat.beat("celery@w1")
    heartbeat.beat("celery@w2")
    last = heartbeat.last()
    assert last.worker == "celery@w2" and last.age_seconds() < 5


def test_the_blob_store_streams_what_it_stores(app):
    store = blob_store()
    assert isinstance(store, BlobStorage) and isinstance(store, FilesystemBlobStore)
    data = bytes(range(256)) * (3 * CHUNK_SIZE // 256) + b"fin"
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    chunks = list(store.iter_chunks(digest))
    assert len(chunks) == 4 and all(len(c) <= CHUNK_SIZE for c in chunks)
    assert b"".join(chunks) == data and store.size(digest) == len(data)
    with store.open(digest) as fh:
        assert fh.read(3) == data[:3]
    absent = "0" * 64
    for read in (store.open, store.iter_chunks, store.size):
        with pytest.raises(BlobMissing):
            read(absent)
    store.check()
    assert list(store.all_digests()) == [digest]  # the check leaves nothing behind
    assert store.temp_files() == []


def test_throttling_and_rate_limits_hold_across_servers(app, accounts):
    """Two application objects on one database, as two servers: what one counted, the other
    sees (login failures, verification lookups)."""
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "BLOB_ROOT": app.config["BLOB_ROOT"], "SECRET_KEY": "test-secret",
                        "HTTPS": False, "TESTING": True, "VERIFY_RATE_LIMIT": 2})
    app.config["VERIFY_RATE_LIMIT"] = 2
    first, second = app.test_client(), other.test_client()

    def fail_login(client):
        page = client.get("/connexion").get_data(as_text=True)
        return client.post("/connexion", data={
            "email": "orienteur@demo.example", "password": "mauvais",
            "csrf_token": csrf_from(page)}).get_data(as_text=True)

    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert "mot de passe incorrect" in fail_login(first)
    assert "Trop de tentatives de connexion" in fail_login(second)

    assert first.get("/verifier/K7QF-9M2X-P4TA").status_code == 200
    assert second.get("/verifier/K7QF-9M2X-P4TA").status_code == 200
    assert first.get("/verifier/K7QF-9M2X-P4TA").status_code == 429
    assert second.get("/verifier/K7QF-9M2X-P4TA").status_code == 429
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
