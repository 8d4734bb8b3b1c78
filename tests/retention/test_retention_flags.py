"""Retention flags (DOMAIN.md §8.4, SECURITY R11): households 24 months after their last
contact, refused or withdrawn fiches 12 months after the decision; flags only, nothing deleted.

The histories are built as rows (their dates lie in the past); the flagging, the task, the
command and the page are the real ones.
"""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from service.documents.models import DocumentSeries
from service.extensions import db
from service.households.models import Household, Person
from service.households.path import Contact, SupportPeriod
from service.ids import new_id
from service.jobs.celery_app import celery
from service.referrals.models import Referral, ReferralDecision
from service.registry.models import AuditEvent
from service.rendering.formatting import date_fr
from service.retention.flagging import flag_due
from service.retention.models import RetentionFlag
from service.retention.rules import HOUSEHOLD_INACTIVE, REFERRAL_NOT_ADMITTED, add_months
from service.retention.tasks import nightly_flagging
from service.timeutil import today_paris
from tests.conftest import login
from tests.web.test_household_path import admitted_household

TODAY = today_paris()
NOM, PRENOM = "Benali-Durand", "Aïcha"


def months_ago(months: int) -> date:
    return add_months(TODAY, -months)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


class Histories:
    """Households and fiches of the demo world, with dates in the past."""

    def __init__(self, accounts):
        self.worker = accounts["accompagnant@demo.example"]
        self.plateforme = accounts["plateforme@demo.example"]
        self.orienteur = accounts["orienteur@demo.example"]
        self.number = 0

    def household(self, *, created: int = 30, contact: int | None = None) -> Household:
        """A household created `created` months ago, last met `contact` months ago."""
        self.number += 1
        household = Household(id=new_id(), reference=f"BA-2024-{self.number:04d}", year=2024,
                              number=self.number, composition="femme_seule",
                              team_structure_id=self.worker.structure_id,
                              created_at=noon(months_ago(created)))
        household.members.append(Person(id=new_id(), position=0, role="demandeur", nom=NOM,
                                        prenom=PRENOM))
        db.session.add(household)
        if contact is not None:
            self.contact(household, months_ago(contact))
        db.session.commit()
        return household

    def contact(self, household: Household, on: date) -> None:
        db.session.add(Contact(id=new_id(), household_id=household.id, on=on,
                               kind="visite_domicile", professionals=[],
                               recorded_by_id=self.worker.id))
        db.session.commit()

    def support(self, household: Household, start: date, end: date | None = None) -> None:
        db.session.add(SupportPeriod(id=new_id(), household_id=household.id, start=start,
                                     planned_end=add_months(start, 12), end_date=end,
                                     extensions=[]))
        db.session.commit()

    def fiche(self, status: str, decided: int, household: Household | None = None) -> Referral:
        """A fiche decided (`status`) `decided` months ago."""
        series = DocumentSeries(id=new_id(), kind="fiche_de_lien",
                                structure_id=self.orienteur.structure_id,
                                subject_type="referral",
                                household_id=household.id if household else None)
        db.session.add(series)
        at = noon(months_ago(decided))
        referral = Referral(id=new_id(), series_id=series.id,
                            structure_id=self.orienteur.structure_id,
                            created_by_id=self.orienteur.id, status=status,
                            applicant_label=f"{PRENOM} {NOM}", received_at=at, decided_at=at,
                            decided_by_id=self.plateforme.id,
                            household_id=household.id if household else None)
        db.session.add(referral)
        db.session.add(ReferralDecision(id=new_id(), referral_id=referral.id, decision=status,
                                        reason="hors_public" if status == "refuse" else None,
                                        by_id=self.plateforme.id, at=at))
        db.session.commit()
        return referral


def standing() -> dict[str, RetentionFlag]:
    """The standing flags, by subject id."""
    return {f.subject_id: f for f in db.session.execute(
        select(RetentionFlag).where(RetentionFlag.cleared_at.is_(None))).scalars()}


def flag_rows() -> int:
    return db.session.execute(select(func.count()).select_from(RetentionFlag)).scalar_one()


def test_a_household_last_met_25_months_ago_is_flagged_23_months_or_in_support_is_not(
        app, accounts):
    h = Histories(accounts)
    old = h.household(contact=25)
    recent = h.household(contact=23)
    supported = h.household(created=40, contact=30)
    h.support(supported, months_ago(38))  # accompagnement en cours: never flagged
    ended = h.household(created=40, contact=30)
    h.support(ended, months_ago(38), months_ago(26))  # its last path date is 26 months old

    counts = flag_due()

    flags = standing()
    assert set(flags) == {old.id, ended.id}
    assert (counts.flagged, counts.cleared, counts.standing) == (2, 0, 2)
    flag = flags[old.id]
    assert (flag.subject_type, flag.rule) == ("household", HOUSEHOLD_INACTIVE)
    assert flag.due_on == add_months(months_ago(25), 24)  # the contact's day, plus 24 months
    assert flags[ended.id].due_on == add_months(months_ago(26), 24)
    assert recent.id not in flags and supported.id not in flags


def test_a_household_with_a_recent_registered_document_is_not_flagged(client, accounts, app):
    """The fiche that opened it, registered today, belongs to the household: the household
    is active even though it was created 30 months ago and never met."""
    login(client, "orienteur@demo.example")
    household = admitted_household(client, accounts, app)
    household.created_at = noon(months_ago(30))
    db.session.commit()
    assert db.session.execute(select(DocumentSeries).where(
        DocumentSeries.household_id == household.id)).scalars().first() is not None

    flag_due()

    assert household.id not in standing()
    # The fiche was admitted: it follows the household's rule, not the short one.
    assert flag_rows() == 0


def test_a_refused_fiche_without_household_is_flagged_13_months_after_the_decision(
        app, accounts):
    h = Histories(accounts)
    refused = h.fiche("refuse", decided=13)
    withdrawn = h.fiche("retire", decided=14)
    recent = h.fiche("refuse", decided=11)
    waiting = h.fiche("liste_attente", decided=20)  # not a refusal: no short retention
    admitted = h.fiche("admis", decided=20, household=h.household(created=20, contact=1))

    counts = flag_due()

    flags = standing()
    assert set(flags) == {refused.id, withdrawn.id}
    assert counts.flagged == 2
    assert flags[refused.id].rule == REFERRAL_NOT_ADMITTED
    assert flags[refused.id].subject_type == "referral"
    assert flags[refused.id].due_on == add_months(months_ago(13), 12)
    assert not {recent.id, waiting.id, admitted.id} & set(flags)


def test_running_twice_the_same_night_adds_nothing(app, accounts):
    h = Histories(accounts)
    h.household(contact=25)
    h.fiche("refuse", decided=13)

    first = flag_due()
    second = flag_due()

    assert (first.flagged, first.standing) == (2, 2)
    assert (second.flagged, second.cleared, second.standing) == (0, 0, 2)
    assert flag_rows() == 2


def test_new_activity_clears_the_flag_and_a_later_lapse_raises_the_same_row(app, accounts):
    h = Histories(accounts)
    household = h.household(contact=25)
    flag_due()
    flag_id = standing()[household.id].id

    h.contact(household, TODAY)
    counts = flag_due()

    assert (counts.flagged, counts.cleared, counts.standing) == (0, 1, 0)
    flag = db.session.get(RetentionFlag, flag_id)
    assert flag.cleared_at is not None
    # Two years on without a contact: the same row stands again, with its new end.
    later = flag_due(add_months(TODAY, 25))
    assert (later.flagged, later.standing) == (1, 1)
    db.session.refresh(flag)
    assert flag.cleared_at is None and flag.due_on == add_months(TODAY, 24)
    assert flag_rows() == 1


def test_a_reopened_support_clears_the_flag(app, accounts):
    h = Histories(accounts)
    household = h.household(contact=25)
    flag_due()
    h.support(household, months_ago(1))
    assert flag_due().cleared == 1
    assert standing() == {}


def test_the_audit_log_and_the_log_name_no_one(app, accounts, caplog, monkeypatch):
    h = Histories(accounts)
    household = h.household(contact=25)
    referral = h.fiche("refuse", decided=13)
    # Alembic's logging set-up (the template database's migration) disables the loggers that
    # existed then: this one must be heard.
    monkeypatch.setattr(logging.getLogger("service.retention.flagging"), "disabled", False)
    caplog.set_level("INFO", logger="service.retention.flagging")

    flag_due()

    events = db.session.execute(select(AuditEvent).where(
        AuditEvent.action.like("retention_%"))).scalars().all()
    by_action: dict[str, list[AuditEvent]] = {}
    for event in events:
        by_action.setdefault(event.action, []).append(event)
    assert {e.details["subject_id"] for e in by_action["retention_flag"]} == {
        household.id, referral.id}
    assert [e.details["flagged"] for e in by_action["retention_flagging"]] == [2]
    household_event = next(e for e in by_action["retention_flag"]
                           if e.details["subject_id"] == household.id)
    assert household_event.household_id == household.id
    written = repr([(e.details, e.object_id) for e in events]) + caplog.text
    assert NOM not in written and PRENOM not in written
    assert "2 flagged" in caplog.text


def test_the_beat_task_body_flags_the_same_and_is_scheduled_nightly(app, accounts):
    h = Histories(accounts)
    household = h.household(contact=25)
    h.household(contact=23)

    assert nightly_flagging() == {"flagged": 1, "cleared": 0, "standing": 1}
    assert nightly_flagging() == {"flagged": 0, "cleared": 0, "standing": 1}
    assert set(standing()) == {household.id}

    assert "retention.flag_due" in celery.tasks
    entry = next(e for e in celery.conf.beat_schedule.values()
                 if e["task"] == "retention.flag_due")
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})
    assert celery.conf.timezone == "Europe/Paris"


def test_the_command_prints_french_counts(app, accounts):
    h = Histories(accounts)
    h.household(contact=25)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["retention", "flag"])

    assert result.exit_code == 0, result.output
    assert "Nouveaux signalements : 1." in result.output
    assert "Signalements levés (activité reprise) : 0." in result.output
    assert "Dossiers signalés au total : 1." in result.output
    again = runner.invoke(args=["retention", "flag"])
    assert "Nouveaux signalements : 0." in again.output and flag_rows() == 1


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_admin_page_lists_the_flags_by_reference_never_by_name(login_as, accounts):
    h = Histories(accounts)
    household = h.household(contact=25)
    referral = h.fiche("refuse", decided=13)
    flag_due()
    fiche_reference = f"FL-{referral.series_id[:8].upper()}"

    client = login_as("admin@demo.example")
    home = client.get("/plateforme/fiches").get_data(as_text=True)
    assert 'href="/administration/conservation"' in home
    response = client.get("/administration/conservation")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = _text(page).replace("\u00a0", " ").replace("\u202f", " ")
    assert "Conservation des données" in text and "2 dossiers signalés" in text
    assert household.reference in text and fiche_reference in text
    assert "Dernier contact il y a plus de 24 mois" in text
    assert "Fiche de lien refusée ou retirée il y a plus de 12 mois" in text
    assert date_fr(add_months(months_ago(25), 24)) in text
    assert date_fr(TODAY) in text  # flagged since today
    assert "délibération n° 2023-095 du 14 septembre 2023" in text
    assert "2 ans à compter du dernier contact" in text
    assert f'href="/menages/{household.id}"' in page
    assert f'href="/plateforme/fiches/{referral.id}"' in page
    assert NOM not in page and PRENOM not in html.unescape(page)


def test_the_admin_page_says_when_nothing_is_due(login_as, accounts):
    page = login_as("admin@demo.example").get("/administration/conservation")
    assert "Aucun dossier n'a dépassé sa durée de conservation." in html.unescape(
        page.get_data(as_text=True))


def test_other_roles_get_404(app, accounts):
    h = Histories(accounts)
    h.household(contact=25)
    flag_due()
    for email in ("plateforme@demo.example", "accompagnant@demo.example",
                  "encadrant@demo.example", "orienteur@demo.example",
                  "financeur@demo.example"):
        client = app.test_client()
        login(client, email)
        response = client.get("/administration/conservation")
        assert response.status_code == 404, email
        assert "BA-2024-0001" not in response.get_data(as_text=True)
        assert "/administration/conservation" not in client.get(
            "/compte").get_data(as_text=True)
