"""Send one plain-text e-mail through SMTP (FLASK_MAIL_*), or into a folder in development."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from service.ids import new_id
from service.timeutil import utcnow

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30


def compose(to: str, subject: str, body: str, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # RFC 3834: automatic messages, so that out-of-office replies are not sent back.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def send(to: str, subject: str, body: str) -> None:
    """Deliver the message; SMTP and network errors propagate (the sending task retries)."""
    config = current_app.config
    message = compose(to, subject, body, config["MAIL_SENDER"])
    host = config.get("MAIL_HOST")
    if not host:
        if config.get("ENV") == "development":
            _write_to_folder(message, Path(config["MAIL_OUTBOX_DIR"]))
        else:
            log.warning("e-mail not sent (%s): FLASK_MAIL_HOST is not set", subject)
        return
    port = int(config["MAIL_PORT"])
    client: smtplib.SMTP
    if config.get("MAIL_USE_SSL"):
        client = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT_SECONDS,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            client.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        client.send_message(message)


def _write_to_folder(message: EmailMessage, folder: Path) -> Path:
    """Development without a mail server: one .eml file per message, to open in a mail app."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{utcnow():%Y%m%dT%H%M%S}-{new_id()[:8]}.eml"
    path.write_bytes(message.as_bytes())
    log.info("e-mail written to %s", path)
    return path
