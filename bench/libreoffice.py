"""LibreOffice DOCX → PDF, docassemble's path: `soffice --headless --convert-to pdf` per document.

"Warm" is a second conversion in a kept user profile: the first one (which creates the profile)
is a warm-up, each timed conversion still starts soffice, as docassemble does.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.session import Bench

INSTALL_HINT = "apt-get install libreoffice-writer-nogui (scripts/bench-deps.sh)"
TAGGED_EXPORT = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


class LibreOffice:
    """`LibreOffice.start(bench)` returns a converter with its own profile, or None."""

    why_not = ""

    def __init__(self, soffice: str, root: Path) -> None:
        self.soffice = soffice
        self.root = root
        self.profile = (root / "profile").as_uri()
        self.version = self._version()

    @classmethod
    def start(cls, bench: Bench) -> LibreOffice | None:
        return bench.once("libreoffice", lambda: cls._make(bench))

    @classmethod
    def _make(cls, bench: Bench) -> LibreOffice | None:
        soffice = shutil.which("soffice")
        if soffice is None:
            cls.why_not = f"soffice not found ({INSTALL_HINT})"
            return None
        root = Path(tempfile.mkdtemp(prefix="bench-soffice-"))
        bench.on_close(lambda: shutil.rmtree(root, ignore_errors=True))
        return cls(soffice, root)

    def _version(self) -> str:
        done = subprocess.run([self.soffice, "--version"], capture_output=True, text=True,
                              timeout=60)
        return done.stdout.strip().split(" (")[0] or "LibreOffice"

    def convert(self, docx: bytes, name: str = "document", tagged: bool = False) -> bytes:
        """One conversion in the kept profile; the PDF bytes (tagged PDF export if asked)."""
        source = self.root / f"{name}.docx"
        target = self.root / f"{name}.pdf"
        source.write_bytes(docx)
        target.unlink(missing_ok=True)
        export = TAGGED_EXPORT if tagged else "pdf"
        done = subprocess.run(
            [self.soffice, f"-env:UserInstallation={self.profile}", "--headless", "--norestore",
             "--nolockcheck", "--convert-to", export, "--outdir", str(self.root), str(source)],
            capture_output=True, text=True, timeout=180)
        if done.returncode != 0 or not target.exists():
            raise RuntimeError(f"soffice failed ({done.returncode}): {done.stderr[-500:]}")
        return target.read_bytes()
