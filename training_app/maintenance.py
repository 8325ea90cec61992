"""Scheduled clean-up (`training-app cleanup`): each step is one statement or one compare-and-set,
so two runs at once, or a run beside live traffic, never count, grade or delete anything twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from training_app.auth.models import LoginThrottle, PasswordResetToken
from training_app.auth.services import THROTTLE_WINDOW
from training_app.quiz import services as quizzes
from training_app.quiz.models import Attempt
from training_app.reports.models import ApiToken

#: expired or revoked API tokens stay listed this long, so their owner sees why a script stopped
API_TOKEN_RETENTION = timedelta(days=30)


def delete_expired_reset_tokens(db: Session, now: datetime) -> int:
    """Delete password-reset links that can no longer be used (used ones expire too). The caller commits."""
    return db.execute(delete(PasswordResetToken).where(PasswordResetToken.expires_at <= now)).rowcount


def delete_stale_throttles(db: Session, now: datetime) -> int:
    """Delete sign-in counters whose window has ended: the next attempt would restart them at 1 anyway.

    A counter hit at this moment has a fresh window, so the condition spares it. The caller commits.
    """
    return db.execute(
        delete(LoginThrottle).where(LoginThrottle.window_started_at <= now - THROTTLE_WINDOW)
    ).rowcount


def overdue_attempt_ids(db: Session, now: datetime) -> list[int]:
    """Open attempts whose time limit has passed: their learner left and will not submit them."""
    return list(db.scalars(
        select(Attempt.id).where(Attempt.submitted_at.is_(None), Attempt.deadline_at < now).order_by(Attempt.id)
    ))


def grade_overdue_attempt(db: Session, attempt_id: int, now: datetime) -> bool:
    """Grade one overdue attempt from the answers saved by its deadline, as the quiz does when its learner
    comes back; False if another request or run graded it first. The caller commits."""
    attempt = db.get(Attempt, attempt_id)
    if attempt is None or not quizzes.is_overdue(attempt, now):
        return False
    return quizzes.submit(db, attempt, now)


def delete_old_api_tokens(db: Session, now: datetime) -> int:
    """Delete API tokens expired or revoked more than API_TOKEN_RETENTION ago. The caller commits."""
    cutoff = now - API_TOKEN_RETENTION
    return db.execute(
        delete(ApiToken).where(or_(ApiToken.expires_at <= cutoff, ApiToken.revoked_at <= cutoff))
    ).rowcount
