"""Crash injection for the crash-consistency tests (SECURITY C7): `FLASK_FAULT_AT=<point>`
makes the process die at that point of the write path, as a kill -9 would.

Read from the environment at each point, never from the configuration: a deployment cannot
turn it on by a setting, and it costs one dictionary lookup.
"""

from __future__ import annotations

import os

# The points of the write path, in order (tests/reliability/test_crash_points.py).
POINTS = ("after-render", "after-blobs", "in-chain-append", "before-commit", "after-commit",
          "seal-after-render")
EXIT_CODE = 70


def point(name: str) -> None:
    if os.environ.get("FLASK_FAULT_AT") == name:
        os._exit(EXIT_CODE)  # no cleanup, no rollback, no flush: a crash
