"""`make run`'s server script: gunicorn and one worker on the broker kept in files, no server.

The embedded default needs nothing installed or running besides the service: the DOCX of a
fiche sent through the API is made by the worker the script started, and downloadable.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(url: str, token: str, body: dict | None = None, key: str | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")  # noqa: S310
    request.add_header("Authorization", f"Bearer {token}")
    if data:
        request.add_header("Content-Type", "application/json")
        request.add_header("Idempotency-Key", key or "make-run-1")
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, response.read()


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
           "FLASK_BLOB_ROOT": str(tmp_path / "objects"), "FLASK_SECRET_KEY": "make-run",
           "FLASK_CELERY_DATA_FOLDER": str(tmp_path / "celery"),
           "FLASK_SEAL_DIR": str(tmp_path / "cachet"), "FLASK_APP": "service.app",
           "PORT": str(port)}
    env.pop("FLASK_CELERY_BROKER_URL", None)
    for command in (["init-db"], ["demo-data"]):
        subprocess.run([FLASK, *command], env=env, cwd=ROOT, check=True,  # noqa: S603
                       capture_output=True)
    made = subprocess.run([FLASK, "create-token", "--email", "orienteur@demo.example"],  # noqa: S603
                          env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    token = made.stdout.strip().split()[-1]
    server = subprocess.Popen(["bash", "scripts/serve.sh"], env=env, cwd=ROOT,  # noqa: S603 S607
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/connexion", timeout=2)  # noqa: S310
            break
        except OSError:
            time.sleep(0.5)
    yield base, token
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def test_the_served_default_makes_the_docx_through_its_own_worker(served):
    base, token = served
    sample = json.loads((ROOT / "tests/golden/fiche_de_lien/input.json").read_text())
    status, body = _request(base + "/api/v1/fiches", token, sample)
    assert status == 201
    latest = json.loads(body)["latest"]
    assert [f["format"] for f in latest["files"]] == ["pdf"]
    job_url = base + latest["jobs"][0]["url"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = json.loads(_request(job_url, token)[1])
        if state["state"] in ("termine", "echec"):
            break
        time.sleep(0.5)
    assert state["state"] == "termine", state
    status, document = _request(base + f"/api/v1/documents/{latest['id']}", token)
    docx_url = json.loads(document)["docx_url"]
    status, docx = _request(base + docx_url, token)
    assert status == 200 and docx[:2] == b"PK"
