"""The access matrix's part of the world: the seed's call, open, and the candidate structure's
application to it, still a draft (so that no funder may see it)."""

from __future__ import annotations

from datetime import timedelta

from service.applications.calls import create_call, seed_call
from service.timeutil import utcnow
from tests.security.harness import csrf_from, ctx, web_login


def applications_world(app) -> dict[str, str]:
    with ctx(app) as session:
        call = create_call(seed_call(deadline=utcnow() + timedelta(days=30)))
        session.commit()
        call_id = call.id
    candidate = web_login(app, "candidat@demo.example")
    page = candidate.get("/candidatures/").get_data(as_text=True)
    started = candidate.post(f"/candidatures/appels/{call_id}/commencer",
                             data={"csrf_token": csrf_from(page)})
    assert started.status_code == 302
    return {"call": call_id, "application": started.headers["Location"].rstrip("/").split(
        "/")[-1]}
