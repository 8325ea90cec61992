"""Outgoing mail: SMTP when SMTP_URL is set, else .eml files in instance/outbox for a single machine."""

from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)


def send_mail(config: dict[str, Any], to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    smtp_url = config.get("SMTP_URL")
    if not smtp_url:
        outbox = Path(config["INSTANCE_PATH"]) / "outbox"
        outbox.mkdir(exist_ok=True)
        (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
        log.info("mail written to outbox (SMTP_URL unset)")
        return
    url = urlsplit(smtp_url)
    client_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with client_class(url.hostname or "localhost", url.port or (465 if url.scheme == "smtps" else 25),
                      timeout=15) as smtp:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)
