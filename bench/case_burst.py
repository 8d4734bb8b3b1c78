"""Case: a burst of concurrent fiche submissions (8 at a time) on SQLite and on PostgreSQL.

gunicorn runs the production shape (2 workers × 4 threads, as gunicorn.conf.py); afterwards
`flask registry check` must find the registry intact. PostgreSQL: a throwaway database is created
on BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres) and dropped after.
"""

from __future__ import annotations

import os
import secrets
from concurrent.futures import ThreadPoolExecutor

from bench import sample
from bench.client import Client
from bench.server import GunicornServer
from bench.session import Bench, heading
from bench.timing import timed

CONCURRENCY = 8
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")


def _burst(bench: Bench, label: str, database_url: str | None) -> None:
    total = 16 if bench.quick else 24
    name = f"burst of {total} submissions, {CONCURRENCY} at a time, {label}: errors"
    server = GunicornServer(database_url, workers=2, threads=4)
    bench.on_close(server.stop)
    server.prepare()
    server.start()
    client = Client(server.url(), server.token)
    body = sample.api_body()

    def submit(_: int) -> str:
        try:
            client.submit(body)
            return ""
        except Exception as exc:  # an HTTP error is the figure, not a bench failure
            return str(exc)[:160]

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        seconds, outcomes = timed(lambda: list(pool.map(submit, range(total))))
    errors = [o for o in outcomes if o]
    check = server.flask("registry", "check")
    server.stop()
    print(f"  {label}: {total} submissions in {seconds:.1f} s, {len(errors)} errors"
          + (f" (first: {errors[0]})" if errors else "")
          + f"; registry check exit {check.returncode}")
    bench.record("burst", label, {"submissions": total, "seconds": seconds,
                                  "errors": errors, "registry_check": check.returncode})
    bench.verdicts.check(name, len(errors), 0, unit="",
                         detail="2 workers × 4 threads")
    if check.returncode != 0:
        last = (check.stdout + check.stderr).strip().splitlines()[-1:]
        bench.verdicts.check(f"registry check after the burst, {label}", check.returncode, 0,
                             unit="", detail=f"{' '.join(last)[:200]}")


def _postgres_database(bench: Bench) -> tuple[str | None, str]:
    """(URL of a fresh database dropped at the end, "") or (None, why not)."""
    try:
        import psycopg

        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:
        return None, f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}"[:200]
    name = f"lda_bench_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    bench.on_close(drop)
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}", ""


def run(bench: Bench) -> None:
    heading(f"Burst of concurrent submissions ({CONCURRENCY} at a time, gunicorn 2 × 4 threads)")
    _burst(bench, "SQLite", None)
    url, why_not = _postgres_database(bench)
    if url is None:
        bench.verdicts.skip("burst of submissions, PostgreSQL", why_not)
        return
    _burst(bench, "PostgreSQL", url)
