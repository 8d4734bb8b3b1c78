"""The nightly flagging: raise a flag on every subject due under a rule, clear the flags of the
subjects active again. Nothing is deleted or anonymised here.

One aggregate query per rule gives the subjects due; the rule's standing flags are read once;
the difference is written in one transaction, so a run twice the same night adds nothing. The
audit log and the log get ids and counts only, never a name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service import kinds
from service.documents.models import DocumentSeries
from service.documents.produce import reference_for
from service.extensions import db
from service.households.models import Household
from service.ids import new_id
from service.referrals.models import Referral
from service.registry import audit
from service.retention.models import HOUSEHOLD, REFERRAL, RetentionFlag
from service.retention.rules import RULES, Rule
from service.timeutil import today_paris, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counts:
    flagged: int  # flags raised by this run (new, or raised again after being cleared)
    cleared: int  # flags cleared by this run: their subject is active again
    standing: int  # flags standing after the run, every rule


def flag_due(today: date | None = None) -> Counts:
    """Flag what is due on `today` (default: today in Paris) and commit.

    Two runs at once (a beat sent twice) cannot both add a row: the second one's insert breaks
    the unique (subject, rule) constraint, and it starts again from what the first committed.
    """
    day = today or today_paris()
    try:
        return _flag_due(day)
    except IntegrityError:
        db.session.rollback()
        log.info("retention flagging: a concurrent run flagged first, run again")
        return _flag_due(day)


def _flag_due(today: date) -> Counts:
    now = utcnow()
    flagged = cleared = 0
    for rule in RULES.values():
        new, gone = _apply(rule, today, now)
        flagged, cleared = flagged + new, cleared + gone
    standing = db.session.execute(
        select(func.count()).select_from(RetentionFlag)
        .where(RetentionFlag.cleared_at.is_(None))).scalar_one()
    audit.record("retention_flagging", "retention_flags", None, user=None,
                 on=today.isoformat(), flagged=flagged, cleared=cleared, standing=standing)
    db.session.commit()
    log.info("retention flagging on %s: %d flagged, %d cleared, %d standing",
             today.isoformat(), flagged, cleared, standing)
    return Counts(flagged, cleared, standing)


def _apply(rule: Rule, today: date, now: datetime) -> tuple[int, int]:
    """Write `rule`'s flags for `today` in the session; (raised, cleared)."""
    due: dict[str, date] = {
        subject_id: rule.due_on(last_day)
        for subject_id, last_day in db.session.execute(
            rule.inactive_since(rule.cutoff(today))).tuples()}
    existing = {flag.subject_id: flag for flag in db.session.execute(
        select(RetentionFlag).where(RetentionFlag.rule == rule.key,
                                    RetentionFlag.subject_type == rule.subject_type)).scalars()}
    raised = cleared = 0
    for subject_id, due_on in due.items():
        flag = existing.get(subject_id)
        if flag is None:
            flag = RetentionFlag(id=new_id(), subject_type=rule.subject_type,
                                 subject_id=subject_id, rule=rule.key, due_on=due_on,
                                 flagged_at=now)
            db.session.add(flag)
        elif flag.cleared_at is not None:  # due again after a cleared flag: the same row
            flag.cleared_at, flag.flagged_at, flag.due_on = None, now, due_on
        else:
            flag.due_on = due_on  # an older activity recorded meanwhile may move it
            continue
        raised += 1
        _audit("flag", rule, flag)
    for subject_id, flag in existing.items():
        if flag.cleared_at is None and subject_id not in due:
            flag.cleared_at = now
            cleared += 1
            _audit("clear", rule, flag)
    return raised, cleared


def _audit(action: str, rule: Rule, flag: RetentionFlag) -> None:
    audit.record(f"retention_{action}", "retention_flag", flag.id,
                 flag.subject_id if flag.subject_type == HOUSEHOLD else None, user=None,
                 rule=rule.key, subject_type=flag.subject_type, subject_id=flag.subject_id,
                 due_on=flag.due_on.isoformat())


@dataclass(frozen=True)
class Standing:
    """A standing flag as the administration's page shows it: a reference, never a name."""

    flag: RetentionFlag
    rule: Rule
    reference: str  # BA-2026-0042 for a household, FL-3F2A9C01 for a fiche


def standing_flags(flags: list[RetentionFlag]) -> list[Standing]:
    """The page's rows for `flags` (one page of them): two queries for their references."""
    ids = {kind: [f.subject_id for f in flags if f.subject_type == kind]
           for kind in (HOUSEHOLD, REFERRAL)}
    households = dict(db.session.execute(
        select(Household.id, Household.reference).where(Household.id.in_(ids[HOUSEHOLD])))
        .tuples().all()) if ids[HOUSEHOLD] else {}
    fiches = {referral_id: reference_for(kinds.get(kind), series_id)
              for referral_id, series_id, kind in db.session.execute(
                  select(Referral.id, Referral.series_id, DocumentSeries.kind)
                  .join(DocumentSeries, DocumentSeries.id == Referral.series_id)
                  .where(Referral.id.in_(ids[REFERRAL]))).tuples()} if ids[REFERRAL] else {}
    references = {HOUSEHOLD: households, REFERRAL: fiches}
    return [Standing(flag, RULES[flag.rule],
                     references[flag.subject_type].get(flag.subject_id, "—"))
            for flag in flags]


def standing_query():
    """The standing flags, the oldest due first (to page through)."""
    return (select(RetentionFlag).where(RetentionFlag.cleared_at.is_(None),
                                        RetentionFlag.rule.in_(list(RULES)))
            .order_by(RetentionFlag.due_on, RetentionFlag.subject_type, RetentionFlag.id))
