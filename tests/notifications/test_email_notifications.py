"""E-mail notifications through a real SMTP server: the decision e-mail, the team's digest,
the end of a long job; no personal data in any of them; a user who turned one off gets none."""

from __future__ import annotations

import re
from types import SimpleNamespace

from sqlalchemy import event, select

from service.auth.models import Structure, User
from service.demo import load_demo, sample_fiche
from service.documents import flow
from service.extensions import db
from service.households.facts import alerts_by_household
from service.households.models import Household, Person
from service.households.path import SupportPeriod
from service.households.service import household_alerts
from service.ids import new_id
from service.kinds import FICHE_DE_LIEN
from service.notifications import events, mail, messages, tasks
from service.notifications.models import (
    ALERT_DIGEST,
    DECISION,
    JOB_FINISHED,
    NotificationPreference,
    choices_of,
)
from service.operations.referrals import decide
from service.referrals.models import Referral
from service.rendering.formatting import date_fr
from service.timeutil import today_paris
from tests.conftest import csrf_from
from tests.notifications.conftest import text_of

NAMES = ("Nguyễn", "Thị Hương", "Lefèvre", "Jérôme", "Maëlys")


def _sent_fiche(orienteur) -> Referral:
    draft = flow.new_draft(FICHE_DE_LIEN.key, orienteur, data=sample_fiche())
    entry = flow.finalise(draft, orienteur, "fiche-notification").entry
    return db.session.execute(
        select(Referral).where(Referral.series_id == entry.series_id)).scalar_one()


def _decided(accounts, decision: str = "admis") -> Referral:
    """A fiche sent by the orienteur and decided by the Plateforme through the operation; the
    decision's event carries the referral the e-mail task is queued with."""
    referral = _sent_fiche(accounts["orienteur@demo.example"])
    team = db.session.execute(select(Structure).where(
        Structure.name.like("Équipe Bail d'abord – Association%"))).scalar_one()
    seen = []
    with events.decision_recorded.connected_to(lambda r, **_: seen.append(r.id)):
        decide(referral, decision, accounts["plateforme@demo.example"],
               team_structure_id=team.id if decision == "admis" else None,
               expected_version=referral.version_id)
    assert seen == [referral.id]
    return referral


def _no_names(text: str) -> None:
    for name in NAMES:
        assert name not in text, name


def test_the_orienteur_receives_the_decision_without_the_households_name(app, accounts, smtp):
    referral = _decided(accounts)
    tasks.notify_decision.run(referral.id)  # the task's body, as the worker runs it

    [message] = smtp.to("orienteur@demo.example")
    household = db.session.get(Household, referral.household_id)
    reference = f"FL-{referral.series_id[:8].upper()}"
    assert message["Subject"] == f"Décision de la Plateforme – Fiche de lien {reference}"
    assert message["From"] == "Documents Logement d'abord <ne-pas-repondre@lda.test>"
    assert message["Auto-Submitted"] == "auto-generated"
    body = text_of(message)
    assert f"Fiche de lien {reference} (ménage {household.reference})" in body
    assert "https://documents.lda.test/fiches\n" in body
    assert "https://documents.lda.test/compte" in body
    assert "document\u202f: Fiche de lien" in body  # French spacing before the colon
    _no_names(message["Subject"] + body)
    assert referral.applicant_label not in body
    assert "Admis" not in body  # the decision itself is read after logging in
    assert len(smtp.received) == 1


def test_a_user_who_turned_it_off_receives_nothing(app, accounts, smtp, login_as):
    client = login_as("orienteur@demo.example")
    page = client.get("/compte").get_data(as_text=True)
    assert "Notifications par courriel" in page
    assert re.search(r'value="decision_fiche" checked', page)
    assert "Récapitulatif quotidien" not in page  # offered to the teams only
    response = client.post("/compte/notifications", data={
        "csrf_token": csrf_from(page), "notifications": [JOB_FINISHED]})
    assert response.status_code == 302
    page = client.get("/compte").get_data(as_text=True)
    assert "Vos choix de notifications sont enregistrés." in page
    assert not re.search(r'value="decision_fiche" checked', page)
    assert re.search(r'value="traitement_termine" checked', page)
    orienteur = accounts["orienteur@demo.example"]
    assert choices_of(orienteur.id)[DECISION] is False

    referral = _decided(accounts, "liste_attente")
    tasks.notify_decision.run(referral.id)
    assert smtp.received == []


def test_the_decision_is_queued_after_its_commit(app, accounts, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.notify_decision, "apply_async",
                        lambda args, **options: queued.append(
                            (args, db.session.get(Referral, args[0]).status)))
    tasks.init_app(app)
    try:
        referral = _decided(accounts, "liste_attente")
    finally:
        events.decision_recorded.disconnect(tasks._queue_decision_notice)
    assert queued == [((referral.id,), "liste_attente")]


def test_the_team_digest_lists_references_and_alerts_only(app, accounts, smtp, monkeypatch):
    load_demo()
    team = db.session.execute(select(Structure).where(
        Structure.name.like("Équipe Bail d'abord – Association%"))).scalar_one()
    household = db.session.execute(
        select(Household).where(Household.team_structure_id == team.id)).scalar_one()
    db.session.add(NotificationPreference(
        user_id=accounts["infirmier@demo.example"].id, notification=ALERT_DIGEST,
        enabled=False))
    db.session.commit()
    # The round's task queues one e-mail each; here the queued body runs at once.
    monkeypatch.setattr(tasks.send_message, "delay", tasks.send_message.run)
    assert tasks.send_alert_digests.run() == 3

    recipients = sorted(r for rcpt, _ in smtp.received for r in rcpt)
    assert recipients == ["accompagnant@demo.example", "encadrant@demo.example",
                          "gestion@demo.example"]
    message = smtp.to("accompagnant@demo.example")[0]
    assert message["Subject"] == "Alertes de la charte\u202f: 1 ménage à suivre"
    body = text_of(message)
    assert household.reference in body
    found = household_alerts(household.id)
    assert found
    for alert in found:
        assert f"  – {alert.message.rstrip('.')}".replace(" :", "\u202f:") in body
        if alert.due:
            assert f"(échéance\u202f: {date_fr(alert.due)})." in body
    assert "ménages suivis par votre équipe (Équipe Bail d'abord – Association" in body
    assert "https://documents.lda.test/menages/alertes" in body
    people = db.session.execute(select(Person).where(
        Person.household_id == household.id)).scalars().all()
    for person in people:
        assert person.prenom not in body and (person.nom or "§") not in body
    assert "Pas-du-Loup" not in body  # the dwelling's address neither


def test_digest_reads_one_query_per_table_whatever_the_number_of_households(app, accounts):
    load_demo()
    team = db.session.execute(select(Structure).where(
        Structure.name.like("Équipe Bail d'abord – Association%"))).scalar_one()

    def counted() -> tuple[int, messages.Digest]:
        assert team.name  # loaded before counting (a commit expires it)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            digest = messages.digest_for(team)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements), digest

    one, digest = counted()
    assert len(digest.rows) == 1
    start = today_paris().replace(day=1)
    for number in range(900, 905):
        household = Household(id=new_id(), reference=f"BA-2026-{number}", year=2026,
                              number=number, team_structure_id=team.id)
        db.session.add(household)
        db.session.add(SupportPeriod(id=new_id(), household_id=household.id, start=start,
                                     planned_end=start.replace(year=start.year + 1),
                                     extensions=[]))
    db.session.commit()
    many, digest = counted()
    assert len(digest.rows) == 6 and many == one
    ids = list(db.session.execute(select(Household.id)).scalars())
    bulk = alerts_by_household(ids)
    assert {h: [a.code for a in found] for h, found in bulk.items()} == {
        h: [a.code for a in household_alerts(h)] for h in ids}


def test_the_requester_is_told_when_a_long_job_is_done_or_failed(app, accounts, smtp):
    user = accounts["accompagnant@demo.example"]
    done = SimpleNamespace(requested_by=user, kind_label="Document Word", state="termine",
                           url="https://documents.lda.test/travaux/abc")
    message = messages.job_finished(done)
    mail.send(message.to, message.subject, message.body)
    failed = SimpleNamespace(**{**vars(done), "state": "echec"})
    message = messages.job_finished(failed)
    mail.send(message.to, message.subject, message.body)

    first, second = smtp.to("accompagnant@demo.example")
    assert first["Subject"] == "Traitement terminé\u202f: Document Word"
    assert "«\u202fDocument Word\u202f» que vous avez demandé est terminé." in text_of(first)
    assert "https://documents.lda.test/travaux/abc" in text_of(first)
    assert second["Subject"] == "Échec du traitement\u202f: Document Word"
    assert "n'a pas abouti" in text_of(second)

    db.session.add(NotificationPreference(user_id=user.id, notification=JOB_FINISHED,
                                          enabled=False))
    db.session.commit()
    assert messages.job_finished(done) is None
    assert messages.job_finished(SimpleNamespace(**{**vars(done), "state": "en_cours"})) \
        is None


def test_the_runner_hook_queues_the_job_email_with_the_jobs_page(app, accounts, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.send_message, "apply_async",
                        lambda args, **options: queued.append(args))
    user = accounts["orienteur@demo.example"]
    job = SimpleNamespace(id="0b1c", kind="inconnu", requested_by=user, state="echec")
    tasks.notify_job_finished(job)
    [(to, subject, body)] = queued
    assert to == "orienteur@demo.example"
    assert subject == "Échec du traitement\u202f: inconnu"
    assert "http://127.0.0.1:5000/travaux/0b1c" in body


def test_smtp_credentials_are_used(app, accounts, smtp):
    app.config.update(MAIL_USERNAME="documents", MAIL_PASSWORD="secret-smtp")
    mail.send("orienteur@demo.example", "Essai", "Bonjour")
    assert smtp.logins == [("documents", "secret-smtp")]
    assert [m["Subject"] for m in smtp.to("orienteur@demo.example")] == ["Essai"]


def test_without_a_mail_server_development_writes_the_messages_to_a_folder(app, tmp_path):
    app.config.update(MAIL_HOST="", ENV="development", MAIL_OUTBOX_DIR=str(tmp_path / "out"))
    mail.send("orienteur@demo.example", "Décision de la Plateforme", "Bonjour,\n\nLien")
    [path] = (tmp_path / "out").glob("*.eml")
    text = path.read_text()
    assert "To: orienteur@demo.example" in text and "Lien" in text


def test_a_team_without_alerts_gets_no_digest(app, accounts):
    team = db.session.execute(select(Structure).where(
        Structure.name.like("Équipe Bail d'abord – Habitat%"))).scalar_one()
    assert messages.digest_for(team) is None
    assert messages.digest_messages(team) == []
    assert db.session.execute(select(User).where(User.structure_id == team.id)).first()


def test_the_administrators_receive_the_nightly_checks_faults(app, accounts, smtp, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.send_message, "apply_async",
                        lambda args, **options: queued.append(args))
    faults = [f"Ligne modifiée : n° {n}" for n in range(1, 23)]
    tasks.notify_registry_faults(faults)
    [(to, subject, body)] = queued
    tasks.send_message.run(to, subject, body)
    [message] = smtp.to("admin@demo.example")
    assert message["Subject"] == "Registre\u202f: 22 défauts au contrôle nocturne"
    text = text_of(message)
    assert "  – Ligne modifiée\u202f: n° 20\n" in text and "n° 21" not in text
    assert "… et 2 autres défauts." in text
