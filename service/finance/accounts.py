"""The CERFA account chart (12156*06 budget, 15059*02 compte rendu) as data, and its totals.

One chart serves the budget prévisionnel of an application and the compte rendu financier of a
bilan, so that a forecast and its actuals are read on the same rows (DOMAIN.md §5.2, §8.6).
Amounts are Decimal, rounded to the cent; 86 and 87 (contributions volontaires en nature) stay
outside the totals of charges and produits and form a separate total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from service.rendering.formatting import money, percent

CHARGE, PRODUIT = "charge", "produit"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Account:
    """One row of the grid. A group (60, 61…) has sub-lines; its amount is their sum. A line is
    entered on a leaf: a sub-line, or a group without sub-lines (65, 66…)."""

    code: str  # at most 10 characters: ledgers and forecasts store it
    label: str
    side: str  # CHARGE or PRODUIT
    order: int
    parent: str | None = None
    contribution: bool = False  # 86 / 87: outside the totals of charges and produits


def _chart() -> tuple[Account, ...]:
    rows: list[Account] = []

    def group(code, label, side, subs=(), contribution=False):
        rows.append(Account(code, label, side, len(rows) + 1, None, contribution))
        for sub_code, sub_label in subs:
            rows.append(Account(sub_code, sub_label, side, len(rows) + 1, code, contribution))

    group("60", "Achats", CHARGE, (
        ("604", "Prestations de services"),
        ("601", "Achats matières et fournitures"),
        ("606", "Autres fournitures")))
    group("61", "Services extérieurs", CHARGE, (
        ("613", "Locations"),
        ("615", "Entretien et réparation"),
        ("616", "Assurance"),
        ("618", "Documentation")))
    group("62", "Autres services extérieurs", CHARGE, (
        ("622", "Rémunérations intermédiaires et honoraires"),
        ("623", "Publicité, publication"),
        ("625", "Déplacements, missions"),
        ("627", "Services bancaires, autres")))
    group("63", "Impôts et taxes", CHARGE, (
        ("631", "Impôts et taxes sur rémunération"),
        ("635", "Autres impôts et taxes")))
    group("64", "Charges de personnel", CHARGE, (
        ("641", "Rémunération des personnels"),
        ("645", "Charges sociales"),
        ("647", "Autres charges de personnel")))
    group("65", "Autres charges de gestion courante", CHARGE)
    group("66", "Charges financières", CHARGE)
    group("67", "Charges exceptionnelles", CHARGE)
    group("68", "Dotation aux amortissements", CHARGE)
    group("69", "Impôt sur les bénéfices (IS) ; participation des salariés", CHARGE)
    group("CI", "Charges indirectes réparties affectées au projet", CHARGE, (
        ("CI-fixes", "Charges fixes de fonctionnement"),
        ("CI-financ", "Frais financiers"),
        ("CI-autres", "Autres")))
    group("86", "Emplois des contributions volontaires en nature", CHARGE, (
        ("860", "Secours en nature"),
        ("861", "Mise à disposition gratuite de biens et services"),
        ("862", "Prestations"),
        ("864", "Personnel bénévole")), contribution=True)
    group("70", "Vente de produits finis, de marchandises, prestations de services", PRODUIT)
    group("73", "Dotations et produits de tarification", PRODUIT)
    group("74", "Subventions d'exploitation", PRODUIT, (
        ("74-etat", "État : ministère(s), directions ou services déconcentrés sollicités"),
        ("74-region", "Région(s)"),
        ("74-depart", "Département(s)"),
        ("74-epci", "Intercommunalité(s) : EPCI"),
        ("74-commune", "Commune(s)"),
        ("74-social", "Organismes sociaux (CAF, etc.)"),
        ("74-europe", "Fonds européens (FSE, FEDER, etc.)"),
        ("74-asp", "L'agence de services et de paiement (emplois aidés)"),
        ("74-autres", "Autres établissements publics"),
        ("74-prive", "Aides privées (fondation)")))
    group("75", "Autres produits de gestion courante", PRODUIT, (
        ("756", "Cotisations"),
        ("758", "Dons manuels – mécénat"),
        ("750", "Autres produits de gestion courante")))
    group("76", "Produits financiers", PRODUIT)
    group("77", "Produits exceptionnels", PRODUIT)
    group("78", "Reprises sur amortissements et provisions", PRODUIT, (
        ("781", "Reprises sur amortissements et provisions"),
        ("789", "Report de ressources non utilisées des exercices antérieurs")))
    group("79", "Transfert de charges", PRODUIT)
    group("RP", "Ressources propres affectées au projet", PRODUIT)
    group("87", "Contributions volontaires en nature", PRODUIT, (
        ("870", "Bénévolat"),
        ("871", "Prestations en nature"),
        ("875", "Dons en nature")), contribution=True)
    return tuple(rows)


CHART: tuple[Account, ...] = _chart()
_BY_CODE = {a.code: a for a in CHART}
_PARENTS = {a.parent for a in CHART if a.parent}
SUBSIDIES = "74"


def account(code: str) -> Account:
    """The account of this code; KeyError for a code the chart does not have."""
    return _BY_CODE[code]


def find(code: str) -> Account | None:
    return _BY_CODE.get(code)


def is_group(code: str) -> bool:
    return code in _PARENTS


def children(code: str) -> tuple[Account, ...]:
    return tuple(a for a in CHART if a.parent == code)


def leaves(side: str | None = None, *, contribution: bool | None = None) -> tuple[Account, ...]:
    """The accounts a line may be entered on, in grid order."""
    return tuple(a for a in CHART if not is_group(a.code)
                 and (side is None or a.side == side)
                 and (contribution is None or a.contribution == contribution))


def choices(side: str, *, contribution: bool = False) -> list[tuple[str, str]]:
    """(code, « 64 – Charges de personnel › Rémunération… ») for a select list."""
    out = []
    for leaf in leaves(side, contribution=contribution):
        if leaf.parent:
            parent = account(leaf.parent)
            out.append((leaf.code, f"{_number(parent)}{parent.label} › {leaf.label}"))
        else:
            out.append((leaf.code, f"{_number(leaf)}{leaf.label}"))
    return out


def _number(a: Account) -> str:
    return f"{a.code} – " if a.code.isdigit() else ""


def cents(value) -> Decimal:
    """A Decimal amount rounded to the cent (half up, as accountants round)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def share(part, whole, digits: int = 2) -> Decimal:
    """`part` as a percentage of `whole` (0 when `whole` is 0), rounded half up."""
    whole = Decimal(str(whole))
    if whole == 0:
        return Decimal(0).quantize(Decimal(1).scaleb(-digits))
    return (Decimal(str(part)) * 100 / whole).quantize(Decimal(1).scaleb(-digits),
                                                       rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    """Sums of a set of lines: every account (groups included), the two totals, 86 and 87."""

    by_account: Mapping[str, Decimal]
    charges: Decimal  # TOTAL DES CHARGES (86 excluded)
    produits: Decimal  # TOTAL DES PRODUITS (87 excluded)
    contributions_charges: Decimal  # 86
    contributions_produits: Decimal  # 87

    @property
    def balanced(self) -> bool:
        """The budget of a project balances: charges = produits, to the cent."""
        return self.charges == self.produits

    @property
    def contributions_balanced(self) -> bool:
        return self.contributions_charges == self.contributions_produits

    @property
    def gap(self) -> Decimal:
        """Produits minus charges: positive is a surplus, negative a shortfall."""
        return self.produits - self.charges

    def amount(self, code: str) -> Decimal:
        return self.by_account.get(code, ZERO)


def totals(lines: Iterable[tuple[str, object]]) -> Totals:
    """Sum (account code, amount) lines; several lines may share an account. A line on a group
    that has sub-lines, or on an unknown code, is a ValueError: it would be counted twice or
    nowhere."""
    by_account: dict[str, Decimal] = {}
    for code, amount in lines:
        entry = find(code)
        if entry is None:
            raise ValueError(f"unknown account {code!r}")
        if is_group(code):
            raise ValueError(f"account {code!r} has sub-lines: enter the line on one of them")
        value = cents(amount)
        by_account[code] = by_account.get(code, ZERO) + value
        if entry.parent:
            by_account[entry.parent] = by_account.get(entry.parent, ZERO) + value

    def side_total(side: str, contribution: bool) -> Decimal:
        return sum((by_account.get(a.code, ZERO) for a in CHART if a.parent is None
                    and a.side == side and a.contribution == contribution), ZERO)

    return Totals(by_account=by_account,
                  charges=side_total(CHARGE, False), produits=side_total(PRODUIT, False),
                  contributions_charges=side_total(CHARGE, True),
                  contributions_produits=side_total(PRODUIT, True))


@dataclass(frozen=True)
class Share:
    """« La subvention de 350 000,00 € représente 60,66 % du total des produits »."""

    label: str
    amount: Decimal
    percent: Decimal

    @property
    def sentence(self) -> str:
        return (f"La subvention de {money(self.amount)} ({self.label}) représente "
                f"{percent(self.percent, 2)} du total des produits.")


def subsidy_shares(subsidies: Iterable[tuple[str, object]], result: Totals) -> list[Share]:
    """Each subsidy's (label, amount) as a share of the total des produits."""
    return [Share(label, cents(amount), share(cents(amount), result.produits))
            for label, amount in subsidies]


@dataclass(frozen=True)
class Row:
    """One printed row of a side of the grid."""

    code: str
    label: str
    kind: str  # "group", "line" (a sub-line) or "total"
    amount: Decimal
    text: str  # the amount in French: « 577 000,00 € » (empty for an empty line)

    @property
    def number(self) -> str:
        """The account number printed before the label (none for sub-lines and totals)."""
        return self.code if self.kind == "group" and self.code.isdigit() else ""


TOTAL_LABELS = {CHARGE: "TOTAL DES CHARGES", PRODUIT: "TOTAL DES PRODUITS"}


def rows(result: Totals, side: str, *, blank_zero: bool = True) -> list[Row]:
    """The side of the grid as printed: every account in order (zero lines blank unless
    `blank_zero` is False), the side's total, then the contributions en nature and the total
    of both, as on the CERFA."""
    def text(amount: Decimal) -> str:
        return "" if blank_zero and amount == 0 else money(amount)

    out: list[Row] = []
    for contribution in (False, True):
        if contribution:
            total = result.charges if side == CHARGE else result.produits
            out.append(Row(f"TOTAL-{side}", TOTAL_LABELS[side], "total", total, money(total)))
        for a in CHART:
            if a.side != side or a.contribution != contribution:
                continue
            amount = result.amount(a.code)
            out.append(Row(a.code, a.label, "line" if a.parent else "group", amount, text(amount)))
    base = result.charges if side == CHARGE else result.produits
    extra = result.contributions_charges if side == CHARGE else result.contributions_produits
    out.append(Row(f"TOTAL-{side}-86-87", "TOTAL", "total", base + extra, money(base + extra)))
    return out
