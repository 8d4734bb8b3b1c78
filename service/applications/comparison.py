"""The funders' comparison of the dossiers submitted to a call, read from what was registered
(never from an application's current, possibly edited, sections); and its XLSX export."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from service.applications import checklist as C
from service.applications import vocabulary as V
from service.applications.budget import compute
from service.applications.checklist import facts
from service.applications.contexts import employer_names
from service.applications.models import CallForApplications
from service.applications.service import dossier_entry, loaded, submitted_applications
from service.timeutil import PARIS

QUALIFICATIONS = [code for code, _ in V.DIPLOMAS]


@dataclass(frozen=True)
class Row:
    application_id: str
    structure: str
    reference: str
    kind: str
    submitted_at: datetime
    version: int
    etp: Decimal
    encadrement: Decimal
    by_diploma: dict[str, Decimal]
    total: Decimal
    by_funder: dict[str, Decimal]
    per_dwelling: Decimal | None
    per_etp: Decimal | None
    checklist: C.Checklist
    outcome: str


def _per(value: Decimal, count) -> Decimal | None:
    return (value / Decimal(str(count))).quantize(Decimal("0.01")) if count else None


def row_of(application) -> Row:
    entry = dossier_entry(application)
    assert entry is not None, "a submitted application has its dossier"
    snapshot = loaded(entry.snapshot, partial=False)
    team = snapshot["equipe"].get("postes") or []
    budget = compute(snapshot["call"]["envelope"], team, snapshot["budget"],
                     employer_names(snapshot))
    by_diploma = dict.fromkeys(QUALIFICATIONS, Decimal(0))
    for post in team:
        code = post.get("diplome") or "autre"
        by_diploma[code] = by_diploma.get(code, Decimal(0)) + Decimal(str(post.get("etp") or 0))
    lead = sum((Decimal(str(p.get("etp") or 0)) for p in team
                if p.get("fonction") == V.ENCADREMENT), Decimal(0))
    return Row(
        application.id, snapshot["identite"].get("denomination") or snapshot["structure"],
        application.reference, V.APPLICATION_KIND_SHORT.get(snapshot["groupement"].get("type"),
                                                             ""),
        entry.created_at, entry.version, budget.etp, lead, by_diploma, budget.totals.charges,
        dict(budget.by_funder), _per(budget.totals.charges, budget.logements),
        _per(budget.totals.charges, budget.etp), C.evaluate(facts(snapshot)),
        V.OUTCOME_LABELS.get(application.outcome or "", ""))


def rows(call: CallForApplications) -> list[Row]:
    return [row_of(a) for a in submitted_applications(call)]


def funder_columns(call: CallForApplications) -> list[tuple[str, str]]:
    return [(line["code"], line["credits"]) for line in call.envelope] + [
        (V.OTHER_FUNDING, "Autres")]


def checklist_text(result: C.Checklist) -> str:
    if result.ok:
        return "Conforme"
    return "À reprendre : " + " ; ".join(c.title for c in result.failing)


HEADERS = ["Structure", "Référence", "Type de candidature", "Déposé le", "Version", "ETP",
           "Encadrement (ETP)"]
EUROS = '#,##0.00\u00a0"€"'


def xlsx(call: CallForApplications, found: list[Row]) -> bytes:
    """One sheet, one row per dossier; amounts and ETP as numbers, formatted in French."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Comparaison"
    diplomas = dict(V.DIPLOMAS)
    funders = funder_columns(call)
    headers = [*HEADERS, *(f"ETP {diplomas[code]}" for code in QUALIFICATIONS),
               "Budget total", *(f"Dont {label}" for _, label in funders),
               "Coût par logement", "Coût par ETP", "Vérification", "Résultat"]
    sheet.append([call.title])
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1B365D")
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    sheet["A1"].font = Font(bold=True, size=13)
    for row in found:
        sheet.append([
            row.structure, row.reference, row.kind,
            row.submitted_at.astimezone(PARIS).replace(tzinfo=None), row.version,
            float(row.etp), float(row.encadrement),
            *(float(row.by_diploma.get(code, 0)) for code in QUALIFICATIONS),
            float(row.total), *(float(row.by_funder.get(code, 0)) for code, _ in funders),
            float(row.per_dwelling) if row.per_dwelling is not None else None,
            float(row.per_etp) if row.per_etp is not None else None,
            checklist_text(row.checklist), row.outcome])
    money_columns = [headers.index("Budget total") + 1 + i for i in range(len(funders) + 3)]
    for line in sheet.iter_rows(min_row=3):
        line[3].number_format = "dd/mm/yyyy hh:mm"
        for index in range(5, 7 + len(QUALIFICATIONS)):
            line[index].number_format = "0.00"
        for column in money_columns:
            line[column - 1].number_format = EUROS
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(header)))
    sheet.freeze_panes = "B3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
