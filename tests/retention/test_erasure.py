"""The purge (DOMAIN.md §8.4): a household past its retention period is erased by `flask
retention purge --yes`, leaving a tombstone (digest, date, legal basis) and a receipt; the
registry chain still verifies; the database refuses to empty a row no erasure names.

The household is a real one: a fiche sent through the web form and admitted, a protocole de
crise registered, signed with a drawn signature and sealed through the API; its support is
then ended and the purge is run as on a day 25 months later.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DatabaseError

from service.documents.models import DocumentSeries
from service.documents.signatures import Signature
from service.extensions import db
from service.households.models import Household, Person
from service.households.path import Contact, SupportPeriod
from service.ids import new_id
from service.referrals.models import Referral
from service.registry.check import run as run_check
from service.registry.models import AuditEvent, ErasedEntry, RegistryEntry
from service.registry.store import blob_store
from service.retention.models import Erasure, RetentionFlag
from service.retention.rules import add_months
from service.timeutil import today_paris
from tests.api.test_api_households import token_for
from tests.conftest import login
from tests.drawing import drawn_png
from tests.web.test_household_documents import sample
from tests.web.test_household_path import admitted_household

TODAY = today_paris()
LATER = add_months(TODAY, 25)
NAMES = ("Nguyễn", "Thị Hương", "Lefèvre", "Nadia Ferhat")


def _household_with_documents(client, accounts, app, tmp_path) -> tuple[Household, str]:
    """An admitted household with a sealed protocol; its support ended today."""
    app.config["SEAL_DIR"] = str(tmp_path / "cachet")
    login(client, "orienteur@demo.example")
    household = admitted_household(client, accounts, app)
    api = app.test_client()
    headers = token_for(accounts["accompagnant@demo.example"])
    protocol = api.post(f"/api/v1/menages/{household.id}/documents/protocole_crise",
                        json=sample("protocole_crise"), headers=headers).get_json()
    for body in ({"nom": "Nadia Ferhat", "qualite": "personne", "methode": "dessin",
                  "dessin_png_base64": base64.b64encode(drawn_png()).decode()},
                 {"nom": "Julien Castel", "qualite": "referent", "methode": "nom_tape"}):
        assert api.post(f"/api/v1/documents/{protocol['id']}/signatures", headers=headers,
                        json=body).status_code == 201
    sealed = api.post(f"/api/v1/documents/{protocol['id']}/sceau", headers=headers)
    assert sealed.status_code == 201
    db.session.execute(update(SupportPeriod).where(SupportPeriod.household_id == household.id)
                       .values(end_date=TODAY))
    db.session.commit()
    return household, sealed.get_json()["id"]


def _active_household(accounts) -> Household:
    """A household met today: never due."""
    worker = accounts["accompagnant@demo.example"]
    household = Household(id=new_id(), reference="BA-2026-0900", year=2026, number=900,
                          composition="homme_seul", team_structure_id=worker.structure_id)
    household.members.append(Person(id=new_id(), position=0, role="demandeur",
                                    nom="Témoin", prenom="Paul"))
    db.session.add(household)
    db.session.add(Contact(id=new_id(), household_id=household.id, on=LATER,
                           kind="visite_domicile", professionals=[], recorded_by_id=worker.id))
    db.session.commit()
    return household


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_purge_erases_a_household_and_the_registry_still_verifies(client, accounts, app,
                                                                 tmp_path):
    household, sealed_id = _household_with_documents(client, accounts, app, tmp_path)
    household_id, reference = household.id, household.reference
    control = _active_household(accounts)
    entries = list(db.session.execute(select(RegistryEntry).join(
        DocumentSeries, DocumentSeries.id == RegistryEntry.series_id).where(
        DocumentSeries.household_id == household_id)).scalars())
    assert {e.kind for e in entries} == {"fiche_de_lien", "protocole_crise"}
    files = {f.sha256 for e in entries for f in e.files}
    signature_images = set(db.session.execute(select(Signature.image_sha256).where(
        Signature.image_sha256.is_not(None))).scalars())
    assert signature_images and all(blob_store().exists(d) for d in files | signature_images)
    assert run_check().ok

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "purge", "--on", LATER.isoformat()])
    assert dry.exit_code == 0 and "Dossiers à effacer : 1 (rien n'est effacé sans --yes)." \
        in dry.output, dry.output
    assert db.session.execute(select(func.count()).select_from(Erasure)).scalar_one() == 0

    done = runner.invoke(args=["retention", "purge", "--on", LATER.isoformat(), "--yes"])
    assert done.exit_code == 0, done.output
    assert "Effacement " in done.output and ": ménage, 3 version(s)" in done.output
    assert "Registre vérifié après l'effacement : conforme." in done.output
    db.session.expire_all()

    # The tombstone: digest, date, rule, legal basis, counts; the flag is gone.
    erasure = db.session.execute(select(Erasure)).scalar_one()
    assert erasure.subject_type == "household" and erasure.subject_id == household_id
    assert erasure.subject_digest == hashlib.sha256(
        f"household:{household_id}:{reference}".encode()).hexdigest()
    assert "2023-095 du 14 septembre 2023" in erasure.legal_basis.replace("\xa0", " ")
    assert erasure.counts["versions"] == 3 and erasure.counts["personnes"] == 3
    assert erasure.counts["signatures"] == 2 and erasure.counts["fiches"] == 1
    assert db.session.execute(select(RetentionFlag).where(
        RetentionFlag.subject_id == household_id)).first() is None

    # What named the people is gone; what the bilans count stays.
    assert db.session.execute(select(func.count()).select_from(Person).where(
        Person.household_id == household_id)).scalar_one() == 0
    assert db.session.get(Household, household_id).reference == reference
    for entry in db.session.execute(select(RegistryEntry).where(
            RegistryEntry.id.in_([e.id for e in entries]))).scalars():
        assert entry.snapshot == {} and entry.render_meta is None
    assert db.session.execute(select(func.count()).select_from(ErasedEntry)).scalar_one() == 3
    assert not any(blob_store().exists(d) for d in files | signature_images)
    signers = set(db.session.execute(select(Signature.signer_name)).scalars())
    assert signers == {"(effacé)"}
    referral = db.session.execute(select(Referral)).scalar_one()
    assert referral.applicant_label == "(effacé)"
    events = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "retention_erase")).scalars().all()
    assert len(events) == 1 and not any(name in str(events[0].details) for name in NAMES)

    # The other household is untouched.
    assert db.session.execute(select(Person.nom).where(
        Person.household_id == control.id)).scalar_one() == "Témoin"

    # The chain verifies; the erased versions are counted, not reported.
    report = run_check()
    assert report.ok, report.faults + report.orphans
    assert report.erased == 3 and report.rows == len(entries)
    checked = runner.invoke(args=["registry", "check"])
    assert checked.exit_code == 0 and "3 versions effacées (durée de conservation)" \
        in checked.output

    # The receipt: what, when, why; no name.
    receipt = _pdf_text(blob_store().get(erasure.receipt_sha256))
    assert "Récépissé d'effacement" in receipt and reference in receipt
    assert "2023-095" in receipt and erasure.subject_digest in receipt.replace("\n", "")
    assert "Personnes du ménage" in receipt
    assert not any(name in receipt for name in NAMES)

    # A download of an erased version says so, in French.
    api = app.test_client()
    headers = token_for(accounts["accompagnant@demo.example"])
    gone = api.get(f"/api/v1/documents/{sealed_id}/pdf", headers=headers)
    assert gone.status_code == 410, gone.get_data(as_text=True)[:300]
    assert "effacé au terme de sa durée de conservation" in gone.get_json()["message"]

    # The team lead still opens the household and its subject-access export, which says
    # when it was erased and lists the erased files by their digests only.
    lead = app.test_client()
    login(lead, "encadrant@demo.example")
    assert lead.get(f"/menages/{household_id}").status_code == 200
    export = lead.get(f"/api/v1/menages/{household_id}/export-rgpd",
                      headers=token_for(accounts["encadrant@demo.example"]))
    assert export.status_code == 200, export.get_data(as_text=True)[:300]
    with zipfile.ZipFile(io.BytesIO(export.data)) as zipped:
        exported = json.loads(zipped.read("donnees.json"))
        assert not [n for n in zipped.namelist() if n.startswith("documents/")]
    assert exported["effacement"]["regle"] == erasure.rule and exported["membres"] == []
    assert all(f["efface"] for d in exported["documents"] for f in d["fichiers"])
    assert not any(name in json.dumps(exported, ensure_ascii=False) for name in NAMES)

    # The administration's page lists the erasure and serves its receipt.
    admin = app.test_client()
    login(admin, "admin@demo.example")
    page = admin.get("/administration/conservation").get_data(as_text=True)
    assert "Effacements effectués" in page and "Récépissé (PDF)" in page
    assert erasure.subject_digest[:16] in page and reference not in page
    served = admin.get(f"/administration/conservation/effacements/{erasure.id}/recepisse.pdf")
    assert served.status_code == 200 and served.data == blob_store().get(erasure.receipt_sha256)
    assert client.get(
        f"/administration/conservation/effacements/{erasure.id}/recepisse.pdf"
    ).status_code == 404  # the orienteur: not an administrator

    # A second run erases nothing more.
    again = runner.invoke(args=["retention", "purge", "--on", LATER.isoformat(), "--yes"])
    assert again.exit_code == 0 and "Effacement " not in again.output
    assert db.session.execute(select(func.count()).select_from(Erasure)).scalar_one() == 1


def test_the_database_refuses_to_empty_a_row_no_erasure_names(client, accounts, app,
                                                              tmp_path):
    """The append-only triggers still hold for every row no recorded erasure names."""
    household, sealed_id = _household_with_documents(client, accounts, app, tmp_path)
    for statement in ("UPDATE registry_entries SET snapshot = '{}' WHERE id = :id",
                      "UPDATE signatures SET signer_name = 'x' WHERE entry_id IS NOT NULL OR id = :id",
                      "DELETE FROM registry_entries WHERE id = :id"):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement), {"id": sealed_id})
            db.session.flush()
        db.session.rollback()
    assert db.session.get(RegistryEntry, sealed_id).snapshot != {}
