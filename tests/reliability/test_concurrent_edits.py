"""Two sessions change the same thing from pages loaded at the same version (SECURITY R4, C5):
the first wins, the second is told (409) instead of silently overwriting."""

from __future__ import annotations

from sqlalchemy import select

from service.documents.models import Draft
from service.households.models import Household
from service.referrals.models import Referral, ReferralDecision
from tests.conftest import version_from
from tests.helpers import csrf_and_version, form_fields, start_draft
from tests.security.harness import (
    bearer,
    csrf_from,
    ctx,
    issue_token,
    sample_fiche,
    structure_id,
    web_login,
)


def _section_post(client, draft_id, answers, csrf, version):
    data = form_fields(answers)
    data.add("csrf_token", csrf)
    data.add("version", version)
    data.add("action", "save")
    return client.post(f"/brouillons/{draft_id}/origine", data=data)


def test_second_save_of_a_draft_section_from_a_stale_page_is_409(iapp):
    first = web_login(iapp, "orienteur@demo.example")
    second = web_login(iapp, "orienteur@demo.example")
    draft_id = start_draft(first)
    page_1 = csrf_and_version(first.get(f"/brouillons/{draft_id}/origine").get_data(as_text=True))
    page_2 = csrf_and_version(second.get(f"/brouillons/{draft_id}/origine").get_data(
        as_text=True))
    assert page_1[1] == page_2[1]
    mine = sample_fiche()["origine"]
    theirs = {**mine, "prescripteur_fonction": "Cheffe de service"}
    assert _section_post(first, draft_id, mine, *page_1).status_code == 302
    conflict = _section_post(second, draft_id, theirs, *page_2)
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Cheffe de service" in page and "Éducatrice spécialisée" in page  # both versions
    with ctx(iapp) as session:
        saved = session.get(Draft, draft_id).data["origine"]
        assert saved["prescripteur_fonction"] == "Éducatrice spécialisée"


def test_decision_from_a_stale_page_does_not_overwrite_the_previous_one(iapp):
    sent = iapp.test_client().post("/api/v1/fiches", json=sample_fiche(),
                                   headers=bearer(issue_token(iapp, "orienteur@demo.example")))
    referral_id = sent.get_json()["id"]
    first = web_login(iapp, "plateforme@demo.example")
    second = web_login(iapp, "plateforme@demo.example")
    page_1 = first.get(f"/plateforme/fiches/{referral_id}").get_data(as_text=True)
    page_2 = second.get(f"/plateforme/fiches/{referral_id}").get_data(as_text=True)
    admitted = first.post(f"/plateforme/fiches/{referral_id}", data={
        "csrf_token": csrf_from(page_1), "version": version_from(page_1), "decision": "admis",
        "team_structure_id": structure_id(iapp, "accompagnant@demo.example")})
    assert admitted.status_code == 302
    stale = second.post(f"/plateforme/fiches/{referral_id}", data={
        "csrf_token": csrf_from(page_2), "version": version_from(page_2), "decision": "refuse",
        "reason": "autre"})
    with ctx(iapp) as session:
        referral = session.get(Referral, referral_id)
        decisions = session.execute(select(ReferralDecision)).scalars().all()
        households = session.execute(select(Household)).scalars().all()
        state = (referral.status, len(decisions), len(households))
    assert stale.status_code == 409
    assert state == ("admis", 1, 1)
