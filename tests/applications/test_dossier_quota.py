"""A dossier's uploads are bounded as a whole (SECURITY P14), besides each file's own limits:
40 files and 100 Mo. Past either, the upload is refused beside its field, in French, and
nothing is stored."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from service.extensions import db
from service.operations import applications as ops
from service.uploads.models import Upload
from tests.applications.conftest import call, start, upload  # noqa: F401  (fixture)
from tests.conftest import login
from tests.uploads import pdfs


def _uploads() -> int:
    return db.session.execute(select(func.count()).select_from(Upload)).scalar_one()


def test_the_dossier_counts_its_files(client, accounts, call, monkeypatch):  # noqa: F811
    monkeypatch.setattr(ops, "MAX_DOSSIER_FILES", 2)
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    for key in ("statuts", "presentation"):
        assert upload(client, application_id, key, pdfs.plain(1, key)).status_code == 302
    refused = upload(client, application_id, "rib", pdfs.plain(1, "rib"))
    assert refused.status_code == 422
    assert "Le dossier compte déjà 2 fichiers joints, le maximum" in \
        html.unescape(refused.get_data(as_text=True))
    assert _uploads() == 2


def test_the_dossier_weighs_its_files(client, accounts, call, monkeypatch):  # noqa: F811
    first = pdfs.plain(1, "statuts")
    monkeypatch.setattr(ops, "MAX_DOSSIER_MB", len(first) * 1.5 / (1024 * 1024))
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    assert upload(client, application_id, "statuts", first).status_code == 302
    refused = upload(client, application_id, "presentation", pdfs.plain(1, "presentation"))
    assert refused.status_code == 422
    assert "les pièces du dossier dépasseraient" in html.unescape(refused.get_data(as_text=True))
    assert _uploads() == 1
