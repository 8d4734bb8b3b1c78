"""The service's log lines are JSON, one event per line (SECURITY F12)."""

from __future__ import annotations

import json
import logging
import sys

from service.logs import JsonFormatter

FORGED = "\r\n2026-01-01 INFO login ok user=admin"


def _record(message: str, *args, **extra) -> logging.LogRecord:
    record = logging.LogRecord("service.auth", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_a_crlf_in_a_message_or_a_field_stays_inside_its_line():
    written = JsonFormatter().format(_record("login refused for %s", f"a@b.fr{FORGED}",
                                             user_id=f"u1{FORGED}"))
    assert "\n" not in written and "\r" not in written
    line = json.loads(written)
    assert line["message"] == f"login refused for a@b.fr{FORGED}"
    assert line["user_id"] == f"u1{FORGED}" and line["level"] == "WARNING"
    assert line["logger"] == "service.auth" and line["time"].endswith("+00:00")


def test_a_traceback_is_one_field():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("service", logging.ERROR, __file__, 1, "failed", (),
                                   sys.exc_info())
    written = JsonFormatter().format(record)
    assert "\n" not in written
    assert "ValueError: boom" in json.loads(written)["exception"]
