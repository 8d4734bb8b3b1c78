"""Test helpers: turn a section's answers into the form fields a browser would post."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from service.extensions import db

SAMPLE = Path(__file__).parent / "golden" / "fiche_de_lien" / "input.json"


def sample_fiche() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def form_fields(section: dict, prefix: str = "") -> MultiDict:
    """{'demandeur': {'nom': 'X'}, 'enfants': [{'prenom': 'Y'}]} -> demandeur-nom, enfants-0-prenom."""
    out = MultiDict()
    for key, value in section.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            for k, v in form_fields(value, f"{name}-").items(multi=True):
                out.add(k, v)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value):
                for k, v in form_fields(item, f"{name}-{i}-").items(multi=True):
                    out.add(k, v)
        elif isinstance(value, list):
            for v in value:
                out.add(name, v)
        elif isinstance(value, bool):
            if value:
                out.add(name, "y")
        else:
            out.add(name, "" if value is None else str(value))
    return out


def csrf_and_version(html: str) -> tuple[str, str]:
    csrf = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    return csrf, version


def fill_section(client, draft_id: str, section: str, answers: dict, action="continue"):
    page = client.get(f"/brouillons/{draft_id}/{section}").get_data(as_text=True)
    csrf, version = csrf_and_version(page)
    data = form_fields(answers)
    data.add("csrf_token", csrf)
    data.add("version", version)
    data.add("action", action)
    return client.post(f"/brouillons/{draft_id}/{section}", data=data)


def start_draft(client) -> str:
    page = client.get("/fiches").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/brouillons/nouveau/fiche_de_lien", data={"csrf_token": csrf})
    assert response.status_code == 302
    return response.headers["Location"].rstrip("/").split("/")[-1]


def submit_draft(client, draft_id: str):
    page = client.get(f"/brouillons/{draft_id}/verifier").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    # An incomplete draft's page offers no button: post anyway, as a stale page would.
    found = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    key = found.group(1) if found else str(uuid.uuid4())
    return client.post(f"/brouillons/{draft_id}/envoyer",
                       data={"csrf_token": csrf, "idempotency_key": key}), key


def statements_of(run) -> tuple[int, object]:
    """(SQL statements `run()` sends, its result), from an empty session: no row read before
    saves a statement."""
    db.session.expunge_all()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements), result
