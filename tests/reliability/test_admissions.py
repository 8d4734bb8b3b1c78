"""Admissions at the same moment (issue 12, defect 1): each admitted household gets its own
number, and an error page is French whatever state the database session was left in.

The concurrency test is the one that matters on PostgreSQL (`TEST_DATABASE_URL`), where the
admissions really run in parallel: before the fix, 8 admissions at once gave 5 × 500 there
(`UniqueViolation uq_households_reference`). On SQLite, writes are serialised by the database.
"""

from __future__ import annotations

import html
import re
import threading

import pytest
from flask_login import current_user, login_required
from sqlalchemy import select

from service.auth.models import Structure
from service.extensions import db
from service.households.models import Household
from service.ids import new_id
from service.referrals.models import Referral
from service.timeutil import today_paris
from tests.conftest import version_from
from tests.security.harness import (
    bearer,
    csrf_from,
    ctx,
    dispose,
    issue_token,
    sample_fiche,
    seeded_app,
    structure_id,
    web_login,
)

ADMISSIONS = 8


def _together(count: int, target) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=60)
            results[i] = target(i)
        except BaseException as exc:  # noqa: BLE001  (reported by the assertions)
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "an admission hung"
    return results


def test_eight_admissions_at_once_give_eight_numbers(iapp):
    token = bearer(issue_token(iapp, "orienteur@demo.example"))
    api = iapp.test_client()
    referral_ids = []
    for _ in range(ADMISSIONS):
        sent = api.post("/api/v1/fiches", json=sample_fiche(), headers=token)
        assert sent.status_code == 201, sent.get_data(as_text=True)[:500]
        referral_ids.append(sent.get_json()["id"])
    team = structure_id(iapp, "accompagnant@demo.example")
    # One browser per decision, each with the page it read (token and version).
    forms = []
    for referral_id in referral_ids:
        client = web_login(iapp, "plateforme@demo.example")
        page = client.get(f"/plateforme/fiches/{referral_id}").get_data(as_text=True)
        forms.append((client, referral_id, {
            "csrf_token": csrf_from(page), "version": version_from(page),
            "decision": "admis", "team_structure_id": team}))

    def admit(i):
        client, referral_id, data = forms[i]
        response = client.post(f"/plateforme/fiches/{referral_id}", data=data)
        return response.status_code, response.get_data(as_text=True)

    results = _together(ADMISSIONS, admit)
    for result in results:
        assert not isinstance(result, BaseException), repr(result)
    assert [status for status, _ in results] == [302] * ADMISSIONS, [
        (status, body[:300]) for status, body in results if status != 302]
    year = today_paris().year
    with ctx(iapp) as session:
        households = session.execute(select(Household)).scalars().all()
        referrals = session.execute(select(Referral)).scalars().all()
        numbers = sorted(h.number for h in households)
        references = sorted(h.reference for h in households)
        linked = {r.household_id for r in referrals}
    assert numbers == list(range(1, ADMISSIONS + 1))
    assert references == [f"BA-{year}-{n:04d}" for n in range(1, ADMISSIONS + 1)]
    assert linked == {h.id for h in households}  # every referral points at its own household


def test_numbers_continue_after_households_admitted_before_the_counter(iapp):
    """A database that had households before the counter existed goes on from its highest."""
    year = today_paris().year
    with ctx(iapp) as session:
        team = session.execute(select(Structure.id).where(
            Structure.kind == "accompagnement")).scalars().first()
        session.add(Household(id=new_id(), reference=f"BA-{year}-0041", year=year, number=41,
                              team_structure_id=team))
        session.commit()
    token = bearer(issue_token(iapp, "orienteur@demo.example"))
    referral_id = iapp.test_client().post("/api/v1/fiches", json=sample_fiche(),
                                          headers=token).get_json()["id"]
    plateforme = bearer(issue_token(iapp, "plateforme@demo.example"))
    decided = iapp.test_client().post(f"/api/v1/fiches/{referral_id}/decision", json={
        "decision": "admis", "version": 1, "team_structure_id": team}, headers=plateforme)
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["household_reference"] == f"BA-{year}-0042"


# --- Error pages whatever the session state ---------------------------------------------------

def _broken_session_app(seeded_template, tmp_path):
    """An app with one extra page that leaves the session in a failed flush, then crashes, as
    the admission did when two of them drew the same number."""
    app = seeded_app(seeded_template, tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.route("/_essai/session-avortee")
    @login_required
    def aborted_session():
        name = current_user.structure.name
        db.session.add(Structure(id=new_id(), name=name, kind="orienteur"))  # UNIQUE name
        db.session.flush()  # raises IntegrityError: the session must be rolled back now
        return "unreachable"

    @app.route("/_essai/session-avortee-json")
    def aborted_session_json():
        db.session.add(Structure(id=new_id(), name="x", kind="orienteur"))
        db.session.add(Structure(id=new_id(), name="x", kind="orienteur"))
        db.session.flush()
        return "unreachable"

    return app


@pytest.fixture
def broken(seeded_template, tmp_path):
    app = _broken_session_app(seeded_template, tmp_path)
    yield app
    dispose(app)


def test_error_page_after_a_failed_flush_is_french_for_a_logged_in_user(broken):
    client = web_login(broken, "plateforme@demo.example")
    response = client.get("/_essai/session-avortee")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 500
    assert "Erreur interne" in page and "Une erreur inattendue s'est produite" in page
    assert re.search(r"incident [0-9a-f]{8}", page)
    assert "Internal Server Error" not in page
    # The page is the service's own: the header still names the user.
    assert "Farida Haddad" in page
    # The next request of the same user works normally.
    assert client.get("/plateforme/fiches").status_code == 200


def test_error_page_stays_french_when_the_database_cannot_answer(broken, monkeypatch):
    """Even when rendering the normal page fails (the database is gone), a French page."""
    client = web_login(broken, "plateforme@demo.example")

    def database_gone(*args, **kwargs):
        raise RuntimeError("base de données injoignable (panne simulée)")

    monkeypatch.setattr(db.session, "rollback", database_gone)
    monkeypatch.setattr("service.web.render_template", database_gone)
    response = client.get("/_essai/session-avortee")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 500
    assert "Une erreur inattendue s'est produite" in page and "Internal Server Error" not in page
    assert response.headers["Content-Type"].startswith("text/html")


def test_api_error_after_a_failed_flush_is_french_json(broken):
    response = broken.test_client().get("/_essai/session-avortee-json",
                                        headers={"X-Requested-With": "fetch"})
    assert response.status_code == 500
    body = response.get_json()
    assert body["message"] == "Erreur interne." and re.fullmatch(r"[0-9a-f]{8}", body["incident"])
