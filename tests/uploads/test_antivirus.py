"""Uploads are scanned by a real ClamAV daemon before anything reads them (SECURITY P13).

The daemon runs for this module with one signature of its own, the EICAR test file's (an
`.ndb` body signature, so it is found anywhere in a file): the official databases need a
download these machines cannot make, and the test file is what every antivirus test uses.
Infected: refused beside the field in French, kept in the quarantine folder, stored nowhere
else. Scanner down: refused too (fail closed), nothing stored. Clean: accepted.
"""

from __future__ import annotations

import html
import json
import shutil
import socket
import subprocess
import time

import pytest
from sqlalchemy import func, select

from service.extensions import db
from service.uploads import antivirus
from service.uploads.models import Upload
from tests.applications.conftest import call, start, upload  # noqa: F401  (fixture)
from tests.conftest import login
from tests.uploads import pdfs

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    """A clamd on a Unix socket of its own, with the EICAR signature only."""
    binary = shutil.which("clamd") or "/usr/sbin/clamd"
    root = tmp_path_factory.mktemp("clamd")
    (root / "db").mkdir()
    (root / "db" / "essai.ndb").write_text(
        f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n", encoding="ascii")
    socket_path = root / "clamd.sock"
    (root / "clamd.conf").write_text(
        f"Foreground yes\nLocalSocket {socket_path}\nDatabaseDirectory {root / 'db'}\n"
        f"LogFile {root / 'clamd.log'}\nPidFile {root / 'clamd.pid'}\nStreamMaxLength 30M\n",
        encoding="ascii")
    process = subprocess.Popen([binary, "-c", str(root / "clamd.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"unix:{socket_path}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.settimeout(2)
                probe.connect(str(socket_path))
                probe.sendall(b"zPING\0")
                if probe.recv(16).startswith(b"PONG"):
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("clamd did not start: " + (root / "clamd.log").read_text()[-2000:])
        time.sleep(0.2)
    yield address
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def scanned(app, clamd, tmp_path):
    app.config.update(ANTIVIRUS_CLAMD=clamd, QUARANTINE_DIR=str(tmp_path / "quarantaine"))
    return tmp_path / "quarantaine"


def _uploads() -> int:
    return db.session.execute(select(func.count()).select_from(Upload)).scalar_one()


def test_the_scanner_tells_clean_from_infected(clamd):
    assert antivirus.scan(pdfs.plain(1), clamd, 10).clean
    verdict = antivirus.scan(b"%PDF-1.7\n" + EICAR * 2, clamd, 10)
    assert not verdict.clean and verdict.threat.startswith("Eicar-Test-Signature")
    big = pdfs.plain(1) + b"%" * (3 * antivirus.CHUNK)  # streamed in several chunks
    assert antivirus.scan(big, clamd, 10).clean


def test_an_infected_upload_is_refused_and_quarantined(client, accounts, call, scanned):  # noqa: F811
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    infected = pdfs.plain(1) + b"\n%" + EICAR + b"\n"
    response = upload(client, application_id, "statuts", infected, "statuts.pdf")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Ce fichier contient un programme malveillant (Eicar-Test-Signature" in page
    assert "il n'a pas été enregistré" in page
    assert _uploads() == 0
    kept = list(scanned.glob("*.bin"))
    assert len(kept) == 1 and kept[0].read_bytes() == infected
    assert kept[0].stat().st_mode & 0o777 == 0o400
    note = json.loads(kept[0].with_suffix(".json").read_text(encoding="utf-8"))
    assert note["menace"].startswith("Eicar-Test-Signature")
    assert note["utilisateur"] == accounts["candidat@demo.example"].id
    # Nothing of it in the uploads' store, nothing on the pieces page.
    from service.uploads.store import upload_store

    assert not list(upload_store().all_digests())
    pieces = client.get(f"/candidatures/{application_id}/pieces").get_data(as_text=True)
    assert "statuts.pdf" not in pieces
    # The next clean file is scanned and accepted.
    good = upload(client, application_id, "statuts", pdfs.plain(1), "statuts.pdf")
    assert good.status_code == 302 and _uploads() == 1


def test_a_scanner_down_refuses_the_upload(client, accounts, call, app, tmp_path):  # noqa: F811
    """Fail closed: no verdict, no upload (a socket nobody listens on)."""
    app.config.update(ANTIVIRUS_CLAMD=f"unix:{tmp_path / 'absent.sock'}",
                      QUARANTINE_DIR=str(tmp_path / "quarantaine"))
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    response = upload(client, application_id, "statuts", pdfs.plain(1), "statuts.pdf")
    assert response.status_code == 422
    assert "L'analyse antivirus des fichiers est momentanément indisponible" in \
        html.unescape(response.get_data(as_text=True))
    assert _uploads() == 0 and not (tmp_path / "quarantaine").exists()
