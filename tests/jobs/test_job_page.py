"""A job's page: progress while it runs (refreshing itself without JavaScript), then the result."""

from __future__ import annotations

from service.documents.produce import DEFERRED_FILES
from service.extensions import db
from service.jobs import runner
from service.jobs.models import DONE, FAILED, RUNNING
from service.registry.models import RegistryEntry
from tests.conftest import login
from tests.security.harness import submit_through_web


def submit_fiche_through_web(client) -> RegistryEntry:
    _, entry_id = submit_through_web(client)
    return db.session.get(RegistryEntry, entry_id)


def test_the_page_follows_the_job_and_offers_the_document_when_done(client, accounts, app):
    login(client, "orienteur@demo.example")
    entry = submit_fiche_through_web(client)
    job = runner.create(DEFERRED_FILES, "entry", entry.id, accounts["orienteur@demo.example"])[0]
    page = client.get(f"/travaux/{job.id}").get_data(as_text=True)
    assert "En attente" in page and 'http-equiv="refresh"' in page
    job.state, job.step, job.steps, job.message = RUNNING, 1, 2, "Préparation du document Word"
    db.session.commit()
    page = client.get(f"/travaux/{job.id}").get_data(as_text=True)
    assert "Étape 1 sur 2 : Préparation du document Word" in page
    state = client.get(f"/travaux/{job.id}/etat").get_json()
    assert state["state"] == "en_cours" and state["step"] == 1 and state["steps"] == 2
    job.state, job.entry_id = DONE, entry.id
    db.session.commit()
    page = client.get(f"/travaux/{job.id}").get_data(as_text=True)
    assert "Terminé" in page and 'http-equiv="refresh"' not in page
    assert f"/documents/{entry.id}/confirmation" in page

    failed = runner.create(DEFERRED_FILES, "entry", entry.id, accounts["orienteur@demo.example"])[0]
    failed.state, failed.error = FAILED, runner.TOO_BIG
    db.session.commit()
    page = client.get(f"/travaux/{failed.id}").get_data(as_text=True)
    assert "Le traitement n'a pas abouti" in page and "trop volumineux" in page

    # Another structure's orienteur: the job does not exist for them.
    login(client, "samu@demo.example")
    assert client.get(f"/travaux/{job.id}").status_code == 404
    assert client.get(f"/travaux/{job.id}/etat").status_code == 404


def test_a_job_left_running_past_its_limit_is_reported_failed(client, accounts, app):
    from datetime import timedelta

    from service.timeutil import utcnow

    login(client, "orienteur@demo.example")
    entry = submit_fiche_through_web(client)
    job = runner.create(DEFERRED_FILES, "entry", entry.id, accounts["orienteur@demo.example"])[0]
    job.state, job.started_at = RUNNING, utcnow() - timedelta(hours=2)
    db.session.commit()
    state = client.get(f"/travaux/{job.id}/etat").get_json()
    assert state["state"] == "echec" and state["error"] == runner.INTERRUPTED
