"""gunicorn on 127.0.0.1 (port chosen by the kernel), 1 worker, temp SQLite DB and blob root."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import PROJECT_ROOT

CONF = Path(__file__).with_name("gunicorn_conf.py")
EMAIL = "orienteur@demo.example"


class GunicornServer:
    """Start with `start()`, always `stop()`; everything lives in one temp directory.

    One worker with gunicorn's default single thread unless told otherwise (the burst case runs
    the production shape: 2 workers × 4 threads); SQLite in the temp directory by default.
    """

    def __init__(self, database_url: str | None = None, workers: int = 1,
                 threads: int = 1) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="bench-http-"))
        self.env = dict(os.environ,
                        DATABASE_URL=database_url or f"sqlite:///{self.root / 'app.db'}",
                        FLASK_BLOB_ROOT=str(self.root / "objects"),
                        FLASK_SECRET_KEY=secrets.token_hex(16),
                        FLASK_HTTPS="false",
                        BENCH_READY_FILE=str(self.root / "ready.json"),
                        BENCH_WORKERS=str(workers),
                        BENCH_THREADS=str(threads))
        self.env.pop("FLASK_APP", None)
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.worker_pid = 0
        self.token = ""
        self.boot_seconds = 0.0

    def prepare(self) -> None:
        """Migrate + seed demo accounts, then `flask create-token` with the same environment."""
        self._call([sys.executable, "-m", "bench.dbsetup"])
        out = self._call([sys.executable, "-m", "flask", "--app", "service.app",
                          "create-token", "--email", EMAIL])
        self.token = out.strip().splitlines()[-1]

    def start(self, timeout: float = 60) -> None:
        log = open(self.root / "gunicorn.log", "wb")  # noqa: SIM115  (closed with the process)
        start = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONF), "service.app:create_app()"],
            cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait_ready(start, timeout)

    def restart_worker(self, timeout: float = 60) -> None:
        """SIGHUP to our master: a fresh worker loads the app; wait until the old one is gone."""
        old = self.worker_pid
        Path(self.env["BENCH_READY_FILE"]).unlink()
        start = time.perf_counter()
        os.kill(self.proc.pid, signal.SIGHUP)
        self._wait_ready(start, timeout)
        while Path(f"/proc/{old}").exists():  # never let the warm worker answer the next request
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"old gunicorn worker {old} did not stop")
            time.sleep(0.02)

    def _wait_ready(self, start: float, timeout: float) -> None:
        ready = Path(self.env["BENCH_READY_FILE"])
        while not ready.exists():
            if self.proc.poll() is not None or time.perf_counter() - start > timeout:
                raise RuntimeError(f"gunicorn worker did not start; log:\n{self.log_tail()}")
            time.sleep(0.02)
        self.boot_seconds = time.perf_counter() - start
        info = json.loads(ready.read_text())
        self.port, self.worker_pid = info["port"], info["pid"]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_memory(self) -> dict[str, int]:
        """VmRSS and VmHWM of the worker, in kB."""
        return proc_status(self.worker_pid)

    def log_tail(self, lines: int = 30) -> str:
        path = self.root / "gunicorn.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        """Lines of the server log that signal trouble (warnings, errors, tracebacks).

        gunicorn's "Worker ... was sent SIGTERM!" is left out: `restart_worker` causes it.
        """
        path = self.root / "gunicorn.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return [line for line in text.splitlines()
                if any(word in line for word in ("WARNING", "ERROR", "CRITICAL", "Traceback"))
                and "was sent SIGTERM" not in line]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # gunicorn: SIGTERM = graceful stop of master and worker
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        shutil.rmtree(self.root, ignore_errors=True)

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        """`flask --app service.app ARGS` on this server's database and blobs (never raises)."""
        return subprocess.run([sys.executable, "-m", "flask", "--app", "service.app", *args],
                              cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True,
                              timeout=300)

    def _call(self, cmd: list[str]) -> str:
        done = subprocess.run(cmd, cwd=PROJECT_ROOT, env=self.env, capture_output=True,
                              text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[2:])} failed:\n{done.stderr[-2000:]}")
        return done.stdout


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS / VmHWM from /proc/<pid>/status, in kB (psutil is not installed)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values
