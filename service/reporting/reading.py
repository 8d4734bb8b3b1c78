"""Reading a registered bilan: which ones a user may see, its figures as that user may read
them (exact for the team lead, small counts hidden for everyone else), and the households
behind one figure, recomputed from the records for the bilan's period."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from service.auth.policy import can_read_series, can_trace_figures
from service.documents.access import readable
from service.documents.models import DocumentSeries
from service.documents.subjects import subject_of
from service.errors import NotFound
from service.extensions import db
from service.registry.models import RegistryEntry
from service.reporting import bilan_activites
from service.reporting.catalogue import BY_CODE
from service.reporting.framework import Scope, drill
from service.reporting.presentation import table
from service.reporting.registration import KINDS

BILAN_KEYS = tuple(kind.key for kind in KINDS)


def readable_bilans(user) -> list[RegistryEntry]:
    """Every registered bilan the user may read, newest first (funders: every structure's)."""
    series = db.session.execute(
        select(DocumentSeries).where(DocumentSeries.kind.in_(BILAN_KEYS))).scalars().all()
    ids = [s.id for s in series if can_read_series(user, s, subject_of(s))]
    if not ids:
        return []
    return list(db.session.execute(
        select(RegistryEntry).where(RegistryEntry.series_id.in_(ids))
        .order_by(RegistryEntry.created_at.desc())).scalars())


@dataclass(frozen=True)
class Figures:
    entry: RegistryEntry
    structure_id: str
    exact: bool  # the team lead's view: every figure, each opening its households
    tables: list[dict]


def figures(user, entry_id: str) -> Figures:
    """A bilan d'activités' tables for this user; 404 for anything else or anyone else."""
    entry, series, subject = readable(user, entry_id)
    if entry.kind != bilan_activites.KEY:
        raise NotFound()
    exact = can_trace_figures(user) and series.structure_id == user.structure_id
    return Figures(entry, series.structure_id, exact,
                   [table(item, funders=not exact) for item in entry.snapshot["indicateurs"]])


def traced(user, entry_id: str, code: str, line: str) -> tuple[Figures, dict, list[str]]:
    """The pseudonymous references one figure counts, for the team lead of the structure."""
    found = figures(user, entry_id)
    indicator = BY_CODE.get(code)
    if not found.exact or indicator is None or not indicator.drill:
        raise NotFound()
    item = next((t for t in found.tables if t["code"] == code), None)
    row = next((r for r in item["rows"] if r["_key"] == line), None) if item else None
    if row is None:
        raise NotFound()
    period = subject_of(found.entry.series).period
    assert period is not None, "a bilan's series has a period for subject"
    scope = Scope(found.structure_id, period.start, period.end)
    return found, {"table": item, "row": row}, drill(indicator, scope, line)
