"""Read the verification code out of an uploaded PDF, in a child process with limits.

The upload is untrusted: pypdf runs in a separate process with a wall-clock timeout and an
address-space limit (SECURITY.md), so a crafted file can neither hang nor exhaust the worker.
"""

from __future__ import annotations

import io
import re
import resource
import subprocess
import sys

from service.registry.codes import code_in_pdf, normalise

TIMEOUT_SECONDS = 10
MEMORY_BYTES = 512 * 1024 * 1024
_CODE = re.compile(r"verification-code=([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def find_code(data: bytes) -> str | None:
    """Fast path on the raw bytes, then pypdf in a child process; None when not found."""
    code = code_in_pdf(data)
    if code:
        return code
    try:
        done = subprocess.run(  # noqa: S603  (our own module, fixed arguments)
            [sys.executable, "-m", "service.registry.pdf_probe"], input=data,
            capture_output=True, timeout=TIMEOUT_SECONDS, preexec_fn=_limits, check=False)
    except subprocess.TimeoutExpired:
        return None
    return normalise(done.stdout.decode(errors="ignore").strip()) if done.returncode == 0 else None


def _probe(data: bytes) -> str | None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    keywords = str((reader.metadata or {}).get("/Keywords", ""))
    match = _CODE.search(keywords)
    return match.group(1) if match else None


if __name__ == "__main__":
    found = _probe(sys.stdin.buffer.read())
    if found:
        print(found)
