"""The documents of an application as kinds (subject APPLICATION): the generated pieces, the
assembled dossier and the accusé de réception; registered in the catalogue from the app factory.

The pieces are built from the records (`collect` reads the application); the dossier composes
them with the uploaded pieces (service.applications.assembly), and its kind names every template
its pieces are rendered from, so that its provenance hash covers them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, fields

from service import kinds
from service.applications import archive, assembly, contexts
from service.applications.service import raw_snapshot
from service.applications.snapshot import ApplicationSnapshotSchema, ConventionSnapshotSchema
from service.auth import roles as R
from service.kinds.base import APPLICATION, Access, DocumentKind, Output, Wording, standard_outputs

# The pieces are the candidate's working documents; what is submitted (the dossier and its
# receipt) is read by the funders too, once submitted (auth.policy.can_view_application).
CANDIDATE = Access(create=(R.CANDIDAT,), read=(R.CANDIDAT,))
SUBMITTED = Access(create=(R.CANDIDAT,), read=(R.CANDIDAT, R.FINANCEUR, R.ADMIN))


def wording(title: str) -> Wording:
    return Wording(
        start=f"Produire : {title.lower()}", submit="Déposer le dossier",
        submit_heading="Déposer le dossier de candidature",
        submit_notice="Le dossier déposé est enregistré tel quel au registre et transmis aux "
                      "financeurs de l'appel ; une correction avant la date limite en dépose "
                      "une nouvelle version.",
        done_title="Dossier déposé", next_steps="Les financeurs instruisent les dossiers "
        "après la date limite ; le résultat s'affiche sur la page de la candidature.",
        resume_from="depuis la page de la candidature")


def collect_application(subject, params: dict) -> dict:
    data = raw_snapshot(subject.application)
    if params.get("membre"):
        data["membre"] = params["membre"]
    return data


def _name(data: dict) -> str:
    return data["identite"].get("denomination") or data["structure"]


NOTE_INTENTION = DocumentKind(
    key="note_intention", title="Note d'intention", schema=ApplicationSnapshotSchema,
    subject=APPLICATION, reference_prefix="NI", access=CANDIDATE,
    wording=wording("Note d'intention"), build_context=contexts.note_context, describe=_name,
    outputs=standard_outputs("note_intention"), collect=collect_application)

DESCRIPTIF_EQUIPE = DocumentKind(
    key="descriptif_equipe", title="Descriptif des professionnels et de leurs qualifications",
    schema=ApplicationSnapshotSchema, subject=APPLICATION, reference_prefix="DE",
    access=CANDIDATE, wording=wording("Descriptif des professionnels"),
    build_context=contexts.team_context, describe=_name,
    outputs=standard_outputs("descriptif_equipe"), collect=collect_application)

BUDGET_PREVISIONNEL = DocumentKind(
    key="budget_previsionnel", title="Budget prévisionnel de l'action",
    schema=ApplicationSnapshotSchema, subject=APPLICATION, reference_prefix="BP",
    access=CANDIDATE, wording=wording("Budget prévisionnel"),
    build_context=contexts.budget_context, describe=_name, totals=contexts.budget_totals,
    outputs=standard_outputs("budget_previsionnel"), collect=collect_application)

CONVENTION = DocumentKind(
    key="convention_mise_a_disposition", title="Convention de mise à disposition de salariés",
    schema=ConventionSnapshotSchema, subject=APPLICATION, reference_prefix="CM",
    access=CANDIDATE, wording=wording("Convention de mise à disposition"),
    build_context=lambda data: contexts.convention_context(data, data["membre"]),
    describe=lambda data: next(m["denomination"] for m in data["groupement"]["membres"]
                               if m["siret"] == data["membre"]),
    outputs=standard_outputs("convention_mise_a_disposition"), collect=collect_application)


class FilePieceSchema(Schema):
    numero = fields.Integer(required=True)
    titre = fields.String(required=True)
    fichier = fields.String(required=True)
    pages = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class DossierFilesSchema(Schema):
    reference = fields.String(required=True)
    version = fields.Integer(required=True)
    code = fields.String(required=True)
    sha256 = fields.String(required=True)
    pages = fields.Integer(required=True)
    archive_sha256 = fields.String(required=True)


class ReceiptSchema(Schema):
    """What the accusé de réception states: when, what, and how to check it."""

    reference = fields.String(required=True)
    structure = fields.String(required=True)
    siret = fields.String(load_default="")
    appel_titre = fields.String(required=True)
    appel_reference = fields.String(required=True)
    financeurs = fields.String(required=True)
    date_limite = fields.AwareDateTime(required=True)
    depose_le = fields.AwareDateTime(required=True)
    dossier = fields.Nested(DossierFilesSchema, required=True)
    pieces = fields.List(fields.Nested(FilePieceSchema), required=True)
    controles = fields.String(load_default="")


ACCUSE_RECEPTION = DocumentKind(
    key="accuse_reception", title="Accusé de réception du dossier de candidature",
    schema=ReceiptSchema, subject=APPLICATION, reference_prefix="AR", access=SUBMITTED,
    wording=wording("Accusé de réception"), build_context=contexts.receipt_context,
    describe=lambda data: data["structure"], outputs=standard_outputs("accuse_reception"),
    collect=lambda subject, params: dict(params))


@dataclass(frozen=True)
class ComposedKind(DocumentKind):
    """A document assembled by `build` outputs from pieces rendered with other templates: it
    names them all, so that its provenance (template name and hash) covers every one."""

    composed_from: tuple[str, ...] = ()

    @property
    def html_template(self) -> str:
        return self.composed_from[0]

    @property
    def templates(self) -> tuple[str, ...]:
        return self.composed_from


DOSSIER = ComposedKind(
    key="dossier_candidature", title="Dossier de candidature", schema=ApplicationSnapshotSchema,
    subject=APPLICATION, reference_prefix="DC", access=SUBMITTED,
    wording=wording("Dossier de candidature"), build_context=assembly.dossier_context,
    describe=_name, collect=collect_application, page_bounds=(1, 3000),
    outputs=(Output("pdf", build=assembly.dossier_pdf), Output("zip", build=archive.dossier_zip)),
    composed_from=assembly.TEMPLATES)

PIECE_KINDS = (NOTE_INTENTION, DESCRIPTIF_EQUIPE, BUDGET_PREVISIONNEL, CONVENTION)
KINDS = (*PIECE_KINDS, ACCUSE_RECEPTION, DOSSIER)


def register_kinds() -> None:
    """Add the application's kinds to the catalogue (the app factory calls this)."""
    for kind in KINDS:
        kinds.register(kind)
