"""An enrolment records when it was started: what the completion report reads instead of searching
lesson progress and attempts for every row."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import select, update

from tests.factories import make_user
from training_app.db import alembic_config, utcnow
from training_app.learn import services
from training_app.learn.models import Enrolment
from training_app.quiz import services as quizzes

T0 = utcnow().replace(microsecond=0) - timedelta(days=10)
BEFORE_STARTED_AT = "e6a1cf4f4368"  # the revision before enrolments.started_at


def _started_at(db, user) -> object:
    db.expire_all()
    return db.scalars(select(Enrolment.started_at).where(Enrolment.user_id == user.id)).one()


def test_the_first_lesson_or_quiz_stamps_the_enrolment_once(db, demo_course):
    reader, quiz_taker, idle = make_user(db), make_user(db), make_user(db)
    first, second = demo_course.modules[0].lessons[:2]
    services.complete_lesson(db, reader.id, demo_course, first, T0)
    services.complete_lesson(db, reader.id, demo_course, second, T0 + timedelta(days=1))
    quizzes.start_attempt(db, quiz_taker.id, quizzes.quiz_in_course(db, demo_course.modules[0].quiz.id), "en",
                          T0 + timedelta(days=2))
    services.enrol(db, idle.id, demo_course, T0)
    db.commit()
    assert _started_at(db, reader) == T0
    assert _started_at(db, quiz_taker) == T0 + timedelta(days=2)
    assert _started_at(db, idle) is None


def test_the_migration_fills_started_at_from_the_earliest_lesson_or_attempt(db, database_url, demo_course):
    reader, quiz_taker, idle, imported = (make_user(db) for _ in range(4))
    first, second = demo_course.modules[0].lessons[:2]
    services.complete_lesson(db, reader.id, demo_course, second, T0 + timedelta(days=3))
    services.complete_lesson(db, reader.id, demo_course, first, T0 + timedelta(days=1))
    quizzes.start_attempt(db, reader.id, quizzes.quiz_in_course(db, demo_course.modules[0].quiz.id), "en",
                          T0 + timedelta(days=4))
    quizzes.start_attempt(db, quiz_taker.id, quizzes.quiz_in_course(db, demo_course.modules[0].quiz.id), "en",
                          T0 + timedelta(days=2))
    services.enrol(db, idle.id, demo_course, T0)
    services.enrol(db, imported.id, demo_course, T0)
    db.execute(update(Enrolment).where(Enrolment.user_id == imported.id).values(completed_at=T0 + timedelta(days=5)))
    db.commit()
    config = alembic_config(database_url)
    try:
        command.downgrade(config, BEFORE_STARTED_AT)
        command.upgrade(config, "head")
    finally:
        command.upgrade(config, "head")  # a failure above must not leave later tests an old schema
    assert _started_at(db, reader) == T0 + timedelta(days=1)  # its first lesson, read before the quiz
    assert _started_at(db, quiz_taker) == T0 + timedelta(days=2)
    assert _started_at(db, idle) is None
    assert _started_at(db, imported) == T0 + timedelta(days=5)
