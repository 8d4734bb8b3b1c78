"""The frame chunk cache: calls across a frame-stack chunk boundary no longer map memory."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from pathlib import Path

from service import interpreter

# Recursion whose depth sweeps across 16 KiB chunk boundaries, as WeasyPrint's layout does.
SWEEP = """
import resource, sys
sys.path.insert(0, ".")
if sys.argv[1] == "cache":
    from service import interpreter
    assert interpreter.install_frame_chunk_cache()

def down(n):
    return down(n - 1) if n else 0

before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for depth in range(1, 300):
    for _ in range(60):
        down(depth)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _page_faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", SWEEP, mode], capture_output=True, text=True,
                          check=True, timeout=120)
    return int(done.stdout.strip())


def test_the_library_is_built_and_installed():
    assert interpreter.LIBRARY.exists(), "make setup builds it (service/native/frame_chunks.c)"
    assert interpreter.install_frame_chunk_cache()
    assert interpreter.install_frame_chunk_cache()  # once per process: the second is a no-op
    assert interpreter.kept_frame_chunks() is not None


def test_crossing_a_chunk_boundary_reuses_the_chunk():
    without, with_cache = _page_faults("plain"), _page_faults("cache")
    # Without the cache each crossing maps a fresh chunk and faults on it: thousands.
    assert without > 5000
    assert with_cache < without / 20


def test_frames_in_reused_chunks_keep_their_values():
    """A reused chunk is not zeroed: frames must not read what an earlier call left there."""
    interpreter.install_frame_chunk_cache()

    def deep(n, tag):
        local = (n, tag)
        return (deep(n - 1, tag) if n else 0) + (local == (n, tag))

    for round_ in range(50):
        assert deep(600, round_) == 601  # one per frame, 0 to 600
    assert 0 <= interpreter.kept_frame_chunks() <= 8


def test_the_collector_is_paused_for_a_render_and_run_after():
    from service.rendering.pdf import render_pdf
    from tests.golden.protocole_crise.sample import sample_context

    templates = str(Path(__file__).resolve().parents[2] / "doc_templates")
    render_pdf(templates, "protocole_crise.html", sample_context())  # warm the caches
    gc.collect()
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        pdf = render_pdf(templates, "protocole_crise.html", sample_context())
    finally:
        gc.callbacks.remove(count)
    assert pdf.startswith(b"%PDF")
    # None in the middle of the render (a few dozen without the pause), one of the two young
    # generations after, which left nothing of the render's cycles behind.
    assert collections == [1]
    assert gc.collect() == 0
    assert gc.isenabled()


def test_overlapping_renders_resume_the_collector_once_the_last_ends():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with interpreter.collector_paused():
            first_in.set()
            second_in.wait(5)
        seen["after first"] = gc.isenabled()
        first_out.set()

    def second():
        first_in.wait(5)
        with interpreter.collector_paused():
            second_in.set()
            first_out.wait(5)
            seen["during second"] = gc.isenabled()
        seen["after second"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after first": False, "during second": False, "after second": True}


def test_a_collector_turned_off_by_someone_else_stays_off():
    gc.disable()
    try:
        with interpreter.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


WORKER = """
import sys
sys.path.insert(0, ".")
from bench.server import proc_status
from service.rendering.docx import render_docx
from service.rendering.pdf import render_pdf
from tests.golden.fiche_de_lien.sample import sample_context

def rss_kb():
    return proc_status()["VmRSS"]

def one():
    render_pdf("doc_templates", "fiche_de_lien.html", sample_context())
    render_docx("doc_templates", "fiche_de_lien.docx", sample_context())

for _ in range(2):
    one()
before = rss_kb()
for _ in range(30):
    one()
print(rss_kb() - before)
"""


def test_renders_leave_no_garbage_piling_up_in_a_worker():
    """Collecting only the youngest generation after a render left the cycles that reach older
    objects to the rare full collections: 30 renders grew a worker by 33 MB (7 MB now)."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", WORKER], cwd=root, capture_output=True,
                          text=True, check=True, timeout=300)
    growth_mb = int(done.stdout.strip().splitlines()[-1]) / 1024
    assert growth_mb < 15, f"RSS grew by {growth_mb:.1f} MB over 30 renders"
