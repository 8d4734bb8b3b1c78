"""The bilan financier: the compte rendu financier (CERFA 15059*02) of a period, one per funder
line of the envelope and one consolidated, built from the records.

Forecast: the accepted budget prévisionnel of the structure's application when there is one
(service.applications), else the forecast lines entered for the exercise. Actual charges: the
ledger. Actual produits: the subsidies of the envelope attributed for the exercise (the service
records no other receipt). A line whose gap exceeds 15 % needs its explanation first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import func, select

from service.applications.models import Application
from service.applications.service import budget_of
from service.auth import roles as R
from service.errors import Invalid
from service.extensions import db
from service.finance import accounts as A
from service.finance.compte_rendu import grid, significant_gaps
from service.finance.forecast import ForecastLine, GapExplanation
from service.finance.ledger import Expense
from service.finance.vocabulary import ENVELOPE, ENVELOPE_TOTAL, FUNDER_LABELS
from service.kinds.base import PERIOD, Access, DocumentKind, Output, Wording
from service.kinds.fields import as_day
from service.rendering.formatting import money, percent
from service.reporting.bilan_activites import PeriodSchema, period_label, structure_name
from service.reporting.catalogue import BY_CODE
from service.reporting.framework import Scope, compute, line_value
from service.reporting.presentation import NOT_APPLICABLE
from service.reporting.sql import day
from service.reporting.suppression import LABELS, MASKED, THRESHOLD
from service.reporting.workbook import MONEY, cover, new_workbook, saved, table_sheet

CONSOLIDATED = "consolide"
# Where each envelope line's subsidy prints among the produits (DOMAIN.md §5.1).
SUBSIDY_ACCOUNTS = {"iml_ddets": "74-etat", "fsl_metropole": "74-epci"}


@dataclass(frozen=True)
class FinancialScope:
    code: str  # a funder line of the envelope, or CONSOLIDATED
    key: str
    title: str
    prefix: str

    @property
    def funders(self) -> tuple[str, ...]:
        return tuple(ENVELOPE) if self.code == CONSOLIDATED else (self.code,)


SCOPES = (
    FinancialScope(CONSOLIDATED, "bilan_financier", "Bilan financier consolidé", "BFC"),
    FinancialScope("iml_ddets", "bilan_financier_iml", "Bilan financier – crédits IML (DDETS)",
                   "BFI"),
    FinancialScope("fsl_metropole", "bilan_financier_fsl",
                   "Bilan financier – crédits FSL (Métropole)", "BFM"),
)


def accepted_application(structure_id: str) -> Application | None:
    return db.session.execute(
        select(Application).where(Application.structure_id == structure_id,
                                  Application.outcome == "retenue")
        .order_by(Application.outcome_at.desc()).limit(1)).scalar_one_or_none()


def forecast(structure_id: str, year: int, scope: FinancialScope) -> tuple[dict, str]:
    """{account: amount} forecast for the scope, and where it comes from (printed)."""
    application = accepted_application(structure_id)
    if application is not None:
        budget = budget_of(application)
        out: dict[str, Decimal] = {}
        for line in budget.charges:
            amount = (line.total if scope.code == CONSOLIDATED
                      else line.split.get(scope.code, A.ZERO))
            out[line.account] = out.get(line.account, A.ZERO) + amount
        for produit in budget.produits:
            if scope.code == CONSOLIDATED or (
                    produit.from_call and produit.account == SUBSIDY_ACCOUNTS[scope.code]):
                out[produit.account] = out.get(produit.account, A.ZERO) + produit.amount
        return out, (f"budget prévisionnel de la candidature retenue {application.reference}")
    rows = db.session.execute(
        select(ForecastLine.account, func.sum(ForecastLine.amount))
        .where(ForecastLine.structure_id == structure_id, ForecastLine.year == year,
               ForecastLine.funder.in_(scope.funders))
        .group_by(ForecastLine.account)).all()
    return ({code: A.cents(amount) for code, amount in rows},
            f"prévisions saisies pour l'exercice {year}")


def actual(structure_id: str, period: Scope, scope: FinancialScope) -> dict:
    """Charges from the ledger (one GROUP BY), produits: the envelope's subsidies."""
    rows = db.session.execute(
        select(Expense.account, func.sum(Expense.amount))
        .where(Expense.structure_id == structure_id, Expense.funder.in_(scope.funders),
               Expense.on >= day(period.start), Expense.on <= day(period.end))
        .group_by(Expense.account)).all()
    out = {code: A.cents(amount) for code, amount in rows if A.find(code)}
    for funder in scope.funders:
        account = SUBSIDY_ACCOUNTS[funder]
        out[account] = out.get(account, A.ZERO) + ENVELOPE[funder]
    return out


def consumption(structure_id: str, period: Scope) -> list[dict]:
    """The 577 000 € envelope: charged per line, against its amount."""
    spent = dict(db.session.execute(
        select(Expense.funder, func.sum(Expense.amount))
        .where(Expense.structure_id == structure_id, Expense.on >= day(period.start),
               Expense.on <= day(period.end))
        .group_by(Expense.funder)).tuples().all())
    rows: list[dict[str, Any]] = []
    for funder, amount in ENVELOPE.items():
        used = A.cents(spent.get(funder) or 0)
        rows.append({"label": FUNDER_LABELS[funder], "enveloppe": str(amount),
                     "consomme": str(used), "reste": str(amount - used),
                     "taux": str(A.share(used, amount, 1))})
    used = sum((Decimal(r["consomme"]) for r in rows), A.ZERO)
    rows.append({"label": "Enveloppe totale", "enveloppe": str(ENVELOPE_TOTAL),
                 "consomme": str(used), "reste": str(ENVELOPE_TOTAL - used),
                 "taux": str(A.share(used, ENVELOPE_TOTAL, 1)), "total": True})
    return rows


def bases(period: Scope) -> dict:
    """What the costs are divided by: dwellings at the end, households followed, ETP worked."""
    def one(code, key):
        value = line_value(compute(BY_CODE[code], period), key)
        return Decimal(str(value or 0))
    b1 = compute(BY_CODE["B1"], period)
    b6 = compute(BY_CODE["B6"], period)
    finish = BY_CODE["B6"].finish
    assert finish is not None  # B6 needs B1's result
    finish(b6, {"B1": b1})
    return {"logements": one("B3", "total"), "menages": Decimal(line_value(b1, "menages")),
            "etp": Decimal(str(line_value(b6, "etp") or 0))}


def _explanations(structure_id: str, period: Scope, scope: FinancialScope) -> dict[str, str]:
    key = f"{period.start.isoformat()}/{period.end.isoformat()}"
    return dict(db.session.execute(
        select(GapExplanation.account, GapExplanation.text)
        .where(GapExplanation.structure_id == structure_id, GapExplanation.period == key,
               GapExplanation.scope == scope.code)).tuples().all())


def collector(scope: FinancialScope):
    def collect(subject, params: dict) -> dict:
        period = Scope(subject.structure_id, subject.period.start, subject.period.end)
        planned, source = forecast(subject.structure_id, period.start.year, scope)
        rows = grid(planned, actual(subject.structure_id, period, scope))
        explained = _explanations(subject.structure_id, period, scope)
        missing = [r for r in significant_gaps(rows) if not explained.get(r.code)]
        if missing:
            raise Invalid(message=(
                "Écart de plus de 15 % sans explication : "
                + " ; ".join(f"{r.code} {r.label}" for r in missing)
                + ". Saisissez l'explication de chaque écart (page « Prévisions et écarts ») "
                  "avant de produire le bilan financier."))
        return {
            "periode": {"debut": period.start.isoformat(), "fin": period.end.isoformat(),
                        "libelle": period_label(period)},
            "portee": scope.title, "structure": structure_name(subject.structure_id),
            "source_prevision": source,
            "lignes": [{"code": r.code, "label": r.label, "kind": r.kind, "side": r.side,
                        "forecast": str(r.forecast), "actual": str(r.actual),
                        "gap": str(r.gap), "percent": None if r.percent is None
                        else str(r.percent), "significant": r.significant} for r in rows],
            "ecarts": [{"code": r.code, "label": r.label, "explication": explained[r.code]}
                       for r in significant_gaps(rows)],
            "bases": {k: str(v) for k, v in bases(period).items()},
            "enveloppe": consumption(subject.structure_id, period),
        }
    return collect


class FinancialSchema(Schema):
    periode = fields.Nested(PeriodSchema, required=True)
    portee = fields.String(required=True)
    structure = fields.String(required=True)
    source_prevision = fields.String(required=True)
    lignes = fields.List(fields.Dict(), required=True)
    ecarts = fields.List(fields.Dict(), required=True)
    bases = fields.Dict(required=True)
    enveloppe = fields.List(fields.Dict(), required=True)


def _money(value) -> str:
    amount = Decimal(str(value))
    return "" if amount == 0 else money(amount)


def _gap_text(row: dict) -> str:
    if row["percent"] is None:
        return "sans prévision" if Decimal(row["actual"]) != 0 else ""
    return percent(Decimal(row["percent"]), 2) if Decimal(row["gap"]) != 0 else ""


def _grid_rows(data: dict, side: str) -> list[dict]:
    out = []
    for row in data["lignes"]:
        if row["side"] != side:
            continue
        out.append({
            "number": row["code"] if row["kind"] == "group" and row["code"].isdigit() else "",
            "label": row["label"], "_kind": row["kind"],
            "prevision": _money(row["forecast"]) if row["kind"] != "total"
            else money(Decimal(row["forecast"])),
            "realisation": _money(row["actual"]) if row["kind"] != "total"
            else money(Decimal(row["actual"])),
            "ecart": _money(row["gap"]), "ecart_pct": _gap_text(row),
            "significatif": row["significant"],
            "_values": (Decimal(row["forecast"]), Decimal(row["actual"]), Decimal(row["gap"]),
                        None if row["percent"] is None else Decimal(row["percent"]) / 100),
        })
    return out


def ratios(data: dict) -> list[dict]:
    """Costs per logement, per household followed and per ETP (actual charges); a base of
    fewer than 5 households or dwellings is not printed (it would give the count away)."""
    charges = next(Decimal(r["actual"]) for r in data["lignes"] if r["code"] == "TOTAL-charge")
    bases = {k: Decimal(v) for k, v in data["bases"].items()}
    start, end = as_day(data["periode"]["debut"]), as_day(data["periode"]["fin"])
    assert start is not None and end is not None  # a bilan always has its period
    months = max(1, round(((end - start).days + 1) / 30.44))
    out = []
    for label, base, per_month, small in (
            ("Coût par logement mobilisé", bases["logements"], False, True),
            ("Coût par logement et par mois", bases["logements"], True, True),
            ("Coût par ménage accompagné (file active)", bases["menages"], False, True),
            ("Coût par ETP réalisé", bases["etp"], False, False)):
        if small and base < THRESHOLD:
            value, number_ = LABELS[MASKED], None
        elif base == 0:
            value, number_ = NOT_APPLICABLE, None
        else:
            number_ = A.cents(charges / base / (months if per_month else 1))
            value = money(number_)
        out.append({"label": label, "valeur": value, "_number": number_})
    return out


def build_context(data: dict) -> dict:
    produits_total = next(Decimal(r["actual"]) for r in data["lignes"]
                          if r["code"] == "TOTAL-produit")
    subsidies = [A.Share(FUNDER_LABELS[f], ENVELOPE[f], A.share(ENVELOPE[f], produits_total))
                 for f in ENVELOPE if any(r["code"] == SUBSIDY_ACCOUNTS[f]
                                          and Decimal(r["actual"]) for r in data["lignes"])]
    return {
        "periode": data["periode"], "portee": data["portee"], "structure": data["structure"],
        "source_prevision": data["source_prevision"],
        "charges": _grid_rows(data, A.CHARGE), "produits": _grid_rows(data, A.PRODUIT),
        "ecarts": [{"libelle": f"{e['code']} – {e['label']}", "explication": e["explication"]}
                   for e in data["ecarts"]],
        "ratios": ratios(data),
        "enveloppe": [{"label": r["label"], "enveloppe": money(Decimal(r["enveloppe"])),
                       "consomme": money(Decimal(r["consomme"])),
                       "reste": money(Decimal(r["reste"])),
                       "taux": percent(Decimal(r["taux"]), 1), "total": r.get("total", False),
                       "_values": (Decimal(r["enveloppe"]), Decimal(r["consomme"]),
                                   Decimal(r["reste"]), Decimal(r["taux"]) / 100)}
                      for r in data["enveloppe"]],
        "subventions": [s.sentence for s in subsidies],
    }


def xlsx(context: dict) -> bytes:
    doc = context["doc"]
    book = new_workbook(f"{doc['title']} – {context['periode']['libelle']}", doc["issued_at"],
                        doc["author_structure"])
    summary = book.active
    summary.title = "Sommaire"
    cover(summary, f"{context['portee']} – {context['structure']} – "
                   f"{context['periode']['libelle']}",
          [f"Prévision : {context['source_prevision']}.", *context["subventions"],
           f"Référence {doc['reference']}, version {doc['version']} ; code de vérification "
           f"{doc['verification_code']}."])
    headings = ["Compte", "Prévision", "Réalisation", "Écart (€)", "Écart (%)"]
    formats = (MONEY, MONEY, MONEY, "0.00%")
    for name, rows in (("Charges", context["charges"]), ("Produits", context["produits"])):
        table_sheet(book.create_sheet(name), f"{name} – CERFA 15059*02",
                    "Prévision, réalisation et écarts, sur la grille du budget prévisionnel.",
                    headings,
                    [(f"{r['number']} {r['label']}".strip(),
                      [(v, f) for v, f in zip(r["_values"], formats, strict=True)],
                      r["_kind"] != "line") for r in rows])
    table_sheet(book.create_sheet("Enveloppe"), "Consommation de l'enveloppe de 577 000 €",
                "Dépenses du grand livre imputées sur chaque ligne de crédits de l'enveloppe.",
                ["Ligne", "Enveloppe", "Consommé", "Reste", "Taux"],
                [(r["label"], [(v, f) for v, f in zip(r["_values"], (MONEY, MONEY, MONEY,
                                                                    "0.0%"), strict=True)],
                  r["total"]) for r in context["enveloppe"]])
    table_sheet(book.create_sheet("Coûts"), "Coûts rapportés", "Charges réalisées divisées.",
                ["Indicateur", "Valeur"],
                [(r["label"], [(r["_number"] if r["_number"] is not None else r["valeur"],
                                MONEY)], False) for r in context["ratios"]])
    return saved(book)


def _kind(scope: FinancialScope) -> DocumentKind:
    return DocumentKind(
        key=scope.key, title=scope.title, schema=FinancialSchema, subject=PERIOD,
        reference_prefix=scope.prefix,
        access=Access(create=(R.ENCADRANT, R.GESTION_LOCATIVE),
                      read=(R.ENCADRANT, R.GESTION_LOCATIVE, R.FINANCEUR, R.ADMIN)),
        wording=Wording(start=f"Produire le {scope.title[0].lower()}{scope.title[1:]}",
                        submit="Produire le bilan financier",
                        submit_heading="Produire le bilan financier",
                        submit_notice="Prévision, réalisation et écarts sur la grille du CERFA "
                                      "15059*02 ; un écart de plus de 15 % doit être expliqué.",
                        done_title=f"{scope.title} produit",
                        next_steps="Le bilan figure dans la liste des rapports.",
                        resume_from=""),
        collect=collector(scope), build_context=build_context,
        describe=lambda data: f"{data['portee']} {data['periode']['libelle']}",
        outputs=(Output("pdf", "bilan_financier.html"), Output("docx", "bilan_financier.docx"),
                 Output("xlsx", build=xlsx)),
        page_bounds=(1, 20),
    )


KINDS = tuple(_kind(scope) for scope in SCOPES)
