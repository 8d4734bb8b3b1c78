"""Case: the list pages, the API lists and a household page on a département's data.

A PostgreSQL database `lda_bench_lists` (on BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/postgres) holds 10 000 households, 30 000 fiches and
100 000 registry rows (bench/departement.py on top of `flask demo-data --households`'s
history). It is built once and kept: a later run reuses it while its fingerprint (the
generators' sources and the migrations' names, in the database's comment) is the same, and
builds it again otherwise or with BENCH_LISTS_REBUILD=1.

In a child process (Alembic's logging stays out of the bench): migrate, build if needed, log in
as each role with the Flask test client, then time each page (server side: the request in the
process, 20 runs after 2 warm-ups, median and p95) and count its SQL statements. Budget
(docs/PERFORMANCE.md): ≤ 150 ms median each.

Not measured here: the team lead's dashboard (/equipe/) and « Ce qui est en retard »
(/menages/alertes), whose cost is the charter alerts' facts of every household of the team
(service/households/facts.py), not the page they show.

Entry points: `run(bench)` for the bench runner; `python -m bench.case_lists` alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HOUSEHOLDS = 10_000
DATABASE = "lda_bench_lists"
BUDGET_MS = 150.0
ROOT = Path(__file__).resolve().parent.parent
BLOB_ROOT = ROOT / "bench" / "out" / "lists" / "objects"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "demo-logement-2026"  # noqa: S105  (the demo accounts' published password)


def _fingerprint() -> str:
    """What the data set depends on: its generators and the schema's migrations."""
    digest = hashlib.sha256(str(HOUSEHOLDS).encode())
    for path in (ROOT / "bench" / "departement.py", ROOT / "service" / "reporting" /
                 "synthetic.py"):
        digest.update(path.read_bytes())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode())
    return digest.hexdigest()[:16]


def _database(admin, rebuild: bool) -> bool:
    """Create the database unless it exists with the same fingerprint; True when it is new."""
    row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                        "WHERE datname = %s", (DATABASE,)).fetchone()
    if row is not None and row[0] == _fingerprint() and not rebuild:
        return False
    admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{DATABASE}"')
    return True


def _counter(engine):
    """(the statements run from now on, a function that stops counting)."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    return statements, lambda: event.remove(engine, "before_cursor_execute", count)


def measure(runs: int, warmups: int) -> dict:
    """In this process: build or reuse the database, then time every page."""
    from datetime import date

    import psycopg
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from bench import departement
    from bench.client import CSRF
    from bench.timing import alternate
    from service.app import create_app
    from service.auth.models import ApiToken, User
    from service.demo import seed_accounts
    from service.documents.models import DocumentSeries
    from service.extensions import db
    from service.households.models import Household
    from service.referrals.models import Referral
    from service.registry.models import RegistryEntry
    from service.reporting import synthetic
    from service.timeutil import today_paris

    out: dict = {"households": HOUSEHOLDS}
    admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    fresh = _database(admin, os.environ.get("BENCH_LISTS_REBUILD") == "1")
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    BLOB_ROOT.mkdir(parents=True, exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "BLOB_ROOT": str(BLOB_ROOT),
                      "SECRET_KEY": "bench-lists", "HTTPS": False, "JOBS_INLINE": True})
    with app.app_context():
        upgrade()
        users, _ = seed_accounts()
        if fresh:
            today = today_paris()
            started = time.perf_counter()
            departement.generate(HOUSEHOLDS, synthetic.demo_setting(
                users, date(today.year - 2, 1, 1), today))
            out["build_s"] = round(time.perf_counter() - started, 1)
            admin.execute(f'COMMENT ON DATABASE "{DATABASE}" IS \'{_fingerprint()}\'')
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute("VACUUM ANALYZE")
        out["rows"] = {name: db.session.execute(select(func.count()).select_from(model))
                       .scalar_one() for name, model in (
                           ("households", Household), ("referrals", Referral),
                           ("registry_entries", RegistryEntry),
                           ("document_series", DocumentSeries))}
        team = users["accompagnant@demo.example"].structure_id
        household_id = db.session.execute(
            select(Household.id).join(DocumentSeries, DocumentSeries.household_id == Household.id)
            .join(RegistryEntry, RegistryEntry.series_id == DocumentSeries.id)
            .where(Household.team_structure_id == team).group_by(Household.id)
            .order_by(func.count(RegistryEntry.id).desc(), Household.id).limit(1)).scalar_one()
        tokens = {}
        for email in ("orienteur@demo.example", "plateforme@demo.example",
                      "accompagnant@demo.example"):
            user = db.session.execute(select(User).where(User.email == email)).scalar_one()
            row, tokens[email] = ApiToken.issue(user, "Banc d'essai des listes")
            db.session.add(row)
        db.session.commit()
        db.session.remove()
        engine = db.engine

    # Each request outside any application context: it pushes its own, as in production.
    clients = {}
    for email in ("orienteur@demo.example", "plateforme@demo.example",
                  "accompagnant@demo.example"):
        client = app.test_client()
        page = client.get("/connexion").get_data(as_text=True)
        csrf = CSRF.search(page)
        assert csrf, "no csrf_token on /connexion"
        answer = client.post("/connexion", data={"email": email, "password": PASSWORD,
                                                 "csrf_token": csrf.group(1)})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
        clients[email] = client

    def web(email: str, path: str):
        return lambda: clients[email].get(path)

    def api(email: str, path: str):
        headers = {"Authorization": f"Bearer {tokens[email]}"}
        return lambda: clients[email].get(path, headers=headers)

    pages = {
        "Fiches reçues (Plateforme), page 1": web("plateforme@demo.example",
                                                  "/plateforme/fiches"),
        "Fiches reçues, last page": web("plateforme@demo.example",
                                       "/plateforme/fiches?page=100000"),
        "Fiches reçues, filtered « reçue »": web("plateforme@demo.example",
                                               "/plateforme/fiches?statut=recue"),
        "Mes fiches (orienteur), page 1": web("orienteur@demo.example", "/fiches"),
        "Mes fiches, page 100": web("orienteur@demo.example", "/fiches?page=100"),
        "Ménages accompagnés (team), page 1": web("accompagnant@demo.example",
                                                  "/menages/"),
        "Ménages accompagnés (Plateforme), page 1": web("plateforme@demo.example",
                                                        "/menages/"),
        "household page": web("accompagnant@demo.example", f"/menages/{household_id}"),
        "GET /api/v1/fiches (orienteur)": api("orienteur@demo.example", "/api/v1/fiches"),
        "GET /api/v1/fiches (Plateforme), page 100": api(
            "plateforme@demo.example", "/api/v1/fiches?page=100"),
        "GET /api/v1/menages/{id}/documents": api(
            "accompagnant@demo.example", f"/api/v1/menages/{household_id}/documents"),
    }
    out["pages"] = {}
    for label, call in pages.items():
        statements, stop = _counter(engine)
        try:
            response = call()
        finally:
            stop()
        out["pages"][label] = {"status": response.status_code, "statements": len(statements),
                               "bytes": len(response.data)}
    stats = alternate(pages, runs, warmups)
    for label, figures in stats.items():
        out["pages"][label].update(median_s=figures.median, p95_s=figures.p95,
                                   n=len(figures.samples))
    engine.dispose()
    admin.close()
    return out


def _child(runs: int, warmups: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.case_lists", "--child", str(runs),
                           str(warmups)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=7200)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"bench.case_lists failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def lines(figures: dict) -> list[str]:
    rows = figures["rows"]
    head = [f"  {rows['households']} households, {rows['referrals']} fiches, "
            f"{rows['registry_entries']} registry rows"
            + (f" (built in {figures['build_s']:.0f} s)" if "build_s" in figures else
               " (database reused)")]
    for label, page in figures["pages"].items():
        head.append(f"  {label:<46} median {page['median_s'] * 1000:7.1f} ms   p95 "
                    f"{page['p95_s'] * 1000:7.1f} ms   {page['statements']:>3} SQL   "
                    f"HTTP {page['status']}")
    return head


def run(bench) -> None:
    """The bench runner's entry point (bench.session.Bench)."""
    from bench.session import heading

    heading(f"List pages and household page, {HOUSEHOLDS} households (PostgreSQL)")
    try:
        import psycopg

        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except Exception as exc:
        bench.verdicts.skip("list pages and household page with 10 000 households",
                            f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}"[:200])
        return
    figures = _child(bench.runs, bench.warmups)
    for line in lines(figures):
        print(line, flush=True)
    bench.record("lists", "rows", figures["rows"])
    for label, page in figures["pages"].items():
        bench.record("lists", label, page)
        bench.verdicts.check(f"{label}, 10 000 households: median server time",
                             page["median_s"] * 1000, BUDGET_MS, unit=" ms",
                             detail=f"{page['statements']} SQL statements, HTTP {page['status']}")


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        print(json.dumps(measure(int(argv[1]), int(argv[2])), default=str))
        return
    for line in lines(_child(20, 2)):
        print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
