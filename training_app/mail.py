"""Outgoing mail: SMTP when SMTP_URL is set, else .eml files in instance/outbox for a single machine.

Mail that follows a change (an invitation, a set-password link) goes through the outbox table:
`queue_mail` adds a row in the caller's transaction, so a rolled-back change queues nothing and a
committed one loses nothing. `send_queued` sends what is due, each mail claimed first by a
compare-and-set on its attempt count, so two senders never send one mail twice. `training-app send-mail`
runs it every minute (and retries failures with backoff); `send_soon` runs it in a background thread of
the web process for the mails a request has just committed, so an installation without the timer still
sends them at once.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from training_app.db import utcnow
from training_app.mail_models import OutgoingMail

log = logging.getLogger(__name__)

#: after failed try n, the next waits RETRY_DELAYS[n - 1]; after the last try the mail is given up (~15 h in all)
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=12))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: a claimed mail is due again after this, in case its sender stopped mid-send (each SMTP step times out at 15 s)
CLAIM_LEASE = timedelta(minutes=10)
#: sent and given-up mails are deleted this long after they were queued
RETENTION = timedelta(days=30)
SMTP_TIMEOUT = 15
_BATCH = 500


def _message(config: dict[str, Any], to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def _connect(smtp_url: str) -> smtplib.SMTP:
    url = urlsplit(smtp_url)
    client_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    smtp = client_class(url.hostname or "localhost", url.port or (465 if url.scheme == "smtps" else 25),
                        timeout=SMTP_TIMEOUT)
    try:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
    except BaseException:
        smtp.close()
        raise
    return smtp


class _Transport:
    """One SMTP conversation for many messages, opened by the first; or the outbox folder when SMTP_URL is unset."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        smtp_url = self.config.get("SMTP_URL")
        if not smtp_url:
            outbox = Path(self.config["INSTANCE_PATH"]) / "outbox"
            outbox.mkdir(exist_ok=True)
            (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
            log.info("mail written to outbox (SMTP_URL unset)")
            return
        if self.smtp is None:
            self.smtp = _connect(smtp_url)
        try:
            self.smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
            raise  # smtplib has reset the transaction: the conversation goes on with the next message
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except OSError:  # smtplib's errors are OSErrors
                smtp.close()


def send_mail(config: dict[str, Any], to: str, subject: str, body: str) -> None:
    """Send one message now, in a conversation of its own; raises OSError (smtplib's errors) on failure."""
    transport = _Transport(config)
    try:
        transport.send(_message(config, to, subject, body))
    finally:
        transport.close()


# --- The outbox ----------------------------------------------------------------------------------------

def _sealer(config: dict[str, Any]) -> Fernet:
    """Seals queued bodies: their set-password links must not sit in the database (or a backup) readable."""
    secret = config["SECRET_KEY"]
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"training_app outgoing mail").derive(
        secret if isinstance(secret, bytes) else secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def queue_mail(db: Session, config: dict[str, Any], *, to: str, subject: str, body: str, kind: str,
               user_id: int | None = None, now: datetime, expires_at: datetime | None = None) -> OutgoingMail:
    """Queue a message, to be sent only if the caller's transaction commits. The caller commits, then send_soon."""
    _message(config, to, subject, "")  # a header that would be refused is refused now, not at send time
    mail = OutgoingMail(to=to, subject=subject, body=_sealer(config).encrypt(body.encode()).decode("ascii"),
                        kind=kind, user_id=user_id, created_at=now, next_attempt_at=now, expires_at=expires_at,
                        attempts=0)
    db.add(mail)
    return mail


def send_queued(db: Session, config: dict[str, Any], *, ids: Sequence[int] | None = None,
                clock: Callable[[], datetime] = utcnow) -> Counter[str]:
    """Send the due mails (only those of `ids` if given), oldest first; counts sent, retry, failed, skipped.

    It is the outbox's worker, so it commits: each claim before its mail goes out, each outcome after.
    A refused recipient is recorded and the run goes on; a failed connection is recorded and ends the run
    (the mails after it keep their attempts for the next run).
    """
    counts: Counter[str] = Counter()
    transport = _Transport(config)
    try:
        for mail_id, attempts in _due(db, clock(), ids):
            outcome, stop = _send_one(db, config, transport, mail_id, attempts, clock)
            counts[outcome] += 1
            if stop:
                break
    finally:
        transport.close()
    return counts


def _due(db: Session, now: datetime, ids: Sequence[int] | None) -> Iterator[tuple[int, int]]:
    """(id, attempts) of the due mails by id, read a batch at a time."""
    due = OutgoingMail.next_attempt_at <= now
    columns = select(OutgoingMail.id, OutgoingMail.attempts).order_by(OutgoingMail.id)
    if ids is not None:
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), _BATCH):
            rows = db.execute(columns.where(due, OutgoingMail.id.in_(wanted[start:start + _BATCH]))).tuples().all()
            db.rollback()  # end the read: each claim is a transaction of its own
            yield from rows
        return
    last = 0
    while rows := db.execute(columns.where(due, OutgoingMail.id > last).limit(_BATCH)).tuples().all():
        db.rollback()
        yield from rows
        last = rows[-1][0]


def _send_one(db: Session, config: dict[str, Any], transport: _Transport, mail_id: int, seen: int,
              clock: Callable[[], datetime]) -> tuple[str, bool]:
    """Claim, send and record one mail; (outcome, whether the run should stop)."""
    now = clock()
    claimed = db.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.attempts == seen, OutgoingMail.next_attempt_at <= now)
        .values(attempts=seen + 1, next_attempt_at=now + CLAIM_LEASE)
    ).rowcount
    if not claimed:
        db.rollback()
        return "skipped", False  # another sender has it, or has sent it
    to, subject, sealed, expires_at = db.execute(
        select(OutgoingMail.to, OutgoingMail.subject, OutgoingMail.body, OutgoingMail.expires_at)
        .where(OutgoingMail.id == mail_id)).one()
    db.commit()  # the claim is visible to other senders, and no transaction stays open during the send
    attempt = seen + 1
    if expires_at is not None and expires_at <= now:
        return _failure(db, mail_id, attempt, "The link in this e-mail expired before it could be sent.", now,
                        permanent=True), False
    try:
        message = _message(config, to, subject, _sealer(config).decrypt(sealed.encode("ascii")).decode())
    except InvalidToken:
        return _failure(db, mail_id, attempt, "Unreadable: SECRET_KEY changed after it was queued.", now,
                        permanent=True), False
    try:
        transport.send(message)
    except smtplib.SMTPRecipientsRefused as error:
        permanent = all(code >= 500 for code, _text in error.recipients.values())
        return _failure(db, mail_id, attempt, _describe(error), clock(), permanent=permanent), False
    except smtplib.SMTPDataError as error:
        return _failure(db, mail_id, attempt, _describe(error), clock(), permanent=False), False
    except OSError as error:  # connection, TLS, login, timeout, or the outbox folder
        return _failure(db, mail_id, attempt, _describe(error), clock(), permanent=False), True
    recorded = db.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.attempts == attempt, OutgoingMail.sent_at.is_(None))
        .values(sent_at=clock(), next_attempt_at=None, body="")
    ).rowcount
    db.commit()
    if not recorded:
        log.warning("mail %s was sent after its claim had lapsed: another sender may send it again", mail_id)
    return "sent", False


def _failure(db: Session, mail_id: int, attempt: int, error: str, now: datetime, *, permanent: bool) -> str:
    """Record a failed try: retry later with backoff, or give up. Returns "retry" or "failed"."""
    give_up = permanent or attempt >= MAX_ATTEMPTS
    values: dict[str, Any] = {"last_error": error[:500]}
    if give_up:
        values.update(next_attempt_at=None, failed_at=now, body="")
    else:
        values["next_attempt_at"] = now + RETRY_DELAYS[attempt - 1]
    db.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id, OutgoingMail.attempts == attempt,
                                          OutgoingMail.sent_at.is_(None)).values(**values))
    db.commit()
    if give_up:
        log.warning("mail %s given up after %d attempt(s)", mail_id, attempt)
        return "failed"
    log.info("mail %s failed (attempt %d); next try at %s", mail_id, attempt, values["next_attempt_at"])
    return "retry"


def _describe(error: OSError) -> str:
    """The server's answer for the admin's page: codes and text, never the message itself."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_text(text)}" for code, text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def send_soon(app: Flask, ids: Sequence[int]) -> None:
    """Send these just-committed mails from a background thread of this process; the response does not wait.

    A thread rather than work after the response in the worker itself: a gunicorn sync worker would be
    held for the whole SMTP conversation (for a large import, longer than its timeout, which kills it),
    so the admin's next page would queue behind it. The worker's exit waits for the thread a while
    (wait_for_senders); if the process dies anyway, a claimed mail is due again after CLAIM_LEASE.
    """
    if not ids:
        return
    senders: set[threading.Thread] = app.extensions.setdefault("mail_senders", set())
    thread = threading.Thread(target=_send_in_background, args=(app, list(ids), senders), name="mail-sender",
                              daemon=True)
    senders.add(thread)
    thread.start()


def _send_in_background(app: Flask, ids: list[int], senders: set[threading.Thread]) -> None:
    try:
        with app.extensions["db_sessionmaker"]() as db:
            counts = send_queued(db, app.config, ids=ids)
        log.info("background mail sender: %s", dict(counts))
    except Exception:
        log.exception("background mail sender failed; `training-app send-mail` will send what is left")
    finally:
        senders.discard(threading.current_thread())


def wait_for_senders(app: Flask, timeout: float = 20) -> None:
    """Let this process's background senders finish, for at most `timeout` seconds in all."""
    deadline = time.monotonic() + timeout
    for thread in list(app.extensions.get("mail_senders", ())):
        thread.join(max(0.0, deadline - time.monotonic()))


def delete_old_mails(db: Session, now: datetime) -> int:
    """Delete sent and given-up mails queued more than RETENTION ago. The caller commits."""
    return db.execute(delete(OutgoingMail).where(OutgoingMail.created_at <= now - RETENTION,
                                                 OutgoingMail.next_attempt_at.is_(None))).rowcount


def latest_mail(db: Session, user_id: int, kinds: Iterable[str]) -> OutgoingMail | None:
    """The last mail of these kinds queued for an account (its page says if it was not delivered)."""
    return db.scalars(select(OutgoingMail).where(OutgoingMail.user_id == user_id, OutgoingMail.kind.in_(kinds))
                      .order_by(OutgoingMail.id.desc()).limit(1)).first()
