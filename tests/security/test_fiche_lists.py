"""The lists of fiches, a page at a time, and audited for what is opened (issue 12, defect 11;
ASVS 8.3.5, 8.1.4).

Before, GET /api/v1/fiches returned every fiche with its full answers and wrote one audit row
per listed fiche at each call (a list of 500 fiches: 500 rows), and the pages had no
pagination. Now the API list and the web lists are paginated, the API list carries no answers,
and a reading is recorded when a fiche is opened.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from service.documents.models import DocumentSeries
from service.ids import new_id
from service.referrals.models import Referral
from service.referrals.service import latest_entries
from service.registry.models import AuditEvent, RegistryEntry
from tests.security.harness import (
    bearer,
    ctx,
    issue_token,
    sample_fiche,
    structure_id,
    user_id,
    web_login,
)

API = "/api/v1"


@pytest.fixture
def app(iapp):
    return iapp


@pytest.fixture
def many(app):
    """One real fiche, then 120 more of the same structure (rows only: the list reads the
    referral and its latest registered version)."""
    token = bearer(issue_token(app, "orienteur@demo.example"))
    sent = app.test_client().post(f"{API}/fiches", json=sample_fiche(), headers=token)
    assert sent.status_code == 201
    first = sent.get_json()["id"]
    with ctx(app) as session:
        referral = session.get(Referral, first)
        for i in range(120):
            series = DocumentSeries(id=new_id(), kind="fiche_de_lien",
                                    structure_id=referral.structure_id,
                                    subject_type="referral")
            session.add(series)
            session.flush()
            session.add(Referral(id=new_id(), series_id=series.id,
                                 structure_id=referral.structure_id,
                                 created_by_id=referral.created_by_id, status="recue",
                                 applicant_label=f"Personne {i:03d}",
                                 received_at=referral.received_at - timedelta(minutes=i + 1)))
        session.commit()
    return first, token


def _any_latest(app):
    """The extra referrals have no registered version: the lists show the real one's."""
    with ctx(app) as session:
        series_id = session.execute(select(RegistryEntry.series_id)).scalar_one()

    def latest(series_ids):
        entry = latest_entries([series_id])[series_id]
        return dict.fromkeys(series_ids, entry)

    return latest


def audit_rows(app) -> int:
    with ctx(app) as session:
        return session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "view")).scalar_one()


def test_the_api_list_is_paginated_and_writes_no_reading(app, many, monkeypatch):
    first, token = many
    monkeypatch.setattr("service.api.fiches.latest_entries", _any_latest(app))
    before = audit_rows(app)
    page_1 = app.test_client().get(f"{API}/fiches", headers=token)
    assert page_1.status_code == 200
    meta = json.loads(page_1.headers["X-Pagination"])
    assert meta["total"] == 121 and meta["total_pages"] == 3 and meta["next_page"] == 2
    items = page_1.get_json()
    assert len(items) == 50 and items[0]["id"] == first  # the most recent first
    assert all("snapshot" not in item for item in items)
    last = app.test_client().get(f"{API}/fiches?page=3", headers=token).get_json()
    assert len(last) == 21
    big = app.test_client().get(f"{API}/fiches?page_size=200", headers=token).get_json()
    assert len(big) == 121
    assert app.test_client().get(f"{API}/fiches?page_size=201",
                                 headers=token).status_code == 422
    assert audit_rows(app) == before  # three listings, no reading recorded
    opened = app.test_client().get(items[0]["url"], headers=token)
    assert opened.status_code == 200 and opened.get_json()["snapshot"]["menage"]
    assert audit_rows(app) == before + 1


@pytest.mark.parametrize("email, path", [("orienteur@demo.example", "/fiches"),
                                         ("plateforme@demo.example", "/plateforme/fiches")])
def test_the_web_lists_are_paginated(app, many, monkeypatch, email, path):
    monkeypatch.setattr("service.web.home_views.latest_entries", _any_latest(app))
    client = web_login(app, email)
    before = audit_rows(app)
    first = html.unescape(client.get(path).get_data(as_text=True))
    assert "Personne 048" in first and "Personne 049" not in first
    assert "Page 1 sur 3" in first and "Page suivante" in first
    assert "Page précédente" not in first
    link = re.search(r'href="([^"]+page=2[^"]*)" rel="next"', first).group(1)
    second = html.unescape(client.get(link.replace("&amp;", "&")).get_data(as_text=True))
    assert "Page 2 sur 3" in second and "Page précédente" in second
    assert "Personne 049" in second and "Personne 048" not in second
    third = html.unescape(client.get(f"{path}?page=3").get_data(as_text=True))
    assert "Personne 119" in third and "Page suivante" not in third
    past_the_end = html.unescape(client.get(f"{path}?page=99").get_data(as_text=True))
    assert "Page 3 sur 3" in past_the_end
    assert audit_rows(app) == before  # listing records no reading


def test_the_inbox_keeps_its_filters_from_page_to_page(app, many):
    client = web_login(app, "plateforme@demo.example")
    structure = structure_id(app, "orienteur@demo.example")
    page = html.unescape(client.get(
        f"/plateforme/fiches?statut=recue&structure={structure}").get_data(as_text=True))
    assert "121 fiches" in page
    link = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert "statut=recue" in link and f"structure={structure}" in link and "page=2" in link
    assert user_id(app, "plateforme@demo.example")
