"""Case: a document already in the registry is served, not rendered (download vs render)."""

from __future__ import annotations

from bench import case_http
from bench.session import Bench, heading

BUDGET = 0.05


def run(bench: Bench) -> None:
    heading("Registered document served vs rendered")
    s = case_http.measure(bench)["stats"]
    print(s["download"].line("GET /documents/<id>/telecharger.pdf (HTTP)"))
    print(s["replay"].line("POST /api/v1/fiches, same key + input (replay)"))
    print(s["service"].line("service render_pdf in-process"))
    print(s["submit"].line("POST /api/v1/fiches, new key (render + register)"))
    print(f"  download / submission (info): {s['download'].median / s['submit'].median:.3f}×;"
          f" replay / submission (info): {s['replay'].median / s['submit'].median:.3f}×")
    bench.record("served", "replay", s["replay"])
    bench.verdicts.check("stored PDF served / rendered", s["download"].median
                         / s["service"].median, BUDGET,
                         detail="HTTP download vs in-process render_pdf alone")
