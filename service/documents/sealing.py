"""Collect signatures on a registered version, then register the signed, sealed PDF."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service import faults, kinds
from service.documents.produce import APPEND_ATTEMPTS, provenance_meta, render
from service.documents.signatures import DRAWN, QUALITIES, REFUSED, TYPED, Signature
from service.errors import Conflict
from service.extensions import db
from service.ids import new_id
from service.registry import audit
from service.registry.codes import new_code
from service.registry.models import SIGNED, RegistryEntry
from service.registry.store import append, blob_store
from service.rendering import signing
from service.rendering.seal_identity import DEMO_ROOT, load_certificates
from service.rendering.signature_images import load_png_signature, signature_img
from service.timeutil import utcnow

SEALED_MEANWHILE = ("Une autre version de ce document a été enregistrée pendant la signature : "
                    "rechargez la page pour voir la version en cours.")


@lru_cache(maxsize=4)
def _identity(pkcs12: str, password_file: str | None, seal_dir: str, organisation: str):
    if not pkcs12:  # demo: a self-signed identity generated once, files mode 0600
        directory = Path(seal_dir)
        pkcs12 = str(signing.generate_demo_identity(directory, organisation))
        password_file = str(directory / "cachet-demo.p12.motdepasse")
    password = Path(password_file).read_text().strip() if password_file else None
    return signing.load_signer(pkcs12, password)


def sealer(structure=None) -> signing.Sealer:
    """The seal of the structure that issues the document. Production configures its seal
    (PKCS#12); the demo generates one identity per structure, under SEAL_DIR/<structure id>,
    in the structure's full name (the service's own, without a structure)."""
    config = current_app.config
    if config.get("SEAL_PKCS12_PATH") or structure is None:
        return _identity(config.get("SEAL_PKCS12_PATH") or "",
                         config.get("SEAL_PKCS12_PASSWORD_FILE"), config["SEAL_DIR"],
                         config["ORGANISATION_NAME"])
    return _identity("", None, str(Path(config["SEAL_DIR"]) / structure.id), structure.name)


def trust_roots() -> list:
    """The roots an uploaded seal must chain to: the configured seal's, or every demo
    identity generated here (one per structure, and the service's own)."""
    config = current_app.config
    if config.get("SEAL_PKCS12_PATH"):
        return sealer().roots
    base = Path(config["SEAL_DIR"])
    found = [base / DEMO_ROOT, *sorted(base.glob(f"*/{DEMO_ROOT}"))]
    roots = [c for pem in found if pem.exists() for c in load_certificates(pem)]
    return roots or sealer().roots


def signatures_of(entry: RegistryEntry) -> Sequence[Signature]:
    return db.session.execute(
        select(Signature).where(Signature.entry_id == entry.id).order_by(Signature.position)
    ).scalars().all()


def record(entry: RegistryEntry, user, *, name: str, quality: str, method: str,
           png: bytes | None = None, reason: str | None = None) -> Signature:
    """One signature (or refusal); raises ValueError with a French message when invalid."""
    if quality not in QUALITIES:
        raise ValueError("Choisissez la qualité du signataire.")
    if not name.strip():
        raise ValueError("Indiquez le nom du signataire.")
    image = None
    if method == DRAWN:
        image = blob_store().put(load_png_signature(png or b""))
    elif method == REFUSED and not (reason or "").strip():
        raise ValueError("Indiquez le motif du refus de signer.")
    elif method not in (TYPED, REFUSED):
        raise ValueError("Choisissez comment la personne signe.")
    position = (db.session.execute(select(func.max(Signature.position)).where(
        Signature.entry_id == entry.id)).scalar() or 0) + 1
    signature = Signature(id=new_id(), entry_id=entry.id, position=position,
                          signer_name=name.strip()[:200], quality=quality, method=method,
                          image_sha256=image, refusal_reason=(reason or "").strip()[:500] or None,
                          recorded_by_id=user.id)
    db.session.add(signature)
    audit.record("sign", "document", entry.id, entry.series.household_id, method=method)
    db.session.commit()
    return signature


def missing(entry: RegistryEntry) -> list[str]:
    """What still prevents sealing, in French."""
    qualities = {s.quality for s in signatures_of(entry)}
    problems = []
    if "personne" not in qualities:
        problems.append("La personne accompagnée doit signer, ou son refus doit être noté.")
    if not qualities - {"personne"}:
        problems.append("Au moins un professionnel de l'équipe doit signer.")
    return problems


def _context_signatures(entry: RegistryEntry) -> list[dict]:
    store = blob_store()
    return [{
        "nom": s.signer_name, "qualite": QUALITIES[s.quality], "date": s.signed_at,
        "image": signature_img(store.get(s.image_sha256)) if s.image_sha256 else None,
        "refus": s.refusal_reason if s.method == REFUSED else None,
    } for s in signatures_of(entry)]


def seal_version(entry: RegistryEntry, user, household_reference: str) -> RegistryEntry:
    """Render the version again with its signatures, seal it, register it as the next version."""
    kind = kinds.get(entry.kind)
    data = kind.schema().load(entry.snapshot)
    data["signatures"] = _context_signatures(entry)
    entry_id = new_id()
    assert entry.render_meta is not None, "a version to sign was produced with its metadata"
    meta = {**entry.render_meta, **provenance_meta(kind, new_code()),
            "registry_id": entry_id, "version": entry.version + 1,
            "issued_at": utcnow().replace(microsecond=0), "author_name": user.full_name,
            "supersedes_version": entry.version, "household_reference": household_reference}
    rendered = render(kind, data, meta)
    faults.point("seal-after-render")
    sealed = signing.seal(rendered.pdf, sealer(entry.series.structure),
                          reason=f"{entry.title} signé",
                          location=current_app.config["ORGANISATION_NAME"])
    files = rendered.replacing("pdf", sealed)
    source_id, key = entry.id, f"seal:{entry.id}"
    for attempt in range(APPEND_ATTEMPTS):
        entry = db.session.get_one(RegistryEntry, source_id)
        try:
            signed = append(series=entry.series, kind=entry.kind, title=entry.title,
                            snapshot=entry.snapshot, snapshot_sha256=entry.snapshot_sha256,
                            rendered=files, user=user, idempotency_key=key, entry_id=entry_id,
                            status=SIGNED, render_meta=meta, version=meta["version"])
            audit.record("seal", "document", signed.id, entry.series.household_id,
                         signed_from=entry.id)
            db.session.commit()
            return signed
        except IntegrityError:
            # Another write took this place in the hash chain: append the same sealed file
            # again at the new head (it does not print the chain: nothing to render or seal
            # again). A concurrent seal of the same version that won is the answer; another
            # version registered meanwhile makes this one stale.
            db.session.rollback()
            won = db.session.execute(select(RegistryEntry).where(
                RegistryEntry.idempotency_key == key)).scalar_one_or_none()
            if won is not None:
                return won
            taken = db.session.execute(select(RegistryEntry.id).where(
                RegistryEntry.series_id == entry.series_id,
                RegistryEntry.version == meta["version"])).first()
            if taken is not None:
                raise Conflict(SEALED_MEANWHILE) from None
            if attempt == APPEND_ATTEMPTS - 1:
                raise
    raise RuntimeError("unreachable")
