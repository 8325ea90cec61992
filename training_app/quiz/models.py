"""Quiz attempts and their autosaved answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.db import Base, UTCDateTime


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        # At most one open attempt per learner and quiz, whatever races the web layer loses.
        Index("uq_attempts_one_open", "user_id", "quiz_id", unique=True,
              sqlite_where=text("submitted_at IS NULL"), postgresql_where=text("submitted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 for the learner's first attempt at this quiz
    seed: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(2))
    #: the questions exactly as shown (words in `locale`, options in order, answers), so later
    #: edits of the course never change this grade
    snapshot: Mapped[dict] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: answers saved after this are not counted (None: no time limit)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))  # 0..1
    passed: Mapped[bool | None]
    #: the grade as computed at submission, kept so a later change of the grader never changes a review:
    #: {"points_earned": "7/2", "points_possible": "5", "questions": {id: {"fraction": "1/2", "is_correct": false}}}
    results: Mapped[dict | None] = mapped_column(JSON)
    #: earlier grades replaced by an audited regrade (quiz.services.regrade), oldest first:
    #: [{"at", "actor_id", "score", "passed", "results", "keys": {question id: the answer key it replaced}}]
    regrade_history: Mapped[list | None] = mapped_column(JSON)

    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")


class Answer(Base):
    """The learner's latest answer to one question of an attempt; autosave upserts it."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))  # the question's slug in the snapshot
    value: Mapped[dict] = mapped_column(JSON)  # {"answer": normalised answer}
    #: the number of the save that wrote this answer, counted per question by the page (quiz.js): an
    #: autosave numbered no higher is an old request arriving late (None: saved by a client that sends none)
    seq: Mapped[int | None] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
