"""Budget verdicts: one PASS/FAIL (or SKIP) line per budget, repeated in the final summary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Verdicts:
    lines: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)  # the same, for bench/results.json

    def check(self, name: str, value: float, limit: float, unit: str = "×",
              detail: str = "") -> bool:
        """PASS when value <= limit; prints the line and keeps it for the summary."""
        return self._verdict(name, value, limit, unit, detail, value <= limit, "≤")

    def check_min(self, name: str, value: float, limit: float, unit: str = "×",
                  detail: str = "") -> bool:
        """PASS when value >= limit (throughput budgets)."""
        return self._verdict(name, value, limit, unit, detail, value >= limit, "≥")

    def skip(self, name: str, reason: str) -> None:
        self._emit(f"SKIP  {name}: {reason}")
        self.records.append({"name": name, "status": "SKIP", "detail": reason})

    def _verdict(self, name: str, value: float, limit: float, unit: str, detail: str,
                 ok: bool, op: str) -> bool:
        suffix = f"  ({detail})" if detail else ""
        self._emit(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.3g}{unit} "
                   f"(budget {op} {limit:g}{unit})" + suffix)
        self.records.append({"name": name, "status": "PASS" if ok else "FAIL", "value": value,
                             "budget": f"{op} {limit:g}{unit}", "unit": unit.strip(),
                             "detail": detail})
        return ok

    def _emit(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)

    @property
    def failed(self) -> bool:
        return any(line.startswith("FAIL") for line in self.lines)
