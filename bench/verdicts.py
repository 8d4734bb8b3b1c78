"""Budget verdicts: one PASS/FAIL (or SKIP) line per budget, repeated in the final summary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Verdicts:
    lines: list[str] = field(default_factory=list)

    def check(self, name: str, value: float, limit: float, unit: str = "×",
              detail: str = "") -> bool:
        """PASS when value <= limit; prints the line and keeps it for the summary."""
        ok = value <= limit
        suffix = f"  ({detail})" if detail else ""
        line = f"{'PASS' if ok else 'FAIL'}  {name}: {value:.3g}{unit} (budget ≤ {limit:g}{unit})"
        self._emit(line + suffix)
        return ok

    def skip(self, name: str, reason: str) -> None:
        self._emit(f"SKIP  {name}: {reason}")

    def _emit(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)

    @property
    def failed(self) -> bool:
        return any(line.startswith("FAIL") for line in self.lines)
