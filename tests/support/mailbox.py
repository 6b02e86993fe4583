"""A real SMTP server on loopback (aiosmtpd) that keeps every message it is given."""

from __future__ import annotations

import contextlib
import email
import email.policy
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from .paths import HOST
from .servers import free_port


@dataclass
class Mailbox:
    """The messages the server received, and where it listens."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        """Keep a message (aiosmtpd's handler hook)."""
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 Message accepted"

    def settings(self) -> dict:
        """App settings that send mail here."""
        return {"SMTP_HOST": HOST, "SMTP_PORT": self.port, "SMTP_SECURITY": "none",
                "SMTP_SENDER": "guide@example.org", "SMTP_TIMEOUT": 5.0}

    def environment(self) -> dict:
        """The same settings as environment variables, for gunicorn."""
        return {f"VOTERGUIDE_{k}": str(v) for k, v in self.settings().items()}

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to one address."""
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        """Wait until at least ``count`` messages arrived (from another process)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def body(message: EmailMessage) -> str:
    """A message's plain-text body."""
    return message.get_body(("plain",)).get_content()


@contextlib.contextmanager
def mailbox() -> Iterator[Mailbox]:
    """Run an SMTP server on a free loopback port until the block ends."""
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname=HOST, port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
