"""The electronic seal (SECURITY S1–S6): sealing, verdicts on altered files, drawn signatures.

Each test feeds a real file (WeasyPrint PDF/A-3b, pyHanko seal, pypdf tampering, hand-built PNG
headers) through the module and asserts the outcome a verification page would show.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import os
import re
import stat
import struct
import zlib
from pathlib import Path

import pytest
import weasyprint
from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, PngImagePlugin
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from pypdf.generic import DecodedStreamObject, NameObject

from service.rendering import signature_images as si
from service.rendering import signing
from service.rendering.fetcher import AssetsOnlyFetcher

ORG = "Association Logement d'abord Rhône"
SHARED = Path(__file__).resolve().parents[2] / "doc_templates" / "_shared"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def identity(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("seal") / "cachet"


@pytest.fixture(scope="module")
def sealer(identity):
    path = signing.generate_demo_identity(identity, ORG)
    return signing.load_signer(path, signing.demo_password(identity))


@pytest.fixture(scope="module")
def roots(identity, sealer):
    return signing.load_certificates(identity / signing.DEMO_ROOT)


@pytest.fixture(scope="module")
def document() -> bytes:
    return weasyprint.HTML(string="<p>Protocole de crise</p>").write_pdf(pdf_variant="pdf/a-3b")


@pytest.fixture(scope="module")
def sealed(document, sealer) -> bytes:
    return signing.seal(document, sealer, reason="Protocole de crise signé", location="Lyon")


@pytest.fixture(scope="module")
def tsa():
    """pyHanko's in-process test TSA, with its own root (SECURITY S1: no public TSA here)."""
    now = dt.datetime.now(dt.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the dummy is RSA-only
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Racine TSA de test")])
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(root_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA de test")]))
            .issuer_name(root_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                           critical=True)
            .sign(root_key, hashes.SHA256()))
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    gen_time = now.replace(microsecond=0) - dt.timedelta(minutes=3)
    stamper = DummyTimeStamper(tsa_cert=signing._asn1(cert),
                               tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
                               fixed_dt=gen_time)
    return stamper, signing._asn1(root), gen_time


def _pdfsig(pdf: bytes) -> str:
    if not os.path.exists(signing.PDFSIG):
        pytest.skip("poppler's pdfsig is not installed")
    report = signing.pdfsig_report(pdf)
    assert report is not None
    return report


# --------------------------------------------------------------------------- identity


def test_demo_identity_is_a_private_p256_seal_with_non_repudiation(identity, sealer):
    path = identity / signing.DEMO_PKCS12
    for name in (signing.DEMO_PKCS12, signing.DEMO_PASSWORD, signing.DEMO_ROOT):
        assert stat.S_IMODE((identity / name).stat().st_mode) == 0o400, name
    key, cert, others = pkcs12.load_key_and_certificates(
        path.read_bytes(), signing.demo_password(identity).encode())
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment  # nonRepudiation
    # The structure's full name is the organisation, never cut (issue 11, item 7).
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == \
        "Cachet électronique"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == ORG
    assert cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "FR"
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365
    assert 4.9 < years < 5.1
    (root,) = others
    assert cert.issuer == root.subject
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_demo_identity_is_never_overwritten(identity, sealer):
    path = identity / signing.DEMO_PKCS12
    before = path.read_bytes(), signing.demo_password(identity)
    assert signing.generate_demo_identity(identity, "Une autre structure") == path
    assert (path.read_bytes(), signing.demo_password(identity)) == before


def test_seal_is_loaded_once_per_process(identity, sealer):
    path = identity / signing.DEMO_PKCS12
    password = signing.demo_password(identity)
    first = signing.load_signer(path, password)
    assert signing.load_signer(str(path), password.encode()) is first
    assert first is sealer
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    reloaded = signing.load_signer(path, password)  # a replaced key file is read again
    assert reloaded is not first and reloaded.certificate.dump() == first.certificate.dump()


# --------------------------------------------------------------------------- sealing


def test_sealed_pdf_is_intact_valid_whole_file_and_poppler_agrees(sealed, roots):
    check = signing.validate(sealed, roots)
    assert check.present and check.intact and check.valid and check.ok
    assert check.coverage == "ENTIRE_FILE"
    assert check.modified_after_signing is False
    assert check.modification_level == "NONE"
    assert check.certified and not check.timestamped
    assert check.signer == f"Cachet électronique ({ORG})"
    assert abs(check.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert check.message_fr.startswith(
        f"Cachet valide : document intact depuis sa signature par Cachet électronique ({ORG}) "
        "le ")
    report = _pdfsig(sealed)
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert "ETSI.CAdES.detached" in report


def test_b_t_seal_with_a_timestamp_is_valid_and_dated_by_the_tsa(document, sealer, roots, tsa):
    stamper, tsa_root, gen_time = tsa
    sealed = signing.seal(document, sealer, reason="Protocole de crise signé", location="Lyon",
                          timestamper=stamper)
    check = signing.validate(sealed, [*roots, tsa_root])
    assert check.ok and check.timestamped
    assert check.coverage == "ENTIRE_FILE"
    assert check.signed_at == gen_time
    assert check.message_fr.startswith("Cachet valide")
    # the timestamp's chain must be trusted as well
    untrusted_tsa = signing.validate(sealed, roots)
    assert untrusted_tsa.intact and not untrusted_tsa.valid and not untrusted_tsa.ok
    report = _pdfsig(sealed)
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report


def test_sealing_keeps_pdfa_metadata_and_pdf_version(document, sealed):
    before, after = PdfReader(io.BytesIO(document)), PdfReader(io.BytesIO(sealed))
    assert sealed.startswith(document)  # an incremental update: the original bytes come first
    xmp_before = before.trailer["/Root"]["/Metadata"].get_object().get_data()
    xmp_after = after.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert xmp_after == xmp_before and b'pdfaid:part="3"' in xmp_after
    assert after.metadata == before.metadata  # /Info and XMP still say the same (PDF/A)
    root = after.trailer["/Root"]
    assert sealed.startswith(b"%PDF-1.7") and "/Version" not in root  # no PDF 2.0 claim
    assert "/ISO_" not in root["/Extensions"] and "/ESIC" in root["/Extensions"]
    assert "/NeedAppearances" not in root["/AcroForm"]
    (field,) = [f.get_object() for f in root["/AcroForm"]["/Fields"]]
    assert field["/T"] == "Cachet" and field["/F"] & 4  # printable widget (PDF/A)
    assert [float(v) for v in field["/Rect"]] == [0, 0, 0, 0]  # invisible
    sig = field["/V"].get_object()
    assert sig["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig["/Reason"] == "Protocole de crise signé" and sig["/Location"] == "Lyon"
    docmdp = root["/Perms"]["/DocMDP"].get_object()
    assert docmdp["/Reference"][0]["/TransformParams"]["/P"] == 1  # DocMDP P1: no changes
    start, length1, start2, length2 = sig["/ByteRange"]
    assert start == 0 and start2 + length2 == len(sealed)


def test_a_too_small_reservation_falls_back_to_measuring_the_signature(document, sealer, roots):
    tight = dataclasses.replace(sealer, bytes_reserved=100)
    check = signing.validate(signing.seal(document, tight, reason="r", location="l"), roots)
    assert check.ok


def test_the_demo_root_ships_in_the_pkcs12_file(sealer, roots):
    assert [c.dump() for c in sealer.roots] == [c.dump() for c in roots]


def test_sealing_twice_is_refused(sealed, sealer):
    with pytest.raises(signing.SealError):
        signing.seal(sealed, sealer, reason="r", location="l")


def test_a_seal_not_chaining_to_the_given_roots_is_not_called_valid(sealed):
    check = signing.validate(sealed, None)
    assert check.intact and not check.valid and not check.ok
    assert check.message_fr.startswith("Cachet non reconnu")


# --------------------------------------------------------------------------- tampering


def _flip(data: bytes, pos: int) -> bytes:
    changed = bytearray(data)
    changed[pos] ^= 0x01
    return bytes(changed)


def _byte_range(sealed: bytes) -> list[int]:
    found = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", sealed)
    return [int(v) for v in found.groups()]


def test_a_byte_changed_in_the_signed_content_breaks_the_seal(sealed, roots):
    _, length1, _, _ = _byte_range(sealed)
    pos = sealed.index(b"stream\n") + 20  # inside the first stream's (compressed) data
    assert pos < length1
    check = signing.validate(_flip(sealed, pos), roots)
    assert not check.intact and not check.valid and not check.ok
    assert check.message_fr.startswith(("Signature invalide", "Document modifié"))


def test_a_byte_changed_in_the_signature_value_breaks_the_seal(sealed, roots):
    _, length1, start2, _ = _byte_range(sealed)
    der_hex = sealed[length1 + 1:start2 - 1].rstrip(b"0")  # "<hex DER, 0 padding>"
    pos = length1 + 1 + len(der_hex) - 10  # in the signature value, not in the padding
    changed = bytearray(sealed)
    changed[pos] = ord("1") if changed[pos] != ord("1") else ord("2")  # still a hex digit
    check = signing.validate(bytes(changed), roots)
    assert not check.ok
    assert check.message_fr.startswith("Signature invalide")


def _annotation(writer: PdfWriter) -> None:
    writer.add_annotation(0, FreeText(text="Ajout après signature", rect=(50, 50, 300, 100)))


def _new_page(writer: PdfWriter) -> None:
    writer.add_blank_page()


def _content_swap(writer: PdfWriter) -> None:
    """Shadow attack: the page now shows other content (new /Contents in an update)."""
    page = writer.pages[0]
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 24 Tf 72 720 Td (Protocole annule) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)


@pytest.mark.parametrize("tamper", [_annotation, _new_page, _content_swap])
def test_an_incremental_update_after_the_seal_is_reported_as_a_modification(
        sealed, roots, tamper):
    writer = PdfWriter(io.BytesIO(sealed), incremental=True)
    tamper(writer)
    out = io.BytesIO()
    writer.write(out)
    tampered = out.getvalue()
    assert tampered.startswith(sealed) and len(tampered) > len(sealed)
    check = signing.validate(tampered, roots)
    assert check.modified_after_signing and not check.ok
    assert check.coverage != "ENTIRE_FILE"
    assert check.message_fr.startswith("Document modifié après sa signature")
    assert "valide" not in check.message_fr.lower()


@pytest.mark.parametrize("tail", [b"\n", b"%% hidden data\n", b"<<EOF>>" * 100],
                         ids=["newline", "comment", "junk"])
def test_bytes_after_the_last_eof_are_flagged(sealed, roots, tail):
    check = signing.validate(sealed + tail, roots)
    assert check.intact and check.modified_after_signing and not check.ok
    assert check.message_fr.startswith("Document modifié")


def test_a_second_pdf_hidden_after_the_seal_is_flagged(sealed, document, roots):
    check = signing.validate(sealed + document, roots)
    assert check.present and check.modified_after_signing and not check.ok
    assert check.message_fr.startswith("Document modifié")


def test_an_unsigned_pdf_has_no_seal(document, roots):
    check = signing.validate(document, roots)
    assert not check.present and not check.ok
    assert check.message_fr == signing.MSG_NONE
    assert check.message_fr.startswith("Aucun cachet électronique")


@pytest.mark.parametrize("data", [
    b"", b"garbage" * 50, os.urandom(4096), b"%PDF-1.7\n%\xe2\xe3\n1 0 obj <<", b"\x00" * 10,
    b"%PDF-1.7\ntrailer << /Root 1 0 R /Size 99999999999 >>\nstartxref\n9\n%%EOF\n",
], ids=["empty", "text", "random", "header-only", "nul", "bogus-trailer"])
def test_garbage_gets_a_verdict_not_an_exception(data, roots):
    check = signing.validate(data, roots)
    assert not check.ok and not check.valid
    assert check.message_fr in (signing.MSG_UNREADABLE, signing.MSG_NONE)


def test_a_truncated_sealed_pdf_gets_a_verdict(sealed, roots):
    check = signing.validate(sealed[: len(sealed) - 300], roots)
    assert not check.ok


# --------------------------------------------------------------------------- drawn signatures


def _png(size=(600, 200), *, mode="RGBA", text: str | None = None, **save) -> bytes:
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else 255)
    for x in range(100, 500):  # one stroke, well inside transparent margins
        for y in range(90, 94):
            image.putpixel((x, y + (x % 20) // 5), (10, 20, 120, 255) if mode == "RGBA" else 0)
    info = None
    if text:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", text)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, **save)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming `width` × `height` px with one tiny IDAT: a decompression bomb's header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (si.PNG_MAGIC + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b""))


def test_a_canvas_png_is_accepted_trimmed_and_re_encoded():
    original = _png(text="secret: tracking id")
    clean = si.load_png_signature(original)
    assert clean.startswith(si.PNG_MAGIC) and clean != original
    assert b"tracking" not in clean and b"tEXt" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.mode == "RGBA"
        assert image.size == (400, 7)  # trimmed to the ink
        assert image.getpixel((0, 0))[3] == 255
    assert si.load_png_signature(clean) == clean  # stable


def test_a_grey_png_is_converted_to_rgba():
    with Image.open(io.BytesIO(si.load_png_signature(_png(mode="L")))) as image:
        assert image.mode == "RGBA" and image.size == (600, 200)  # opaque: nothing to trim


def test_a_huge_png_header_is_refused_before_decoding(monkeypatch):
    bomb = _png_header_only(50_000, 50_000)
    assert len(bomb) < 200

    def no_decoding(*args, **kwargs):
        raise AssertionError("Pillow must not see this file")

    monkeypatch.setattr(Image, "open", no_decoding)
    with pytest.raises(ValueError, match="Signature trop grande"):
        si.load_png_signature(bomb)


def test_pillow_refuses_a_bomb_with_the_lowered_pixel_limit():
    limit = Image.MAX_IMAGE_PIXELS
    with pytest.raises(ValueError, match="Signature trop grande"):
        si._decode(_png_header_only(3000, 3000))  # 9 MP > 2 × 4 MP: DecompressionBombError
    assert Image.MAX_IMAGE_PIXELS == limit  # the process-wide limit is restored


def test_a_png_over_the_size_limit_is_refused():
    with pytest.raises(ValueError, match="Signature trop grande"):
        si.load_png_signature(_png((2001, 200)))
    with pytest.raises(ValueError, match="Signature trop lourde"):
        si.load_png_signature(si.PNG_MAGIC + b"\x00" * si.MAX_BYTES)


def test_a_truncated_png_is_refused():
    good = _png()
    for cut in (len(good) // 2, len(good) - 13, 40):
        with pytest.raises(ValueError, match="incomplet ou endommagé"):
            si.load_png_signature(good[:cut])


def test_a_png_with_corrupt_pixel_data_is_refused():
    good = bytearray(_png())
    start = good.index(b"IDAT") + 20
    good[start:start + 30] = b"\xff" * 30
    with pytest.raises(ValueError, match="incomplet ou endommagé"):
        si.load_png_signature(bytes(good))


def test_an_animated_png_is_refused():
    frames = [Image.new("RGBA", (100, 50), (0, 0, 0, a)) for a in (255, 128)]
    out = io.BytesIO()
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:])
    assert b"acTL" in out.getvalue()
    with pytest.raises(ValueError, match="animées"):
        si.load_png_signature(out.getvalue())


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 20), "white").save(out, format="JPEG")
    return out.getvalue()


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (50, 20)).save(out, format="GIF")
    return out.getvalue()


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/>'
       b"<script>alert(1)</script></svg>")


@pytest.mark.parametrize("data", [_jpeg(), _gif(), SVG, b"", b"PNG", "texte"],
                         ids=["jpeg", "gif", "svg", "empty", "short", "str"])
def test_anything_but_png_is_refused(data):
    with pytest.raises(ValueError, match="doit être une image PNG"):
        si.load_png_signature(data)


def test_a_fully_transparent_drawing_is_empty():
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(out, format="PNG")
    with pytest.raises(ValueError, match="vide"):
        si.load_png_signature(out.getvalue())


def test_data_uri_and_inline_svg_carry_the_png():
    png = si.load_png_signature(_png())
    uri = si.png_data_uri(png)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == png
    svg = str(si.signature_svg_image(png))
    assert svg.startswith("<svg") and f'href="{uri}"' in svg and 'viewBox="0 0 400 7"' in svg
    with pytest.raises(ValueError):
        si.png_data_uri(b"<svg/>")


class _PngDataFetcher(AssetsOnlyFetcher):
    """The change proposed for service/rendering/fetcher.py, to show WeasyPrint needs it."""

    def fetch(self, url, headers=None):
        if url.startswith(si.DATA_URI_PREFIX):
            from weasyprint.urls import URLFetcherResponse

            body = base64.b64decode(url[len(si.DATA_URI_PREFIX):], validate=True)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "image/png"})
        return super().fetch(url, headers)


def _image_count(pdf: bytes) -> int:
    return pdf.count(b"/Subtype /Image")


@pytest.mark.parametrize("how", ["img", "svg"])
def test_weasyprint_fetches_the_drawn_signature_through_the_url_fetcher(how):
    png = si.load_png_signature(_png())
    html = (f'<img src="{si.png_data_uri(png)}" style="width: 5cm">' if how == "img"
            else f"<div>{si.signature_svg_image(png)}</div>")
    pdfs = [weasyprint.HTML(string=html, url_fetcher=fetcher(SHARED)).write_pdf(
        pdf_variant="pdf/a-3b", uncompressed_pdf=True)
        for fetcher in (AssetsOnlyFetcher, _PngDataFetcher)]
    assert _image_count(pdfs[1]) >= 1
    # The project's fetcher decides, for <image> inside an inline SVG too: today it refuses
    # data: URIs, so the drawing is missing until fetcher.py allows data:image/png.
    try:
        AssetsOnlyFetcher(SHARED).fetch(si.png_data_uri(png))
        allowed = True
    except ValueError:
        allowed = False
    assert (_image_count(pdfs[0]) >= 1) is allowed
