"""One bench run: settings, verdicts, figures shared between cases, results.json, cleanup."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.timing import Stats
from bench.verdicts import Verdicts


@dataclass
class Bench:
    runs: int = 20
    warmups: int = 2
    quick: bool = False
    verdicts: Verdicts = field(default_factory=Verdicts)
    figures: dict = field(default_factory=dict)  # case → label → figure, for results.json
    _memo: dict = field(default_factory=dict)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def once(self, key: str, compute: Callable[[], object]):
        """Compute a shared result the first time a case asks for it (e.g. the HTTP run)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def record(self, case: str, label: str, value: Stats | float | str | dict) -> None:
        """Keep a figure for results.json: Stats as median/p95 in seconds, or a plain value."""
        if isinstance(value, Stats):
            value = {"median_s": value.median, "p95_s": value.p95, "n": len(value.samples)}
        self.figures.setdefault(case, {})[label] = value

    def write_results(self, path: Path, meta: dict) -> None:
        data = {"meta": meta, "verdicts": self.verdicts.records, "figures": self.figures}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)

    def on_close(self, fn: Callable[[], None]) -> None:
        self._cleanups.append(fn)

    def close(self) -> None:
        """Run cleanups newest first (stop gunicorn, close Chromium, remove temp dirs)."""
        while self._cleanups:
            fn = self._cleanups.pop()
            try:
                fn()
            except Exception as exc:  # a failed cleanup must not hide the others
                print(f"  (cleanup failed: {exc!r})", flush=True)


def heading(title: str) -> None:
    print(f"\n== {title} ==", flush=True)
