"""`python -m bench.memory_worker N`: N renders (PDF + DOCX) in a fresh process, VmRSS as JSON.

A fresh process stands for one worker; the parent (case_memory) reads the JSON line.
"""

from __future__ import annotations

import gc
import json
import sys
import time

from bench import engines, sample
from bench.server import proc_status


def main(renders: int) -> None:
    import service.rendering.docx  # noqa: F401  (a worker has these loaded with the app)
    import service.rendering.pdf  # noqa: F401

    sample.html()
    marks = {"service imported": proc_status()["VmRSS"]}
    for _ in range(2):
        engines.service_pdf()
        engines.service_docx()
    marks["after 2 warm-ups"] = proc_status()["VmRSS"]
    start = time.perf_counter()
    step = max(1, renders // 4)
    for n in range(1, renders + 1):
        engines.service_pdf()
        engines.service_docx()
        if n % step == 0 or n == renders:
            marks[f"after {n} renders"] = proc_status()["VmRSS"]
    elapsed = time.perf_counter() - start
    gc.collect()
    marks["after gc.collect()"] = proc_status()["VmRSS"]
    print(json.dumps({"marks_kb": marks, "peak_kb": proc_status()["VmHWM"],
                      "seconds": elapsed, "renders": renders}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
