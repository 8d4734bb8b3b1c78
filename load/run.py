"""`python -m load.run --users 8 --seconds 60 --workers 3`: a bounded load test on 127.0.0.1.

1. drops and creates a PostgreSQL database (`lda_load` on the server of LOAD_POSTGRES_URL,
   default postgresql://postgres@127.0.0.1:5432/postgres), migrates it, seeds the demo accounts
   and one API token per load user;
2. starts gunicorn (the project's gunicorn.conf.py, N workers) on a free port of 127.0.0.1,
   outputs made in the request (DEFER_OUTPUTS false: no Celery worker is needed);
3. runs load/locustfile.py headless for the given time (`--csv` in the output folder);
4. prints requests/s and p50/p95/p99 per route, then checks that every acknowledged
   registration is in the registry exactly once, that no answer was a 5xx (locust's failures
   and gunicorn's access log), that no request failed, and that the registry check finds no
   fault (blobs of writes in progress, inside their grace period, are counted, not faults).

Exit 0 when every check passes, 1 otherwise (2: the run itself could not be made). Everything
the run wrote (locust's CSV and log, gunicorn's log, the acknowledgements) stays in --out.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("LOAD_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ORIENTEURS = ("orienteur@demo.example", "samu@demo.example")
PLATEFORME = "plateforme@demo.example"
TEAMS = ("accompagnant@demo.example", "accompagnant2@demo.example")
WEB = "orienteur@demo.example"
ACCESS_STATUS = r'" (\d{3}) '  # gunicorn's access log: "METHOD path HTTP/1.1" status size


class RunFailed(RuntimeError):
    """The run could not be made (database, server or locust did not start)."""


def mix(users: int) -> dict[str, int]:
    """How many users of each class: at least one of each, orienteurs take the rest."""
    if users < 4:
        raise SystemExit("--users: at least 4 (one orienteur, one web orienteur, one Plateforme "
                         "user, one team worker)")
    plateforme, team, web = max(1, users // 8), max(1, users // 4), max(1, users // 8)
    return {"orienteur": users - plateforme - team - web, "web": web,
            "plateforme": plateforme, "team": team}


# --- Database ---------------------------------------------------------------------------------

def fresh_database(admin_url: str, name: str) -> str:
    """Drop and create `name` on the server of `admin_url`; its URL."""
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise RunFailed(f"PostgreSQL unreachable at {admin_url}: {exc}") from None
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database_url: str, out: Path, workers: int, threads: int | None) -> dict:
    env = {**os.environ,
           "DATABASE_URL": database_url,
           "FLASK_BLOB_ROOT": str(out / "objects"),
           "FLASK_SEAL_DIR": str(out / "cachet"),
           "FLASK_CELERY_DATA_FOLDER": str(out / "celery"),
           "FLASK_MAIL_OUTBOX_DIR": str(out / "courriels"),
           "FLASK_SECRET_KEY": secrets.token_hex(32),
           "FLASK_HTTPS": "false",
           "FLASK_DEFER_OUTPUTS": "false",
           "LOAD_WORKERS": str(workers),
           "LOAD_READY_DIR": str(out / "ready"),
           "PYTHONPATH": str(ROOT)}
    if threads:
        env["LOAD_THREADS"] = str(threads)
    env.pop("FLASK_APP", None)
    return env


def app_for(env: dict):
    """An app on the run's database and folders, in this process (setup and checks)."""
    from service.app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                       "BLOB_ROOT": env["FLASK_BLOB_ROOT"], "SEAL_DIR": env["FLASK_SEAL_DIR"],
                       "CELERY_DATA_FOLDER": env["FLASK_CELERY_DATA_FOLDER"],
                       "MAIL_OUTBOX_DIR": env["FLASK_MAIL_OUTBOX_DIR"],
                       "SECRET_KEY": env["FLASK_SECRET_KEY"], "HTTPS": False})


def seed(app, counts: dict[str, int]) -> dict:
    """Migrate, seed the demo accounts (as the tests do) and issue one token per load user."""
    from flask_migrate import upgrade

    from service.auth.models import ApiToken
    from service.demo import DEMO_PASSWORD, seed_accounts
    from service.extensions import db

    with app.app_context():
        migrations = io.StringIO()
        try:
            with contextlib.redirect_stderr(migrations):  # Alembic logs each step
                upgrade()
        except Exception:
            print(migrations.getvalue(), file=sys.stderr)
            raise
        users, _ = seed_accounts()

        def token(email: str) -> str:
            row, value = ApiToken.issue(users[email], "Test de charge")
            db.session.add(row)
            return value

        teams = [users[email].structure_id for email in TEAMS]
        config = {
            "tokens": {
                "orienteur": [{"email": (email := ORIENTEURS[i % len(ORIENTEURS)]),
                               "token": token(email)} for i in range(counts["orienteur"])],
                "plateforme": [{"email": PLATEFORME, "token": token(PLATEFORME)}
                               for _ in range(counts["plateforme"])],
                "team": [{"email": (email := TEAMS[i % len(TEAMS)]), "token": token(email),
                          "team": teams[i % len(TEAMS)]} for i in range(counts["team"])],
            },
            "teams": teams,
            "active_teams": teams[:min(counts["team"], len(TEAMS))],
            "web": {"email": WEB, "password": DEMO_PASSWORD},
            "mix": counts,
        }
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return config


# --- Server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, out: Path, port: int) -> subprocess.Popen:
    """gunicorn, started while this process migrates and seeds (its workers only touch the
    database when a request comes, and none comes before `wait_ready`)."""
    Path(env["LOAD_READY_DIR"]).mkdir(parents=True, exist_ok=True)
    with open(out / "gunicorn.log", "wb") as log:
        return subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", str(ROOT / "load" / "gunicorn_conf.py"),
             "--bind", f"127.0.0.1:{port}", "service.app:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(proc: subprocess.Popen, env: dict, out: Path, port: int, workers: int) -> None:
    """Every worker warmed (one file each), then one page answered."""
    ready = Path(env["LOAD_READY_DIR"])
    deadline = time.monotonic() + 120
    while len(list(ready.iterdir())) < workers:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RunFailed("gunicorn did not start; its log:\n" + tail(out / "gunicorn.log"))
        time.sleep(0.1)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{port}/connexion", timeout=30) as answer:
        if answer.status != 200:
            raise RunFailed(f"/connexion answered {answer.status}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # gunicorn: SIGTERM stops the master and its workers gracefully
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


# --- Locust -----------------------------------------------------------------------------------

def run_locust(out: Path, host: str, users: int, seconds: int, env: dict) -> int:
    """Locust in its own process: it patches the standard library with gevent on import."""
    # At the end each user may finish its task (one request) for this long; after it, what is
    # still running is cut, and registered without its answer being awaited.
    stop_timeout = min(15, max(5, seconds // 4))
    with open(out / "locust.log", "wb") as log:
        done = subprocess.run(  # noqa: S603
            [str(BIN / "locust"), "-f", str(ROOT / "load" / "locustfile.py"), "--headless",
             "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
             "--stop-timeout", str(stop_timeout), "--host", host, "--csv", str(out / "locust"),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 120)
    return done.returncode


def _csv(out: Path, part: str) -> list[dict] | None:
    """locust's final CSV (written by the locustfile at the end), else `--csv`'s last one."""
    for name in (f"locust_final_{part}.csv", f"locust_{part}.csv"):
        if (out / name).exists():
            with (out / name).open(newline="", encoding="utf-8") as fh:
                return list(csv.DictReader(fh))
    return None


def read_stats(out: Path) -> list[dict]:
    rows = _csv(out, "stats")
    if rows is None:
        raise RunFailed("locust wrote no statistics; its log:\n" + tail(out / "locust.log"))
    return rows


def print_stats(rows: list[dict], seconds: int) -> None:
    print(f"\nRequests per route ({seconds} s; times in ms)")
    header = f"  {'route':<58} {'count':>6} {'fail':>5} {'req/s':>6} {'p50':>6} {'p95':>6} " \
             f"{'p99':>6}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for row in rows:
        label = row["Name"] if row["Name"] != "Aggregated" else "all routes"
        if row["Name"] == "Aggregated":
            print("  " + "-" * (len(header) - 2))
        print(f"  {label[:58]:<58} {row['Request Count']:>6} {row['Failure Count']:>5} "
              f"{float(row['Requests/s']):>6.2f} {row['50%']:>6} {row['95%']:>6} "
              f"{row['99%']:>6}")


# --- Checks -----------------------------------------------------------------------------------

def read_acks(out: Path) -> list[dict]:
    acks: list[dict] = []
    for path in sorted(out.glob("acks-*.jsonl")):
        acks.extend(json.loads(line) for line in path.read_text().splitlines() if line)
    return acks


def read_outcomes(out: Path) -> Counter:
    total: Counter = Counter()
    for path in out.glob("outcomes-*.json"):
        total.update(json.loads(path.read_text()))
    return total


def check_registered_once(app, acks: list[dict]) -> tuple[list[str], dict]:
    """Every acknowledged registration is one row, found by its id and by its scoped key."""
    from service.auth.models import User
    from service.documents.produce import scoped_key
    from service.extensions import db
    from service.referrals.models import Referral
    from service.registry.models import RegistryEntry

    problems: list[str] = []
    by_key: dict[tuple[str, str], set[str]] = {}
    for ack in acks:
        if ack["key"]:
            by_key.setdefault((ack["user"], ack["key"]), set()).add(ack["entry_id"])
    figures = {"acknowledged": len({a["entry_id"] for a in acks}),
               "acknowledged fiches": len({a["entry_id"] for a in acks
                                           if a["kind"] == "fiche_de_lien"}),
               "retries answered with the first id": sum(1 for a in acks if a["replay"]),
               "duplicates": 0, "missing": 0}
    with app.app_context():
        users = {u.email: u for u in db.session.execute(select(User)).scalars()}
        for (email, key), entry_ids in sorted(by_key.items()):
            if len(entry_ids) > 1:
                problems.append(f"key {key} of {email} was answered with {sorted(entry_ids)}")
            rows = db.session.execute(select(RegistryEntry.id).where(
                RegistryEntry.idempotency_key == scoped_key(users[email], f"api:{key}"))
            ).scalars().all()
            if len(rows) != 1 or rows[0] not in entry_ids:
                figures["duplicates" if len(rows) > 1 else "missing"] += 1
                problems.append(f"key {key} of {email}: {len(rows)} registry rows {rows}, "
                                f"acknowledged {sorted(entry_ids)}")
        for ack in {a["entry_id"]: a for a in acks}.values():
            entry = db.session.get(RegistryEntry, ack["entry_id"])
            if entry is None:
                figures["missing"] += 1
                problems.append(f"{ack['kind']} {ack['entry_id']} acknowledged, not registered")
                continue
            if ack["kind"] == "fiche_de_lien":
                referrals = db.session.execute(select(Referral.id).where(
                    Referral.series_id == entry.series_id)).scalars().all()
                if referrals != [ack["referral_id"]]:
                    figures["duplicates"] += len(referrals) > 1
                    problems.append(f"fiche {entry.id}: referrals {referrals}, acknowledged "
                                    f"{ack['referral_id']}")
            if ack["kind"].endswith("(sealed)") and entry.status != "signed":
                problems.append(f"sealed version {entry.id} has status {entry.status}")
        figures["fiches registered"] = db.session.execute(
            select(func.count()).select_from(RegistryEntry).where(
                RegistryEntry.kind == "fiche_de_lien")).scalar_one()
        figures["registry rows"] = db.session.execute(
            select(func.count()).select_from(RegistryEntry)).scalar_one()
        # Requests still running when locust stopped waiting (--stop-timeout): registered,
        # answered after the run, never seen by a client. Not a fault: nobody was told « sent ».
        figures["registered, answer not awaited at the end"] = \
            figures["registry rows"] - figures["acknowledged"]
        db.session.remove()
    return problems, figures


def registry_check(app):
    """`flask registry check`'s report, and which of its unreferenced blobs a signature names
    (a drawn signature's image is a blob that no registry file names)."""
    from service.documents.signatures import Signature
    from service.extensions import db
    from service.registry.check import run

    with app.app_context():
        report = run()
        images = set(db.session.execute(select(Signature.image_sha256).where(
            Signature.image_sha256.is_not(None))).scalars())
        db.session.remove()
        db.engine.dispose()
    return report, len(images & set(report.pending + report.orphans))


def server_errors(out: Path) -> tuple[Counter, list[str]]:
    """Statuses of gunicorn's access log, and the tracebacks its log holds."""
    statuses: Counter = Counter()
    tracebacks: list[str] = []
    current: list[str] | None = None
    for line in (out / "gunicorn.log").read_text(errors="replace").splitlines():
        if '"' in line and (match := re.search(ACCESS_STATUS, line)):
            statuses[match.group(1)] += 1
        if line.startswith("Traceback"):
            current = [line]
            tracebacks.append("")
        elif current is not None:
            current.append(line)
            if not line.startswith((" ", "\t")) and len(current) > 1:
                tracebacks[-1] = "\n".join(current)
                current = None
    return statuses, tracebacks


# --- Main -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load.run", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=8, help="simulated users (at least 4)")
    parser.add_argument("--seconds", type=int, default=60, help="how long locust sends requests")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--database", default="lda_load",
                        help="database dropped and created on LOAD_POSTGRES_URL's server")
    parser.add_argument("--out", default=str(ROOT / "generated" / "load"),
                        help="folder of the run's files (emptied first)")
    parser.add_argument("--drop-database", action="store_true",
                        help="drop the database after the run")
    args = parser.parse_args(argv)
    counts = mix(args.users)
    out = Path(args.out).resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.monotonic()
    try:
        return _run(args, counts, out, started)
    except RunFailed as exc:
        print(f"load run failed: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.drop_database:
            drop_database(ADMIN_URL, args.database)


def _run(args, counts: dict[str, int], out: Path, started: float) -> int:
    database_url = fresh_database(ADMIN_URL, args.database)
    env = server_env(database_url, out, args.workers, args.threads)
    port = free_port()
    proc = start_server(env, out, port)
    try:
        app = app_for(env)
        config = seed(app, counts)
        (out / "config.json").write_text(json.dumps(config), encoding="utf-8")
        seeded = time.monotonic()
        wait_ready(proc, env, out, port, args.workers)
        ready = time.monotonic()
        print(f"gunicorn: {args.workers} workers on 127.0.0.1:{port}, database "
              f"{args.database}; users: " + ", ".join(f"{n} {role}" for role, n in counts.items())
              + f" (database and accounts {seeded - started:.1f} s, workers warmed "
              f"{ready - started:.1f} s)", flush=True)
        locust_exit = run_locust(out, f"http://127.0.0.1:{port}", args.users, args.seconds,
                                 {**os.environ, "LOAD_CONFIG": str(out / "config.json"),
                                  "LOAD_OUT": str(out)})
        loaded = time.monotonic()
    finally:
        stop_server(proc)
    rows = read_stats(out)
    print_stats(rows, args.seconds)
    failures = _csv(out, "failures") or []
    exceptions = _csv(out, "exceptions") or []
    outcomes = read_outcomes(out)
    acks = read_acks(out)
    problems, figures = check_registered_once(app, acks)
    report, signature_images = registry_check(app)
    statuses, tracebacks = server_errors(out)

    print("\nOutcomes: " + (", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "-"))
    print("Server answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    print("Registrations: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    print(f"Registry check: {report.rows} versions, {report.blobs} blobs, "
          f"{len(report.faults)} faults, {len(report.orphans)} orphans past the grace period, "
          f"{len(report.pending)} unreferenced blobs ({signature_images} of them drawn "
          f"signature images) and {len(report.pending_temp)} temp files inside it")

    checks: list[tuple[str, bool, str]] = []
    failed_requests = sum(int(r["Failure Count"]) for r in rows if r["Name"] != "Aggregated")
    fives = sum(v for k, v in statuses.items() if k.startswith("5"))
    fives += sum(int(f["Occurrences"]) for f in failures if f["Error"].startswith("HTTP 5"))
    checks.append(("no 5xx", fives == 0 and not tracebacks,
                   f"{fives} answers 5xx, {len(tracebacks)} tracebacks in gunicorn.log"))
    checks.append(("no failed request", failed_requests == 0,
                   "; ".join(f"{f['Method']} {f['Name']}: {f['Error'][:160]} "
                             f"×{f['Occurrences']}" for f in failures[:5])))
    checks.append(("no exception in the scenario", not exceptions,
                   "; ".join(f"{e['Message'][:160]} ×{e['Count']}" for e in exceptions[:3])))
    acked = figures["acknowledged fiches"] > 0
    checks.append(("acknowledged registrations registered exactly once", acked and not problems,
                   "; ".join(problems[:5]) if problems else
                   ("" if acked else "no fiche was acknowledged")))
    checks.append(("registry check", report.ok,
                   "; ".join((report.faults + report.orphans)[:5])))
    print()
    for name, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f": {detail}" if detail and not ok else ""))
    for traceback in tracebacks[:3]:
        print("\ngunicorn traceback:\n" + traceback)
    print(f"\nlocust exit {locust_exit} ({loaded - ready:.1f} s); files in {out}; "
          f"{time.monotonic() - started:.1f} s in all")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
