"""The seal's identity: a demo CA and seal certificate in a PKCS#12 file, and trust roots.

Production configures its own PKCS#12 file; the demo identity is generated once, mode 0400.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import secrets
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

log = logging.getLogger(__name__)


DEMO_PKCS12 = "cachet-demo.p12"
# sidecar file written only when the password is generated (a file name, not a password)
DEMO_PASSWORD = "cachet-demo.p12.motdepasse"  # noqa: S105
DEMO_ROOT = "cachet-demo-racine.pem"  # the demo CA certificate: the verification's trust root
DEMO_YEARS = 5
SEAL_COMMON_NAME = "Cachet électronique"



def _cut(text: str, limit: int = 64) -> str:
    """RFC 5280's upper bound (ub-common-name 64), which `cryptography` counts in UTF-8 bytes;
    a longer name is cut at a word boundary and marked « … », never mid-word."""
    if len(text.encode()) <= limit:
        return text.strip()
    head = text.encode()[:limit - len("…".encode())].decode(errors="ignore")
    head = head.rsplit(" ", 1)[0] if " " in head else head
    return head.rstrip(" –-,") + "…"


def _name(organisation: str, common_name: str) -> x509.Name:
    """The structure's full name as organizationName, never cut (readers see it on the
    verification page and in the certificate); the bounded commonName says what the key is."""
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, " ".join(organisation.split())),
        x509.NameAttribute(NameOID.COMMON_NAME, _cut(common_name)),
    ])


def _key_usage(*, sign: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign, content_commitment=sign,  # content_commitment = nonRepudiation
        key_encipherment=False, data_encipherment=False, key_agreement=False,
        key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)


def _demo_certificates(organisation: str):
    """(key, certificate, CA certificate): a one-level demo PKI, both valid 5 years."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start, end = now - dt.timedelta(hours=1), now + dt.timedelta(days=365 * DEMO_YEARS)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(organisation, "Autorité de démonstration")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(organisation, SEAL_COMMON_NAME)).issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256()))
    return key, cert, ca_cert


def _write_private(path: Path, data: bytes) -> None:
    """Create `path` (never overwrite), then leave it read-only for its owner: mode 0400
    (SECURITY S6), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o400)


def generate_demo_identity(directory: Path, organisation: str,
                           password: str | None = None) -> Path:
    """The demo seal's PKCS#12 file in `directory`, created once (never overwritten).

    Without `password`, a random one is generated and written next to it (`DEMO_PASSWORD`,
    mode 0400). The CA certificate is written as `DEMO_ROOT`: the trust root of `validate`.
    Concurrent callers (several workers starting) are serialised by a lock file.
    """
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / DEMO_PKCS12
    lock_fd = os.open(directory / ".cachet-demo.lock", os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(lock_fd, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target
        organisation = " ".join(organisation.split()) or "Structure"
        key, cert, ca_cert = _demo_certificates(organisation)
        if password is None:
            password = secrets.token_urlsafe(24)
            _write_private(directory / DEMO_PASSWORD, password.encode() + b"\n")
        _write_private(directory / DEMO_ROOT, ca_cert.public_bytes(serialization.Encoding.PEM))
        encryption = serialization.BestAvailableEncryption(password.encode())
        blob = pkcs12.serialize_key_and_certificates(
            b"cachet", key, cert, [ca_cert], encryption)
        partial = directory / f".{DEMO_PKCS12}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        _write_private(partial, blob)
        os.replace(partial, target)  # readers never see a half-written file
        log.info("demo seal identity created", extra={"path": str(target)})
        return target


def demo_password(directory: Path) -> str:
    """The generated password of the demo identity in `directory`."""
    return (Path(directory) / DEMO_PASSWORD).read_text().strip()


def load_certificates(path: Path) -> list[asn1_x509.Certificate]:
    """Certificates from a PEM (one or more) or DER file, e.g. the trust roots of `validate`."""
    data = Path(path).read_bytes()
    if b"-----BEGIN" in data:
        certs = x509.load_pem_x509_certificates(data)
    else:
        certs = [x509.load_der_x509_certificate(data)]
    return [_asn1(c) for c in certs]


def _asn1(cert) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    if isinstance(cert, bytes):
        return asn1_x509.Certificate.load(cert)
    raise TypeError(f"not a certificate: {type(cert).__name__}")
