"""One bench run: settings, verdicts, results shared between cases, and cleanup on exit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bench.verdicts import Verdicts


@dataclass
class Bench:
    runs: int = 20
    warmups: int = 2
    quick: bool = False
    verdicts: Verdicts = field(default_factory=Verdicts)
    _memo: dict = field(default_factory=dict)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def once(self, key: str, compute: Callable[[], object]):
        """Compute a shared result the first time a case asks for it (e.g. the HTTP run)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

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
