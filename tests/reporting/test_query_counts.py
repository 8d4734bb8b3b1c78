"""The team lead's page and the bilan's indicators run as many SQL statements for 50 households
as for 5: one per table or per group of indicators, none per row.

Rows are written directly (documents through the registry's own append, with a small PDF):
what is counted is the reading, not the writing of the records.
"""

from __future__ import annotations

import html
import json
from datetime import date, timedelta

import pytest

from service import kinds
from service.auth.models import User
from service.demo import sample_input
from service.documents.models import DocumentSeries
from service.extensions import db
from service.households.models import Household, Person
from service.households.path import Contact, SupportPeriod, TeamMember, Tenancy
from service.ids import new_id
from service.registry.chain import sha256_json
from service.registry.store import Rendered, RenderedFile, append
from service.reporting.catalogue import GROUPS, compute_all
from service.reporting.framework import Scope
from service.timeutil import today_paris, utcnow
from tests.conftest import login
from tests.helpers import statements_of

PDF = Rendered([RenderedFile("pdf", "application/pdf", b"%PDF-1.7\n% test counts\n%%EOF\n")],
               "0" * 64, {})


@pytest.fixture
def people(accounts) -> dict[str, dict]:
    """The demo accounts' ids (the counted runs start from an empty session)."""
    return {email: {"id": u.id, "structure_id": u.structure_id, "full_name": u.full_name}
            for email, u in accounts.items()}


def register(series: DocumentSeries, user_id: str) -> None:
    data = json.loads(json.dumps(kinds.get(series.kind).schema().load(
        sample_input(series.kind)), default=str))
    append(series=series, kind=series.kind, title=kinds.get(series.kind).title, snapshot=data,
           snapshot_sha256=sha256_json(data), rendered=PDF, user=db.session.get(User, user_id),
           idempotency_key=f"test:{new_id()}")


def households(people, first: int, count: int) -> None:
    """`count` households of the demo team, everything a row of the team's page reads: two
    persons, a support since four months, a dwelling, recent and older contacts, two
    referents, and for one household in three a plan d'action."""
    worker, nurse = people["accompagnant@demo.example"], people["infirmier@demo.example"]
    team, today = worker["structure_id"], today_paris()
    for number in range(first, first + count):
        household = Household(id=new_id(), reference=f"BA-2025-{number:04d}", year=2025,
                              number=number, team_structure_id=team, created_at=utcnow())
        db.session.add(household)
        for position, role in enumerate(("demandeur", "enfant")):
            db.session.add(Person(id=new_id(), household_id=household.id, position=position,
                                  role=role, prenom=f"Personne {number}-{position}"))
        begun = today - timedelta(days=120)
        db.session.add(SupportPeriod(id=new_id(), household_id=household.id, start=begun,
                                     planned_end=begun + timedelta(days=365), extensions=[]))
        db.session.add(Tenancy(id=new_id(), household_id=household.id, landlord_name="ACM",
                               landlord_type="social", address="1 rue de l'Essai",
                               contract="sous_location_bail_glissant",
                               entry_date=begun + timedelta(days=20), examinations=[]))
        for days_ago, who in ((2, [worker["id"], nurse["id"]]), (10, [worker["id"]]),
                              (60, [nurse["id"]])):
            db.session.add(Contact(id=new_id(), household_id=household.id, kind="telephone",
                                   on=today - timedelta(days=days_ago), professionals=who,
                                   recorded_by_id=worker["id"]))
        for user, coordinating in ((worker, True), (nurse, False)):
            db.session.add(TeamMember(id=new_id(), household_id=household.id,
                                      user_id=user["id"], coordinating=coordinating,
                                      since=begun))
        if number % 3 == 0:
            db.session.flush()  # the household before its document series
            plan = DocumentSeries(id=new_id(), kind="plan_action", structure_id=team,
                                  subject_type="household", subject_id=household.id,
                                  household_id=household.id)
            db.session.add(plan)
            db.session.flush()
            register(plan, worker["id"])
    db.session.commit()


def team_page(client) -> tuple[int, str]:
    assert client.get("/equipe/").status_code == 200  # warm: the user, the CSRF token

    def get():
        response = client.get("/equipe/")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return statements_of(get)


def test_the_team_page_reads_as_much_for_50_households_as_for_5(client, people):
    households(people, 1, 5)
    login(client, "encadrant@demo.example")
    few, page = team_page(client)
    assert page.count('<tr id="menage-') == 5 and "BA-2025-0005" in page
    households(people, 6, 45)
    many, page = team_page(client)
    assert page.count('<tr id="menage-') == 50 and "BA-2025-0050" in page
    worker = people["accompagnant@demo.example"]["full_name"]
    assert f"{worker} (coordination)" in html.unescape(page)
    assert many == few, (few, many)


def test_the_indicators_read_as_much_for_50_households_as_for_5(app, people):
    team = people["accompagnant@demo.example"]["structure_id"]
    year = today_paris().year
    scope = Scope(team, date(year, 1, 1), date(year, 12, 31))
    households(people, 1, 5)
    few, figures = statements_of(lambda: compute_all(scope))
    assert figures["B7"]["total"]["value"] > 0
    households(people, 6, 45)
    many, figures = statements_of(lambda: compute_all(scope))
    assert figures["B1"]["lines"][0]["value"] == 50  # households of the file active
    assert many == few, (few, many)
    # One statement per group of indicators (and one for the ETP, whose values are decimals).
    assert few <= len(GROUPS) + 1, few
