"""Fixtures of the application tests: the seed's call (open), a second candidate structure and
helpers that fill an application through the web pages, as a browser would post them."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest

from service.applications.calls import create_call, seed_call
from service.auth.models import Structure, User
from service.auth.passwords import hash_password
from service.extensions import db
from service.ids import new_id
from service.timeutil import utcnow
from tests.conftest import PASSWORD, csrf_from
from tests.helpers import form_fields
from tests.uploads import pdfs

SECTIONS = (("identite", "identite"), ("type", "groupement"), ("note", "note"))


@pytest.fixture
def call(app, accounts):
    """The seed's call, its deadline a month away; the DDETS is one of its funders."""
    found = create_call(seed_call(deadline=utcnow() + timedelta(days=30)))
    db.session.commit()
    return found


def add_user(email: str, role: str, structure_name: str, structure_kind: str) -> User:
    structure = Structure(id=new_id(), name=structure_name, kind=structure_kind)
    user = User(id=new_id(), email=email, full_name=email.split("@")[0].title(), role=role,
                structure=structure, password_hash=hash_password(PASSWORD))
    db.session.add_all([structure, user])
    db.session.commit()
    return user


@pytest.fixture
def rival(app, accounts):
    """Another candidate structure."""
    return add_user("candidat2@demo.example", "candidat", "Association Concurrente", "candidat")


def post_section(client, application_id: str, section: str, answers: dict):
    url = f"/candidatures/{application_id}/{section}"
    page = client.get(url).get_data(as_text=True)
    data = form_fields(answers)
    data.add("csrf_token", csrf_from(page))
    data.add("version", re.search(r'name="version" value="(\d+)"', page).group(1))
    data.add("action", "continue")
    return client.post(url, data=data)


def start(client, call) -> str:
    page = client.get("/candidatures/").get_data(as_text=True)
    response = client.post(f"/candidatures/appels/{call.id}/commencer",
                           data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    return response.headers["Location"].rstrip("/").split("/")[-1]


def fill(client, application_id: str, raw: dict) -> None:
    """Every section of the sample through its page; each answer is saved (302)."""
    for section, key in SECTIONS:
        response = post_section(client, application_id, section, raw[key])
        assert response.status_code == 302, (section, response.get_data(as_text=True)[:3000])
    response = post_section(client, application_id, "equipe", raw["equipe"])
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    response = post_section(client, application_id, "budget", raw["budget"])
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    for siret, terms in raw["conventions"].items():
        response = post_section(client, application_id, f"conventions/{siret}", terms)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]


UPLOADS = {"statuts": 3, "presentation": 4, "situation_financiere": 2, "composition_ca": 1,
           "agrement_ilgls": 1, "rib": 1}


def upload(client, application_id: str, key: str, data: bytes, name: str = "piece.pdf"):
    page = client.get(f"/candidatures/{application_id}/pieces").get_data(as_text=True)
    return client.post(f"/candidatures/{application_id}/pieces", data={
        "csrf_token": csrf_from(page), "piece": key, "fichier": (BytesIO(data), name)},
        content_type="multipart/form-data")


def upload_all(client, application_id: str) -> None:
    for key, pages in UPLOADS.items():
        response = upload(client, application_id, key, pdfs.plain(pages, key), f"{key}.pdf")
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
