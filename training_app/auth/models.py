"""Organisations (country › agency › post), users, sign-in throttling and reset tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.db import Base, UTCDateTime, utcnow

AGENCY_KINDS = ("customs", "environment", "wildlife", "other")
POST_KINDS = ("port_of_entry", "regional_office")


class Organisation(Base):
    """An agency (no parent) or one of its posts (parent = the agency); reports filter on both."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("country IN ('CA', 'MX', 'US')", name="country"),
        CheckConstraint(
            "(parent_id IS NULL AND kind IN ('customs', 'environment', 'wildlife', 'other'))"
            " OR (parent_id IS NOT NULL AND kind IN ('port_of_entry', 'regional_office'))",
            name="kind_matches_level",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: short public acronym such as CBSA or PROFEPA; posts may have none
    code: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    #: people who know it may register themselves into this organisation
    invitation_code: Mapped[str | None] = mapped_column(String(40), unique=True)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])

    @property
    def agency(self) -> Organisation:
        return self.parent or self


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('learner', 'trainer', 'admin')", name="role"),
        CheckConstraint("locale IN ('en', 'fr', 'es')", name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="learner")
    locale: Mapped[str] = mapped_column(String(2), default="en")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: an admin limited to one country (and optionally one agency); NULL = everything
    scope_country: Mapped[str | None] = mapped_column(String(2))
    scope_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: written into the session at sign-in; raising it ends every session of this user
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"


class LoginThrottle(Base):
    """Failed sign-ins per key (`email:…` or `ip:…`) in a window; shared by every worker process."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PasswordResetToken(Base):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token: the database never holds a usable link
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
