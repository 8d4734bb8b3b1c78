"""The e-mails about a password: the reset link, and the notice that it was changed."""

from __future__ import annotations

import logging

from flask import current_app

from service.notifications import mail
from service.rendering.typography import french_spacing

log = logging.getLogger(__name__)


def _body(*paragraphs: str) -> str:
    text = "\n\n".join(["Bonjour,", *paragraphs,
                        f"-- \n{current_app.config['ORGANISATION_NAME']}"])
    return french_spacing(text) + "\n"


def send_password_reset(user, link: str) -> None:
    """The single-use link, valid for a short time; nothing else about the account."""
    minutes = int(current_app.config.get("PASSWORD_RESET_SECONDS", 1800)) // 60
    mail.send(user.email, french_spacing("Choisir un nouveau mot de passe"), _body(
        "Une demande de nouveau mot de passe a été faite pour votre compte du service "
        "Documents Logement d'abord. Pour choisir votre nouveau mot de passe, ouvrez ce lien "
        f"dans les {minutes} minutes (il ne sert qu'une fois) :",
        link,
        "Si vous n'êtes pas à l'origine de cette demande, ne faites rien : votre mot de passe "
        "actuel reste valable."))


def send_password_changed(user) -> None:
    """ASVS 2.2.3: the account's owner learns of a change they did not make."""
    try:
        mail.send(user.email, french_spacing("Votre mot de passe a été changé"), _body(
            "Le mot de passe de votre compte du service Documents Logement d'abord vient "
            "d'être changé, et les sessions ouvertes ailleurs ont été fermées.",
            "Si vous n'êtes pas à l'origine de ce changement, prévenez sans attendre "
            "l'administration du service."))
    except Exception:  # noqa: BLE001  (the change is made; the notice may be lost)
        log.exception("password change notice not sent")
