"""Every uploaded file is scanned by ClamAV (clamd) before anything else reads it.

The client speaks clamd's INSTREAM command over a Unix socket (`unix:/run/clamav/clamd.ctl`)
or TCP (`tcp:clamav.internal:3310`): a few lines of the standard library, which a client
package would not make shorter or safer. The file is streamed in chunks; clamd answers
`stream: OK` or `stream: <name> FOUND`.

Fail closed: a scanner that does not answer, or answers anything else, is `Unavailable` and
the upload is refused, never accepted unscanned. A file found infected is kept out of every
store, in the quarantine folder (read-only, named by its SHA-256, with a JSON note: threat,
time, uploader's ids), where only the administrators of the machine can reach it.
"""

from __future__ import annotations

import json
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

CHUNK = 64 * 1024


class Unavailable(Exception):
    """The scanner could not give a verdict (down, unreachable, timed out, an error)."""


@dataclass(frozen=True)
class Verdict:
    threat: str | None  # the signature's name when infected

    @property
    def clean(self) -> bool:
        return self.threat is None


def _connect(address: str, timeout: float) -> socket.socket:
    kind, _, where = address.partition(":")
    if kind == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(where)
        except OSError:
            sock.close()
            raise
        return sock
    if kind == "tcp":
        host, _, port = where.rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    raise ValueError(f"ANTIVIRUS_CLAMD must be unix:/path or tcp:host:port, not {address!r}")


def scan(data: bytes, address: str, timeout: float) -> Verdict:
    """clamd's verdict on `data`; Unavailable if there is none."""
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                received = sock.recv(4096)
                if not received:
                    break
                answer += received
    except OSError as exc:
        raise Unavailable(str(exc)) from exc
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text == "stream: OK":
        return Verdict(None)
    if text.startswith("stream: ") and text.endswith(" FOUND"):
        return Verdict(text[len("stream: "):-len(" FOUND")].strip() or "inconnu")
    raise Unavailable(text or "no answer")  # « INSTREAM size limit exceeded. ERROR »…


def quarantine(folder: str, data: bytes, digest: str, note: dict) -> Path:
    """Keep an infected file aside, read-only, out of every store; return its path."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = root / f"{digest}.bin"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    (root / f"{digest}.json").write_text(json.dumps(note, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
    return path
