"""Builders for quiz tests: start an attempt, and the form fields or JSON that answer a question."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from training_app.db import utcnow
from training_app.quiz.draw import draw_questions
from training_app.quiz.forms import field_name
from training_app.quiz.models import Answer, Attempt
from training_app.quiz.services import build_snapshot, pages, quiz_in_course


def make_attempt(db: Session, learner, quiz, seed: int, locale: str = "en", now: datetime | None = None) -> Attempt:
    """An open attempt drawn with a chosen seed, as start_attempt makes it with a random one."""
    now = now or utcnow()
    found = quiz_in_course(db, quiz.id)
    earlier = db.scalars(select(Attempt).where(Attempt.user_id == learner.id, Attempt.quiz_id == quiz.id)).all()
    limit = quiz.time_limit_minutes
    attempt = Attempt(user_id=learner.id, quiz_id=quiz.id, number=len(earlier) + 1, seed=seed, locale=locale,
                      snapshot=build_snapshot(db, found.quiz, found.course.id, seed, locale), started_at=now,
                      deadline_at=now + timedelta(minutes=limit) if limit else None)
    db.add(attempt)
    db.commit()
    return attempt


def _paperwork_draws(seeds: range = range(100)) -> list[tuple[int, set[str]]]:
    """(seed, question ids drawn) for the demo paperwork quiz, which draws 4 of its 5 questions."""
    from tests.conftest import DEMO_PACKAGE
    from training_app.content import load_package

    bank = asdict(load_package(DEMO_PACKAGE).quizzes["check-paperwork"])
    return [(seed, {question.question_id for question in draw_questions(bank, seed)}) for seed in seeds]


def seed_drawing(*question_ids: str) -> int:
    """A seed whose draw of the paperwork quiz includes these questions."""
    return next(seed for seed, drawn in _paperwork_draws() if set(question_ids) <= drawn)


def seeds_drawing_every_question() -> list[int]:
    """Seeds whose draws of the paperwork quiz together show all of its questions."""
    seen: set[str] = set()
    seeds = []
    for seed, drawn in _paperwork_draws():
        if not drawn <= seen:
            seen |= drawn
            seeds.append(seed)
    assert len(seen) == 5
    return seeds


def quiz_of(course, module_slug: str):
    return next(module.quiz for module in course.modules if module.slug == module_slug)


def start(client, db: Session, quiz) -> Attempt:
    """Start (or resume) through the app, as the signed-in learner's button does; the attempt row."""
    response = client.post_form(f"/quizzes/{quiz.id}/attempts")
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
    db.expire_all()
    return db.get(Attempt, attempt_id)


def right_fields(question: dict[str, Any]) -> dict[str, Any]:
    """The form fields a learner without JavaScript sends to answer `question` right."""
    name, kind, correct = field_name(question["id"]), question["kind"], question["correct"]
    if kind == "true_false":
        return {name: "true" if correct else "false"}
    if kind == "matching":
        return {field_name(question["id"], item): target for item, target in correct.items()}
    if kind == "ordering":
        return {field_name(question["id"], item): str(position) for position, item in enumerate(correct, 1)}
    if kind == "numeric":
        return {name: str(correct).replace(".", ",")}  # as a French officer types it
    if kind == "hotspot":
        return {name: correct[0]}  # the keyboard and screen-reader way: the region's radio button
    return {name: correct}


def right_json(question: dict[str, Any]) -> object:
    """The answer quiz.js sends for `question` answered right (a hotspot as a click in its region)."""
    kind, correct = question["kind"], question["correct"]
    if kind == "hotspot":
        region = next(region for region in question["regions"] if region["id"] == correct[0])
        left, top, width, height = region["rect"]
        return {"x": left + width / 2, "y": top + height / 2}
    if kind == "ordering":
        return {item: position for position, item in enumerate(correct, 1)}
    return correct


def save_page(client, attempt: Attempt, page: int | str, fields: dict[str, Any], go: str = "next", **kwargs):
    return client.post_form(f"/attempts/{attempt.id}/answers", {"page": page, "go": go, **fields}, **kwargs)


def answer_every_page_right(client, attempt: Attempt) -> None:
    for number, questions in enumerate(pages(attempt.snapshot), 1):
        fields = {key: value for question in questions for key, value in right_fields(question).items()}
        response = save_page(client, attempt, number, fields)
        assert response.status_code == 302, response.get_data(as_text=True)


def autosave(client, attempt_id: int, answers: dict[str, Any]):
    return client.post(f"/attempts/{attempt_id}/autosave", json={"answers": answers},
                       headers={"X-CSRFToken": client.csrf_token(), "Accept": "application/json"})


def question_of(attempt: Attempt, kind: str) -> dict[str, Any]:
    return next(question for question in attempt.snapshot["questions"] if question["kind"] == kind)


def page_of(attempt: Attempt, question_id: str) -> int:
    return next(number for number, questions in enumerate(pages(attempt.snapshot), 1)
                if any(question["id"] == question_id for question in questions))


def stored_answers(db: Session, attempt: Attempt) -> dict[str, Any]:
    db.expire_all()
    return {row.question_id: row.value["answer"]
            for row in db.scalars(select(Answer).where(Answer.attempt_id == attempt.id))}


def take_quiz(db: Session, learner, quiz, answer_of, seed: int = 1, now: datetime | None = None) -> Attempt:
    """A submitted attempt, through the quiz services, answering each question with `answer_of(question)`.

    A pass completes the course as the quiz page's submit would: call it inside an app context then.
    """
    from training_app.quiz import services

    now = now or utcnow()
    attempt = make_attempt(db, learner, quiz, seed=seed, now=now)
    services.save_answers(db, attempt, {q["id"]: answer_of(q) for q in attempt.snapshot["questions"]}, now)
    services.submit(db, attempt, now)
    db.commit()
    return attempt


def publish_version(app, db: Session, folder, quiz_id: str, keys: dict[str, Any] | None = None,
                    removed: tuple[str, ...] = (), version: int = 3) -> None:
    """Import a newer version of the demo course whose quiz `quiz_id` has new answer keys
    ({question id: new `correct`}) and lacks the questions in `removed`, as a trainer's package would be."""
    import shutil

    import yaml

    from tests.conftest import DEMO_PACKAGE
    from training_app.learn import importer

    root = folder / "demo-course"
    shutil.copytree(DEMO_PACKAGE, root)
    course_yaml = root / "course.yaml"
    course_yaml.write_text(re.sub(r"(?m)^version: \d+", f"version: {version}", course_yaml.read_text()))
    structure = root / "quizzes" / f"{quiz_id}.yaml"
    quiz = yaml.safe_load(structure.read_text())
    quiz["questions"] = [question for question in quiz["questions"] if question["id"] not in removed]
    for question in quiz["questions"]:
        if question["id"] in (keys or {}):
            question["correct"] = keys[question["id"]]
    structure.write_text(yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False))
    for lang in ("en", "fr", "es"):
        words_file = root / lang / "quizzes" / f"{quiz_id}.yaml"
        words = yaml.safe_load(words_file.read_text())
        for question_id in removed:
            words["questions"].pop(question_id)
        words_file.write_text(yaml.safe_dump(words, allow_unicode=True, sort_keys=False))
    importer.import_paths(db, [root], app.config["MEDIA_PATH"])
    db.commit()
    db.expire_all()


def passed_paperwork(db: Session, learner, course) -> None:
    """A passed attempt at the demo course's paperwork quiz, stored as certificate tests store it (no snapshot)."""
    from decimal import Decimal

    now = utcnow()
    db.add(Attempt(user_id=learner.id, quiz_id=quiz_of(course, "paperwork").id, number=1, seed=1, locale="en",
                   snapshot={}, started_at=now - timedelta(minutes=5), submitted_at=now, score=Decimal("0.9"),
                   passed=True))
    db.commit()


def certified_by_the_quiz(app, db: Session, course):
    """(learner, attempt, certificate): a learner who read every lesson, passed the paperwork quiz, then took
    check-cylinders through the quiz services with every answer right, which completed the course."""
    from tests.certificates.helpers import read_every_lesson
    from tests.factories import make_user
    from training_app.certificates.models import Certificate

    learner = make_user(db)
    read_every_lesson(db, learner, course, utcnow())
    passed_paperwork(db, learner, course)
    with app.app_context():
        attempt = take_quiz(db, learner, quiz_of(course, "cylinders"), right_json)
    certificate = db.scalars(select(Certificate).where(Certificate.user_id == learner.id)).one()
    return learner, attempt, certificate
