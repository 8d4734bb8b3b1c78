"""The bilan d'activités: a document without a form, built from the records for a period.

`collect` runs every indicator for the period and the one before it and keeps, in the snapshot,
the exact figures with what the funders' version hides; the PDF, DOCX and XLSX are that version
(small counts hidden), each table followed in the annex by the definition of its figures.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from service.auth import roles as R
from service.auth.models import Structure
from service.extensions import db
from service.kinds.base import PERIOD, Access, DocumentKind, Output, Wording
from service.rendering.formatting import date_fr
from service.reporting import charts
from service.reporting.catalogue import GROUPS, INDICATORS, compute_all
from service.reporting.framework import Scope
from service.reporting.presentation import stored, table
from service.reporting.suppression import NOTE
from service.reporting.vocabulary import DESTINATION_CLASSES
from service.reporting.workbook import (
    FORMATS,
    cover,
    new_workbook,
    saved,
    sheet_title,
    table_sheet,
)

KEY = "bilan_activites"
TITLE = "Bilan d'activités"


class PeriodSchema(Schema):
    debut = fields.Date(required=True)
    fin = fields.Date(required=True)
    libelle = fields.String(required=True)


class BilanActivitesSchema(Schema):
    periode = fields.Nested(PeriodSchema, required=True)
    precedente = fields.Nested(PeriodSchema, required=True)
    structure = fields.String(required=True)
    indicateurs = fields.List(fields.Dict(), required=True)


def period_label(scope: Scope) -> str:
    if (scope.start.month, scope.start.day, scope.end.month, scope.end.day) == (1, 1, 12, 31) \
            and scope.start.year == scope.end.year:
        return str(scope.start.year)
    return f"du {date_fr(scope.start)} au {date_fr(scope.end)}"


def _period(scope: Scope) -> dict:
    return {"debut": scope.start.isoformat(), "fin": scope.end.isoformat(),
            "libelle": period_label(scope)}


def structure_name(structure_id: str) -> str:
    structure = db.session.get(Structure, structure_id)
    return structure.name if structure else ""


def collect(subject, params: dict) -> dict:
    scope = Scope(subject.structure_id, subject.period.start, subject.period.end)
    now, before = compute_all(scope), compute_all(scope.previous())
    return {"periode": _period(scope), "precedente": _period(scope.previous()),
            "structure": structure_name(subject.structure_id),
            "indicateurs": [stored(i, now[i.code], before[i.code]) for i in INDICATORS]}


def _values(tables: dict, code: str, keys=None, column: str = "now_number"):
    rows = [r for r in tables[code]["rows"] if not r["total"]]
    if keys is not None:
        rows = [r for r in rows if r["_key"] in keys]
    return [r["label"] for r in rows], [r[column] for r in rows]


def build_charts(tables: dict, data: dict) -> dict:
    """The three charts, from the printed (funders') figures of the tables."""
    now, before = data["periode"]["libelle"], data["precedente"]["libelle"]
    names, exits = _values(tables, "D3", {code for code, _ in DESTINATION_CLASSES})
    months, entries = _values(tables, "B2E")
    _, leaving = _values(tables, "B2S")
    _, active = _values(tables, "B1M")
    _, active_before = _values(tables, "B1M", column="before_number")
    return {
        "destinations": charts.bars(f"Sorties par destination, {now}", names, exits),
        "mouvements": charts.columns(f"Entrées et sorties par mois, {now}", months,
                                     [("Entrées", entries), ("Sorties", leaving)]),
        "file_active": charts.curves(f"File active par mois, {now} et {before}", months,
                                     [(now, active), (before, active_before)]),
    }


def build_context(data: dict) -> dict:
    tables = [table(item) for item in data["indicateurs"]]
    by_code = {t["code"]: t for t in tables}
    return {
        "periode": data["periode"], "precedente": data["precedente"],
        "structure": data["structure"],
        "groupes": [{"_letter": letter, "titre": f"{letter}. {title}",
                     "tables": [t for t in tables if t["_group"] == letter]}
                    for letter, title in GROUPS.items()],
        "tables": tables,
        "graphiques": build_charts(by_code, data),
        "note_diffusion": NOTE,
    }


def xlsx(context: dict) -> bytes:
    doc = context["doc"]
    book = new_workbook(f"{TITLE} – {context['periode']['libelle']}", doc["issued_at"],
                        doc["author_structure"])
    summary = book.active
    summary.title = "Sommaire"
    now, before = context["periode"]["libelle"], context["precedente"]["libelle"]
    cover(summary, f"{TITLE} – {context['structure']} – {now}",
          [f"Période : {now} (comparée à {before}).", context["note_diffusion"],
           f"Référence {doc['reference']}, version {doc['version']} ; code de vérification "
           f"{doc['verification_code']}.",
           *(f"{t['code']} – {t['title']}" for t in context["tables"])])
    taken = {"sommaire"}
    for t in context["tables"]:
        sheet = book.create_sheet(sheet_title(t["code"], t["title"], taken))
        rows = [(r["label"],
                 [(r["now_number"] if r["now_number"] is not None else r["now"],
                   FORMATS[r["_measure"]]),
                  (r["before_number"] if r["before_number"] is not None else r["before"],
                   FORMATS[r["_measure"]])],
                 r["total"]) for r in t["rows"]]
        table_sheet(sheet, f"{t['code']} – {t['title']}", t["definition"],
                    ["Indicateur", now, before], rows)
    return saved(book)


KIND = DocumentKind(
    key=KEY, title=TITLE, schema=BilanActivitesSchema, subject=PERIOD, reference_prefix="BAC",
    access=Access(create=(R.ENCADRANT,), read=(R.ENCADRANT, R.FINANCEUR, R.ADMIN)),
    wording=Wording(start="Produire le bilan d'activités", submit="Produire le bilan d'activités",
                    submit_heading="Produire le bilan d'activités",
                    submit_notice="Les chiffres sont calculés à partir des données enregistrées.",
                    done_title="Bilan d'activités produit",
                    next_steps="Le bilan figure dans la liste des rapports ; les financeurs le "
                               "lisent, petits effectifs masqués.",
                    resume_from=""),
    collect=collect, build_context=build_context,
    describe=lambda data: f"{TITLE} {data['periode']['libelle']}",
    outputs=(Output("pdf", f"{KEY}.html"), Output("docx", f"{KEY}.docx"),
             Output("xlsx", build=xlsx)),
    page_bounds=(2, 60),
)
