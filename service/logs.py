"""The service's log lines: one JSON object per line (SECURITY F12, ASVS 7.3.1).

A value a user typed can never start a line of its own: a CR/LF inside a message or a field is
escaped by the JSON encoding, so a « \\r\\n2026-01-01 INFO login ok user=admin » cannot forge
an event. `extra=` fields are kept as fields; a traceback is one string field. What is logged
stays ids, counts and digests, never a name (tests/security/test_sentinel.py).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# The attributes every LogRecord has: anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC)
        line = {"time": at.isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        line.update({key: value for key, value in vars(record).items()
                     if key not in _STANDARD and not key.startswith("_")})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(level: str) -> None:
    """JSON lines on stderr for the root logger, unless a handler was set up already (a test
    runner, gunicorn's or Celery's own configuration): as logging.basicConfig does."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
