"""Builders for certificate tests: pass a course's quizzes and finish it without the quiz engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from training_app.certificates import services, signing
from training_app.certificates.models import Certificate
from training_app.learn import services as learn
from training_app.learn.models import Course, Enrolment, LessonProgress
from training_app.quiz.models import Attempt

#: the demo course's titles, as its package writes them
TITLES = {
    "en": "Refrigerant cylinders at the border",
    "fr": "Les bouteilles de frigorigène à la frontière",
    "es": "Cilindros de refrigerante en la frontera",
}


def pass_quizzes(db: Session, user, course: Course, scores=(Decimal("0.9"), Decimal("0.8")),
                 at: datetime | None = None) -> None:
    """A passing, submitted attempt at each module quiz, as the quiz engine stores it."""
    at = at or datetime.now(UTC)
    quizzes = [module.quiz for module in course.modules if module.quiz is not None]
    for quiz, score in zip(quizzes, scores, strict=True):
        number = len(db.scalars(select(Attempt.id).where(Attempt.user_id == user.id,
                                                         Attempt.quiz_id == quiz.id)).all()) + 1
        db.add(Attempt(user_id=user.id, quiz_id=quiz.id, number=number, seed=number, locale="en", snapshot={},
                       started_at=at - timedelta(minutes=5), submitted_at=at, score=score, passed=True))
    db.commit()


def read_every_lesson(db: Session, user, course: Course, at: datetime) -> None:
    """Enrol and mark every lesson read, without stamping the completion."""
    learn.enrol(db, user.id, course, at)
    for lesson in learn.ordered_lessons(course):
        db.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, completed_at=at))
    db.commit()


def complete(app, db: Session, user, course: Course, on: date | None = None) -> Certificate:
    """Finish the course on `on` (default today) through learn.update_completion; the certificate it issued."""
    at = datetime.combine(on, datetime.min.time(), UTC) + timedelta(hours=12) if on else datetime.now(UTC)
    pass_quizzes(db, user, course, at=at)
    read_every_lesson(db, user, course, at)
    with app.app_context():
        assert learn.update_completion(db, user.id, course, at)
    db.commit()
    return latest_certificate(db, user)


def latest_certificate(db: Session, user) -> Certificate:
    return db.scalars(select(Certificate).where(Certificate.user_id == user.id)
                      .order_by(Certificate.cycle.desc())).first()


def set_expiry(app, db: Session, certificate: Certificate, expires_on: date) -> None:
    """Move a certificate's expiry date and sign it again, as if the course had that validity."""
    certificate.expires_on = expires_on
    with app.app_context():
        certificate.signature = signing.sign(services.current_issuer().key, services.signed_fields(certificate))
    db.commit()


def enrolment_of(db: Session, user, course: Course) -> Enrolment:
    return db.scalars(select(Enrolment).where(Enrolment.user_id == user.id,
                                              Enrolment.course_id == course.id)).one()
