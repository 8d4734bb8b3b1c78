"""The address printed in the QR codes follows the port of `make run` unless it is set, and
production refuses to start without an explicit public address (issue 11, item 5)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from service.app import create_app
from service.config import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]


def _demo_data_command(port: int) -> str:
    """The shell command `make run PORT=…` loads the demo documents with (not executed)."""
    printed = subprocess.run(["make", "-n", "run", f"PORT={port}"], cwd=ROOT, text=True,
                             capture_output=True, check=True).stdout
    joined = re.sub(r"\\\n\s*", " ", printed)
    return next(line for line in joined.splitlines() if "flask demo-data" in line)


@pytest.mark.parametrize("environment, printed", [
    ({}, "http://127.0.0.1:8123"),
    ({"FLASK_PUBLIC_BASE_URL": "https://documents.exemple.fr"}, "https://documents.exemple.fr"),
])
def test_make_run_derives_the_public_address_from_the_port(environment, printed):
    command = _demo_data_command(8123).replace(".venv/bin/flask demo-data",
                                               "printenv FLASK_PUBLIC_BASE_URL")
    env = {k: v for k, v in os.environ.items() if k != "FLASK_PUBLIC_BASE_URL"}
    out = subprocess.run(["bash", "-c", command], env={**env, **environment}, text=True,
                         capture_output=True, check=True).stdout.strip()
    assert out == printed


def test_the_server_script_derives_it_the_same_way():
    line = next(line for line in (ROOT / "scripts" / "serve.sh").read_text().splitlines()
                if line.startswith("export FLASK_PUBLIC_BASE_URL="))
    env = {k: v for k, v in os.environ.items() if k != "FLASK_PUBLIC_BASE_URL"}
    out = subprocess.run(["bash", "-c", f"PORT=8123; {line}; echo $FLASK_PUBLIC_BASE_URL"],
                         env=env, text=True, capture_output=True, check=True).stdout.strip()
    assert out == "http://127.0.0.1:8123"


@pytest.fixture
def production(tmp_path) -> dict:
    seal = tmp_path / "cachet.p12"
    seal.write_bytes(b"not read at start")
    blobs = tmp_path / "objets"
    blobs.mkdir()
    return {"ENV": "production", "SECRET_KEY": "k" * 64, "SEAL_PKCS12_PATH": str(seal),
            "BLOB_ROOT": str(blobs), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db",
            "ANTIVIRUS_CLAMD": "unix:/run/clamav/clamd.ctl"}


@pytest.mark.parametrize("address", [None, "http://127.0.0.1:5000", "http://documents.fr", ""])
def test_production_refuses_to_start_without_an_explicit_https_address(production, address):
    settings = dict(production)
    if address is not None:
        settings["PUBLIC_BASE_URL"] = address
    with pytest.raises(ConfigurationError) as exc:
        create_app(settings)
    assert "FLASK_PUBLIC_BASE_URL" in str(exc.value)


def test_production_starts_with_its_public_address(production):
    app = create_app({**production, "PUBLIC_BASE_URL": "https://documents.logement-dabord.fr"})
    assert app.config["PUBLIC_BASE_URL"] == "https://documents.logement-dabord.fr"
