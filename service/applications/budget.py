"""The budget prévisionnel computed from an application's sections (pure functions).

The personnel's 641 and 645 come from the team table (gross salary, and the rest of the loaded
cost as charges sociales), each post charged to one funder line; every other charge line is
typed with its split between the call's envelope lines and « autres ». The call's subsidies
(74) are the sums of those splits, so that what is asked of each funder is what the charges
say; other resources are typed as produits. Ratios per logement and per ETP follow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from service.applications import vocabulary as V
from service.finance import accounts as A

ZERO = A.ZERO


def dec(value) -> Decimal:
    if value in (None, ""):
        return ZERO
    return A.cents(value)


@dataclass(frozen=True)
class Funder:
    """A column of the split: an envelope line of the call, or « autres »."""

    code: str
    label: str
    expected: Decimal | None  # the envelope line's amount; None for « autres »
    account: str | None = None  # where the subsidy prints among the produits
    quantity: int | None = None
    unit: str = ""
    months: int | None = None


def funders(envelope: Sequence[Mapping]) -> list[Funder]:
    out = [Funder(line["code"], line["label"], dec(line["amount"]), line["account"],
                  int(line["quantity"]), line["unit"], int(line["months"])) for line in envelope]
    return [*out, Funder(V.OTHER_FUNDING, V.OTHER_FUNDING_LABEL, None)]


@dataclass(frozen=True)
class ChargeLine:
    account: str
    label: str  # the account's label
    detail: str  # what the candidate typed, or the source (« tableau de l'équipe »)
    split: Mapping[str, Decimal]
    total: Decimal


@dataclass(frozen=True)
class ProduitLine:
    account: str
    label: str
    detail: str
    amount: Decimal
    status: str  # sollicite / acquis; the call's subsidies are « sollicité »
    from_call: bool = False


@dataclass(frozen=True)
class PersonnelRow:
    function: str
    title: str
    employer: str
    etp: Decimal
    gross: Decimal
    charges: Decimal
    loaded: Decimal
    funder: str


@dataclass(frozen=True)
class Ratio:
    label: str
    value: Decimal | None  # None when there is nothing to divide by (dropped by ratios())
    unit: str


@dataclass
class Budget:
    funders: list[Funder]
    charges: list[ChargeLine]
    produits: list[ProduitLine]
    contributions: list[tuple[str, str, Decimal]]  # (account, detail, amount)
    personnel: list[PersonnelRow]
    totals: A.Totals
    by_funder: dict[str, Decimal]
    etp: Decimal
    etp_by_funder: dict[str, Decimal]
    logements: int | None
    months: int | None
    shares: list[A.Share] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)

    def requested(self, code: str) -> Decimal:
        return self.by_funder.get(code, ZERO)


def compute(envelope: Sequence[Mapping], team: Sequence[Mapping], budget: Mapping,
            employer_names: Mapping[str, str] | None = None) -> Budget:
    columns = funders(envelope)
    codes = [f.code for f in columns]
    by_funder = dict.fromkeys(codes, ZERO)
    etp_by_funder = dict.fromkeys(codes, ZERO)
    personnel, gross_split, charges_split = [], dict.fromkeys(codes, ZERO), dict.fromkeys(
        codes, ZERO)
    total_etp = ZERO
    for post in team:
        funder = post["financement"] if post.get("financement") in codes else V.OTHER_FUNDING
        loaded = dec(post.get("cout_annuel_charge"))
        gross = dec(post.get("salaire_brut_annuel")) if post.get("salaire_brut_annuel") not in (
            None, "") else loaded
        post_etp = Decimal(str(post.get("etp") or 0))
        total_etp += post_etp
        etp_by_funder[funder] += post_etp
        gross_split[funder] += gross
        charges_split[funder] += loaded - gross
        personnel.append(PersonnelRow(
            post.get("fonction") or "", post.get("intitule") or "",
            (employer_names or {}).get(post.get("employeur") or "", post.get("employeur") or ""),
            post_etp, gross, loaded - gross, loaded, funder))
    lines: list[ChargeLine] = []
    for account, split in (("641", gross_split), ("645", charges_split)):
        if any(split.values()):
            lines.append(ChargeLine(account, A.account(account).label,
                                    "Tableau des professionnels", dict(split),
                                    sum(split.values(), ZERO)))
    for typed in budget.get("charges") or []:
        split = {code: dec((typed.get("repartition") or {}).get(code)) for code in codes}
        lines.append(ChargeLine(typed["compte"], A.account(typed["compte"]).label,
                                typed.get("libelle") or "", split, sum(split.values(), ZERO)))
    lines.sort(key=lambda line: A.account(line.account).order)
    for line in lines:
        for code, value in line.split.items():
            by_funder[code] += value
    produits = [ProduitLine(f.account or "74-etat", A.account(f.account or "74-etat").label,
                            f.label, by_funder[f.code], "sollicite", from_call=True)
                for f in columns if f.expected is not None]
    for typed in budget.get("produits") or []:
        produits.append(ProduitLine(typed["compte"], A.account(typed["compte"]).label,
                                    typed.get("libelle") or "", dec(typed.get("montant")),
                                    typed.get("statut") or "sollicite"))
    produits.sort(key=lambda line: A.account(line.account).order)
    contributions = [(c["compte"], c.get("libelle") or "", dec(c.get("montant")))
                     for c in budget.get("contributions") or []]
    totals = A.totals([(line.account, line.total) for line in lines]
                      + [(p.account, p.amount) for p in produits]
                      + [(account, value) for account, _, value in contributions])
    subsidies = [(p.detail, p.amount) for p in produits if p.account.startswith("74")]
    result = Budget(columns, lines, produits, contributions, personnel, totals, by_funder,
                    total_etp, etp_by_funder, _int(budget.get("logements")),
                    _int(budget.get("duree_mois")))
    result.shares = A.subsidy_shares(subsidies, totals)
    result.ratios = ratios(result)
    return result


def _int(value) -> int | None:
    return int(value) if value not in (None, "") else None


def _per(value: Decimal, count) -> Decimal | None:
    if not count:
        return None
    return (value / Decimal(str(count))).quantize(A.CENT, rounding=ROUND_HALF_UP)


def ratios(result: Budget) -> list[Ratio]:
    """The figures the funders compare: per logement, per ETP, per month."""
    out = []
    months = result.months or 12
    for funder in result.funders:
        if funder.expected is None:
            continue
        asked = result.requested(funder.code)
        if funder.unit == "logements" and result.logements:
            out.append(Ratio(f"{funder.label} par logement sur {months} mois",
                             _per(asked, result.logements), "€"))
            out.append(Ratio(f"{funder.label} par logement et par mois",
                             _per(asked, result.logements * months), "€"))
        if funder.unit == "ETP" and result.etp:
            out.append(Ratio(f"{funder.label} par ETP sur {months} mois",
                             _per(asked, result.etp), "€"))
    if result.logements:
        out.append(Ratio(f"Coût total par logement sur {months} mois",
                         _per(result.totals.charges, result.logements), "€"))
    if result.etp:
        out.append(Ratio(f"Coût total par ETP sur {months} mois",
                         _per(result.totals.charges, result.etp), "€"))
    return [r for r in out if r.value is not None]
