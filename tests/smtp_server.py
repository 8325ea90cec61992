"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), keeping what it receives."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler that keeps what it receives.

    `refuse` maps a recipient to the reply that refuses it ("550 …" for good, "451 …" for now).
    `hold_until_sessions`: each message waits (at most `hold_seconds`) until that many SMTP sessions have
    given a recipient, so senders started together are sure to overlap.
    """

    def __init__(self, refuse: dict[str, str] | None = None, hold_until_sessions: int = 0,
                 hold_seconds: float = 30) -> None:
        self.messages = []
        self.refuse = refuse or {}
        self.sessions: set[int] = set()
        self.hold_until_sessions = hold_until_sessions
        self.hold_seconds = hold_seconds

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.sessions.add(id(session))
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        deadline = time.monotonic() + self.hold_seconds
        while len(self.sessions) < self.hold_until_sessions and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(message["To"] for message in self.messages)


def free_port() -> int:
    """A port nothing listens on (a mail server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(inbox: Inbox) -> Iterator[str]:
    """Run a server for `inbox`; yields its smtp:// URL."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()
