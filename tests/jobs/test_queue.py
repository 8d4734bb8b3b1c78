"""Long work on a real Celery worker and a real broker (Redis; RabbitMQ once).

The worker is a separate process started by the test (`celery -A tests.jobs.worker_app worker`),
sharing the test's database and blob root: what it does is read back from the jobs table, the
registry and the API, as a user would.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from service.app import create_app
from service.applications.calls import create_call, seed_call
from service.demo import seed_accounts
from service.extensions import db
from service.jobs import queue, runner
from service.jobs.models import DONE, FAILED, RUNNING, Job
from service.registry.check import run as registry_check
from service.registry.models import RegistryEntry
from service.timeutil import utcnow
from tests.applications.conftest import UPLOADS
from tests.conftest import PG_URL
from tests.golden.candidature.sample import MEMBER_SIRET, raw_application
from tests.helpers import sample_fiche
from tests.jobs import kinds  # noqa: F401  (the tests' job kinds, also in the worker)
from tests.security.harness import bearer, issue_token
from tests.uploads import pdfs

REDIS = "redis://127.0.0.1:6379/11"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"
VISIBILITY = 4  # seconds before an unacknowledged job goes to another worker


def _reachable(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Workers:
    """Start and kill worker processes on the test's database and broker."""

    def __init__(self, env: dict):
        self.env = env
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str) -> subprocess.Popen:
        log = open(self.env["WORKER_LOG"] + f".{name}", "w")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "tests.jobs.worker_app", "worker",
             "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "-n", f"{name}@%h"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def _drop_all(attempts: int = 5) -> None:
    """Empty the shared PostgreSQL database for a new world. A session of the previous world
    still closing (a worker's last heartbeat) can hold a lock the DROP needs, and PostgreSQL
    answers the crossing with a deadlock, aborting the DROP: wait, and drop again."""
    for attempt in range(attempts):
        try:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            return
        except OperationalError as exc:
            db.session.rollback()
            if "deadlock" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(1 + attempt)


def _world(tmp_path_factory, broker: str):
    root = tmp_path_factory.mktemp("jobs")
    url = PG_URL or f"sqlite:///{root / 'app.db'}"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "BLOB_ROOT": str(root / "objects"),
                "SECRET_KEY": "jobs-test", "HTTPS": False, "TESTING": True,
                "CELERY_BROKER_URL": broker, "CELERY_VISIBILITY_TIMEOUT": VISIBILITY,
                "DEFER_OUTPUTS": True}
    app = create_app(settings)
    with app.app_context():
        if PG_URL:
            _drop_all()
        upgrade()
        seed_accounts()
        db.session.remove()
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
           "FLASK_BLOB_ROOT": settings["BLOB_ROOT"], "FLASK_SECRET_KEY": "jobs-test",
           "FLASK_CELERY_BROKER_URL": broker,
           "FLASK_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
           "FLASK_SEAL_DIR": str(root / "cachet"), "WORKER_LOG": str(root / "worker.log"),
           "PYTHONPATH": os.getcwd()}
    return app, Workers(env)


def _close(app) -> None:
    """Close the pooled connections now: on PostgreSQL, a connection left to the garbage
    collector raises a ResourceWarning in whichever later test happens to collect it."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if not _reachable(6379):
        pytest.fail("Redis must run on 127.0.0.1:6379 (.ci/run starts it)")
    app, workers = _world(tmp_path_factory, REDIS)
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    yield app, workers
    workers.stop_all()
    _close(app)


def _wait(app, job_id: str, states: tuple[str, ...], seconds: float = 60) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.state in states:
                db.session.expunge(job)
                return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached {states}")


def _submit_fiche(app) -> tuple[dict, dict]:
    client = app.test_client()
    token = bearer(issue_token(app, "orienteur@demo.example"))
    response = client.post("/api/v1/fiches", json=sample_fiche(),
                           headers={**token, "Idempotency-Key": f"jobs-{time.time()}"})
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    return response.get_json(), token


def test_the_docx_of_a_fiche_is_made_by_a_worker_and_registered_once(world):
    app, workers = world
    worker = workers.start("w-docx")
    with app.app_context():
        referral, token = _submit_fiche(app)
        latest = referral["latest"]
        # The PDF is registered at once; the DOCX comes from the worker.
        assert [f["format"] for f in latest["files"]] == ["pdf"]
        job_id = db.session.execute(
            select(Job.id).where(Job.subject_id == latest["id"])).scalar_one()
    # Outside an app context: each request reads the database afresh, as in production.
    client = app.test_client()
    seen = set()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job_id}", headers=token).get_json()
        seen.add(state["state"])
        if state["state"] in (DONE, FAILED):
            break
        time.sleep(0.1)
    assert state["state"] == DONE, state
    with app.app_context():
        assert state["entry_id"] == latest["id"]
        assert seen <= {"en_attente", "en_cours", DONE}
        document = client.get(f"/api/v1/documents/{latest['id']}", headers=token).get_json()
        assert [f["format"] for f in document["files"]] == ["pdf", "docx"]
        docx = client.get(document["docx_url"], headers=token)
        xml = zipfile.ZipFile(io.BytesIO(docx.data)).read("word/document.xml").decode()
        assert sample_fiche()["menage"]["demandeur"]["nom"] in xml
        assert latest["verification_code"] in zipfile.ZipFile(io.BytesIO(docx.data)).read(
            "docProps/core.xml").decode()
        # A reader of the fiche reads its job; a user who may not read it gets a 404.
        plateforme = bearer(issue_token(app, "plateforme@demo.example"))
        assert client.get(f"/api/v1/jobs/{job_id}", headers=plateforme).status_code == 200
        samu = bearer(issue_token(app, "samu@demo.example"))
        assert client.get(f"/api/v1/jobs/{job_id}", headers=samu).status_code == 404
        report = registry_check()
        assert report.faults == [] and report.orphans == []
    workers.kill(worker)


def test_a_worker_killed_mid_job_leaves_it_to_another_and_one_version(world):
    app, workers = world
    first = workers.start("w-killed")
    with app.app_context():
        referral, _ = _submit_fiche(app)
        entry_id = referral["latest"]["id"]
        user = db.session.execute(select(RegistryEntry).where(
            RegistryEntry.id == entry_id)).scalar_one().created_by
        job = queue.enqueue("essai_lent", "entry", entry_id, user)
        job_id = job.id
    running = _wait(app, job_id, (RUNNING,))
    assert running.attempts == 1
    time.sleep(1.5)
    workers.kill(first)  # SIGKILL to the whole worker, its child in the middle of the job
    workers.start("w-second")
    done = _wait(app, job_id, (DONE, FAILED), seconds=90)
    assert done.state == DONE and done.attempts >= 2
    with app.app_context():
        entry = db.session.get(RegistryEntry, entry_id)
        assert [f.format for f in entry.files].count("csv") == 1
        report = registry_check()
        assert report.faults == [] and report.orphans == []


def test_limits_end_a_job_in_failure_and_the_worker_goes_on(world):
    app, workers = world
    workers.start("w-limits")
    with app.app_context():
        user = db.session.execute(select(RegistryEntry)).scalars().first().created_by
        stubborn = queue.enqueue("essai_tetu", "entry", "x", user).id
        greedy = queue.enqueue("essai_gourmand", "entry", "x", user).id
        quick = queue.enqueue("essai_rapide", "entry", "x", user).id
    failed = _wait(app, stubborn, (DONE, FAILED))
    assert failed.state == FAILED and failed.error == runner.TOO_LONG
    hog = _wait(app, greedy, (DONE, FAILED))
    assert hog.state == FAILED and hog.error == runner.TOO_BIG
    assert _wait(app, quick, (DONE, FAILED)).state == DONE


def _follow(client, url: str, token: dict, seconds: float = 180) -> tuple[dict, list[str]]:
    """Poll a job through the API as a client would: its last state and the messages seen."""
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(url, headers=token).get_json()
        if not seen or seen[-1] != f"{state['step']}/{state['steps']} {state['message']}":
            seen.append(f"{state['step']}/{state['steps']} {state['message']}")
        if state["state"] in (DONE, FAILED):
            return state, seen
        time.sleep(0.1)
    raise AssertionError(f"{url} never finished: {seen}")


def test_a_dossier_is_assembled_and_submitted_by_a_worker_once(world):
    """The request answers at once with the job; the worker assembles the dossier (progress
    seen through the API), registers it and its accusé once, even when asked twice."""
    app, workers = world
    with app.app_context():
        call = create_call(seed_call(deadline=utcnow() + timedelta(days=10)))
        db.session.commit()
        call_id = call.id
    client = app.test_client()
    token = bearer(issue_token(app, "candidat@demo.example"))
    made = client.post(f"/api/v1/appels/{call_id}/candidatures", headers=token).get_json()
    url = f"/api/v1/candidatures/{made['id']}"
    raw = raw_application()
    for section in ("identite", "groupement", "equipe", "note", "budget"):
        assert client.put(f"{url}/{section}", headers=token,
                          json={"data": raw[section]}).status_code == 200, section
    assert client.put(f"{url}/conventions/{MEMBER_SIRET}", headers=token,
                      json={"data": raw["conventions"][MEMBER_SIRET]}).status_code == 200
    for key, pages in UPLOADS.items():
        assert client.post(f"{url}/pieces/{key}", headers=token, data={
            "fichier": (io.BytesIO(pdfs.plain(pages, key)), f"{key}.pdf")},
            content_type="multipart/form-data").status_code == 201, key
    asked = {**token, "Idempotency-Key": "depot-par-un-processus"}
    sent = client.post(f"{url}/depot", headers=asked, json={})
    assert sent.status_code == 202 and sent.get_json()["state"] == "en_attente"
    assert client.post(f"{url}/depot", headers=asked, json={}).get_json()["id"] == \
        sent.get_json()["id"]
    worker = workers.start("w-dossier")
    state, seen = _follow(client, sent.get_json()["url"], token)
    workers.kill(worker)
    assert state["state"] == DONE, state
    assert any("Écriture du dossier" in m for m in seen), seen
    body = client.get(url, headers=token).get_json()
    assert body["dossier"]["version"] == 1 and body["accuse"]["id"] == state["entry_id"]
    assert client.get(body["dossier"]["pdf_url"], headers=token).data.startswith(b"%PDF")
    with app.app_context():
        dossiers = db.session.execute(select(RegistryEntry).where(
            RegistryEntry.kind == "dossier_candidature")).scalars().all()
        assert len(dossiers) == 1
        jobs = db.session.execute(select(Job).where(Job.kind == "depot_dossier")).scalars()
        assert len(list(jobs)) == 1


def test_a_bilan_is_built_by_a_worker(world):
    app, workers = world
    client = app.test_client()
    token = bearer(issue_token(app, "encadrant@demo.example"))
    asked = client.post("/api/v1/rapports/bilan_activites",
                        json={"debut": "2026-01-01", "fin": "2026-12-31"},
                        headers={**token, "Idempotency-Key": "bilan-par-un-processus"})
    assert asked.status_code == 202 and asked.get_json()["state"] == "en_attente"
    assert asked.get_json()["kind_label"] == (
        "Bilan d'activités du 1er janvier 2026 au 31 décembre 2026")
    worker = workers.start("w-bilan")
    state, seen = _follow(client, asked.get_json()["url"], token)
    workers.kill(worker)
    assert state["state"] == DONE, state
    assert any("Calcul des indicateurs" in m for m in seen), seen
    document = client.get(f"/api/v1/documents/{state['entry_id']}", headers=token).get_json()
    assert document["kind"] == "bilan_activites" and document["pdf_url"]


def test_rabbitmq_works_as_the_broker_too(tmp_path_factory):
    if not _reachable(5672):
        pytest.fail("RabbitMQ must run on 127.0.0.1:5672 (.ci/run starts it)")
    app, workers = _world(tmp_path_factory, RABBITMQ)
    try:
        workers.start("w-amqp")
        with app.app_context():
            referral, _ = _submit_fiche(app)
            job = db.session.execute(select(Job).where(
                Job.subject_id == referral["latest"]["id"])).scalar_one()
        assert _wait(app, job.id, (DONE, FAILED), seconds=90).state == DONE
    finally:
        workers.stop_all()
        _close(app)
        # The next tests' app configures the shared Celery object again.
