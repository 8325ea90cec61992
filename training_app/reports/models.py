"""Personal access tokens for the read-only reports API, and the indexes the completion report reads by."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from training_app.db import Base, UTCDateTime
from training_app.learn.models import Enrolment
from training_app.quiz.models import Attempt


class ApiToken(Base):
    """A bearer token acting as the administrator who made it, with that administrator's scope."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the token: the database never holds a usable token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the first characters of the token, so its owner can tell tokens apart
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: None: valid until revoked
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The completion report filters enrolments by course and period; these serve it without touching
# the learn models (their tables belong to learn/, the access paths to reports/).
Index("ix_enrolments_course_id_enrolled_at", Enrolment.course_id, Enrolment.enrolled_at)
Index("ix_enrolments_course_id_completed_at", Enrolment.course_id, Enrolment.completed_at)
# Item analysis reads one quiz's first attempts.
Index("ix_attempts_quiz_id_number", Attempt.quiz_id, Attempt.number)
