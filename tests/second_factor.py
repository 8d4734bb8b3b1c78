"""Complete the second factor at login the way a person with an authenticator app would."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

from service.auth import mfa
from service.auth.models import User
from service.extensions import db

ENROL, CODE = "/connexion/second-facteur", "/connexion/code"


def codes(secret: str) -> list[str]:
    """The codes an app shows now and at the next step (a code is accepted once per step)."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    return [totp.at(now), totp.at(now + totp.interval)]


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _secret_of(client, email: str) -> str:
    with client.application.app_context():
        try:
            return mfa.secret_of(db.session.execute(
                select(User).where(User.email == email)).scalar_one())
        finally:
            db.session.remove()


def complete(client, response, email: str):
    """After the password's 302: enrol (first login of a role that needs it) or give the code.
    Returns the last response; a plain login is returned as is."""
    location = response.headers.get("Location", "")
    if ENROL not in location and CODE not in location:
        return response
    for attempt in range(2):
        if ENROL in location:
            page = client.get(ENROL).get_data(as_text=True)
            secret = re.search(r"data-secret>([A-Z2-7]+)<", page).group(1)
        else:
            page = client.get(CODE).get_data(as_text=True)
            secret = _secret_of(client, email)
        for code in codes(secret):
            answer = client.post(ENROL if ENROL in location else CODE,
                                 data={"csrf_token": _csrf(page), "code": code})
            if answer.status_code in (200, 302) and (
                    answer.status_code == 302 or "Vos codes de secours" in answer.get_data(
                        as_text=True)):
                return answer
        if attempt == 0:  # both steps already used by earlier logins: wait for the next one
            time.sleep(pyotp.TOTP(secret).interval - time.time() % 30 + 1)
    raise AssertionError(f"second factor refused for {email}")
