"""`python -m bench.render_worker`: one warmed render worker driven through stdin/stdout.

It warms itself as a gunicorn worker does (bench.worker), renders the fiche twice, prints
`ready`, then answers each `go N` line with `done N SECONDS` after N service renders of the fiche,
and each `spin N` line with `done N SECONDS` after N rounds of a pure-Python loop (the machine's
own scaling, with no memory traffic to share), until `quit` or end of input. case_throughput
starts one per core.
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
        if command not in ("go", "spin"):
            break
        count = int(arg)
        start = time.perf_counter()
        for _ in range(count):
            engines.service_pdf() if command == "go" else _spin()
        print(f"done {count} {time.perf_counter() - start:.6f}", flush=True)


def _spin() -> int:
    """About a tenth of a second of interpreter work touching almost no memory."""
    total = 0
    for i in range(1_500_000):
        total += i * i % 7
    return total


if __name__ == "__main__":
    main()
