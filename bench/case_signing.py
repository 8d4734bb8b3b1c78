"""Case: sign and seal a crisis protocol with the key loaded once (budget ≤ 50 ms), and validate.

`python -m bench.case_signing` on its own, or as part of `python -m bench`. The document is the
golden protocole de crise rendered as PDF/A-3b, as the service seals it; rendering is outside
the timing.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from bench import PROTOCOL, TEMPLATES_DIR, sample
from bench.session import Bench, heading
from bench.timing import measure, ms

BUDGET_MS = 50.0


def _document() -> bytes:
    from service.rendering.pdf import render_pdf

    return render_pdf(TEMPLATES_DIR, PROTOCOL.html_template, sample.context(PROTOCOL),
                      variant="pdf/a-3b")


def run(bench: Bench) -> None:
    from service.rendering import signing

    heading("Signing: PAdES seal (ECDSA P-256, key loaded once) and its validation")
    directory = Path(tempfile.mkdtemp(prefix="bench-seal-"))
    bench.on_close(lambda: shutil.rmtree(directory, ignore_errors=True))
    path = signing.generate_demo_identity(directory, "Association de démonstration")
    password = signing.demo_password(directory)
    start = time.perf_counter()
    sealer = signing.load_signer(path, password)
    loaded = time.perf_counter() - start
    assert signing.load_signer(path, password) is sealer  # cached: loaded once per process
    roots = signing.load_certificates(directory / signing.DEMO_ROOT)
    pdf = _document()

    def sign_and_seal() -> bytes:
        return signing.seal(pdf, sealer, reason="Protocole de crise signé", location="Montpellier")

    sealed = sign_and_seal()
    check = signing.validate(sealed, roots)
    print(f"  document: {len(pdf) / 1024:.0f} KiB PDF/A-3b → sealed {len(sealed) / 1024:.0f} KiB;"
          f" key loaded once in {ms(loaded)}")
    print(f"  verdict: {check.message_fr}")
    seal_stats = measure(sign_and_seal, bench.runs, bench.warmups)
    validate_stats = measure(lambda: signing.validate(sealed, roots), bench.runs, bench.warmups)
    print(seal_stats.line("seal (PAdES B-B, certification, incremental)"))
    print(validate_stats.line("validate (integrity, chain, diff analysis)"))
    bench.record("signing", "seal", seal_stats)
    bench.record("signing", "validate", validate_stats)
    if not check.ok:
        bench.verdicts.check("sealed protocol validates", 1, 0, unit="",
                             detail=check.message_fr)
    bench.verdicts.check("sign and seal a crisis protocol (key loaded once), median",
                         seal_stats.median * 1000, BUDGET_MS, unit=" ms",
                         detail=f"p95 {ms(seal_stats.p95)}, n={len(seal_stats.samples)}")


def main() -> int:
    bench = Bench()
    try:
        run(bench)
    finally:
        bench.close()
    return 1 if bench.verdicts.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
