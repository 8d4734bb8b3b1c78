"""The lists and the household page run the same SQL statements for 3 rows as for 30 (one per
table, none per row), and show a page at a time: the inbox, « Mes fiches », « Ménages
accompagnés », « Ce qui est en retard », a household's registry, the API lists.

Rows are written directly (the registry's own append, with a small PDF): what is measured is
the reading of the lists, not the rendering of the documents.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from service import kinds
from service.auth.models import ApiToken, User
from service.demo import sample_input
from service.documents.models import DRAFT, DocumentSeries, Draft
from service.documents.signatures import TYPED, Signature
from service.extensions import db
from service.households.models import Household, Person
from service.households.path import SupportPeriod, TeamMember
from service.ids import new_id
from service.referrals.models import Referral
from service.registry.chain import sha256_json
from service.registry.models import SIGNED, AuditEvent, RegistryEntry
from service.registry.store import Rendered, RenderedFile, append
from service.timeutil import today_paris, utcnow
from tests.conftest import login
from tests.helpers import statements_of

PDF = Rendered([RenderedFile("pdf", "application/pdf", b"%PDF-1.7\n% test list\n%%EOF\n")],
               "0" * 64, {})


@pytest.fixture
def people(accounts) -> dict[str, dict]:
    """The demo accounts' ids (the counted requests start from an empty session)."""
    return {email: {"id": u.id, "structure_id": u.structure_id} for email, u in accounts.items()}


def snapshot(kind_key: str) -> dict:
    loaded = kinds.get(kind_key).schema().load(sample_input(kind_key))
    return json.loads(json.dumps(loaded, default=str))


def register(series: DocumentSeries, user_id: str, status: str = "final") -> RegistryEntry:
    data = snapshot(series.kind)
    return append(series=series, kind=series.kind, title=kinds.get(series.kind).title,
                  snapshot=data, snapshot_sha256=sha256_json(data), rendered=PDF,
                  user=db.session.get(User, user_id), idempotency_key=f"test:{new_id()}",
                  status=status)


def household(people, number: int) -> Household:
    """A household of the demo team, followed for four months (its alerts show)."""
    team = people["accompagnant@demo.example"]["structure_id"]
    row = Household(id=new_id(), reference=f"BA-2025-{number:04d}", year=2025, number=number,
                    team_structure_id=team, created_at=utcnow() - timedelta(minutes=number))
    db.session.add(row)
    db.session.add(Person(id=new_id(), household_id=row.id, position=0, role="demandeur",
                          nom="de test", prenom=f"Personne {number}"))
    begun = today_paris() - timedelta(days=120)
    db.session.add(SupportPeriod(id=new_id(), household_id=row.id, start=begun,
                                 planned_end=begun + timedelta(days=365), extensions=[]))
    return row


def fiches(people, first: int, count: int, email: str = "orienteur@demo.example") -> None:
    """`count` fiches sent by the structure of `email`, each registered (v1), one in three
    admitted; the later numbers received earlier, so that they follow on the list."""
    user = people[email]
    for number in range(first, first + count):
        series = DocumentSeries(id=new_id(), kind="fiche_de_lien",
                                structure_id=user["structure_id"], subject_type="referral")
        db.session.add(series)
        db.session.flush()
        register(series, user["id"])
        admitted = household(people, 500 + number) if number % 3 == 0 else None
        db.session.add(Referral(
            id=new_id(), series_id=series.id, structure_id=user["structure_id"],
            created_by_id=user["id"], status="admis" if admitted else "recue",
            household_id=admitted.id if admitted else None,
            applicant_label=f"Personne {number:03d}",
            received_at=utcnow() - timedelta(hours=1, minutes=number)))
    db.session.commit()


def households(people, first: int, count: int) -> None:
    for number in range(first, first + count):
        household(people, number)
    db.session.commit()


def counted(client, path: str, headers: dict | None = None) -> tuple[int, str]:
    """(SQL statements of one request, its page): after a first request, from an empty
    session, so that no row read before saves a statement."""
    assert client.get(path, headers=headers).status_code == 200
    count, response = statements_of(lambda: client.get(path, headers=headers))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return count, html.unescape(response.get_data(as_text=True))


def token(people, email: str) -> dict:
    row, secret = ApiToken.issue(db.session.get(User, people[email]["id"]), "Jeton de test")
    db.session.add(row)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def next_link(page: str) -> str:
    return re.search(r'href="([^"]+)" rel="next"', page).group(1)


def test_the_inbox_reads_the_same_for_3_and_30_fiches(client, people):
    fiches(people, 0, 2)
    fiches(people, 2, 1, email="samu@demo.example")
    login(client, "plateforme@demo.example")
    few, page = counted(client, "/plateforme/fiches")
    assert "Personne 002" in page and "BA-2025-0500" in page
    fiches(people, 3, 20)
    fiches(people, 23, 7, email="samu@demo.example")
    many, page = counted(client, "/plateforme/fiches")
    assert "Personne 029" in page and "30 fiches" in page
    assert many == few
    filtered, page = counted(client, "/plateforme/fiches?statut=recue")
    assert "Personne 027" not in page and "Personne 028" in page  # 27 is admitted, 28 not
    assert filtered <= few  # no household to read among the fiches still waiting


def test_my_fiches_reads_the_same_for_3_and_30_fiches(client, people):
    orienteur = people["orienteur@demo.example"]
    db.session.add(Draft(id=new_id(), kind="fiche_de_lien", author_id=orienteur["id"],
                         structure_id=orienteur["structure_id"], status=DRAFT, data={}))
    fiches(people, 0, 3)
    login(client, "orienteur@demo.example")
    few, page = counted(client, "/fiches")
    assert "Personne 002" in page and "Ménage BA-2025-0500" in page
    for _ in range(5):
        db.session.add(Draft(id=new_id(), kind="fiche_de_lien", author_id=orienteur["id"],
                             structure_id=orienteur["structure_id"], status=DRAFT, data={}))
    fiches(people, 3, 27)
    fiches(people, 30, 5, email="samu@demo.example")  # another structure's: not listed
    many, page = counted(client, "/fiches")
    assert "Personne 029" in page and "Personne 030" not in page
    assert page.count("Fiche sans nom") == 6
    assert many == few


def test_the_households_list_reads_the_same_for_3_and_30_households(client, people):
    households(people, 1, 3)
    login(client, "accompagnant@demo.example")
    few, page = counted(client, "/menages/")
    assert "BA-2025-0003" in page and "1 personne" in page and "3 ménages" in page
    households(people, 4, 27)
    many, page = counted(client, "/menages/")
    assert "BA-2025-0030" in page and "30 ménages" in page
    assert many == few


def test_the_teams_late_households_read_the_same_for_3_and_30(client, people):
    households(people, 1, 3)
    login(client, "accompagnant@demo.example")
    few, page = counted(client, "/menages/alertes")
    assert "3 ménages sur 3 avec au moins une alerte" in page
    households(people, 4, 27)
    many, page = counted(client, "/menages/alertes")
    assert "30 ménages sur 30" in page and "BA-2025-0030" in page
    assert many == few


def documents(people, household_id: str, plan_versions: int) -> None:
    """The fiche that opened the household, a protocol sealed on its second version (its
    signatures on the first), and a plan d'action of `plan_versions` versions, if any."""
    team, worker = (people["accompagnant@demo.example"][key] for key in ("structure_id", "id"))
    orienteur = people["orienteur@demo.example"]
    plan = DocumentSeries(id=new_id(), kind="plan_action", structure_id=team,
                          subject_type="household", subject_id=household_id,
                          household_id=household_id)
    protocol = DocumentSeries(id=new_id(), kind="protocole_crise", structure_id=team,
                              subject_type="household", subject_id=household_id,
                              household_id=household_id)
    fiche = DocumentSeries(id=new_id(), kind="fiche_de_lien",
                           structure_id=orienteur["structure_id"], subject_type="referral",
                           household_id=household_id)
    db.session.add_all([protocol, fiche] + ([plan] if plan_versions else []))
    db.session.flush()
    db.session.add(Referral(id=new_id(), series_id=fiche.id,
                            structure_id=orienteur["structure_id"],
                            created_by_id=orienteur["id"], status="admis",
                            household_id=household_id, applicant_label="Personne du ménage"))
    register(fiche, orienteur["id"])
    for _ in range(plan_versions):
        register(plan, worker)
    unsigned = register(protocol, worker)
    for position, (name, quality) in enumerate((("Personne du ménage", "personne"),
                                                ("Julien Castel", "referent")), start=1):
        db.session.add(Signature(id=new_id(), entry_id=unsigned.id, position=position,
                                 signer_name=name, quality=quality, method=TYPED,
                                 recorded_by_id=worker))
    register(protocol, worker, status=SIGNED)
    db.session.add(TeamMember(id=new_id(), household_id=household_id, user_id=worker,
                              coordinating=True, since=today_paris()))
    db.session.commit()


def test_the_household_page_reads_the_same_for_3_and_30_versions(client, people):
    first = household(people, 1)
    db.session.commit()
    first_id = first.id
    documents(people, first_id, plan_versions=0)  # 3 versions: the fiche, protocol v1 and v2
    login(client, "accompagnant@demo.example")
    few, page = counted(client, f"/menages/{first_id}")
    assert "Signé et scellé" in page and "Personne du ménage (la personne accompagnée" in page
    assert page.count("En vigueur") == 2 and page.count("Remplacée") == 1
    second = household(people, 2)
    db.session.commit()
    second_id = second.id
    documents(people, second_id, plan_versions=27)  # 30 versions: and a plan of 27
    many, page = counted(client, f"/menages/{second_id}")
    assert "v27" in page and page.count("Remplacée") == 27 and "Signé et scellé" in page
    assert many == few


def test_the_api_list_of_fiches_reads_the_same_for_3_and_30(app, people):
    api = app.test_client()
    headers = token(people, "orienteur@demo.example")
    fiches(people, 0, 3)
    few, body = counted(api, "/api/v1/fiches", headers)
    assert len(json.loads(body)) == 3
    fiches(people, 3, 27)
    many, body = counted(api, "/api/v1/fiches", headers)
    items = json.loads(body)
    assert len(items) == 30 and all(item["latest"]["version"] == 1 for item in items)
    assert sum(1 for item in items if item["household_reference"]) == 10
    assert many == few


def test_the_api_list_of_a_households_documents_reads_the_same_for_3_and_30(app, people):
    api = app.test_client()
    headers = token(people, "accompagnant@demo.example")
    first, second = household(people, 1), household(people, 2)
    db.session.commit()
    first_id, second_id = first.id, second.id
    documents(people, first_id, plan_versions=0)
    documents(people, second_id, plan_versions=27)
    few, body = counted(api, f"/api/v1/menages/{first_id}/documents", headers)
    assert json.loads(body)["total"] == 3
    many, body = counted(api, f"/api/v1/menages/{second_id}/documents", headers)
    answer = json.loads(body)
    assert answer["total"] == 30 and len(answer["documents"]) == 30
    assert many == few


@pytest.mark.parametrize("email, path", [
    ("plateforme@demo.example", "/plateforme/fiches"),
    ("orienteur@demo.example", "/fiches"),
    ("accompagnant@demo.example", "/menages/"),
])
def test_the_web_lists_show_page_2(client, people, email, path):
    fiches(people, 0, 55)
    households(people, 1, 40)  # and the 19 households admitted from the fiches
    login(client, email)
    first = client.get(path).get_data(as_text=True)
    assert "Page 1 sur 2" in first and "Page précédente" not in first
    second = html.unescape(client.get(next_link(first).replace("&amp;", "&"))
                           .get_data(as_text=True))
    assert "Page 2 sur 2" in second and "Page suivante" not in second
    assert 'rel="prev"' in second
    if path == "/menages/":  # most recent first: the 19 admitted from the fiches are older
        assert "59 ménages" in second and "BA-2025-0554" in second
        assert "BA-2025-0040" not in second
    else:
        assert "55 fiches" in second and "Personne 054" in second
        assert "Personne 049" not in second


def test_the_teams_late_households_show_page_2(client, people):
    households(people, 1, 52)
    login(client, "accompagnant@demo.example")
    second = html.unescape(client.get("/menages/alertes?page=2").get_data(as_text=True))
    assert "Page 2 sur 2" in second and "BA-2025-0052" in second
    assert "BA-2025-0001" not in second  # by reference: the first 50 are on page 1


def test_the_api_lists_give_page_2_with_the_total_and_links(app, people):
    api = app.test_client()
    headers = token(people, "orienteur@demo.example")
    fiches(people, 0, 55)
    first = api.get("/api/v1/fiches?per_page=20", headers=headers)
    meta = json.loads(first.headers["X-Pagination"])
    assert meta["total"] == 55 and meta["total_pages"] == 3 and meta["next_page"] == 2
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    next_url = re.search(r'<([^>]+)>; rel="next"', first.headers["Link"]).group(1)
    second = api.get(next_url, headers=headers)
    assert "page=2" in next_url and "per_page=20" in next_url
    assert [item["id"] for item in second.get_json()] and len(second.get_json()) == 20
    assert not {i["id"] for i in first.get_json()} & {i["id"] for i in second.get_json()}
    assert 'rel="prev"' in second.headers["Link"] and 'rel="last"' in second.headers["Link"]
    assert len(api.get("/api/v1/fiches?page=3&page_size=20",
                       headers=headers).get_json()) == 15  # the former name of per_page
    assert api.get("/api/v1/fiches?per_page=201", headers=headers).status_code == 422
    assert api.get("/api/v1/fiches?page=0", headers=headers).status_code == 422


def test_a_list_read_through_the_api_is_one_audit_event(app, people):
    api = app.test_client()
    headers = token(people, "orienteur@demo.example")
    fiches(people, 0, 30)
    listed = api.get("/api/v1/fiches?per_page=25", headers=headers).get_json()
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "list")).scalars()
    [event_] = list(events)
    assert event_.user_id == people["orienteur@demo.example"]["id"]
    assert event_.object_type == "referral" and event_.details["count"] == 25
    assert event_.details["total"] == 30 and event_.details["page"] == 1
    assert event_.details["ids"] == [item["id"] for item in listed]
    assert db.session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "view")).scalar_one() == 0  # no reading of each fiche


def test_an_api_page_number_past_any_list_is_refused_not_a_500(client, app, accounts):
    """A page number whose OFFSET overflows PostgreSQL's bigint answered 500."""
    from service.auth.models import ApiToken

    row, secret = ApiToken.issue(accounts["orienteur@demo.example"], "Jeton de test")
    db.session.add(row)
    db.session.commit()
    answer = client.get("/api/v1/fiches?page=3074457345618258203&per_page=4",
                        headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 422, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["errors"]["query"]["page"] == [
        "Indiquez un numéro de page entre 1 et 1\u202f000\u202f000."]
