"""The Celery beat task of the nightly retention flagging (CELERY_BEAT_SCHEDULE, 03:30)."""

from __future__ import annotations

from service.jobs.celery_app import celery
from service.retention.flagging import flag_due


@celery.task(name="retention.flag_due")
def nightly_flagging() -> dict[str, int]:
    """Flag what is due today (Paris); idempotent, so a beat sent twice adds nothing."""
    counts = flag_due()
    return {"flagged": counts.flagged, "cleared": counts.cleared, "standing": counts.standing}
