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

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from service.app import create_app
from service.demo import seed_accounts
from service.extensions import db
from service.jobs import queue, runner
from service.jobs.models import DONE, FAILED, RUNNING, Job
from service.registry.check import run as registry_check
from service.registry.models import RegistryEntry
from tests.conftest import PG_URL
from tests.helpers import sample_fiche
from tests.jobs import kinds  # noqa: F401  (the tests' job kinds, also in the worker)
from tests.security.harness import bearer, issue_token

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
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
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


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if not _reachable(6379):
        pytest.fail("Redis must run on 127.0.0.1:6379 (.ci/run starts it)")
    app, workers = _world(tmp_path_factory, REDIS)
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    yield app, workers
    workers.stop_all()


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
        # The next tests' app configures the shared Celery object again.
