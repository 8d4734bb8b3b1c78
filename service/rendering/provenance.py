"""Provenance in the PDF's XMP packet, declared as a PDF/A extension schema so it stays valid."""

from __future__ import annotations

from xml.sax.saxutils import escape

NAMESPACE = "urn:logement-dabord:provenance:1.0#"
PROPERTIES = {
    "registryId": "Identifiant de la version au registre",
    "verificationCode": "Code de vérification imprimé sur le document",
    "inputSha256": "Empreinte SHA-256 des données saisies (instantané)",
    "templateName": "Modèle de document utilisé",
    "templateSha256": "Empreinte SHA-256 du modèle et de la feuille de style",
    "libraries": "Versions des bibliothèques de rendu",
}
RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'


def _schema() -> str:
    props = "".join(
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{name}</pdfaProperty:name>"
        "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{escape(text)}</pdfaProperty:description></rdf:li>"
        for name, text in PROPERTIES.items())
    return (
        f'<rdf:Description {RDF} rdf:about="" '
        'xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
        'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
        'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
        '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
        "<pdfaSchema:schema>Provenance des documents Logement d'abord</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{NAMESPACE}</pdfaSchema:namespaceURI>"
        "<pdfaSchema:prefix>lda</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{props}</rdf:Seq></pdfaSchema:property>"
        "</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>")


def values(meta: dict) -> dict[str, str]:
    libraries = ", ".join(f"{k} {v}" for k, v in sorted(meta["libraries"].items()))
    return {
        "registryId": meta["registry_id"],
        "verificationCode": meta["verification_code"],
        "inputSha256": meta["snapshot_sha256"],
        "templateName": meta["template_name"],
        "templateSha256": meta["template_sha256"],
        "libraries": libraries,
    }


def xmp_rdf(meta: dict) -> bytes:
    """rdf:Description elements for the document's provenance (values escaped)."""
    body = "".join(f"<lda:{k}>{escape(v)}</lda:{k}>" for k, v in values(meta).items())
    described = (f'<rdf:Description {RDF} rdf:about="" xmlns:lda="{NAMESPACE}">'
                 f"{body}</rdf:Description>")
    return (_schema() + described).encode()
