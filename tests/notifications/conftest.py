"""A real SMTP server on 127.0.0.1 (aiosmtpd) whose received messages the tests read."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the server accepted: envelope recipients and the parsed messages."""

    def __init__(self):
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"secret-smtp")

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.received if address in rcpt]


@pytest.fixture
def smtp(app):
    """The server, and the app configured to send through it (plain SMTP, no credentials)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=inbox.authenticate, auth_require_tls=False)
    controller.start()
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USE_SSL=False, MAIL_USERNAME="", MAIL_PASSWORD="",
                      MAIL_SENDER="Documents Logement d'abord <ne-pas-repondre@lda.test>",
                      PUBLIC_BASE_URL="https://documents.lda.test")
    try:
        yield inbox
    finally:
        controller.stop()


def text_of(message: EmailMessage) -> str:
    return message.get_content().replace("\r\n", "\n")
