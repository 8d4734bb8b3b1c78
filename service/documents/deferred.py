"""The job that makes a registered version's deferred outputs (its DOCX) and adds them.

The version's PDF was registered in the request; this job renders the rest from the stored
snapshot and render metadata (the same inputs, so the same document), checks it, and adds each
file to the version as a chained record of its own: nothing registered is rewritten.
"""

from __future__ import annotations

from datetime import datetime

from service import kinds
from service.auth.policy import can_read_series
from service.documents.produce import DEFERRED_FILES, render
from service.documents.subjects import subject_of
from service.extensions import db
from service.jobs.models import FAILED
from service.jobs.runner import JobKind, register
from service.registry.models import RegistryEntry
from service.registry.store import add_file


def make_deferred_files(job, progress) -> str:
    entry = db.session.get_one(RegistryEntry, job.subject_id)
    kind = kinds.get(entry.kind)
    missing = tuple(o for o in kind.outputs if entry.file(o.format, o.role) is None)
    progress(1, 2, "Préparation des fichiers : " + ", ".join(o.format.upper() for o in missing))
    if missing:
        meta = dict(entry.render_meta or {})
        meta["issued_at"] = datetime.fromisoformat(meta["issued_at"])
        rendered = render(kind, kind.schema().load(entry.snapshot), meta, outputs=missing)
        progress(2, 2, "Enregistrement au registre")
        for made in rendered.files:
            add_file(entry, made)
        db.session.commit()
    return entry.id


def _readable(user, job) -> bool:
    entry = db.session.get(RegistryEntry, job.subject_id)
    return entry is not None and can_read_series(user, entry.series, subject_of(entry.series))


register(JobKind(key=DEFERRED_FILES, label="Fichiers complémentaires du document",
                 body=make_deferred_files, soft_time_limit=240, time_limit=270,
                 readable=_readable, notify_on=(FAILED,)))
