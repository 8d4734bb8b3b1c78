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
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from asn1crypto import pem as asn1_pem
from pypdf import PdfReader

from service.registry.codes import code_in_pdf, normalise
from service.rendering.signing import load_certificates, validate

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


def check_seal(data: bytes, roots) -> str:
    """The seal's French verdict, computed in a child process with the same limits."""
    with tempfile.NamedTemporaryFile(suffix=".pem") as pem:
        for root in roots:
            pem.write(asn1_pem.armor("CERTIFICATE", root.dump()))
        pem.flush()
        try:
            done = subprocess.run(  # noqa: S603  (our own module, fixed arguments)
                [sys.executable, "-m", "service.registry.pdf_probe", "--seal", pem.name],
                input=data, capture_output=True, timeout=TIMEOUT_SECONDS, preexec_fn=_limits,
                check=False)
        except subprocess.TimeoutExpired:
            return "Vérification du cachet interrompue : fichier trop complexe."
    if done.returncode != 0:
        return "Le cachet électronique n'a pas pu être vérifié."
    # Plain text only: the child parsed untrusted bytes, so its output is data, never code.
    return done.stdout.decode("utf-8", "replace").strip()[:300]


def _seal_message(data: bytes, pem_path: str) -> str:
    return validate(data, load_certificates(Path(pem_path))).message_fr


def _probe(data: bytes) -> str | None:
    reader = PdfReader(io.BytesIO(data))
    metadata: Mapping[str, Any] = reader.metadata or {}
    keywords = str(metadata.get("/Keywords", ""))
    match = _CODE.search(keywords)
    return match.group(1) if match else None


if __name__ == "__main__":
    payload = sys.stdin.buffer.read()
    if len(sys.argv) == 3 and sys.argv[1] == "--seal":
        sys.stdout.write(_seal_message(payload, sys.argv[2]))
    else:
        found = _probe(payload)
        if found:
            print(found)
