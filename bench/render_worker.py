"""`python -m bench.render_worker`: one warmed render worker driven through stdin/stdout.

It warms itself as a gunicorn worker does (bench.worker), renders the fiche twice, prints
`ready`, then answers each `go N` line with `done N SECONDS` after N service renders of the fiche,
until `quit` or end of input. case_throughput starts one per core.
"""

from __future__ import annotations

import sys
import time

from bench import engines, worker


def main() -> None:
    note = worker.warm()
    for _ in range(2):
        engines.service_pdf()
    print(f"ready {note}", flush=True)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command != "go":
            break
        count = int(arg)
        start = time.perf_counter()
        for _ in range(count):
            engines.service_pdf()
        print(f"done {count} {time.perf_counter() - start:.6f}", flush=True)


if __name__ == "__main__":
    main()
