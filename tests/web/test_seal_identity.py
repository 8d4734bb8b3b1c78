"""The seal is the issuing structure's, in its full name (issue 11, item 7): one identity per
structure, named in the certificate and on the verification page without « … »."""

from __future__ import annotations

import io

from asn1crypto import cms
from cryptography import x509
from cryptography.x509.oid import NameOID
from pypdf import PdfReader
from sqlalchemy import select

from service.auth.models import Structure
from service.documents.sealing import sealer, trust_roots
from service.extensions import db
from service.registry.models import RegistryEntry
from service.registry.store import blob_store
from service.rendering import signing
from service.rendering.seal_identity import generate_demo_identity
from tests.conftest import csrf_from
from tests.web.test_signing_flow import registered_protocol, sign

LONG_NAME = ("Équipe Bail d'abord – Association Solidarités Montpellier Méditerranée, "
             "antenne de Lunel et du Pays de l'Or")


def _seal_subject(pdf: bytes) -> dict:
    """The organisation and common names of the certificate that sealed `pdf`."""
    field = next(f for f in PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/AcroForm"]["/Fields"]
                 if f.get_object().get("/FT") == "/Sig").get_object()
    signed = cms.ContentInfo.load(bytes(field["/V"]["/Contents"]))["content"]
    certificate = signed["certificates"][0].chosen
    return certificate.subject.native


def test_the_demo_identity_carries_the_full_name(tmp_path):
    assert len(LONG_NAME.encode()) > 64  # beyond commonName's bound
    path = generate_demo_identity(tmp_path, LONG_NAME, password="mot-de-passe")
    from cryptography.hazmat.primitives.serialization import pkcs12

    _, certificate, _ = pkcs12.load_key_and_certificates(path.read_bytes(), b"mot-de-passe")
    subject = certificate.subject
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == LONG_NAME
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Cachet électronique"
    assert isinstance(certificate, x509.Certificate)


def test_a_protocol_is_sealed_by_its_teams_structure_in_full(client, accounts, app, tmp_path):
    app.config["SEAL_DIR"] = str(tmp_path / "cachet")
    team = db.session.get(Structure, accounts["accompagnant@demo.example"].structure_id)
    team.name = LONG_NAME
    db.session.commit()
    _, entry = registered_protocol(client, accounts, app)
    sign(client, entry.id, nom="Nadia Ferhat", qualite="personne", methode="nom_tape",
         accepte="y")
    sign(client, entry.id, nom="Julien Castel", qualite="referent", methode="nom_tape",
         accepte="y")
    page = client.get(f"/documents/{entry.id}/signatures").get_data(as_text=True)
    assert client.post(f"/documents/{entry.id}/sceller",
                       data={"csrf_token": csrf_from(page)}).status_code == 302
    signed = db.session.execute(select(RegistryEntry).where(
        RegistryEntry.kind == "protocole_crise", RegistryEntry.version == 2)).scalar_one()
    pdf = blob_store().get(signed.pdf_sha256)
    subject = _seal_subject(pdf)
    assert subject["organization_name"] == LONG_NAME
    assert app.config["ORGANISATION_NAME"] not in str(subject)  # not the Plateforme's
    check = signing.validate(pdf, trust_roots())
    assert check.ok and "…" not in check.signer and LONG_NAME in check.signer
    upload = app.test_client()
    form = upload.get("/verifier/").get_data(as_text=True)
    answer = upload.post("/verifier/", data={"csrf_token": csrf_from(form),
                                             "document": (io.BytesIO(pdf), "p.pdf")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "Cachet valide" in answer
    assert LONG_NAME.replace("'", "&#39;") in answer and "…" not in answer


def test_each_structure_has_its_own_seal(app, accounts, tmp_path):
    app.config["SEAL_DIR"] = str(tmp_path / "cachet")
    one = accounts["accompagnant@demo.example"].structure
    other = accounts["accompagnant2@demo.example"].structure
    first, second = sealer(one), sealer(other)
    assert first.certificate.subject.native["organization_name"] == one.name
    assert second.certificate.subject.native["organization_name"] == other.name
    assert first.certificate.public_key.dump() != second.certificate.public_key.dump()
    roots = {r.dump() for r in trust_roots()}
    assert {r.dump() for r in first.roots} <= roots and {r.dump() for r in second.roots} <= roots
