"""Seed data for the benchmarks: a course of 10 modules and 50 lessons with a 10-question quiz per
module, and learners with enrolments and progress. Written as a course package and imported, so it
goes through the same code as real content."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from training_app.auth import services as accounts
from training_app.auth.models import User
from training_app.certificates import services as certificates
from training_app.db import utcnow
from training_app.learn import importer, services
from training_app.learn.models import Enrolment, LessonProgress
from training_app.quiz import services as quizzes
from training_app.quiz.models import Attempt

SLUG = "bench-course"
MODULES, LESSONS_PER_MODULE = 10, 5
PASSWORD = secrets.token_urlsafe(16)
LESSON_BODY = "\n".join(
    [
        "A cylinder's colour does not prove what is inside it.",
        "Read the label, then compare it with the invoice, the licence and the HS code declared.",
        "",
        "::: key-points",
        "- Check the label before the valve.",
        "- Compare every document with the goods.",
        ":::",
        "",
    ]
    + [f"Paragraph {n}: an officer compares the refrigerant named on the label with the licence." for n in range(40)]
    + ["", "::: reference-card", "| Item | Where |", "| --- | --- |", "| Refrigerant | label |", ":::", ""]
)


def write_package(root: Path) -> Path:
    package = root / SLUG
    modules = []
    for m in range(MODULES):
        lessons = [f"m{m}-lesson-{n}" for n in range(LESSONS_PER_MODULE)]
        modules.append(f"  - id: module-{m}\n    lessons: [{', '.join(lessons)}]\n    quiz: quiz-{m}\n")
        questions = "".join(
            f"  - id: q{q}\n    kind: single_choice\n    choices: [a, b, c, d]\n    correct: a\n" for q in range(10))
        (package / "quizzes").mkdir(parents=True, exist_ok=True)
        (package / "quizzes" / f"quiz-{m}.yaml").write_text(f"pass_mark: 0.8\nreview: full\nquestions:\n{questions}")
        for lang in ("en", "fr", "es"):
            words = "".join(
                f"  q{q}:\n    prompt: \"Question {q} ({lang})\"\n    explanation: \"Because.\"\n    choices:\n"
                + "".join(f"      {c}:\n        text: \"Choice {c}\"\n" for c in "abcd") for q in range(10))
            (package / lang / "quizzes").mkdir(parents=True, exist_ok=True)
            (package / lang / "quizzes" / f"quiz-{m}.yaml").write_text(f"title: \"Quiz {m}\"\nquestions:\n{words}")
            (package / lang / "lessons").mkdir(parents=True, exist_ok=True)
            for lesson in lessons:
                (package / lang / "lessons" / f"{lesson}.md").write_text(
                    f"---\ntitle: \"Lesson {lesson} ({lang})\"\n---\n{LESSON_BODY}")
    (package / "course.yaml").write_text(
        f"slug: {SLUG}\nversion: 1\ntopic: ods\nlanguages: [en, fr, es]\nestimated_minutes: 300\n"
        "certificate_validity_months: 24\nlast_verified_on: 2026-11-26\nsources:\n"
        "  - key: bench\n    title: Benchmark source\n    url: https://example.org/\nmodules:\n" + "".join(modules))
    for lang in ("en", "fr", "es"):
        titles = "".join(f"  module-{m}:\n    title: \"Module {m}\"\n" for m in range(MODULES))
        (package / lang / "course.md").write_text(
            f"---\ntitle: \"Benchmark course ({lang})\"\nsummary: \"For load tests.\"\nmodules:\n{titles}---\nBody.\n")
    return package


@dataclass(frozen=True)
class Seeded:
    email: str  # the learner the GET scenarios sign in as
    user_ids: list[int]  # every learner, the first one being `email`
    attempt_ids: list[int]  # one open attempt of quiz 0 per learner, in the same order
    certificate_code: str  # the first learner's certificate


def seed(db: Session, media_dir: Path, workdir: Path, learners: int) -> Seeded:
    """Import the course; create learners who read half the lessons and started quiz 0 (the first learner
    also holds a certificate)."""
    importer.import_paths(db, [write_package(workdir)], media_dir)
    db.commit()
    course = services.course_by_slug(db, SLUG)
    lessons = services.ordered_lessons(course)
    password_hash = accounts.hash_password(PASSWORD)  # one hash for all: seeding, not signing in
    now = utcnow()
    db.execute(insert(User), [
        {"email": f"learner{n}@bench.example", "name": f"Learner {n}", "password_hash": password_hash,
         "role": "learner", "locale": ("en", "fr", "es")[n % 3], "is_active": True, "session_epoch": 0,
         "created_at": now} for n in range(learners)])
    user_ids = list(db.scalars(select(User.id).order_by(User.id)))
    db.execute(insert(Enrolment), [{"user_id": uid, "course_id": course.id, "version": 1, "enrolled_at": now}
                                   for uid in user_ids])
    db.execute(insert(LessonProgress), [{"user_id": uid, "lesson_id": lesson.id, "completed_at": now}
                                        for uid in user_ids for lesson in lessons[: len(lessons) // 2]])
    # One attempt started through the real service; the others share its snapshot (only seeds differ).
    found = quizzes.quiz_in_course(db, course.modules[0].quiz.id)
    first = quizzes.start_attempt(db, user_ids[0], found, "en", now)
    db.execute(insert(Attempt), [
        {"user_id": uid, "quiz_id": first.quiz_id, "number": 1, "seed": first.seed + n, "locale": "en",
         "snapshot": first.snapshot, "started_at": now} for n, uid in enumerate(user_ids[1:], start=1)])
    enrolment = db.scalars(select(Enrolment).where(Enrolment.user_id == user_ids[0])).one()
    enrolment.completed_at = now
    certificate = certificates.issue_certificate(db, enrolment, course, now)
    db.commit()
    attempts = dict(db.execute(select(Attempt.user_id, Attempt.id).where(Attempt.quiz_id == first.quiz_id)).all())
    return Seeded("learner0@bench.example", user_ids, [attempts[uid] for uid in user_ids], certificate.code)
