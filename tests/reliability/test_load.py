"""The short run of the load test (load/run.py): 4 users for 15 s against gunicorn with 2
workers on PostgreSQL, then its checks (every acknowledged registration registered exactly
once, no 5xx, no failed request, the registry check without fault).

Locust patches the standard library with gevent when it is imported: this test only starts
`python -m load.run`, which starts locust as its own process, and imports neither.

It needs a PostgreSQL server (LOAD_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/
postgres) and uses a database of its own, `lda_load_ci`, dropped afterwards. It runs once per
CI run, in `make test`: the PostgreSQL pass of .ci/run (TEST_DATABASE_URL set) would run the
same thing again on the same server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get("LOAD_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _reachable(url: str) -> str:
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        return str(exc).strip().splitlines()[0]
    return ""


@pytest.mark.skipif(bool(PG_URL), reason="the load test runs once per CI run, in `make test` "
                    "(it has its own PostgreSQL database, whatever the suite's)")
def test_short_load_run_registers_every_acknowledged_submission_once(tmp_path):
    unreachable = _reachable(ADMIN_URL)
    if unreachable:
        pytest.skip(f"PostgreSQL unreachable at {ADMIN_URL}: {unreachable}")
    start = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "load.run", "--users", "4", "--seconds", "15", "--workers", "2",
         "--database", "lda_load_ci", "--drop-database", "--out", str(tmp_path / "load")],
        cwd=ROOT, env={**os.environ, "LOAD_POSTGRES_URL": ADMIN_URL}, capture_output=True,
        text=True, timeout=150)
    seconds = time.monotonic() - start
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    for check in ("no 5xx", "no failed request", "no exception in the scenario",
                  "acknowledged registrations registered exactly once", "registry check"):
        assert f"PASS  {check}" in output, output[-4000:]
    acknowledged = re.search(r"acknowledged fiches (\d+)", output)
    assert acknowledged and int(acknowledged.group(1)) > 0, output[-4000:]
    assert "duplicates 0, missing 0" in output
    assert re.search(r"POST /api/v1/fiches +\d+ +0 ", output), output[-4000:]
    print(f"load run: {seconds:.1f} s")  # shown with -s; the budget in CI is 45 s
