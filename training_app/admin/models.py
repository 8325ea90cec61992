"""The audit log: one append-only row per administrative act."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from training_app.db import Base, UTCDateTime


class AuditEvent(Base):
    """Who did what, to what, and when. The migration adds triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_action_at", "action", "at"),
        Index("ix_audit_events_target_type_target_id", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: NULL for the command line or the system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: a dotted name such as `user.role_change`; see admin.services.ACTIONS
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    #: the name an administrator already saw on screen (a user's name, a course slug), never an e-mail
    target_label: Mapped[str | None] = mapped_column(String(200))
    #: the organisation the act concerns, so scoped administrators see only their part of the log
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: ids, codes and counts only: no personal data beyond what target_label shows
    details: Mapped[dict] = mapped_column(JSON, default=dict)
