"""The mail outbox: one row per e-mail to send, written in the transaction of the change that causes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from training_app.db import Base, UTCDateTime


class OutgoingMail(Base):
    """An e-mail waiting to be sent, sent, or given up. training_app.mail queues and sends them."""

    __tablename__ = "outgoing_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    #: the text sealed with a key derived from SECRET_KEY (its links are live credentials); emptied once
    #: sent or given up
    body: Mapped[str] = mapped_column(Text)
    #: what it is (invitation, password_reset), so the account's page can say which one was not delivered
    kind: Mapped[str] = mapped_column(String(40))
    #: the account it is about
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: due from then (the next try after a failure, or the end of a sender's claim); NULL once sent or given up
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: never sent after this: the link inside has expired. NULL: no limit
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: tries started so far, each claimed by a compare-and-set on this count
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: no further try: refused for good, out of attempts, or its link expired first
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
