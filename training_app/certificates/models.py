"""Certificates issued on course completion, and the expiry reminders sent about them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.auth.models import User
from training_app.db import Base, UTCDateTime


class Certificate(Base):
    """One completion of a course by a learner, signed; the fields are a snapshot taken at issue."""

    __tablename__ = "certificates"
    __table_args__ = (
        # One certificate per completion, whatever races the web layer loses.
        UniqueConstraint("user_id", "course_id", "cycle"),
        CheckConstraint("cycle >= 1", name="cycle"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revoked_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the public code, 28 symbols without dashes: 140 random bits
    code: Mapped[str] = mapped_column(String(28), unique=True)
    #: no index of its own: the unique (user_id, course_id, cycle) serves lookups by learner
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: no cascade: a course that has certified someone is kept as long as its certificates
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: 1 for the learner's first completion of this course, 2 after one recertification…
    cycle: Mapped[int] = mapped_column(Integer)
    learner_name: Mapped[str] = mapped_column(String(200))
    #: {locale: title} as the course read on the day of issue
    course_titles: Mapped[dict] = mapped_column(JSON)
    course_version: Mapped[int]
    completed_on: Mapped[date] = mapped_column(Date)
    #: the average of the module quizzes' best passing scores; None when the course has no quiz
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    #: the last day the certificate is valid
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    issuer: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: which of the issuer's keys signed; see services.signed_fields for what is signed
    key_id: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(String(100))  # base64url Ed25519
    #: the learner started the course again to renew this certificate; the next completion is a new cycle
    renewal_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: shown on the public verification page
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: an audited quiz regrade changed whether the holder passes one of the course's quizzes; the
    #: certificate itself is left as issued, for an administrator to review (and revoke if need be)
    review_needed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    learner: Mapped[User] = relationship(foreign_keys=[user_id])


class CertificateReminder(Base):
    """An expiry reminder e-mailed (or being e-mailed) once per certificate and threshold."""

    __tablename__ = "certificate_reminders"
    __table_args__ = (UniqueConstraint("certificate_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))
    #: 60, 30 or 7
    days_before: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
