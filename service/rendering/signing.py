"""Electronic seal of finished documents (PAdES, pyHanko) and its verification. No Flask, no DB.

- `generate_demo_identity` (in seal_identity.py): a demo CA and a "Cachet électronique" ECDSA
  P-256 certificate in a PKCS#12 file (mode 0600); production configures its own PKCS#12 file.
- `load_signer`: the PKCS#12 file read once per process (cached by path, mtime and size).
- `seal`: certification signature (DocMDP P1: no change allowed), PAdES B-B, or B-T with a
  timestamper; an incremental update that leaves the PDF/A metadata of the document untouched.
- `validate`: a `SealCheck` verdict with a one-line French message; never raises.
- `pdfsig_report`: poppler's independent opinion, for the tests.

Bytes that reach `validate` come from users: call it, like every parser of untrusted files, in
the child process with a time and memory limit (SECURITY §0).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import hashlib
import io
import logging
import os
import re
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from service.rendering.formatting import datetime_fr

# The identity half (demo CA, PKCS#12, trust roots) is in seal_identity.py; re-exported here.
from service.rendering.seal_identity import (  # noqa: F401
    DEMO_PASSWORD,
    DEMO_PKCS12,
    DEMO_ROOT,
    _asn1,
    _write_private,
    demo_password,
    generate_demo_identity,
    load_certificates,
)

log = logging.getLogger(__name__)

DOCMDP = MDPPerm.NO_CHANGES  # P1, see `seal`
PDFSIG = "/usr/bin/pdfsig"

MSG_VALID = "Cachet valide : document intact depuis sa signature par {signer} le {when}."
MSG_MODIFIED = "Document modifié après sa signature : ce n'est plus le document cacheté."
MSG_INVALID = "Signature invalide : le document ou son cachet a été altéré."
MSG_UNTRUSTED = ("Cachet non reconnu : document intact, mais le certificat de {signer} "
                 "n'émane pas d'une autorité de confiance.")
MSG_NONE = "Aucun cachet électronique dans ce document."
MSG_UNREADABLE = "Document illisible : aucun cachet électronique vérifiable."




# --------------------------------------------------------------------------- signer


@dataclass(frozen=True, eq=False)
class Sealer:
    """The structure's seal, loaded once per process (`load_signer`)."""

    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]
    bytes_reserved: int  # hex digits reserved for the CMS when no timestamp is added
    path: str

    @property
    def subject(self) -> str:
        return _subject(self.certificate)

    @property
    def roots(self) -> list[asn1_x509.Certificate]:
        """Self-signed certificates shipped in the PKCS#12 file (the demo CA)."""
        return [c for c in self.chain if c.self_signed == "maybe" or c.self_signed == "yes"]


def load_signer(pkcs12_path: Path | str, password: str | bytes | None) -> Sealer:
    """The `Sealer` for this PKCS#12 file, read once per process and per version of the file."""
    path = Path(pkcs12_path).resolve()
    info = path.stat()
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("seal key file readable by others; expected mode 0400/0600",
                    extra={"path": str(path), "mode": oct(stat.S_IMODE(info.st_mode))})
    secret = password.encode() if isinstance(password, str) else password
    return _load_signer(str(path), info.st_mtime_ns, info.st_size, secret)


@lru_cache(maxsize=4)
def _load_signer(path: str, mtime_ns: int, size: int, password: bytes | None) -> Sealer:
    signer = signers.SimpleSigner.load_pkcs12_data(
        Path(path).read_bytes(), other_certs=[], passphrase=password)
    others = tuple(c for c in signer.cert_registry if c != signer.signing_cert)
    embedded = sum(len(c.dump()) for c in (signer.signing_cert, *others))
    # The CMS is the certificates plus < 1 KiB (attributes, ECDSA or RSA-4096 signature); hex
    # doubles it. Reserving it here skips pyHanko's dry-run signature (half the signing time);
    # `seal` falls back to pyHanko's own estimate if it ever proves too small.
    reserved = 2 * (embedded + 2048)
    log.info("seal loaded", extra={"path": path, "subject": _subject(signer.signing_cert)})
    return Sealer(signer=signer, certificate=signer.signing_cert, chain=others,
                  bytes_reserved=reserved, path=path)


class _SealWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer, made to keep a PDF/A document's metadata and PDF version.

    - The document's /Info and XMP packet are left as they are. pyHanko would append
      "; pyHanko" to /Info /Producer but write only "pyHanko" in XMP pdf:Producer, and
      re-serialise the packet: the two would no longer match, which PDF/A forbids
      (ISO 19005-2/3 §6.6.2.3). The seal's own date is in the signature (/M, the TSA token).
    - For PDF/A-1/2/3 (based on PDF 1.x), no PDF 2.0 declaration: pyHanko marks ECDSA P-256
      signatures with /Version /2.0 and the ISO/TS 32002 extension, which would turn a
      PDF/A-3 file into a PDF 2.0 one. The signature stays /ETSI.CAdES.detached under the ESIC
      (PAdES) extension of PDF 1.7, which pyHanko, poppler and Acrobat validate with ECDSA.
      A PDF/A-4 input (PDF 2.0) gets pyHanko's declarations unchanged.
    """

    keep_pdf1 = False

    def _update_meta(self):  # pyHanko's BasePdfFileWriter._update_meta, called before writing
        return None

    def ensure_output_version(self, version):
        if self.keep_pdf1 and tuple(version) >= (2, 0):
            return
        super().ensure_output_version(version)

    def register_extension(self, ext):
        if self.keep_pdf1 and str(ext.base_version) == "/2.0":
            return
        super().register_extension(ext)


def _pdfa_part(writer: IncrementalPdfFileWriter) -> int | None:
    """The PDF/A part declared in the document's XMP packet (pdfaid:part), if any."""
    try:
        xmp = writer.prev.root["/Metadata"].get_object().data
    except Exception:  # no or unreadable metadata: not a PDF/A claim
        return None
    found = re.search(rb"pdfaid:part\s*(?:=\s*[\"']|>)\s*(\d)", xmp)
    return int(found.group(1)) if found else None


def _writer(pdf: bytes) -> _SealWriter:
    writer = _SealWriter(io.BytesIO(pdf), strict=True)
    part = _pdfa_part(writer)
    writer.keep_pdf1 = part is not None and part < 4
    return writer


class SealError(ValueError):
    """The PDF could not be sealed (unreadable, already signed...)."""


def _outside_event_loop(fn, *args, **kwargs):
    """pyHanko's synchronous API calls asyncio.run(), which fails in a thread that already runs
    an event loop (an async server, or a test session driving a browser): use a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def seal(pdf: bytes, sealer: Sealer, *, reason: str, location: str, field_name: str = "Cachet",
         timestamper: TimeStamper | None = None) -> bytes:
    """The sealed PDF: `pdf` plus one incremental update holding a PAdES certification signature.

    - PAdES baseline B-B (/SubFilter ETSI.CAdES.detached, SHA-256, signing-certificate-v2), or
      B-T when `timestamper` is given (an RFC 3161 signature timestamp from the TSA).
    - Certification signature with DocMDP P1 (no changes at all): the protocol is final once
      the person and the professionals have signed it, and any change is a new version to
      sign again (DESIGN §7), so nothing may be added, not even form filling or an annotation
      (P2 would accept new signatures and form values, P3 annotations: both are ways to overlay
      content on a signed page, SECURITY S2/S4). PAdES still allows DSS/timestamp updates
      (B-LT/B-LTA) on top of P1.
    - Invisible signature field (print flag set, zero-size box: PDF/A-compatible), and the
      document's /Info, XMP and PDF version untouched for PDF/A (see `_SealWriter`).
    """
    meta = PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location, certify=True,
        docmdp_permissions=DOCMDP, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256")
    reserved = None if timestamper is not None else sealer.bytes_reserved
    for attempt in (reserved, None) if reserved else (None,):
        try:
            writer = _writer(pdf)
            signer = PdfSigner(meta, signer=sealer.signer, timestamper=timestamper,
                               new_field_spec=SigFieldSpec(sig_field_name=field_name))
            out = io.BytesIO()
            _outside_event_loop(signer.sign_pdf, writer, bytes_reserved=attempt, output=out)
        except SigningError as exc:
            if attempt is not None:
                continue  # e.g. a CMS larger than foreseen: let pyHanko measure it, once
            raise SealError(f"Scellement impossible : {exc}") from exc
        except Exception as exc:  # unreadable input PDF
            raise SealError(f"Scellement impossible : {type(exc).__name__}: {exc}") from exc
        sealed = out.getvalue()
        log.info("document sealed", extra={
            "signer": sealer.subject, "field": field_name, "timestamped": timestamper is not None,
            "input_sha256": hashlib.sha256(pdf).hexdigest(),
            "sealed_sha256": hashlib.sha256(sealed).hexdigest()})
        return sealed
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class SealCheck:
    """What a verification page needs to say about a PDF's seal."""

    present: bool  # a signature was found
    intact: bool  # the signed byte range hashes to the signed digest
    valid: bool  # cryptographically valid, trusted by the given roots, timestamp (if any) too
    coverage: str | None  # "ENTIRE_FILE", "ENTIRE_REVISION", "CONTIGUOUS_BLOCK_FROM_START"...
    modified_after_signing: bool  # any byte, revision or trailing data after the signature
    signer: str | None  # "Cachet électronique (the structure's full name)"
    signed_at: dt.datetime | None  # the timestamp's time if any, else the signer's claimed time
    message_fr: str
    timestamped: bool = False
    certified: bool = False  # a certification (DocMDP) signature
    modification_level: str | None = None  # pyHanko's diff analysis, for the logs
    detail: str = ""  # technical reason, for the logs (not for users)

    @property
    def ok(self) -> bool:
        """The only case a page may show as « valide »."""
        return self.present and self.intact and self.valid and not self.modified_after_signing


def _subject(cert: asn1_x509.Certificate) -> str:
    names = cert.subject.native
    cn, org = names.get("common_name"), names.get("organization_name")
    if cn and org and org not in cn:
        return f"{cn} ({org})"
    return cn or org or cert.subject.human_friendly


def _verdict(detail: str, message: str, **fields) -> SealCheck:
    base: dict[str, Any] = dict(present=False, intact=False, valid=False, coverage=None,
                modified_after_signing=False, signer=None, signed_at=None)
    base.update(fields)
    return SealCheck(message_fr=message, detail=detail, **base)


def validate(pdf: bytes, trust_roots: list | None = None) -> SealCheck:
    """Verdict on the first signature of `pdf`; never raises on hostile or garbled input.

    `trust_roots`: certificates (asn1crypto or `cryptography`) the seal must chain to, e.g.
    `load_certificates(<DEMO_ROOT>)` or `sealer.roots`. `None` trusts nothing: an intact seal is
    then « non reconnu », never « valide » (no fallback to the operating system's TLS roots).
    """
    roots = [_asn1(c) for c in trust_roots or ()]  # a wrong root is the caller's bug: raise
    try:
        data = bytes(pdf)
        if not data.lstrip(b"\x00\t\n\r\f ").startswith(b"%PDF-"):
            return _verdict("not a PDF header", MSG_UNREADABLE)
        return _validate(data, roots)
    except Exception as exc:  # a verdict, whatever the input
        log.warning("seal validation failed", extra={"error": repr(exc)[:300]})
        return _verdict(f"unexpected {type(exc).__name__}: {exc}"[:300], MSG_UNREADABLE)


def _first_seal(pdf: bytes, strict: bool):
    reader = PdfFileReader(io.BytesIO(pdf), strict=strict)
    return next((s for s in reader.embedded_signatures if s.sig_object_type == "/Sig"), None)


def _validate(pdf: bytes, roots: list) -> SealCheck:
    try:
        embedded, strict_error = _first_seal(pdf, strict=True), None
    except Exception as exc:
        # Not what `seal` writes. Read it leniently to tell an altered seal from no seal at all.
        strict_error = exc
        try:
            embedded = _first_seal(pdf, strict=False)
        except Exception:
            embedded = None
    if embedded is None:
        hidden = _sealed_prefix(pdf, roots)  # a sealed PDF followed by another one (S3)
        if hidden is not None:
            return hidden
        if strict_error is not None:
            return _verdict(f"unreadable: {type(strict_error).__name__}: {strict_error}"[:300],
                            MSG_UNREADABLE)
        return _verdict("no /Sig signature", MSG_NONE)
    check = _check(embedded, roots)
    if strict_error is not None and check.intact and not check.modified_after_signing:
        detail = f"{check.detail}; strict parsing failed: {strict_error!r}"[:300]
        return replace(check, modified_after_signing=True, message_fr=MSG_MODIFIED, detail=detail)
    return check


def _check(embedded, roots: list) -> SealCheck:
    try:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = _outside_event_loop(validate_pdf_signature, embedded, context)
    except Exception as exc:
        return _verdict(f"signature unusable: {type(exc).__name__}: {exc}"[:300], MSG_INVALID,
                        present=True)
    level = status.modification_level
    timestamp = status.timestamp_validity
    timestamp_ok = timestamp is None or (timestamp.intact and timestamp.valid
                                         and timestamp.trusted)
    crypto_ok = bool(status.intact and status.valid)
    trusted = bool(crypto_ok and status.trusted and timestamp_ok)
    # Strict: the sealed file is final, so anything the signature does not cover is a change,
    # whatever pyHanko's diff analysis thinks of it (an added revision, or bytes after %%EOF).
    modified = (status.coverage != SignatureCoverageLevel.ENTIRE_FILE
                or status.docmdp_ok is False or (level is not None and level.value != 0))
    signer = _subject(status.signing_cert)
    if timestamp is not None and timestamp.intact and timestamp.valid:
        signed_at = timestamp.timestamp
    else:
        signed_at = status.signer_reported_dt
    if not crypto_ok:
        message = MSG_INVALID
    elif modified:
        message = MSG_MODIFIED
    elif not trusted:
        message = MSG_UNTRUSTED.format(signer=signer)
    else:
        when = datetime_fr(signed_at) if signed_at else "à une date inconnue"
        message = MSG_VALID.format(signer=signer, when=when)
    return SealCheck(
        present=True, intact=bool(status.intact), valid=trusted,
        coverage=status.coverage.name if status.coverage is not None else None,
        modified_after_signing=modified, signer=signer, signed_at=signed_at,
        message_fr=message, timestamped=timestamp is not None,
        certified=embedded.docmdp_level is not None,
        modification_level=level.name if level is not None else None,
        detail=status.summary())


def _sealed_prefix(pdf: bytes, roots: list, attempts: int = 8) -> SealCheck | None:
    """An intact seal in a revision that the file's last trailer no longer leads to.

    A whole second PDF appended after a sealed one hides the seal from readers, who then see
    an unsigned document: say « modifié », not « aucun cachet ». Only the last few %%EOF
    markers are tried, so a hostile file cannot make this quadratic.
    """
    end = len(pdf)
    for _ in range(attempts):
        end = pdf.rfind(b"%%EOF", 0, end)
        if end < 0:
            return None
        cut = end + 5
        cut += 2 if pdf[cut:cut + 2] == b"\r\n" else 1 if pdf[cut:cut + 1] in (b"\n", b"\r") else 0
        if cut >= len(pdf):
            continue
        try:
            embedded = _first_seal(pdf[:cut], strict=True)
        except Exception as exc:
            log.debug("no readable revision at %%EOF %d: %r", end, exc)
            continue
        if embedded is None:
            continue
        inner = _check(embedded, roots)
        if inner.intact:
            return replace(inner, modified_after_signing=True, message_fr=MSG_MODIFIED,
                           coverage=SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START.name,
                           detail=f"sealed revision followed by {len(pdf) - cut} bytes "
                                  f"the file's trailer does not chain to")
    return None


# --------------------------------------------------------------------------- poppler


def pdfsig_report(pdf: bytes, timeout: float = 20) -> str | None:
    """poppler's `pdfsig` output on `pdf` (an independent check), or None if it is missing."""
    exe = PDFSIG if os.path.exists(PDFSIG) else shutil.which("pdfsig")
    if not exe:
        return None
    with tempfile.TemporaryDirectory(prefix="pdfsig-") as tmp:
        path = Path(tmp) / "document.pdf"
        _write_private(path, pdf)
        try:
            done = subprocess.run([exe, str(path)], capture_output=True, timeout=timeout,
                                  check=False, env={**os.environ, "LC_ALL": "C"})
        except subprocess.TimeoutExpired:
            return None
    return (done.stdout + done.stderr).decode("utf-8", "replace")
