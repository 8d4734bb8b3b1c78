"""The CERFA account chart: its rows, sums, the 86/87 rule and the share of each subsidy."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.finance import accounts as A

NNBSP = "\u202f"


def test_the_chart_has_the_cerfa_rows_in_order_with_unique_short_codes():
    codes = [a.code for a in A.CHART]
    assert len(codes) == len(set(codes))
    assert all(len(code) <= 10 for code in codes)
    charges = [a.code for a in A.CHART if a.side == A.CHARGE and a.parent is None]
    produits = [a.code for a in A.CHART if a.side == A.PRODUIT and a.parent is None]
    assert charges == ["60", "61", "62", "63", "64", "65", "66", "67", "68", "69", "CI", "86"]
    assert produits == ["70", "73", "74", "75", "76", "77", "78", "79", "RP", "87"]
    assert [a.label for a in A.children("64")] == [
        "Rémunération des personnels", "Charges sociales", "Autres charges de personnel"]
    assert A.account("74-epci").label == "Intercommunalité(s) : EPCI"
    assert [a.code for a in A.children("87")] == ["870", "871", "875"]
    assert A.account("864").contribution and not A.account("641").contribution
    assert [a.order for a in A.CHART] == list(range(1, len(A.CHART) + 1))


def test_lines_are_entered_on_leaves_only():
    assert "641" in {a.code for a in A.leaves(A.CHARGE)}
    assert "64" not in {a.code for a in A.leaves(A.CHARGE)}
    assert "65" in {a.code for a in A.leaves(A.CHARGE)}  # a group without sub-lines
    assert ("641", "64 – Charges de personnel › Rémunération des personnels") in A.choices(
        A.CHARGE)
    assert all(code.startswith("8") for code, _ in A.choices(A.PRODUIT, contribution=True))
    with pytest.raises(ValueError, match="sub-lines"):
        A.totals([("64", 10)])
    with pytest.raises(ValueError, match="unknown"):
        A.totals([("999", 10)])


def test_totals_sum_groups_and_keep_86_87_outside():
    result = A.totals([("641", "300000"), ("645", Decimal("120000.004")), ("613", 100000),
                       ("625", "57000"), ("864", 5000),
                       ("74-etat", 350000), ("74-epci", 227000), ("870", 5000)])
    assert result.amount("64") == Decimal("420000.00")
    assert result.amount("61") == Decimal("100000.00")
    assert result.charges == Decimal("577000.00")
    assert result.produits == Decimal("577000.00")
    assert result.balanced and result.contributions_balanced
    assert result.contributions_charges == Decimal("5000.00")


def test_a_budget_one_euro_off_does_not_balance():
    result = A.totals([("641", 577001), ("74-etat", 577000)])
    assert not result.balanced
    assert result.gap == Decimal("-1.00")


def test_subsidy_shares_of_the_total_of_produits():
    result = A.totals([("641", 600000), ("74-etat", 350000), ("74-epci", 227000), ("RP", 23000)])
    shares = A.subsidy_shares([("DDETS de l'Hérault (IML)", 350000),
                               ("Montpellier Méditerranée Métropole (FSL)", 227000)], result)
    assert [s.percent for s in shares] == [Decimal("58.33"), Decimal("37.83")]
    assert shares[0].sentence == (
        f"La subvention de 350{NNBSP}000,00\u00a0€ (DDETS de l'Hérault (IML)) représente "
        "58,33\u00a0% du total des produits.")
    assert A.share(1, 0) == Decimal("0.00")


def test_rows_print_the_grid_with_french_amounts_and_both_totals():
    result = A.totals([("641", 300000), ("645", 120000), ("864", 5000)])
    printed = A.rows(result, A.CHARGE)
    by_code = {r.code: r for r in printed}
    assert by_code["64"].text == f"420{NNBSP}000,00\u00a0€" and by_code["64"].kind == "group"
    assert by_code["641"].kind == "line" and by_code["641"].number == ""
    assert by_code["60"].text == ""  # an empty account prints blank
    labels = [r.label for r in printed]
    assert labels.index("TOTAL DES CHARGES") < labels.index(
        "Emplois des contributions volontaires en nature")
    assert printed[-1].label == "TOTAL" and printed[-1].amount == Decimal("425000.00")
    assert by_code["TOTAL-charge"].text == f"420{NNBSP}000,00\u00a0€"
