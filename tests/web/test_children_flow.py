"""The household section of the fiche in the web form: a child's sex, a child to be born
(issue 11, item 11)."""

from __future__ import annotations

import re

from tests.helpers import fill_section, sample_fiche, start_draft


def test_a_past_expected_birth_is_refused_beside_the_field(login_as):
    client = login_as("orienteur@demo.example")
    draft_id = start_draft(client)
    data = sample_fiche()
    fill_section(client, draft_id, "origine", data["origine"])  # dated 27 November 2026
    data["menage"]["enfant_a_naitre_date"] = "2026-09-01"
    response = fill_section(client, draft_id, "menage", data["menage"])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    beside = re.search(r'id="enfant_a_naitre_date-error">(.*?)</p>', page, re.S).group(1)
    assert "La naissance prévue ne peut pas précéder la date de la fiche (27 novembre 2026)" \
        in beside
    section = client.get(f"/brouillons/{draft_id}/menage").get_data(as_text=True)
    child = re.search(r'<select[^>]*id="enfants-0-sexe".*?</select>', section, re.S).group(0)
    assert ">Fille</option>" in child and ">Garçon</option>" in child
    assert ">Femme</option>" not in child
