"""The team lead's own home: the caseload per worker, the referents, the team's alerts (issue 11,
item 17); one query per table whatever the number of households."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import event, select

from service import kinds
from service.extensions import db
from service.households.models import Household
from service.households.path import Contact, SupportPeriod, TeamMember
from service.ids import new_id
from service.kinds.base import PERIOD
from service.operations.path import set_team
from service.timeutil import today_paris
from tests.conftest import csrf_from, login


def households(accounts, count: int, start: int = 1) -> list[Household]:
    """Households entrusted to the demo team, each followed since 4 months (alerts show)."""
    team = accounts["accompagnant@demo.example"].structure_id
    made = []
    for number in range(start, start + count):
        household = Household(id=new_id(), reference=f"BA-2026-{number:04d}", year=2026,
                              number=number, team_structure_id=team)
        db.session.add(household)
        begun = today_paris() - timedelta(days=120)
        db.session.add(SupportPeriod(id=new_id(), household_id=household.id, start=begun,
                                     planned_end=begun + timedelta(days=365), extensions=[]))
        made.append(household)
    db.session.commit()
    return made


def contact(household, *workers, days_ago=3):
    db.session.add(Contact(id=new_id(), household_id=household.id, kind="telephone",
                           on=today_paris() - timedelta(days=days_ago),
                           professionals=[w.id for w in workers],
                           recorded_by_id=workers[0].id))
    db.session.commit()


def count_queries(app, client, path: str) -> tuple[int, str]:
    """The statements of one request, once the user is loaded (it stays in the test's session,
    whose rows the set-up's commits expire)."""
    client.get(path)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get(path).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements), page


def test_the_team_lead_lands_on_the_teams_caseload(client, accounts):
    worker, nurse = accounts["accompagnant@demo.example"], accounts["infirmier@demo.example"]
    lead = accounts["encadrant@demo.example"]
    first, second = households(accounts, 2)
    set_team(first, {"user_id": worker.id, "coordinating": True}, lead)
    set_team(first, {"user_id": nurse.id, "coordinating": False}, lead)
    set_team(second, {"user_id": worker.id, "coordinating": False}, lead)
    contact(first, worker, nurse)
    contact(first, worker)
    contact(second, worker, days_ago=45)  # too old to count
    login(client, "encadrant@demo.example")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/equipe/")
    page = html.unescape(client.get("/equipe/").get_data(as_text=True))
    assert "<h1>Mon équipe</h1>" in page and ">Mon équipe</a>" in page
    row = re.search(rf"<strong>{worker.full_name}</strong>.*?</tr>", page, re.S).group(0)
    cells = re.findall(r'<td data-label="[^"]+"[^>]*>(.*?)</td>', row, re.S)
    # The row starts inside its first cell: households, coordinating, contacts, alerts.
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in cells[:3]] == ["2", "1", "2"]
    assert "alertes" in cells[3]
    nurse_row = re.search(rf"<strong>{nurse.full_name}</strong>.*?</tr>", page, re.S).group(0)
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(
        r'<td data-label="[^"]+"[^>]*>(.*?)</td>', nurse_row, re.S)[:3]] == ["1", "0", "1"]
    household_row = re.search(r'<tr id="menage-BA-2026-0001">.*?</tr>', page, re.S).group(0)
    assert f"{worker.full_name} (coordination), {nurse.full_name}" in household_row
    assert "Ce qui est en retard" in page and "Pas de plan d'action concerté" in page
    bilans = [k for k in kinds.with_subject(PERIOD) if k.access.create and
              lead.role in k.access.create]
    assert ("Bilans annuels" in page) == bool(bilans)


def test_one_query_per_table_whatever_the_number_of_households(client, accounts, app):
    worker = accounts["accompagnant@demo.example"]
    lead = accounts["encadrant@demo.example"]
    few = households(accounts, 1)
    set_team(few[0], {"user_id": worker.id, "coordinating": True}, lead)
    contact(few[0], worker)
    login(client, "encadrant@demo.example")
    one, _ = count_queries(app, client, "/equipe/")
    many = households(accounts, 6, start=2)
    for household in many:
        set_team(household, {"user_id": worker.id, "coordinating": True}, lead)
        contact(household, worker)
    seven, page = count_queries(app, client, "/equipe/")
    assert page.count('<tr id="menage-') == 7
    assert seven == one, (one, seven)


def test_the_lead_entrusts_a_households_coordination(client, accounts):
    worker, nurse = accounts["accompagnant@demo.example"], accounts["infirmier@demo.example"]
    (household,) = households(accounts, 1)
    set_team(household, {"user_id": worker.id, "coordinating": True},
             accounts["encadrant@demo.example"])
    login(client, "encadrant@demo.example")
    page = client.get("/equipe/").get_data(as_text=True)
    response = client.post(f"/equipe/menages/{household.id}/coordination",
                           data={"csrf_token": csrf_from(page), "user_id": nurse.id})
    assert response.status_code == 302
    members = {m.user_id: m.coordinating for m in db.session.execute(
        select(TeamMember).where(TeamMember.household_id == household.id)).scalars()}
    assert members == {worker.id: False, nurse.id: True}
    after = html.unescape(client.get("/equipe/").get_data(as_text=True))
    assert "Coordination de BA-2026-0001 confiée." in after
    refused = client.post(f"/equipe/menages/{household.id}/coordination",
                          data={"csrf_token": csrf_from(page), "user_id": "inconnu"})
    assert refused.status_code == 302
    assert "Choisissez un professionnel de la liste." in html.unescape(
        client.get("/equipe/").get_data(as_text=True))


def test_only_the_team_lead_has_this_home(client, accounts):
    (household,) = households(accounts, 1)
    for email in ("accompagnant@demo.example", "plateforme@demo.example",
                  "accompagnant2@demo.example"):
        login(client, email)
        assert client.get("/equipe/").status_code == 404, email
        page = client.get("/connexion").get_data(as_text=True)
        assert client.post(f"/equipe/menages/{household.id}/coordination", data={
            "csrf_token": csrf_from(page), "user_id": ""}).status_code == 404
