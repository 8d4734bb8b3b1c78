"""Documents that prove themselves: verification code, QR, public page, API, provenance."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from sqlalchemy import select

from service.extensions import db
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from tests.conftest import csrf_from
from tests.helpers import fill_section, sample_fiche, start_draft, submit_draft


def submit(client, data=None) -> RegistryEntry:
    draft_id = start_draft(client)
    for section, answers in (data or sample_fiche()).items():
        assert fill_section(client, draft_id, section, answers).status_code == 302
    submit_draft(client, draft_id)
    return db.session.execute(
        select(RegistryEntry).order_by(RegistryEntry.seq.desc()).limit(1)).scalar_one()


@pytest.fixture
def entry(login_as):
    return submit(login_as("orienteur@demo.example"))


def pdf_of(entry) -> bytes:
    return blob_store().get(entry.pdf_sha256)


def public(app):
    return app.test_client()  # no login: the page is public


def test_every_page_carries_the_code_and_a_qr(entry):
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", entry.verification_code)
    reader = PdfReader(io.BytesIO(pdf_of(entry)))
    for page in reader.pages:
        text = page.extract_text()
        assert f"Code de vérification : {entry.verification_code}" in " ".join(text.split())
        assert f"/verifier/{entry.verification_code}" in text
    assert entry.verification_code in reader.metadata["/Keywords"]


def test_code_verifies_without_personal_data(app, entry):
    page = public(app).get(f"/verifier/{entry.verification_code.lower()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Document authentique et en vigueur" in html
    assert "Fiche de lien" in html and "Accueil de jour Gammes – Montpellier" in html
    for personal in ("Nguyễn", "Thị Hương", "Lefèvre", "Maëlys"):
        assert personal not in html
    assert "Ouvrir l&#39;original" not in html  # anonymous: no link to the document


def test_logged_in_reader_gets_a_link_to_the_original(client, entry):
    html = client.get(f"/verifier/{entry.verification_code}").get_data(as_text=True)
    assert f"/documents/{entry.id}/telecharger.pdf" in html


def _upload(client, data: bytes):
    page = client.get("/verifier/").get_data(as_text=True)
    return client.post("/verifier/", data={
        "csrf_token": csrf_from(page), "document": (io.BytesIO(data), "document.pdf")},
        content_type="multipart/form-data")


def test_uploaded_original_is_genuine(app, entry):
    html = _upload(public(app), pdf_of(entry)).get_data(as_text=True)
    assert "Document authentique et en vigueur" in html


def test_one_changed_byte_is_reported_as_modified(app, entry):
    data = bytearray(pdf_of(entry))
    data[12] ^= 0x01  # inside the binary comment after the header: still a readable PDF
    html = _upload(public(app), bytes(data)).get_data(as_text=True)
    assert "Document modifié" in html and entry.verification_code in html


def test_incremental_update_is_reported_as_modified(app, entry):
    original = pdf_of(entry)
    writer = PdfWriter(io.BytesIO(original), incremental=True)
    writer.add_annotation(0, FreeText(text="Admis sans condition", rect=(50, 50, 300, 80)))
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(original)  # the original bytes are all still there
    html = _upload(public(app), out.getvalue()).get_data(as_text=True)
    assert "Document modifié" in html


def test_not_a_pdf_and_unknown_pdf_are_refused_clearly(app):
    client = public(app)
    response = _upload(client, b"<html>not a pdf</html>")
    assert response.status_code == 400 and "Ce fichier n&#39;est pas un PDF." in \
        response.get_data(as_text=True)
    html = _upload(client, b"%PDF-1.7\n%%EOF\n").get_data(as_text=True)
    assert "Document inconnu" in html
    html = client.get("/verifier/ZZZZ-ZZZZ-ZZZZ").get_data(as_text=True)
    assert "Aucun document ne porte ce code" in html


def test_superseded_version_names_its_successor(client, entry):
    page = client.get("/fiches").get_data(as_text=True)
    response = client.post(f"/documents/{entry.id}/corriger", data={"csrf_token": csrf_from(page)})
    draft_id = response.headers["Location"].rstrip("/").split("/")[-1]
    data = sample_fiche()
    data["projet"]["secteurs"] = "Lattes"
    fill_section(client, draft_id, "projet", data["projet"])
    submit_draft(client, draft_id)
    html = client.get(f"/verifier/{entry.verification_code}").get_data(as_text=True)
    assert "Document authentique, mais remplacé" in html
    assert "Remplacé par la version 2 du" in html


def test_revoked_version_says_so(app, entry):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["registry", "revoke", entry.id,
                                 "--reason", "Fiche transmise par erreur"])
    assert result.exit_code == 0, result.output
    html = public(app).get(f"/verifier/{entry.verification_code}").get_data(as_text=True)
    assert "Document révoqué" in html and "Fiche transmise par erreur" in html


def test_verification_is_rate_limited(app, entry):
    app.config["VERIFY_RATE_LIMIT"] = 3
    client = public(app)
    statuses = [client.get(f"/verifier/{entry.verification_code}").status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Trop de vérifications" in client.get("/verifier/X").get_data(as_text=True)


def test_api_verification_by_code_and_pdf(app, entry):
    client = public(app)
    answer = client.get(f"/api/v1/verification/{entry.verification_code}").get_json()
    assert answer["resultat"] == "authentique" and answer["statut"] == "en_vigueur"
    assert answer["document"] == "Fiche de lien" and answer["version"] == 1
    assert "Nguyễn" not in str(answer)
    data = bytearray(pdf_of(entry))
    data[12] ^= 0x01
    modified = client.post("/api/v1/verification/", data={
        "document": (io.BytesIO(bytes(data)), "x.pdf")}, content_type="multipart/form-data")
    assert modified.get_json()["resultat"] == "modifie"


def test_provenance_in_xmp_and_docx(entry):
    reader = PdfReader(io.BytesIO(pdf_of(entry)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    tree = etree.fromstring(xmp[xmp.index(b"<x:xmpmeta"):xmp.rindex(b"</x:xmpmeta>") + 12])
    ns = {"lda": "urn:logement-dabord:provenance:1.0#",
          "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
          "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}

    def value(name):
        return tree.findtext(f".//lda:{name}", namespaces=ns)
    assert value("registryId") == entry.id
    assert value("inputSha256") == entry.snapshot_sha256
    assert value("templateName") == "fiche_de_lien.html"
    assert value("templateSha256") == entry.template_sha256
    assert value("verificationCode") == entry.verification_code
    assert "weasyprint 70.0" in value("libraries")
    part = tree.find(".//rdf:Description[@pdfaid:part]", ns)
    assert part is not None and part.get(f"{{{ns['pdfaid']}}}part") == "3"
    core = zipfile.ZipFile(io.BytesIO(blob_store().get(entry.docx_sha256))).read(
        "docProps/core.xml").decode()
    assert entry.id in core and entry.snapshot_sha256 in core
    assert entry.template_sha256 in core and entry.verification_code in core


def test_rerender_reproduces_the_text_and_notices_a_changed_template(app, entry, tmp_path):
    runner = app.test_cli_runner()
    same = runner.invoke(args=["registry", "rerender", entry.id])
    assert same.exit_code == 0 and "Texte identique" in same.output
    import shutil

    copy = tmp_path / "templates"
    shutil.copytree(app.config["DOC_TEMPLATES"], copy)
    page = copy / "fiche_de_lien.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Projet logement", "Projet habitat"),
                    encoding="utf-8")
    app.config["DOC_TEMPLATES"] = str(copy)
    changed = runner.invoke(args=["registry", "rerender", entry.id])
    assert changed.exit_code == 1
    assert "Le texte diffère" in changed.output and "le modèle a changé" in changed.output
    assert "+F Projet habitat" in changed.output.replace("\n+", "\n+")


def test_login_page_links_to_verification(client):
    assert "/verifier/" in client.get("/connexion").get_data(as_text=True)


def test_registry_check_covers_verification_fields(app, entry):
    result = app.test_cli_runner().invoke(args=["registry", "check"])
    assert result.exit_code == 0 and "Registre intègre." in result.output


