"""Section C of the crisis protocol: the fields of « Perte de contact » appear under that
situation only and are ignored elsewhere; errors name the situation (issue 11, item 4)."""

from __future__ import annotations

import copy
import html
import re

from service.documents import flow
from service.documents.models import Draft
from service.extensions import db
from tests.conftest import login
from tests.helpers import fill_section
from tests.web.test_household_documents import sample
from tests.web.test_household_path import admitted_household


def protocol_draft(client, accounts, app) -> str:
    login(client, "orienteur@demo.example")
    household = admitted_household(client, accounts, app)
    login(client, "accompagnant@demo.example")
    return flow.new_draft("protocole_crise", accounts["accompagnant@demo.example"],
                          household_id=household.id).id


def test_the_delay_shows_only_under_perte_de_contact(client, accounts, app):
    draft_id = protocol_draft(client, accounts, app)
    fill_section(client, draft_id, "scenarios", sample("protocole_crise")["scenarios"])
    page = client.get(f"/brouillons/{draft_id}/scenarios").get_data(as_text=True)
    for index in range(3):
        group = re.search(rf'<div class="form-group"([^>]*)>\s*<label class="label" '
                          rf'for="liste-{index}-avant-delai_inquietude_jours"', page)
        assert group and 'data-show-if="code=perte_de_contact"' in group.group(1), index
    channels = re.search(r'<div class="form-group"([^>]*)>\s*<fieldset class="fieldset-inline" '
                         r'id="liste-1-avant-canaux"', page)
    assert channels and 'data-show-if="code=perte_de_contact"' in channels.group(1)


def test_a_delay_left_under_another_situation_is_ignored_not_refused(client, accounts, app):
    draft_id = protocol_draft(client, accounts, app)
    scenarios = copy.deepcopy(sample("protocole_crise")["scenarios"])
    scenarios["liste"][1]["avant"].update(delai_inquietude_jours="3", canaux=["sms"])
    response = fill_section(client, draft_id, "scenarios", scenarios)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    stored = db.session.get(Draft, draft_id).data["scenarios"]["liste"]
    assert stored[1]["avant"]["delai_inquietude_jours"] == ""
    assert stored[1]["avant"]["canaux"] == []
    assert stored[0]["avant"]["delai_inquietude_jours"] == "7"  # perte de contact keeps it
    tasks = client.get(f"/brouillons/{draft_id}").get_data(as_text=True)
    assert re.search(r"C\. Situations de crise.*?</a>\s*<strong[^>]*>Terminé", tasks, re.S)


def test_a_draft_saved_before_with_such_a_value_is_not_blocked(client, accounts, app):
    draft_id = protocol_draft(client, accounts, app)
    draft = db.session.get(Draft, draft_id)
    scenarios = copy.deepcopy(sample("protocole_crise")["scenarios"])
    scenarios["liste"][2]["avant"]["delai_inquietude_jours"] = "5"  # stored by the old page
    draft.data = {**draft.data, "scenarios": scenarios}
    db.session.commit()
    assert flow.section_errors("protocole_crise", "scenarios", scenarios, draft.data) == {}


def test_errors_name_the_situation(client, accounts, app):
    draft_id = protocol_draft(client, accounts, app)
    scenarios = copy.deepcopy(sample("protocole_crise")["scenarios"])
    scenarios["liste"][1]["avant"]["ce_que_fait_equipe"] = ""
    scenarios["liste"][0]["avant"]["delai_inquietude_jours"] = ""
    response = fill_section(client, draft_id, "scenarios", scenarios)
    assert response.status_code == 422
    summary = html.unescape(re.search(r'<div class="error-summary".*?</div>',
                                      response.get_data(as_text=True), re.S).group(0))
    assert ("Situation 2 : Problème de santé envahissant (physique ou psychique) – Avant : "
            "prévenir et repérer les signes – Ce que l'équipe fait : Ce champ est obligatoire."
            ) in summary
    assert ("Situation 1 : Perte de contact – Avant : prévenir et repérer les signes – Au bout "
            "de combien de jours sans nouvelles l'équipe s'inquiète-t-elle\u202f? : Indiquez "
            "après combien de jours sans nouvelles l'équipe s'inquiète.") in summary
    review = html.unescape(client.get(f"/brouillons/{draft_id}/verifier").get_data(
        as_text=True))
    assert "C. Situation 2 : Problème de santé envahissant" in review
