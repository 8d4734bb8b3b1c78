"""Crash consistency (SECURITY C7 (i), R1): the process dies at each point of the write path,
then the registry is checked and the request retried.

A child process serves the request with `FLASK_FAULT_AT=<point>` (service/faults.py: an
`os._exit`, as a kill -9: no rollback, no cleanup, the database connection cut mid-transaction).
After each crash `registry check` passes (orphans of the lost attempt are only listed, inside
their grace period), and the client's retry with the same Idempotency-Key gives exactly one
version and one referral, or one sealed version.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from service.faults import EXIT_CODE
from service.referrals.models import Referral
from service.registry.models import SIGNED, RegistryEntry
from tests.security.harness import (
    bearer,
    count,
    ctx,
    dispose,
    issue_token,
    sample_fiche,
    seeded_app,
    structure_id,
)
from tests.web.test_household_documents import sample

ROOT = Path(__file__).resolve().parents[2]
CHILD = textwrap.dedent("""
    import json, os, sys
    from tests.security.harness import make_app
    app = make_app(os.environ["DB_URL"], __import__("pathlib").Path(os.environ["BLOBS"]),
                   PROPAGATE_EXCEPTIONS=False, SEAL_DIR=os.environ["SEAL_DIR"])
    request = json.loads(os.environ["REQUEST"])
    response = app.test_client().post(request["path"], json=request.get("json"),
                                      headers=request["headers"])
    print(response.status_code)
    sys.exit(0)
""")


@pytest.fixture
def app(seeded_template, tmp_path):
    app = seeded_app(seeded_template, tmp_path, PROPAGATE_EXCEPTIONS=False,
                     SEAL_DIR=str(tmp_path / "cachet"))
    yield app
    dispose(app)


def crash(app, point: str, path: str, headers: dict, body=None) -> int:
    """Send one request in a child process that dies at `point`; its exit code."""
    env = {**os.environ, "FLASK_FAULT_AT": point,
           "DB_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "BLOBS": app.config["BLOB_ROOT"], "SEAL_DIR": app.config["SEAL_DIR"],
           "REQUEST": json.dumps({"path": path, "json": body, "headers": headers}),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, timeout=300,
                          capture_output=True, text=True)
    return done.returncode


def registry_check(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["registry", "check"])
    return result.exit_code, result.output


def assert_no_fault(app) -> str:
    code, output = registry_check(app)
    assert code == 0, output
    assert "ANOMALIE" not in output and "ORPHELIN" not in output
    return output


FICHE_POINTS = ("after-render", "after-blobs", "in-chain-append", "before-commit",
                "after-commit")


@pytest.mark.parametrize("point", FICHE_POINTS)
def test_a_crash_at_each_point_of_a_submission_then_the_retry(app, point):
    headers = bearer(issue_token(app, "orienteur@demo.example"),
                     **{"Idempotency-Key": f"crash-{point}"})
    assert crash(app, point, "/api/v1/fiches", headers, sample_fiche()) == EXIT_CODE
    committed = point == "after-commit"
    assert count(app, RegistryEntry) == (1 if committed else 0)
    assert count(app, Referral) == (1 if committed else 0)
    output = assert_no_fault(app)
    assert ("EN ATTENTE" in output) == (point in ("after-blobs", "in-chain-append",
                                                  "before-commit"))
    retry = app.test_client().post("/api/v1/fiches", json=sample_fiche(), headers=headers)
    assert retry.status_code == 201, retry.get_data(as_text=True)[:500]
    assert count(app, RegistryEntry) == 1 and count(app, Referral) == 1
    assert_no_fault(app)


def test_a_crash_while_sealing_then_the_retry(app):
    token = bearer(issue_token(app, "accompagnant@demo.example"))
    client = app.test_client()
    referral = client.post("/api/v1/fiches", json=sample_fiche(), headers=bearer(
        issue_token(app, "orienteur@demo.example"))).get_json()
    plateforme = bearer(issue_token(app, "plateforme@demo.example"))
    admitted = client.post(f"/api/v1/fiches/{referral['id']}/decision", headers=plateforme,
                           json={"decision": "admis", "version": 1, "team_structure_id":
                                 structure_id(app, "accompagnant@demo.example")}).get_json()
    protocol = client.post(f"/api/v1/menages/{admitted['household_id']}/documents/"
                           "protocole_crise", json=sample("protocole_crise"),
                           headers=token).get_json()
    for who, quality in (("Nadia Ferhat", "personne"), ("Julien Castel", "referent")):
        signed = client.post(f"/api/v1/documents/{protocol['id']}/signatures", headers=token,
                             json={"nom": who, "qualite": quality, "methode": "nom_tape"})
        assert signed.status_code == 201, signed.get_json()
    before = count(app, RegistryEntry)
    assert crash(app, "seal-after-render", f"/api/v1/documents/{protocol['id']}/sceau",
                 token) == EXIT_CODE
    assert count(app, RegistryEntry) == before
    assert_no_fault(app)
    sealed = client.post(f"/api/v1/documents/{protocol['id']}/sceau", headers=token)
    assert sealed.status_code == 201 and sealed.get_json()["status"] == SIGNED
    with ctx(app) as session:
        signed_versions = session.execute(select(RegistryEntry).where(
            RegistryEntry.status == SIGNED)).scalars().all()
        assert len(signed_versions) == 1
    assert_no_fault(app)
