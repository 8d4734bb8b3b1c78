"""RGPD subject access and portability (articles 15 and 20; SECURITY.md R10): one action
exports everything the service holds about one household, as a ZIP.

What it holds: `donnees.json` (the household, its members, its path records, its fiches de
lien and their decisions, every registered version with its input data and its signatures),
every file of every version under `documents/` (each checked against its registered SHA-256),
`journal-des-acces.csv` (who read or changed the household's dossier, and when) and
`LISEZMOI.txt`, in French, which says what each file is. The team lead of the household's
accompanying structure answers the person's request; the export is itself audited.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect, select

from service.auth.models import User
from service.auth.policy import can_export_household
from service.documents.models import DocumentSeries
from service.documents.signatures import Signature
from service.errors import NotFound
from service.extensions import db
from service.households.models import Household, Person
from service.households.path import Contact, DroitDeSuite, SupportPeriod, TeamMember, Tenancy
from service.referrals.models import Referral, ReferralDecision
from service.registry import audit
from service.registry.downloads import open_verified
from service.registry.models import AuditEvent, ErasedEntry, RegistryEntry
from service.registry.store import blob_store
from service.rendering.formatting import datetime_fr
from service.retention.erasure import erasure_of
from service.timeutil import as_utc, utcnow

PATH_RECORDS = (("accompagnements", SupportPeriod), ("baux", Tenancy), ("contacts", Contact),
                ("droits_de_suite", DroitDeSuite), ("equipe", TeamMember))
README = """Export des données d'un ménage – droit d'accès et portabilité (RGPD, articles 15 et 20)

Ménage : {reference}
Export produit le {made} par {author} ({structure}).

Contenu de cette archive :
- donnees.json : toutes les données enregistrées sur le ménage, au format JSON (lisible par
  une machine) : le ménage et ses membres ; son parcours (accompagnements, baux, contacts,
  droits de suite, équipe) ; ses fiches de lien et les décisions de la Plateforme ; chaque
  version enregistrée de ses documents, avec les données saisies, le code de vérification,
  les empreintes SHA-256 de ses fichiers et ses signatures.
- documents/ : chaque fichier de chaque version enregistrée (PDF, Word…), tel qu'il a été
  enregistré ; son empreinte SHA-256 a été vérifiée au moment de l'export.
- journal-des-acces.csv : qui a consulté, téléchargé, créé ou modifié le dossier du ménage,
  et quand (date et heure de Paris, fonction, nom du professionnel, action).

Les documents signés restent vérifiables avec leur code sur la page « Vérifier
l'authenticité d'un document » du service.
"""


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    documents: int


def _plain(value):
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(row, leave: tuple[str, ...] = ()) -> dict:
    """Every stored column of a row, as JSON values."""
    return {column.key: _plain(getattr(row, column.key))
            for column in inspect(row).mapper.column_attrs if column.key not in leave}


def _rows(model, **where) -> list:
    query = select(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return list(db.session.execute(query).scalars())


def _documents(household_id: str, referral_series: list[str]) -> list[RegistryEntry]:
    return list(db.session.execute(
        select(RegistryEntry).join(DocumentSeries, DocumentSeries.id == RegistryEntry.series_id)
        .where((DocumentSeries.household_id == household_id)
               | DocumentSeries.id.in_(referral_series))
        .order_by(RegistryEntry.series_id, RegistryEntry.version)).scalars())


def _access_log(household_id: str, object_ids: list[str]) -> bytes:
    events = list(db.session.execute(
        select(AuditEvent).where((AuditEvent.household_id == household_id)
                                 | AuditEvent.object_id.in_(object_ids))
        .order_by(AuditEvent.at, AuditEvent.id)).scalars())
    names = dict(db.session.execute(select(User.id, User.full_name).where(
        User.id.in_({e.user_id for e in events if e.user_id}))).tuples().all())
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["date", "fonction", "professionnel", "action", "objet", "identifiant"])
    for event in events:
        writer.writerow([datetime_fr(as_utc(event.at)), event.role or "",
                         names.get(event.user_id or "", ""), event.action, event.object_type,
                         event.object_id or ""])
    return ("\ufeff" + out.getvalue()).encode()  # a spreadsheet reads the BOM as UTF-8


def export_household(user, household_id: str) -> Export:
    """The ZIP of everything about one household, for its team lead; 404 for anyone else."""
    household = db.session.get(Household, household_id)
    if household is None or not can_export_household(user, household):
        raise NotFound()
    referrals = _rows(Referral, household_id=household.id)
    entries = _documents(household.id, [r.series_id for r in referrals])
    data: dict = {
        "menage": _row(household),
        "membres": [_row(p) for p in _rows(Person, household_id=household.id)],
        **{name: [_row(r) for r in _rows(model, household_id=household.id)]
           for name, model in PATH_RECORDS},
        "fiches_de_lien": [{**_row(r), "decisions": [
            _row(d) for d in _rows(ReferralDecision, referral_id=r.id)]} for r in referrals],
    }
    erasure = erasure_of(household.id)
    if erasure is not None:  # erased at the end of its retention: say so, and when
        data["effacement"] = {"efface_le": erasure.erased_at, "regle": erasure.rule,
                              "fondement": erasure.legal_basis}
    erased = set(db.session.execute(select(ErasedEntry.entry_id).where(
        ErasedEntry.entry_id.in_([e.id for e in entries]))).scalars()) if entries else set()
    documents: list[dict] = []
    data["documents"] = documents
    store = blob_store()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for entry in entries:
            files = []
            for stored in entry.files:
                if entry.id in erased:  # the file no longer exists; its digest stays
                    files.append({"fichier": None, "efface": True, "format": stored.format,
                                  "sha256": stored.sha256, "taille": stored.size})
                    continue
                name = (f"documents/{entry.title} – {household.reference} – "
                        f"v{entry.version} – {entry.id[:8]}.{stored.format}")
                zipped.writestr(name, b"".join(open_verified(store, stored).chunks))
                files.append({"fichier": name, "format": stored.format,
                              "sha256": stored.sha256, "taille": stored.size})
            documents.append({
                **_row(entry, leave=("render_meta",)), "fichiers": files,
                "signatures": [_row(s, leave=("image_sha256",))
                               for s in _rows(Signature, entry_id=entry.id)]})
        zipped.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2,
                                                    default=str))
        zipped.writestr("journal-des-acces.csv", _access_log(
            household.id, [household.id, *(r.id for r in referrals), *(e.id for e in entries)]))
        zipped.writestr("LISEZMOI.txt", README.format(
            reference=household.reference, made=datetime_fr(utcnow()), author=user.full_name,
            structure=user.structure.name))
    audit.record("export", "household", household.id, household.id, user=user,
                 documents=len(entries))
    db.session.commit()
    return Export(f"Export RGPD – {household.reference}.zip", archive.getvalue(), len(entries))
