"""A département's data for the list pages' bench: N households, 3 N fiches, 10 N registry rows.

The synthetic history of `flask demo-data --households N` (service/reporting/synthetic.py) draws
N admitted households and about 0.35 N other fiches (13 500 fiches for 10 000 households), with
their series but no registered version. `extend` adds, on top of it:

- fiches that were not admitted (refused, reoriented, withdrawn, on the waiting list, or still
  waiting for a decision when received in the last three weeks), spread over the orienting
  structures, up to 3 N fiches in all;
- the registry: every fiche's registered version (15 % corrected once: a v2), then each
  household's plans d'action concertés and protocoles de crise with their revisions, up to
  10 N rows in all.

Registry rows are append-only and hash-chained. `registry.store.append` reads the head of the
chain and the series' last version for every row (100 000 appends take many minutes), so the rows
are written here by a bulk path that keeps what append guarantees and what `flask registry check`
verifies:

- the registry table is locked for the whole write (PostgreSQL `LOCK TABLE … EXCLUSIVE`), so no
  other append interleaves; the rows take the places after the chain's head, in order;
- every row is built with the fields append gives it (hash version 2, the title of its kind, the
  snapshot as the JSON column gives it back with its SHA-256, the render metadata of a real
  render, a fresh verification code, an idempotency key of its own), each `prev_hash` the
  previous row's `row_hash`, each `row_hash` computed by `registry.chain.entry_hash`, the
  function the check recomputes, over the row and its file rows;
- each version has one file row: a small valid PDF stored once in the blob store (fsync,
  rename), so the check finds every file and its digest.

Names are « Ménage de synthèse … », never a real person's; the answers are the golden samples'.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from typing import cast

from flask import current_app
from pypdf import PdfWriter
from sqlalchemy import Table, func, insert, select, text

from service import kinds
from service.demo import sample_input
from service.documents.models import DocumentSeries
from service.documents.produce import library_versions, provenance_meta, reference_for
from service.extensions import db
from service.households.models import Household
from service.ids import new_id
from service.referrals.models import Referral, ReferralDecision
from service.registry.chain import GENESIS, entry_hash, sha256_json
from service.registry.codes import new_code
from service.registry.models import FINAL, RegistryEntry, RegistryFile
from service.registry.store import blob_store
from service.reporting import synthetic
from service.timeutil import as_utc, utcnow

CHUNK = 2000
FICHES_PER_HOUSEHOLD = 3
REGISTRY_ROWS_PER_HOUSEHOLD = 10
CORRECTED_SHARE = 0.15
NOT_ADMITTED = [("refuse", 30), ("reoriente", 30), ("retire", 20), ("liste_attente", 20)]
REASONS = ["hors_public", "hors_territoire", "ressources_incompatibles", "dossier_incomplet",
           "refus_personne", "autre"]
STILL_WAITING_DAYS = 21


def generate(households: int, setting: synthetic.Setting, seed: int = 2026) -> dict[str, int]:
    """The synthetic history of `households` households, then `extend`; rows per table."""
    counts = synthetic.generate(households, setting, seed=seed)
    counts.update(extend(households, setting, seed=seed))
    return counts


def extend(households: int, setting: synthetic.Setting, seed: int = 2026) -> dict[str, int]:
    """Top the database up to 3 × `households` fiches and 10 × `households` registry rows."""
    rng = random.Random(seed + 1)
    added = _fiches(rng, setting, FICHES_PER_HOUSEHOLD * households)
    db.session.commit()
    added.update(_registry(rng, setting, REGISTRY_ROWS_PER_HOUSEHOLD * households))
    db.session.commit()
    return added


def _at(day, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8 + rng.randrange(10), rng.randrange(60)), UTC)


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _insert(model, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        db.session.execute(insert(cast(Table, model.__table__)), rows[i:i + CHUNK])


def _fiches(rng: random.Random, s: synthetic.Setting, target: int) -> dict[str, int]:
    """Fiches not admitted, received over the setting's period, until `target` in all."""
    missing = target - db.session.execute(select(func.count()).select_from(Referral)).scalar_one()
    series, referrals, decisions = [], [], []
    span = max(1, (s.end - s.start).days)
    for _ in range(max(0, missing)):
        received = s.start + timedelta(days=rng.randrange(span))
        structure_id, user_id = rng.choice(s.orienteurs)
        series_id, referral_id = new_id(), new_id()
        decided = received + timedelta(days=rng.randrange(2, 25))
        status = "recue" if (s.end - received).days < STILL_WAITING_DAYS or decided > s.end \
            else _pick(rng, NOT_ADMITTED)
        reason = rng.choice(REASONS) if status == "refuse" else None
        received_at = _at(received, rng)
        series.append(dict(id=series_id, kind="fiche_de_lien", structure_id=structure_id,
                           subject_type="referral", subject_id=None, household_id=None,
                           created_at=received_at))
        referrals.append(dict(
            id=referral_id, series_id=series_id, structure_id=structure_id,
            created_by_id=user_id, status=status, decision_reason=reason, decision_comment=None,
            decided_at=_at(decided, rng) if status != "recue" else None,
            decided_by_id=s.plateforme_id if status != "recue" else None, household_id=None,
            applicant_label=f"Ménage de synthèse {referral_id[:8]}", received_at=received_at,
            version_id=1))
        if status != "recue":
            decisions.append(dict(id=new_id(), referral_id=referral_id, decision=status,
                                  reason=reason, comment=None, by_id=s.plateforme_id,
                                  at=_at(decided, rng)))
    _insert(DocumentSeries, series)
    _insert(Referral, referrals)
    _insert(ReferralDecision, decisions)
    return {"extra_referrals": len(referrals)}


@dataclass
class _Version:
    """One registry row to write: its series, kind, version, author and date."""

    series_id: str
    structure_id: str
    kind: str
    version: int
    created_by_id: str
    created_at: datetime
    household_reference: str
    label: str = ""


def _fiche_versions(rng: random.Random, s: synthetic.Setting) -> list[_Version]:
    """A registered version for every fiche without one; some corrected once (a v2)."""
    authors = {structure_id: user_id for structure_id, user_id in s.orienteurs}
    registered = select(RegistryEntry.series_id).distinct()
    rows = db.session.execute(
        select(Referral.series_id, Referral.structure_id, Referral.created_by_id,
               Referral.received_at, Referral.applicant_label, Household.reference)
        .outerjoin(Household, Household.id == Referral.household_id)
        .where(Referral.series_id.not_in(registered))).all()
    versions = []
    for series_id, structure_id, author, received_at, label, reference in rows:
        author = author or authors.get(structure_id)
        received_at = as_utc(received_at)
        versions.append(_Version(series_id, structure_id, "fiche_de_lien", 1, author,
                                 received_at, reference or "", label))
        if rng.random() < CORRECTED_SHARE:
            versions.append(_Version(series_id, structure_id, "fiche_de_lien", 2, author,
                                     received_at + timedelta(hours=rng.randrange(2, 72)),
                                     reference or "", label))
    return versions


def _household_versions(rng: random.Random, s: synthetic.Setting, budget: int
                        ) -> tuple[list[dict], list[_Version]]:
    """`budget` versions of plans d'action and protocoles de crise over the households that
    have none yet: the new series, and their versions."""
    documented = select(DocumentSeries.household_id).where(
        DocumentSeries.kind.in_(["plan_action", "protocole_crise"]))
    households = db.session.execute(
        select(Household.id, Household.reference, Household.team_structure_id,
               Household.created_at).where(Household.id.not_in(documented))
        .order_by(Household.created_at)).all()
    if not households or budget <= 0:
        return [], []
    base, extra = divmod(budget, len(households))
    lucky = set(rng.sample(range(len(households)), extra))
    now = utcnow().replace(microsecond=0)
    series, versions = [], []
    for index, (household_id, reference, team_id, admitted) in enumerate(households):
        count = base + (1 if index in lucky else 0)
        plans = (count + 1) // 2
        for kind, how_many in (("plan_action", plans), ("protocole_crise", count - plans)):
            if how_many <= 0:
                continue
            series_id = new_id()
            first = as_utc(admitted) + timedelta(days=rng.randrange(20, 90))
            series.append(dict(id=series_id, kind=kind, structure_id=team_id or s.team_id,
                               subject_type="household", subject_id=household_id,
                               household_id=household_id, created_at=min(first, now)))
            at = first
            for version in range(1, how_many + 1):
                versions.append(_Version(series_id, team_id or s.team_id, kind, version,
                                         rng.choice(s.worker_ids), min(at, now), reference))
                at += timedelta(days=rng.randrange(45, 150))
    return series, versions


def _small_pdf() -> bytes:
    """One blank A4 page: what every synthetic version's file row names."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "Version de synthèse"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _snapshots() -> dict[str, dict]:
    """Each kind's golden answers, loaded by its schema and as the JSON column gives them back."""
    found = {}
    for key in ("fiche_de_lien", "plan_action", "protocole_crise"):
        kind = kinds.get(key)
        loaded = kind.schema().load(sample_input(key))
        found[key] = json.loads(json.dumps(loaded, default=str))
    return found


def _registry(rng: random.Random, s: synthetic.Setting, target: int) -> dict[str, int]:
    """Registry rows up to `target`: the fiches' versions first, then households' documents."""
    if db.engine.dialect.name == "postgresql":  # no other append between the head and the end
        db.session.execute(text("LOCK TABLE registry_entries IN EXCLUSIVE MODE"))
    existing = db.session.execute(select(func.count()).select_from(RegistryEntry)).scalar_one()
    versions = _fiche_versions(rng, s)
    series, household_versions = _household_versions(
        rng, s, target - existing - len(versions))
    versions += household_versions
    versions.sort(key=lambda v: (v.created_at, v.version))
    _insert(DocumentSeries, series)

    pdf = _small_pdf()
    digest = blob_store().put(pdf)
    snapshots = _snapshots()
    libraries = library_versions()
    provenance = {key: provenance_meta(kinds.get(key), "") for key in snapshots}
    head = db.session.execute(
        select(RegistryEntry.seq, RegistryEntry.row_hash).order_by(RegistryEntry.seq.desc())
        .limit(1)).first()
    seq, prev_hash = (head.seq, head.row_hash) if head else (0, GENESIS)
    previous: dict[str, str] = {}  # series → id of its latest version written here
    entries, files = [], []
    organisation = current_app.config["ORGANISATION_NAME"]
    for v in versions:
        kind = kinds.get(v.kind)
        snapshot = snapshots[v.kind]
        if v.kind == "fiche_de_lien":  # the applicant's name is the referral's synthetic label
            snapshot = json.loads(json.dumps(snapshot))
            snapshot["menage"]["demandeur"].update(nom="de synthèse", prenom=v.label[-8:])
        entry_id, code, seq = new_id(), new_code(), seq + 1
        snapshot_sha256 = sha256_json(snapshot)
        meta = {**provenance[v.kind], "verification_code": code,
                "verification_url": provenance[v.kind]["verification_url"] + code,
                "title": kind.title, "reference": reference_for(kind, v.series_id),
                "version": v.version, "issued_at": v.created_at.isoformat(),
                "author_structure": "", "author_name": "", "registry_id": entry_id,
                "snapshot_sha256": snapshot_sha256, "organisation": organisation,
                "household_reference": v.household_reference,
                "supersedes_version": v.version - 1 if v.version > 1 else None}
        meta = json.loads(json.dumps(meta, default=str))
        row = dict(
            id=entry_id, seq=seq, series_id=v.series_id, kind=v.kind, version=v.version,
            supersedes_id=previous.get(v.series_id) if v.version > 1 else None, status=FINAL,
            title=kind.title, snapshot=snapshot, snapshot_sha256=snapshot_sha256,
            template_sha256=meta["template_sha256"], template_name=meta["template_name"],
            library_versions=libraries, pdf_sha256=digest, pdf_size=len(pdf),
            legacy_docx_sha256=None, legacy_docx_size=None, hash_version=2,
            created_by_id=v.created_by_id, structure_id=v.structure_id,
            created_at=v.created_at.replace(microsecond=0),
            idempotency_key=f"synthese:{entry_id}", verification_code=code, render_meta=meta,
            prev_hash=prev_hash)
        stored = RegistryFile(entry_id=entry_id, position=1, format="pdf", role="document",
                              media_type="application/pdf", sha256=digest, size=len(pdf))
        row["row_hash"] = entry_hash(SimpleNamespace(**row, files=[stored]))
        prev_hash = row["row_hash"]
        previous[v.series_id] = entry_id
        # The column of the legacy DOCX fields is named docx_* in the table.
        row["docx_sha256"], row["docx_size"] = row.pop("legacy_docx_sha256"), \
            row.pop("legacy_docx_size")
        entries.append(row)
        files.append(dict(entry_id=entry_id, position=1, format="pdf", role="document",
                          media_type="application/pdf", sha256=digest, size=len(pdf),
                          added_at=None, prev_hash=None, row_hash=None))
    _insert(RegistryEntry, entries)
    _insert(RegistryFile, files)
    return {"extra_registry_entries": len(entries), "household_document_series": len(series)}
