"""The purge: erase what a standing retention flag names, leave a tombstone and a receipt.

A household two years without contact, or a fiche refused or withdrawn a year ago, is erased
in one transaction of its own:
- what names or describes the people goes: the persons, the drafts, every registered
  version's input snapshot and render metadata, its files (PDF, DOCX…), the signatories'
  names and drawn signatures, the free texts of the path (addresses, landlords, places,
  droit de suite reasons) and of the decisions, the fiche's applicant label;
- what the bilans count stays, with nothing personal in it: the household's pseudonymous
  reference, its composition and team, the dates of its path, the registry rows with their
  hashes (the chain still verifies: `service.registry.chain.entry_hash` reads the digests the
  ErasedEntry rows keep);
- an Erasure row (append-only) says what, when, under which rule and legal basis, with the
  subject's digest, and the receipt (a PDF in the blob store) is what the data protection
  officer files.

The database lets a registry row, a signature or a decision be emptied only once the erasure
that names it is recorded (migration 0018). The files are deleted after the commit; a crash
in between leaves orphans `registry gc` collects. Logs and audit get ids and counts only.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from service.documents.models import DocumentSeries, Draft
from service.documents.signatures import Signature
from service.extensions import db
from service.households.models import Person
from service.households.path import Contact, DroitDeSuite, Tenancy
from service.ids import new_id
from service.pagination import count
from service.referrals.models import Referral, ReferralDecision
from service.registry import audit
from service.registry.chain import sha256_json
from service.registry.check import keep_blobs
from service.registry.models import ErasedEntry, RegistryEntry, RegistryFile
from service.registry.store import blob_store
from service.rendering.pdf import render_pdf
from service.retention.flagging import flag_due, standing_flags, standing_query
from service.retention.models import HOUSEHOLD, Erasure, RetentionFlag
from service.retention.rules import RULES
from service.timeutil import today_paris, utcnow

log = logging.getLogger(__name__)

ERASED = "(effacé)"  # what a required free-text column holds once erased
RECEIPT_TEMPLATE = "_retention/recepisse_effacement.html"
KEPT = {
    HOUSEHOLD: ("La référence pseudonyme du ménage, sa composition, son équipe et les dates de "
                "son parcours (contacts, accompagnement, logement), que les bilans comptent "
                "sans nom ; les lignes du registre et leurs empreintes ; le journal des accès "
                "(identifiants, sans contenu)."),
    "referral": ("La référence de la fiche, sa structure, ses dates et ses décisions (sans "
                 "commentaire), que les bilans comptent sans nom ; les lignes du registre et "
                 "leurs empreintes ; le journal des accès (identifiants, sans contenu)."),
}
SUBJECT_LABELS = {HOUSEHOLD: "Ménage", "referral": "Fiche de lien"}


@dataclass(frozen=True)
class Subject:
    """What one erasure covers: the subject and every document series that belongs to it."""

    type: str
    id: str
    reference: str
    series_ids: list[str]
    referral_ids: list[str]


def _due(day: date):
    """The standing flags due on `day`, the oldest first (service.retention.flagging)."""
    return standing_query().where(RetentionFlag.due_on <= day)


def erase_due(today: date | None = None) -> list[Erasure]:
    """Erase every subject whose flag stands and is due on `today` (default: today in Paris),
    after a flagging run (a subject active again since its flag is not erased). Each subject
    is erased and committed on its own; one already erased is skipped."""
    day = today or today_paris()
    flag_due(day)
    flags = list(db.session.execute(_due(day)).scalars())
    done = []
    for standing in standing_flags(flags):
        erasure = erase(standing.flag, standing.reference)
        if erasure is not None:
            done.append(erasure)
    return done


def due_for_erasure(today: date | None = None) -> int:
    """How many standing flags `erase_due` would act on (for a dry run)."""
    return count(_due(today or today_paris()))


def erase(flag: RetentionFlag, reference: str) -> Erasure | None:
    """Erase the subject of `flag` and commit; None if it was erased already."""
    if erasure_of(flag.subject_id) is not None:
        return None
    rule = RULES[flag.rule]
    subject = _subject(flag, reference)
    entries = list(db.session.execute(select(RegistryEntry).where(
        RegistryEntry.series_id.in_(subject.series_ids))).scalars()) if subject.series_ids else []
    entry_ids = [e.id for e in entries]
    signatures = list(db.session.execute(select(Signature).where(
        Signature.entry_id.in_(entry_ids))).scalars()) if entry_ids else []
    digests = {f.sha256 for e in entries for f in e.files}
    digests |= {s.image_sha256 for s in signatures if s.image_sha256}
    erasure_id = new_id()
    erased_at = utcnow()
    counts = _counts(subject, entries, signatures)
    counts["fichiers"] = len(digests)
    digest = subject_digest(subject.type, subject.id, reference)
    receipt = _receipt(subject, digest, rule, flag.due_on, erasure_id, erased_at, counts)
    # The tombstone first: the triggers allow emptying only what a recorded erasure names.
    erasure = Erasure(id=erasure_id, subject_type=subject.type, subject_id=subject.id,
                      subject_digest=digest, rule=rule.key, legal_basis=rule.legal_basis,
                      due_on=flag.due_on, erased_at=erased_at, counts=counts,
                      receipt_sha256=blob_store().put(receipt))
    db.session.add(erasure)
    db.session.flush()
    _erase_rows(subject, entries, signatures, erasure_id)
    db.session.delete(flag)
    audit.record("retention_erase", "erasure", erasure_id,
                 subject.id if subject.type == HOUSEHOLD else None, user=None,
                 rule=rule.key, subject_type=subject.type, counts=counts)
    db.session.commit()
    removed = _delete_unreferenced(digests)
    log.info("retention erasure %s: %s %s, %d versions, %d files deleted",
             erasure_id, subject.type, subject.id, counts["versions"], removed)
    return erasure


def subject_digest(subject_type: str, subject_id: str, reference: str) -> str:
    """The tombstone's hash of a subject: enough to answer « this file was erased on … » for
    a known reference, nothing to find whom it was about."""
    return hashlib.sha256(f"{subject_type}:{subject_id}:{reference}".encode()).hexdigest()


def _subject(flag: RetentionFlag, reference: str) -> Subject:
    if flag.subject_type == HOUSEHOLD:
        series = list(db.session.execute(select(DocumentSeries.id).where(
            DocumentSeries.household_id == flag.subject_id)).scalars())
        referrals = list(db.session.execute(select(Referral.id, Referral.series_id).where(
            Referral.household_id == flag.subject_id)).tuples())
        series_ids = sorted(set(series) | {series_id for _, series_id in referrals})
        return Subject(HOUSEHOLD, flag.subject_id, reference, series_ids,
                       [referral_id for referral_id, _ in referrals])
    referral = db.session.get(Referral, flag.subject_id)
    assert referral is not None  # a flag names an existing fiche
    return Subject(flag.subject_type, referral.id, reference, [referral.series_id], [referral.id])


def _drafts(subject: Subject):
    """The drafts of the subject: its documents' corrections, a household's new documents."""
    if subject.type == HOUSEHOLD:
        return or_(Draft.series_id.in_(subject.series_ids), Draft.household_id == subject.id)
    return Draft.series_id.in_(subject.series_ids)


def _count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _counts(subject: Subject, entries: list[RegistryEntry],
            signatures: list[Signature]) -> dict[str, int]:
    """What the erasure will empty or delete, for the tombstone and the receipt."""
    counts = {"versions": len(entries), "signatures": len(signatures),
              "brouillons": _count(Draft, _drafts(subject))}
    if subject.type == HOUSEHOLD:
        counts["personnes"] = _count(Person, Person.household_id == subject.id)
        counts["logements"] = _count(Tenancy, Tenancy.household_id == subject.id)
        counts["droits_de_suite"] = _count(DroitDeSuite, DroitDeSuite.household_id == subject.id)
    counts["fiches"] = len(subject.referral_ids)
    return counts


def _erase_rows(subject: Subject, entries: list[RegistryEntry], signatures: list[Signature],
                erasure_id: str) -> None:
    """Empty or delete every row that names or describes the people (the Erasure row is
    flushed already; each registry row's ErasedEntry is flushed before the row is emptied)."""
    for entry in entries:
        db.session.add(ErasedEntry(entry_id=entry.id, erasure_id=erasure_id,
                                   render_meta_sha256=sha256_json(entry.render_meta)))
    db.session.flush()
    for entry in entries:
        entry.snapshot = {}
        entry.render_meta = None
    for signature in signatures:
        signature.signer_name = ERASED
        signature.refusal_reason = None
        signature.image_sha256 = None
    db.session.flush()
    db.session.execute(delete(Draft).where(_drafts(subject)))
    if subject.type == HOUSEHOLD:
        db.session.execute(delete(Person).where(Person.household_id == subject.id))
        db.session.execute(update(Tenancy).where(Tenancy.household_id == subject.id)
                           .values(landlord_name=ERASED, address=ERASED))
        db.session.execute(update(Contact).where(Contact.household_id == subject.id)
                           .values(place=None))
        db.session.execute(update(DroitDeSuite).where(DroitDeSuite.household_id == subject.id)
                           .values(reason=ERASED, action=None))
    if subject.referral_ids:
        db.session.execute(update(Referral).where(Referral.id.in_(subject.referral_ids))
                           .values(applicant_label=ERASED, decision_comment=None)
                           .execution_options(synchronize_session=False))
        db.session.execute(update(ReferralDecision)
                           .where(ReferralDecision.referral_id.in_(subject.referral_ids))
                           .values(comment=None))


def _receipt(subject: Subject, digest: str, rule, due_on: date, erasure_id: str, erased_at,
             counts: dict[str, int]) -> bytes:
    labels = [("Versions de documents enregistrées (contenu saisi et fichiers)", "versions"),
              ("Fichiers supprimés (PDF, DOCX, archives, signatures dessinées)", "fichiers"),
              ("Signatures (noms des signataires et dessins)", "signatures"),
              ("Personnes du ménage (noms, dates de naissance)", "personnes"),
              ("Logements (adresse et bailleur)", "logements"),
              ("Droits de suite (motif et suites données)", "droits_de_suite"),
              ("Fiches de lien (nom du demandeur, commentaires de décision)", "fiches"),
              ("Brouillons", "brouillons")]
    context = {"r": {
        "organisation": current_app.config["ORGANISATION_NAME"],
        "subject_label": SUBJECT_LABELS[subject.type], "reference": subject.reference,
        "digest": digest,
        "rule_label": rule.label, "legal_basis": rule.legal_basis, "due_on": due_on,
        "erased_at": erased_at, "erasure_id": erasure_id, "kept": KEPT[subject.type],
        "erased": [(label, counts[key]) for label, key in labels if key in counts]}}
    return render_pdf(current_app.config["DOC_TEMPLATES"], RECEIPT_TEMPLATE, context)


def _delete_unreferenced(digests: set[str]) -> int:
    """Delete the erased files no version still holding its content names (content-addressed:
    the same bytes may belong to another document) and no signature still uses."""
    if not digests:
        return 0
    erased = select(ErasedEntry.entry_id)
    kept = set(db.session.execute(select(RegistryFile.sha256).where(
        RegistryFile.sha256.in_(digests), RegistryFile.entry_id.not_in(erased))).scalars())
    kept |= {digest for digest in db.session.execute(select(Signature.image_sha256).where(
        Signature.image_sha256.in_(digests))).scalars() if digest}
    store = blob_store()
    return sum(store.delete(digest) for digest in digests - kept)


def _receipts():
    return db.session.execute(select(Erasure.receipt_sha256)).scalars()


# The receipts stay in the blob store for as long as their tombstones: never orphans.
keep_blobs(_receipts)


def erasure_of(subject_id: str) -> Erasure | None:
    """The subject's erasure (a household's, a fiche's), if it was erased."""
    return db.session.execute(select(Erasure).where(
        Erasure.subject_id == subject_id)).scalar_one_or_none()
