"""Every row of ../shared/docs/SECURITY.md is either proved by a named test or said not to apply.

ROWS maps each row id to ("test", "file::function") or ("n/a", reason). The first two tests keep
that map honest against the document and the test files; the others are the rows that had no
test yet (W2, W4, W8, W9, F2, F4, F12, P2-P7, P10-P14, S5), through the real endpoints where the
row is about an endpoint.
"""

from __future__ import annotations

import ast
import base64
import html
import io
import json
import logging
import re
import socket
import struct
import time
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.test import encode_multipart

from service.extensions import db
from service.logs import JsonFormatter
from service.rendering import signature_images as si
from service.rendering.fetcher import AssetsOnlyFetcher
from service.rendering.pdf import html_to_pdf
from service.uploads.pdfcheck import Refused, check_pdf
from tests.applications.conftest import call, start, upload  # noqa: F401  (fixture)
from tests.conftest import csrf_from, login
from tests.security.harness import (
    bearer,
    count,
    issue_token,
    page_csrf,
    sample_fiche,
    submit_through_web,
    web_login,
)
from tests.uploads import pdfs

REPO = Path(__file__).parents[2]
SECURITY_MD = REPO.parent / "shared" / "docs" / "SECURITY.md"
WS = "tests/security/test_web_security.py"
HOSTILE = "tests/golden/test_fiche_de_lien_hostile.py"
UPL = "tests/uploads/test_hostile_uploads.py"
SIGN = "tests/unit/test_signing.py"
INTEG = "tests/reliability/test_registry_integrity.py"
HERE = "tests/security/test_security_rows.py"

ROWS: dict[str, tuple[str, str]] = {
    # W: WeasyPrint
    "W1": ("test", f"{WS}::test_hostile_text_is_escaped_on_pages_and_literal_in_documents"),
    "W2": ("test", f"{HERE}::test_fetcher_refuses_files_outside_the_assets"),
    "W3": ("test", f"{HOSTILE}::test_pdf_has_no_attachment_nor_script"),
    "W4": ("test", f"{HERE}::test_no_connection_to_private_addresses_from_a_real_submission"),
    "W5": ("n/a", "AssetsOnlyFetcher n'autorise aucun hôte réseau (file: sous les ressources et "
                  "data:image/png seulement) : aucune requête HTTP, donc aucune redirection à "
                  "suivre (voir le test W4, aucune connexion)."),
    "W6": ("n/a", "Aucune résolution DNS ni connexion réseau pendant le rendu (fetcher sans "
                  "réseau, test W4) : pas de rebinding possible."),
    "W7": ("n/a", "Aucune CSS utilisateur : une seule feuille fixe (print.css) ; aucun champ "
                  "ne reçoit de CSS."),
    "W8": ("test", f"{HERE}::test_fetcher_refuses_dev_urandom_at_once"),
    "W9": ("test", f"{HERE}::test_a_200_kb_field_is_refused_in_french_before_rendering"),
    "W10": ("test", "tests/web/test_signing_flow.py::"
                    "test_non_png_drawing_is_refused_and_other_roles_cannot_sign"),
    # D: docxtpl
    "D1": ("test", f"{WS}::test_hostile_text_is_escaped_on_pages_and_literal_in_documents"),
    "D2": ("test", f"{HOSTILE}::test_docx_parts_are_valid_xml_without_controls"),
    "D3": ("test", f"{HOSTILE}::test_pdf_prints_hostile_text_literally"),
    "D4": ("test", f"{HOSTILE}::test_docx_parts_are_valid_xml_without_controls"),
    "D5": ("test", f"{HOSTILE}::test_docx_prints_hostile_text_literally"),
    "D6": ("n/a", "Aucun gabarit n'utilise le filtre xmlattr (grep service/) : aucune clé "
                  "fournie par l'utilisateur ne devient un attribut."),
    # P: uploaded PDFs
    "P1": ("test", f"{UPL}::test_hostile_upload_is_refused_with_its_reason"),
    "P2": ("test", f"{HERE}::test_malformed_pdf_ends_in_a_verdict_quickly"),
    "P3": ("test", f"{HERE}::test_malformed_pdf_ends_in_a_verdict_quickly"),
    "P4": ("test", f"{HERE}::test_malformed_pdf_ends_in_a_verdict_quickly"),
    "P5": ("test", f"{HERE}::test_malformed_pdf_ends_in_a_verdict_quickly"),
    "P6": ("test", f"{HERE}::test_malformed_pdf_ends_in_a_verdict_quickly"),
    "P7": ("test", f"{HERE}::test_malformed_pdf_ends_in_a_verdict_quickly"),
    "P8": ("test", f"{UPL}::test_hostile_upload_is_refused_with_its_reason"),
    "P9": ("test", f"{UPL}::test_hostile_upload_is_refused_with_its_reason"),
    "P10": ("test", f"{HERE}::test_encrypted_or_polyglot_upload_is_refused_in_french"),
    "P11": ("test", f"{HERE}::test_encrypted_or_polyglot_upload_is_refused_in_french"),
    "P12": ("test", f"{HERE}::test_hostile_file_names_are_only_escaped_metadata"),
    "P13": ("test", "tests/uploads/test_antivirus.py::"
                    "test_an_infected_upload_is_refused_and_quarantined"),
    "P14": ("test", "tests/applications/test_dossier_quota.py::test_the_dossier_weighs_its_files"),
    # F: Flask / Werkzeug
    "F1": ("test", f"{WS}::test_body_over_max_content_length_is_413"),
    "F2": ("test", f"{HERE}::test_one_hundred_thousand_empty_parts_are_413_fast"),
    "F3": ("test", f"{WS}::test_big_multipart_text_field_is_413"),
    "F4": ("test", f"{HERE}::test_file_part_with_a_leading_crlf_is_parsed_in_linear_time"),
    "F5": ("test", f"{WS}::test_every_authenticated_redirect_and_error_is_not_cacheable"),
    "F6": ("test", f"{WS}::test_session_cookie_over_https"),
    "F7": ("test", f"{WS}::test_werkzeug_console_does_not_exist"),
    "F8": ("test", f"{WS}::test_post_without_a_valid_csrf_token_is_400"),
    "F9": ("test", "tests/api/test_api_fiches.py::"
                   "test_session_cookie_alone_does_not_authenticate_the_api"),
    "F10": ("test", "tests/api/test_api_fiches.py::test_unknown_keys_are_refused_mass_assignment"),
    "F11": ("test", f"{WS}::test_next_parameter_never_leaves_the_site"),
    "F12": ("test", f"{HERE}::test_crlf_in_a_field_forges_no_log_line"),
    # A: access
    "A1": ("test", "tests/api/test_api_fiches.py::test_another_structures_orienteur_gets_404"),
    "A2": ("test", "tests/security/test_access_matrix.py::test_web_route_by_role"),
    "A3": ("test", "tests/web/test_household_documents.py::test_protocol_is_read_by_the_team_only"),
    "A4": ("test", "tests/security/test_sentinel.py::"
                   "test_a_sentinel_in_every_field_reaches_no_log_temporary_file_or_email"),
    "A5": ("test", "tests/security/test_accounts.py::"
                   "test_admin_and_team_lead_must_set_up_a_second_factor"),
    # S: signatures
    "S1": ("test", "tests/web/test_signing_flow.py::test_sign_seal_and_verify"),
    "S2": ("test", f"{SIGN}::"
                   "test_an_incremental_update_after_the_seal_is_reported_as_a_modification"),
    "S3": ("test", f"{SIGN}::test_bytes_after_the_last_eof_are_flagged"),
    "S4": ("test", f"{SIGN}::test_sealing_keeps_pdfa_metadata_and_pdf_version"),
    "S5": ("test", f"{HERE}::test_a_hostile_drawn_signature_is_refused_in_french"),
    "S6": ("test", f"{SIGN}::test_demo_identity_is_a_private_p256_seal_with_non_repudiation"),
    # R: reliability
    "R1": ("test", "tests/reliability/test_crash_points.py::"
                   "test_a_crash_at_each_point_of_a_submission_then_the_retry"),
    "R2": ("test", f"{INTEG}::test_flipped_byte_is_reported"),
    "R3": ("test", f"{INTEG}::test_concurrent_api_double_submit_with_one_key_gives_one_row"),
    "R4": ("test", "tests/reliability/test_concurrent_edits.py::"
                   "test_second_save_of_a_draft_section_from_a_stale_page_is_409"),
    "R5": ("test", "tests/reliability/test_write_path.py::"
                   "test_two_tabs_sending_one_draft_at_once_with_two_keys_give_one_referral"),
    "R6": ("test", f"{INTEG}::test_append_only_tables_refuse_update_and_delete"),
    "R7": ("test", f"{INTEG}::test_blob_store_files_are_read_only_and_written_atomically"),
    "R8": ("n/a", "Pas de S3 : le stockage est le système de fichiers (FilesystemBlobStore, "
                  "service/registry/blobs.py), adressé par contenu ; la réconciliation est R1."),
    "R9": ("test", "tests/reliability/test_crash_points.py::"
                   "test_a_crash_at_each_point_of_a_submission_then_the_retry"),
    "R10": ("test", "tests/web/test_subject_access.py::"
                    "test_the_team_lead_exports_everything_about_a_household"),
    "R11": ("test", "tests/retention/test_erasure.py::"
                    "test_purge_erases_a_household_and_the_registry_still_verifies"),
    "R12": ("n/a", "Endurance de 8 h : exercice d'exploitation hors de la suite de tests "
                   "(le court essai de charge est tests/reliability/test_load.py)."),
}


# --------------------------------------------------------------------------- the map itself

def test_every_row_is_mapped():
    if not SECURITY_MD.exists():
        pytest.skip(f"{SECURITY_MD} is absent")
    ids = re.findall(r"^\| ([A-Z]\d+) \|", SECURITY_MD.read_text(encoding="utf-8"), re.M)
    assert ids, "no row found in SECURITY.md"
    assert sorted(set(ids) - set(ROWS)) == []
    assert sorted(set(ROWS) - set(ids)) == []
    for row, (kind, what) in ROWS.items():
        assert kind in ("test", "n/a") and what.strip(), row


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_mapped_tests_exist():
    missing = []
    for row, (kind, what) in ROWS.items():
        if kind != "test":
            continue
        file, _, name = what.partition("::")
        path = REPO / file
        if not path.is_file() or name not in _functions(path):
            missing.append((row, what))
    assert missing == []


# --------------------------------------------------------------------------- W2, W4, W8

@pytest.fixture
def connections(monkeypatch):
    """Every outgoing connection attempt (address), refused before it leaves the process."""
    attempts: list = []

    def spy_connect(self, address):
        attempts.append(address)
        raise OSError("connexion interdite pendant ce test")

    def spy_create_connection(address, *args, **kwargs):
        attempts.append(address)
        raise OSError("connexion interdite pendant ce test")

    monkeypatch.setattr(socket.socket, "connect", spy_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", spy_connect)
    monkeypatch.setattr(socket, "create_connection", spy_create_connection)
    return attempts


NETWORK_URLS = ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/",
                "http://10.0.0.5/", "https://127.0.0.1:5000/admin", "ftp://10.0.0.5/x"]


def _templates_root() -> Path:
    root = REPO / "doc_templates" / "_shared"
    assert (root / "print.css").is_file(), root
    return root


def test_fetcher_refuses_files_outside_the_assets(caplog):
    root = _templates_root()
    fetcher = AssetsOnlyFetcher(root)
    own = next(p for p in root.iterdir() if p.is_file())
    assert fetcher.fetch(own.as_uri()).read() == own.read_bytes()  # positive control
    escaping = root.as_uri() + "/../../../../../../etc/passwd"
    caplog.set_level(logging.WARNING, logger="service.rendering.fetcher")
    for url in ("file:///etc/passwd", escaping, "file:///srv/app/instance/app.db",
                "data:text/html;base64,PHNjcmlwdD4="):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    refused = [r for r in caplog.records if r.getMessage() == "document asset refused"]
    assert [r.url for r in refused][:2] == ["file:///etc/passwd", escaping]
    # Rendering goes on without the image: the PDF is made, with none of the file's bytes.
    pdf = html_to_pdf(str(root.parent), '<p>Avant</p><img src="file:///etc/passwd"><p>Après</p>')
    assert pdf.startswith(b"%PDF-") and b"root:x:0:0" not in pdf


def test_fetcher_refuses_dev_urandom_at_once():
    fetcher = AssetsOnlyFetcher(_templates_root())
    started = time.perf_counter()
    for url in ("file:///dev/urandom", "file:///dev/zero", "file:///proc/self/environ"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    root = _templates_root()
    pdf = html_to_pdf(str(root.parent), '<img src="file:///dev/urandom"><p>Fin</p>')
    assert pdf.startswith(b"%PDF-")
    assert time.perf_counter() - started < 5


def test_fetcher_never_connects_to_the_network(connections):
    root = _templates_root()
    fetcher = AssetsOnlyFetcher(root)
    for url in NETWORK_URLS:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    images = "".join(f'<img src="{u}"><link rel="attachment" href="{u}">' for u in NETWORK_URLS)
    pdf = html_to_pdf(str(root.parent), f"<p>Rapport</p>{images}")
    assert pdf.startswith(b"%PDF-")
    assert connections == []


def test_no_connection_to_private_addresses_from_a_real_submission(iapp, connections):
    app = iapp
    data = sample_fiche()
    data["origine"]["autre_referent"] = " ".join(
        f'<img src="{u}">' for u in NETWORK_URLS[:3])
    data["accompagnements"]["partenaires_sante"] = '<img src="file:///dev/urandom">'
    client = web_login(app, "orienteur@demo.example")
    _, entry_id = submit_through_web(client, data)
    pdf = client.get(f"/documents/{entry_id}/telecharger.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    web = [a for a in connections if not (isinstance(a, str))]  # unix sockets are not network
    assert web == [], web


# --------------------------------------------------------------------------- W9

def test_a_200_kb_field_is_refused_in_french_before_rendering(iapp):
    app = iapp
    from service.documents.models import Draft

    client = app.test_client()
    headers = bearer(issue_token(app, "orienteur@demo.example"))
    data = sample_fiche()
    data["projet"]["contraintes"] = "Très long texte. " * 12_000  # ~200 kB
    started = time.perf_counter()
    response = client.post("/api/v1/fiches", json=data, headers=headers)
    assert 400 <= response.status_code < 500, response.status_code
    body = response.get_json()
    assert body["errors"]["json"]["projet"]["contraintes"], body
    text = " ".join(body["errors"]["json"]["projet"]["contraintes"])
    assert re.search(r"caractères|trop long|au plus", text), text
    assert time.perf_counter() - started < 5
    assert count(app, Draft) == 0


# --------------------------------------------------------------------------- F2, F4

def test_one_hundred_thousand_empty_parts_are_413_fast(iapp):
    app = iapp
    client = web_login(app, "orienteur@demo.example")
    token = page_csrf(client)
    boundary = "frontiere"
    part = f"--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n"
    body = (part * 100_000
            + f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{token}\r\n--{boundary}--\r\n").encode()
    assert len(body) < app.config["MAX_CONTENT_LENGTH"]
    started = time.perf_counter()
    response = client.post("/compte", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "trop volumineux" in response.get_data(as_text=True)
    assert time.perf_counter() - started < 5


def test_file_part_with_a_leading_crlf_is_parsed_in_linear_time(iapp):
    app = iapp
    client = app.test_client()
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    boundary, body = encode_multipart({
        "csrf_token": token,
        "document": (io.BytesIO(b"\r\n" + b"a" * 8_000_000), "x.pdf")})
    started = time.perf_counter()
    response = client.post("/verifier/", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    elapsed = time.perf_counter() - started
    assert response.status_code < 500
    assert elapsed < 5, f"{elapsed:.1f} s for an 8 MB part"


# --------------------------------------------------------------------------- F12

FORGED = "2026-01-01 INFO login ok user=admin"


def test_crlf_in_a_field_forges_no_log_line(iapp, caplog):
    app = iapp
    caplog.set_level(logging.DEBUG)
    hostile = f"x\r\n{FORGED}"
    anonymous = app.test_client()
    token = csrf_from(anonymous.get("/connexion").get_data(as_text=True))
    refused = anonymous.post("/connexion", data={"email": f"a@b.fr\r\n{FORGED}",
                                                 "password": hostile, "csrf_token": token})
    assert refused.status_code in (200, 400, 401, 422, 429)
    data = sample_fiche()
    data["origine"]["autre_referent"] = hostile
    data["accompagnements"]["partenaires_sante"] = f'<img src="file:///x\r\n{FORGED}">'
    client = web_login(app, "orienteur@demo.example")
    submit_through_web(client, data)
    assert caplog.records, "nothing was logged: the capture is not working"
    formatter = JsonFormatter()  # what the service's handler writes (service/logs.py)
    for record in caplog.records:
        written = formatter.format(record)
        assert "\n" not in written and "\r" not in written, written  # one event, one line
        assert json.loads(written)["message"] == record.getMessage()


# --------------------------------------------------------------------------- P2-P7 (parser)

def _raw_pdf(objects: list[bytes], trailer: bytes, with_xref: bool = True) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    start = len(out)
    if with_xref:
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += b"trailer\n" + trailer + f"\nstartxref\n{start}\n%%EOF\n".encode()
    return bytes(out)


def _page_with(content: bytes, extra: bytes = b"") -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d %s >>\nstream\n" % (len(content), extra) + content
            + b"\nendstream"]


def _run_length_bomb() -> bytes:
    stream = zlib.compress(b"\x81\x00" * 1_500_000, 9)  # 3 MB of RLE -> ~190 MB of zeros
    return _raw_pdf(_page_with(stream, b"/Filter [/FlateDecode /RunLengthDecode]"),
                    b"<< /Root 1 0 R /Size 5 >>")


def _circular_prev() -> bytes:
    base = _raw_pdf(_page_with(b"BT ET"), b"<< /Root 1 0 R /Size 5 >>")
    start = base.rindex(b"xref\n")
    return base.replace(b"/Size 5 >>", b"/Size 5 /Prev %d >>" % start)


def _inline_image_without_ei() -> bytes:
    return _raw_pdf(_page_with(b"BI /W 10 /H 10 /BPC 8 /CS /G ID " + b"\x00" * 5000),
                    b"<< /Root 1 0 R /Size 5 >>")


def _missing_root_huge_size() -> bytes:
    return _raw_pdf([b"<< /Type /Pages /Kids [] /Count 0 >>"],
                    b"<< /Size 99999999999 >>", with_xref=False)


def _xmp_billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xmp = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "rire">{entities}]>'
           '<x:xmpmeta xmlns:x="adobe:ns:meta/">&l9;</x:xmpmeta>').encode()
    objects = _page_with(b"BT ET")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>"
    objects.append(b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp)
                   + xmp + b"\nendstream")
    return _raw_pdf(objects, b"<< /Root 1 0 R /Size 6 >>")


def _stream_without_length() -> bytes:
    objects = _page_with(b"")
    objects[3] = b"<< >>\nstream\n" + b"q " * 200_000 + b"\nendstream"
    return _raw_pdf(objects, b"<< /Root 1 0 R /Size 5 >>")


MALFORMED = [("P2-run-length-bomb", _run_length_bomb), ("P3-circular-prev", _circular_prev),
             ("P4-inline-image-without-EI", _inline_image_without_ei),
             ("P5-missing-root-huge-size", _missing_root_huge_size),
             ("P6-xmp-billion-laughs", _xmp_billion_laughs),
             ("P7-stream-without-length", _stream_without_length)]


@pytest.mark.parametrize("make", [m for _, m in MALFORMED], ids=[n for n, _ in MALFORMED])
def test_malformed_pdf_ends_in_a_verdict_quickly(make):
    data = make()
    started = time.perf_counter()
    try:
        accepted = check_pdf(data)
    except Refused as refused:
        assert refused.reason and refused.reason[0].isupper()  # a French sentence for the user
    else:
        assert accepted.data.startswith(b"%PDF-") and b"laughs" not in accepted.data
    assert time.perf_counter() - started < 10
    assert check_pdf(pdfs.plain(1)).pages == 1  # the next ordinary file still passes


# --------------------------------------------------------------------------- P10-P14 (endpoint)

def _zip() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("statuts.txt", "Statuts")
    return out.getvalue()


POLYGLOTS = [
    ("P10-encrypted", pdfs.encrypted, "chiffré ou protégé par un mot de passe"),
    ("P11-html", lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     "n'est pas un PDF"),
    ("P11-zip", _zip, "n'est pas un PDF"),
    ("P11-pe", lambda: b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200,
     "n'est pas un PDF"),
    ("P11-pdf-header-then-junk", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, None),
]


def _uploads_count() -> int:
    from service.uploads.models import Upload

    return db.session.execute(select(func.count(Upload.id))).scalar_one()


@pytest.mark.parametrize("make, reason", [(m, r) for _, m, r in POLYGLOTS],
                         ids=[n for n, _, _ in POLYGLOTS])
def test_encrypted_or_polyglot_upload_is_refused_in_french(client, accounts, call, make, reason):  # noqa: F811
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    response = upload(client, application_id, "statuts", make(), "statuts.pdf")
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    if reason:
        assert reason in text
    else:
        assert re.search(r"incomplet|endommagé|n'est pas un PDF|illisible", text), text[-2000:]
    assert _uploads_count() == 0
    good = upload(client, application_id, "statuts", pdfs.plain(1), "statuts.pdf")
    assert good.status_code == 302  # the worker is alive and the next file is accepted


NAMES = [("../../x.pdf", "x.pdf"), ("a.pdf%00.html", "a.pdf%00.html"),
         ("\u202efdp.exe", "fdp.exe"), ("n" * 300 + ".pdf", "n" * 120)]


def test_hostile_file_names_are_only_escaped_metadata(client, accounts, call):  # noqa: F811
    from service.uploads.models import Upload

    login(client, "candidat@demo.example")
    application_id = start(client, call)
    data = pdfs.plain(1)
    for name, shown in NAMES:
        response = upload(client, application_id, "statuts", data, name)
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
        latest = db.session.execute(select(Upload).order_by(Upload.created_at.desc())).scalars()
        stored = next(iter(latest))
        assert stored.filename == shown
        assert re.fullmatch(r"[0-9a-f]{64}", stored.sha256)
    from service.uploads.store import upload_store

    assert stored.sha256 in set(upload_store().all_digests())  # stored under its content hash
    page = client.get(f"/candidatures/{application_id}/pieces").get_data(as_text=True)
    assert "\u202e" not in page


def test_an_upload_over_the_body_limit_is_413(client, accounts, call):  # noqa: F811
    login(client, "candidat@demo.example")
    application_id = start(client, call)
    big = pdfs.plain(1) + b"%" * (client.application.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(client, application_id, "statuts", big, "statuts.pdf")
    assert response.status_code == 413
    assert "trop volumineux" in response.get_data(as_text=True)
    assert _uploads_count() == 0


# --------------------------------------------------------------------------- S5

def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))


def test_a_hostile_drawn_signature_is_refused_in_french(client, accounts, app):
    from tests.drawing import drawn_png
    from tests.web.test_signing_flow import registered_protocol, sign

    _, entry = registered_protocol(client, accounts, app)
    good = drawn_png()
    cases = [(_png_header(50_000, 50_000) + b"\x00" * 64, si.TOO_LARGE),
             (good[: len(good) // 2], si.DAMAGED),
             (b"GIF89a" + b"\x00" * 100, si.NOT_PNG),
             (b"\xff\xd8\xff\xe0" + b"\x00" * 100, si.NOT_PNG)]
    for data, message in cases:
        started = time.perf_counter()
        response = sign(client, entry.id, nom="Nadia Ferhat", qualite="personne",
                        methode="dessin", dessin=si.DATA_URI_PREFIX + base64.b64encode(
                            data).decode())
        assert response.status_code == 422
        assert message in html.unescape(response.get_data(as_text=True)), message
        assert time.perf_counter() - started < 5
    page = client.get(f"/documents/{entry.id}/signatures").get_data(as_text=True)
    assert "Nadia Ferhat" not in page.split("<form", 1)[0]
