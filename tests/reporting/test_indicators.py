"""Every indicator on the hand-built history of tests/reporting/history.py, for 2026 and 2025.

The expected figures are worked out by hand from the history (dates in the comments); the edge
cases of the issue are all there: a household entering and leaving in the same year (H2),
support spanning two years (H1), an extension (H1), a death (H3), a return to the street (H4),
a droit de suite after the end (H6), a household with no contact in a month (H1, March 2026).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from service.reporting.catalogue import BY_CODE, INDICATORS, compute_all
from service.reporting.framework import Scope, drill
from tests.reporting.history import build

D = Decimal


@pytest.fixture
def history(app, accounts):
    return build(accounts)


@pytest.fixture
def figures(history):
    year = Scope(history.team, date(2026, 1, 1), date(2026, 12, 31))
    return compute_all(year), compute_all(year.previous())


def values(result: dict) -> dict:
    """{line key: value} without the zero and empty lines, plus the total."""
    found = {line["key"]: line["value"] for line in result["lines"]
             if line["value"] not in (0, None)}
    if result["total"] is not None:
        found["total"] = result["total"]["value"]
    return found


def test_orientation_and_admission(figures):
    now, before = figures
    # R1 (accueil, 10 January), R2 (samu, 1 March), R4 (samu, 2 November); R3 came in 2025.
    assert values(now["A1"]) == {"accueil_de_jour": 1, "samu_social_maraude": 2, "total": 3}
    assert values(before["A1"]) == {"accueil_de_jour": 1, "total": 1}
    # R2: liste d'attente then refusal, counted once by its last decision; R3 decided in 2026.
    assert values(now["A2"]) == {"admis": 2, "refuse": 1, "reoriente": 1, "total": 4}
    assert values(now["A2R"]) == {"hors_territoire": 1, "total": 1}
    # First decisions after 10, 4, 16 and 8 days.
    assert values(now["A3"]) == {"fiches": 4, "mediane": D("9.0"), "moyenne": D("9.5")}
    # H2 admitted 20 January, in its dwelling 15 February: 26 days (22 to 30 days).
    assert values(now["A4"]) == {"d3": 1, "mediane": D("26.0"), "moyenne": D("26.0"),
                                 "total": 1}
    assert values(now["A5"]) == {"attente": 1}  # H7, admitted in November, not housed
    assert values(now["C1"]) == {"femme_seule_enfants": 1, "total": 1}


def test_file_active_entries_exits_and_dwellings(figures):
    now, before = figures
    # 2026: H1 (since 2025), H2 (in and out), H3 (died in April), H4 (left in June).
    assert values(now["B1"]) == {"menages": 4, "personnes": 5, "adultes": 4, "enfants": 1}
    # 2025: H1, H3, H4, H5 and H6 (until 31 January).
    assert values(before["B1"])["menages"] == 5
    assert values(now["B2"]) == {"entrees": 1, "sorties": 3}
    assert values(before["B2"]) == {"entrees": 4, "sorties": 2}
    assert values(now["B2E"]) == {"m02": 1, "total": 1}
    assert values(now["B2S"]) == {"m04": 1, "m06": 1, "m09": 1, "total": 3}
    monthly = values(now["B1M"])
    assert [monthly[f"m{m:02d}"] for m in range(1, 13)] == [3, 4, 4, 4, 3, 3, 2, 2, 2, 1, 1, 1]
    # On 31 December only H1 is followed, in its bail glissant: 1 of the 64 dwellings.
    assert values(now["B3"]) == {"sous_location_bail_glissant": 1, "taux": D("1.6"), "total": 1}
    assert values(now["B12"]) == {"prolonge": 1, "non_prolonge": 3, "taux": D("25.0"),
                                  "total": 4}


def test_contacts_and_the_two_a_month_rule(figures):
    now, _ = figures
    # 50 home visits (H1 22, H2 16, H4 12) and 3 calls (H3).
    assert values(now["B7"]) == {"visite_domicile": 50, "telephone": 3, "total": 53}
    # Full months: H1 12 (none in March), H2 8 (Feb–Sep), H3 3 (Jan–Mar), H4 6 (Jan–Jun).
    assert values(now["B7I"]) == {"deux_ou_plus": 25, "un": 3, "aucun": 1, "total": 29,
                                  "taux": D("86.2"), "contacts": 53, "par_mois": D("1.8")}
    assert values(now["B7Z"]) == {"sans_contact": 1, "suivi": 3, "taux": D("25.0"), "total": 4}


def test_nurse_first_meeting_within_three_months(figures):
    now, before = figures
    # H2 entered 15 February 2026: its three months end 15 May, no meeting recorded.
    assert values(now["B7N"]) == {"sans_rencontre": 1, "total": 1}
    # 2025: H1 met in time (1 May, deadline 10 June), H3 late (1 October, deadline
    # 15 September), H4 and H5 never.
    assert values(before["B7N"]) == {"dans_les_delais": 1, "hors_delai": 1, "sans_rencontre": 2,
                                     "taux": D("25.0"), "total": 4}


def test_retention_glissements_droits_de_suite(figures):
    now, before = figures
    # Twelve months in 2026: H1 (10 March) and H4 (20 January, left in June) still housed,
    # H5 (10 February) left for a shelter before, H3 died before its 15 June.
    assert values(now["D1"]) == {"maintenu": 2, "non_maintenu": 1, "deces": 1,
                                 "taux": D("66.7"), "total": 3}
    # Twenty-four months in 2026: H6 (10 January), whose lease slid in 2025.
    assert values(now["D1B"]) == {"maintenu": 1, "taux": D("100.0"), "total": 1}
    assert values(now["D2"]) == {}
    assert values(before["D2"]) == {"glissements": 1, "mediane": D("371.0"),
                                    "moyenne": D("371.0")}
    assert values(now["D2B"]) == {"bailleur": 1, "menages": 1, "total": 1}


def test_exits_by_destination_and_durations(figures):
    now, _ = figures
    # H2 to social housing, H3 died, H4 back to the street (« Rue » as typed).
    assert values(now["D3"]) == {"permanent": 1, "deces": 1, "rue": 1, "taux": D("50.0"),
                                 "total": 3}
    # Leavers: 241 days (H2), 313 (H3), 531 (H4); H1 present for 670 days on 31 December.
    assert values(now["D5"]) == {"t4": 2, "t5": 1, "total": 3, "mediane": D("313.0"),
                                 "moyenne": D("361.7"), "presents": 1,
                                 "mediane_presents": D("670.0")}


def test_team_targets_collective_actions_and_practice(figures):
    now, before = figures
    # 0.5 ETP × 12 months + 1 ETP × 9 months = 1.25 ETP; 4 households of the file active.
    assert values(now["B6"]) == {"encadrement": D("0.50"), "travailleur_social": D("0.75"),
                                 "etp": D("1.25"), "cible": D("15.6"), "par_etp": D("3.2")}
    assert values(before["B6"]) == {}
    assert values(now["B10"]) == {"petit_dejeuner": 2, "sortie": 1, "participants": 13,
                                  "total": 3}
    assert values(now["B11"]) == {"seances": 2, "presences": 5, "attendus": 6,
                                  "taux": D("83.3")}


def test_each_figure_opens_the_households_it_counts(history):
    year = Scope(history.team, date(2026, 1, 1), date(2026, 12, 31))
    ref = {name: h.reference for name, h in history.households.items()}
    assert drill(BY_CODE["B1"], year, "menages") == sorted(ref[n] for n in ("H1", "H2", "H3",
                                                                            "H4"))
    assert drill(BY_CODE["D3"], year, "rue") == [ref["H4"]]
    assert drill(BY_CODE["D3"], year, "total") == sorted([ref["H2"], ref["H3"], ref["H4"]])
    assert drill(BY_CODE["D3"], year, "taux") == [ref["H2"]]
    assert drill(BY_CODE["B7Z"], year, "sans_contact") == [ref["H1"]]
    assert drill(BY_CODE["D2B"], year, "bailleur") == [ref["H6"]]
    assert drill(BY_CODE["A5"], year, "attente") == [ref["H7"]]
    # A fiche not admitted is named by its own reference, never by the person.
    refused = drill(BY_CODE["A2"], year, "refuse")
    assert len(refused) == 1 and refused[0].startswith("FL-")
    # Another team's household is never listed.
    assert ref["X1"] not in drill(BY_CODE["B1"], year, "menages")


def test_every_indicator_has_a_french_definition_and_distinct_code():
    assert len({i.code for i in INDICATORS}) == len(INDICATORS)
    for indicator in INDICATORS:
        assert indicator.definition.endswith(".") and len(indicator.definition) > 40
        assert indicator.title[0].isupper()
