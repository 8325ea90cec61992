"""Builders for the report tests: organisations, a second course, learners in every state, attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tests.admin.builders import make_post
from tests.factories import make_agency
from training_app.auth.models import Organisation, User
from training_app.certificates.models import Certificate
from training_app.certificates.services import new_code
from training_app.learn.models import Course, CourseText, Enrolment, LessonProgress
from training_app.quiz.models import Answer, Attempt

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


@dataclass
class Orgs:
    cbsa: Organisation
    lacolle: Organisation
    anam: Organisation
    cbp: Organisation


def make_orgs(db: Session) -> Orgs:
    cbsa = make_agency(db, "CA", "CBSA")
    return Orgs(cbsa, make_post(db, cbsa, "Lacolle"), make_agency(db, "MX", "ANAM"), make_agency(db, "US", "CBP"))


def make_course(db: Session, slug: str = "second-course", titles: dict[str, str] | None = None) -> Course:
    course = Course(slug=slug, version=1, topic="ods", languages=["en", "fr", "es"], estimated_minutes=30,
                    certificate_validity_months=24, last_verified_on=TODAY, sources=[])
    for locale, title in (titles or {"en": "Second course", "fr": "Deuxième cours", "es": "Segundo curso"}).items():
        course.texts.append(CourseText(locale=locale, title=title, summary="", description=""))
    db.add(course)
    db.commit()
    return course


@dataclass(frozen=True)
class Seeded:
    """What one enrolment was given: the report must find exactly this."""

    user_id: int
    course_id: int
    country: str | None
    organisation_id: int | None
    agency_id: int | None
    enrolled_at: datetime
    completed_at: datetime | None
    progress: str
    certificate: str | None  # valid, expiring (valid too), expired, revoked
    expires_on: date | None
    score: Decimal | None


def seed_learners(db: Session, organisations: list[Organisation | None], courses: list[Course], count: int,
                  seed: int = 7, first_lesson_id: int | None = None, name: str | None = None) -> list[Seeded]:
    """`count` learners spread over `organisations`, each enrolled in some `courses` in a random state.

    In-progress enrolments are all in the first course, with its lesson `first_lesson_id` read.
    """
    rng = random.Random(seed)
    seeded = []
    for number in range(count):
        organisation = organisations[number % len(organisations)]
        user = User(email=f"seed{seed}-{number}@example.org", name=name or f"Learner {seed}-{number:04d}",
                    password_hash="x", role="learner", locale=("en", "fr", "es")[number % 3],
                    organisation_id=organisation.id if organisation else None)
        db.add(user)
        db.flush()
        for index, course in enumerate(courses):
            if index and rng.random() < 0.5:
                continue
            enrolled_at = NOW - timedelta(days=rng.randint(1, 700), hours=rng.randint(0, 23))
            state = rng.choice(["not_started", "in_progress", "completed", "completed"])
            if state == "in_progress" and (index or first_lesson_id is None):
                state = "not_started"
            completed_at = certificate = expires_on = score = None
            if state == "completed":
                completed_at = enrolled_at + timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
                certificate = rng.choice(["valid", "valid", "expiring", "expired", "revoked"])
                expires_on = {"valid": TODAY + timedelta(days=rng.randint(61, 600)),
                              "expiring": TODAY + timedelta(days=rng.randint(0, 60)),
                              "expired": TODAY - timedelta(days=rng.randint(1, 300)),
                              "revoked": TODAY + timedelta(days=100)}[certificate]
                score = Decimal(rng.randint(80, 100)) / 100
            db.add(Enrolment(user_id=user.id, course_id=course.id, version=1, enrolled_at=enrolled_at,
                             started_at=enrolled_at if state != "not_started" else None, completed_at=completed_at))
            if state == "in_progress":
                db.add(LessonProgress(user_id=user.id, lesson_id=first_lesson_id, completed_at=enrolled_at))
            if certificate:
                db.add(make_certificate(user, course, completed_at, expires_on, score,
                                        revoked=certificate == "revoked"))
            seeded.append(Seeded(user.id, course.id, organisation.country if organisation else None,
                                 organisation.id if organisation else None,
                                 (organisation.parent_id or organisation.id) if organisation else None,
                                 enrolled_at, completed_at, state, certificate, expires_on, score))
    db.commit()
    return seeded


def make_certificate(user: User, course: Course, completed_at: datetime, expires_on: date, score: Decimal | None,
                     revoked: bool = False, cycle: int = 1) -> Certificate:
    return Certificate(
        code=new_code(), user_id=user.id, course_id=course.id, cycle=cycle, learner_name=user.name,
        course_titles={"en": "Course"}, course_version=1, completed_on=completed_at.date(), score=score,
        expires_on=expires_on, issuer="Test issuer", issued_at=completed_at, key_id="test", signature="test",
        revoked_at=NOW if revoked else None, revoked_reason="Issued in error" if revoked else None)


def add_attempt(db: Session, user: User, quiz_id: int, locale: str, results: dict[str, bool],
                answers: dict[str, object], number: int = 1) -> Attempt:
    """A submitted attempt with the given per-question rightness and saved answers."""
    right = sum(results.values())
    attempt = Attempt(user_id=user.id, quiz_id=quiz_id, number=number, seed=1, locale=locale,
                      snapshot={"title": "Check the cylinders", "questions": []}, started_at=NOW,
                      submitted_at=NOW, score=Decimal(right) / len(results), passed=right == len(results),
                      results={"points_earned": str(right), "points_possible": str(len(results)),
                               "questions": {slug: {"fraction": "1" if ok else "0", "is_correct": ok}
                                             for slug, ok in results.items()}})
    db.add(attempt)
    db.flush()
    if answers:
        db.execute(insert(Answer), [{"attempt_id": attempt.id, "question_id": slug, "value": {"answer": value},
                                     "saved_at": NOW} for slug, value in answers.items()])
    return attempt
