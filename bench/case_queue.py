"""Case: long work on the Celery queue (a real worker process, Redis when it runs).

Figures: the fiche submitted through HTTP with its DOCX in the request and with the DOCX left to
the worker (median of the same runs, and the ratio to raw WeasyPrint on the same fiche); the
time from queueing to done of a 50-page document (median of 5); the worker's memory over 100
jobs (pool processes recycled every CELERY_MAX_TASKS_PER_CHILD jobs).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import PROJECT_ROOT, engines, sample
from bench.client import Client
from bench.server import GunicornServer
from bench.session import Bench, heading
from bench.timing import Stats, ms, timed

REDIS = "redis://127.0.0.1:6379/14"
MEMORY_JOBS = 100


def _redis_up() -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _server(defer: bool) -> GunicornServer:
    server = GunicornServer()
    server.env["FLASK_DEFER_OUTPUTS"] = "true" if defer else "false"
    server.env["FLASK_CELERY_DATA_FOLDER"] = str(server.root / "celery")
    server.prepare()
    server.start()
    return server


def _submissions(bench: Bench) -> tuple[Stats, Stats, Stats]:
    """The DOCX in the request, by the worker, and raw WeasyPrint: alternated, same rounds."""
    servers = [_server(defer=False), _server(defer=True)]
    try:
        clients = [Client(s.url(), s.token) for s in servers]
        body = sample.api_body()
        for client in clients:
            client.submit(body, key="warm")
        times: list[list[float]] = [[], [], []]
        for _ in range(bench.runs):
            for index, client in enumerate(clients):
                times[index].append(timed(lambda c=client: c.submit(body))[0])
            times[2].append(timed(engines.raw_pdf)[0])
        return Stats(times[0]), Stats(times[1]), Stats(times[2])
    finally:
        for server in servers:
            server.stop()


class _World:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="bench-queue-"))
        broker = REDIS if _redis_up() else ""
        self.broker = broker or f"files under {self.root / 'celery'}"
        self.settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.root / 'app.db'}",
                         "BLOB_ROOT": str(self.root / "objects"), "SECRET_KEY": "bench",
                         "HTTPS": False, "CELERY_BROKER_URL": broker,
                         "CELERY_DATA_FOLDER": str(self.root / "celery")}
        self.env = {**os.environ, "DATABASE_URL": self.settings["SQLALCHEMY_DATABASE_URI"],
                    "FLASK_BLOB_ROOT": self.settings["BLOB_ROOT"], "FLASK_SECRET_KEY": "bench",
                    "FLASK_CELERY_BROKER_URL": broker,
                    "FLASK_CELERY_DATA_FOLDER": self.settings["CELERY_DATA_FOLDER"],
                    "PYTHONPATH": str(PROJECT_ROOT)}
        if broker:
            import redis

            redis.Redis.from_url(REDIS).flushdb()
        subprocess.run([sys.executable, "-m", "bench.dbsetup"], cwd=PROJECT_ROOT, env=self.env,
                       check=True, capture_output=True)
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bench.queue_worker", "worker",
             "--concurrency", "1", "--without-gossip", "--without-mingle", "--loglevel",
             "WARNING"], cwd=PROJECT_ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        from bench.queue_kinds import register_kinds
        from service.app import create_app

        register_kinds()
        self.app = create_app(self.settings)

    def run_job(self, kind: str, timeout: float = 600, sample_memory=None) -> float:
        from service.auth.models import User
        from service.extensions import db
        from service.jobs import queue
        from service.jobs.models import Job

        with self.app.app_context():
            user = db.session.query(User).first()
            job_id = queue.enqueue(kind, "bench", "bench", user).id
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if sample_memory:
                sample_memory()
            with self.app.app_context():
                job = db.session.get(Job, job_id)
                if job.finished:
                    if job.state != "termine":
                        raise RuntimeError(f"bench job failed: {job.error}")
                    return time.perf_counter() - start
            time.sleep(0.05)
        raise RuntimeError(f"bench job {kind} not done after {timeout} s")

    def close(self) -> None:
        try:
            os.killpg(self.worker.pid, signal.SIGTERM)
            self.worker.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.worker.pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)


def run(bench: Bench) -> None:
    heading("Queue: the DOCX off the request, a 50-page document, worker memory")
    before, after, raw_stats = _submissions(bench)
    print(before.line("POST /api/v1/fiches, DOCX in the request"))
    print(after.line("POST /api/v1/fiches, DOCX by the worker"))
    bench.record("queue", "submission_docx_in_request", before)
    bench.record("queue", "submission_docx_by_worker", after)
    print(f"  raw WeasyPrint on the same fiche: {ms(raw_stats.median)}; submission / raw: "
          f"{before.median / raw_stats.median:.2f}× before, "
          f"{after.median / raw_stats.median:.2f}× after")
    bench.record("queue", "raw_weasyprint", raw_stats)
    world = _World()
    bench.on_close(world.close)
    print(f"  broker: {world.broker}")
    world.run_job("bench_fiche", timeout=120)  # the worker is up and warm
    long = Stats([world.run_job("bench_long") for _ in range(3 if bench.quick else 5)])
    print(long.line("50-page document, queued → done"))
    bench.record("queue", "fifty_pages_queued_to_done", long)
    peak = {"rss_kb": 0}
    start_rss = sum(_rss_kb(p) for p in _children(world.worker.pid))

    def sample_memory() -> None:
        rss = sum(_rss_kb(p) for p in _children(world.worker.pid))
        peak["rss_kb"] = max(peak["rss_kb"], rss)

    for _ in range(MEMORY_JOBS):
        world.run_job("bench_fiche", timeout=120, sample_memory=sample_memory)
    end_rss = sum(_rss_kb(p) for p in _children(world.worker.pid))
    print(f"  worker pool over {MEMORY_JOBS} fiche jobs: RSS {start_rss / 1024:.0f} MB at the "
          f"start, peak {peak['rss_kb'] / 1024:.0f} MB, {end_rss / 1024:.0f} MB at the end "
          f"(children recycled every 50 jobs)")
    bench.record("queue", "worker_memory_100_jobs", {"start_kb": start_rss,
                                                      "peak_kb": peak["rss_kb"],
                                                      "end_kb": end_rss})
    bench.verdicts.check("queue: worker pool peak RSS over 100 jobs", peak["rss_kb"] / 1024,
                         500, unit=" MB")


if __name__ == "__main__":
    session = Bench(runs=5, warmups=1, quick=True)
    try:
        run(session)
    finally:
        session.close()
