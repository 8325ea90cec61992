"""Quiz attempts: start or resume, autosave, submit exactly once, and what the quiz pages show.

An attempt keeps a snapshot of its questions as they were shown (see `build_snapshot`), so a later
edit of the course never changes a past grade or review.
"""

from __future__ import annotations

import copy
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from training_app.db import dialect_insert
from training_app.learn import services as learn
from training_app.learn.models import Course, Media, Module, Question, Quiz, QuizText
from training_app.quiz import grading
from training_app.quiz.draw import draw_questions
from training_app.quiz.models import Answer, Attempt

SNAPSHOT_VERSION = 1
#: the largest seed the attempts.seed column (a 32-bit integer on PostgreSQL) holds
_SEED_LIMIT = 2**31


class NotFound(LookupError):
    """No such quiz, or no such attempt of this learner (the view answers 404)."""


class QuizError(Exception):
    """What the quiz's rules refuse; `code` picks the view's translated message."""

    CODES = frozenset({"no_attempts_left", "wait", "submitted", "time_up", "unknown_question"})

    def __init__(self, code: str, *, question_id: str | None = None, until: datetime | None = None) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown QuizError code {code!r}")
        super().__init__(code)
        self.code = code
        self.question_id = question_id
        self.until = until  # "wait": when the next attempt may start


@dataclass(frozen=True)
class QuizInCourse:
    quiz: Quiz
    module: Module
    course: Course


@dataclass(frozen=True)
class QuizSummary:
    """One learner's standing on one quiz, for the course page and the result page."""

    quiz_id: int
    texts: list[QuizText]
    attempts_used: int
    max_attempts: int | None
    best_score: Decimal | None
    has_passed: bool
    open_attempt_id: int | None
    last_result_id: int | None  # the latest submitted attempt
    wait_until: datetime | None  # set while the wait between attempts runs
    wait_minutes_left: int | None  # the same, in whole minutes rounded up
    time_limit_minutes: int | None

    @property
    def attempts_left(self) -> int | None:
        return None if self.max_attempts is None else max(0, self.max_attempts - self.attempts_used)

    @property
    def best_percent(self) -> Decimal | None:
        """The best score floored to a whole percent, for format_percent: 79.99 % never shows as 80 %."""
        return None if self.best_score is None else floor_percent(self.best_score)

    @property
    def can_start(self) -> bool:
        return self.open_attempt_id is not None or (self.attempts_left != 0 and self.wait_until is None)


def floor_percent(score: Decimal | str) -> Decimal:
    """A share (0..1) floored to a whole percent, so a score shown never rounds up to the pass mark."""
    return Decimal(score).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


# --- loading, with access checks -----------------------------------------------------------------


def quiz_in_course(db: Session, quiz_id: int) -> QuizInCourse:
    """A quiz with its bank and words loaded, and the module and course it belongs to."""
    quiz = db.scalars(
        select(Quiz).where(Quiz.id == quiz_id)
        .options(selectinload(Quiz.texts), selectinload(Quiz.questions).selectinload(Question.texts))
    ).one_or_none()
    if quiz is None:
        raise NotFound(quiz_id)
    module = db.get(Module, quiz.module_id)
    course = db.scalars(select(Course).where(Course.id == module.course_id)
                        .options(selectinload(Course.texts))).one()
    return QuizInCourse(quiz, module, course)


def own_attempt(db: Session, attempt_id: int, user_id: int) -> Attempt:
    """The learner's own attempt; anyone else's is NotFound, exactly like a missing one."""
    attempt = db.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound(attempt_id)
    return attempt


def open_attempt(db: Session, user_id: int, quiz_id: int) -> Attempt | None:
    return db.scalars(select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id,
                                            Attempt.submitted_at.is_(None))).one_or_none()


def is_overdue(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at


# --- the snapshot ----------------------------------------------------------------------------------


def build_snapshot(db: Session, quiz: Quiz, course_id: int, seed: int, locale: str) -> dict[str, Any]:
    """The attempt's questions as shown: drawn by `seed`, options in shown order, words in `locale`.

    Words missing in `locale` come from English. Each question keeps every field the grader needs
    (hotspots with their image's `width` and `height`), plus `words`, `shown` and its images.
    """
    bank = {"questions": [question.spec for question in quiz.questions], "cases": quiz.cases,
            "draw": quiz.draw, "draw_rules": quiz.draw_rules}
    by_slug = {question.slug: question for question in quiz.questions}
    media = learn.media_for(db, course_id)
    title = learn.localised(quiz.texts, locale).text
    questions = []
    for drawn in draw_questions(bank, seed):
        question = by_slug[drawn.question_id]
        entry = _shown_question(question.spec, drawn.option_order, media, locale)
        words = _words(question.texts, locale)
        entry.update(case=drawn.case_id, words=words, lang=_lang_of(question.texts, locale))
        questions.append(entry)
    drawn_cases = {entry["case"] for entry in questions if entry["case"]}
    return {
        "version": SNAPSHOT_VERSION,
        "locale": locale,
        "title": title.title,
        "pass_mark": str(quiz.pass_mark),
        "time_limit_minutes": quiz.time_limit_minutes,
        "cases": {case["id"]: _shown_case(case, quiz.texts, media, locale)
                  for case in quiz.cases if case["id"] in drawn_cases},
        "questions": questions,
    }


def _shown_question(spec: Mapping[str, Any], order: Sequence[str], media: Mapping, locale: str) -> dict[str, Any]:
    entry = copy.deepcopy(dict(spec))
    entry["points"] = spec.get("points", 1)
    entry["shown"] = list(order)
    kind = spec["kind"]
    if kind in ("single_choice", "multiple_response"):
        entry["choices"] = list(order)
    elif kind == "image_choice":
        entry["choices"] = list(order)
        entry["images"] = {choice: _image(media, spec["choices"][choice], locale) for choice in order}
    elif kind == "matching":
        entry["targets"] = list(order)
    elif kind == "hotspot":
        image = _image(media, spec["image"], locale)
        entry["image"] = image
        # The grader checks clicks against the image the learner saw, in its own pixels.
        entry["width"], entry["height"] = image["width"], image["height"]
    return entry


def _shown_case(case: Mapping[str, Any], texts: Sequence[QuizText], media: Mapping, locale: str) -> dict[str, Any]:
    english = next((text.cases.get(case["id"], {}) for text in texts if text.locale == learn.SOURCE_LOCALE), {})
    local = next((text.cases.get(case["id"]) for text in texts if text.locale == locale), None)
    words = _merged(english, local or {})
    return {
        "text": words.get("text", ""),
        "lang": locale if local else learn.SOURCE_LOCALE,
        "media": [{**_image(media, name, locale), "alt": words.get("media_alt", {}).get(name, "")}
                  for name in case.get("media", ())],
    }


def _image(media: Mapping[tuple[str, str], Media], name: str, locale: str) -> dict[str, Any]:
    """The stored copy of a package image for this language (a `<lang>/media/` copy wins)."""
    row = media.get((name, locale)) or media.get((name, ""))
    if row is None:
        raise LookupError(f"the course has no image {name!r}")
    return {"file": f"{row.sha256}.{row.extension}", "width": row.width, "height": row.height,
            "variants": list(row.variant_widths)}


def _words(texts: Iterable[Any], locale: str) -> dict[str, Any]:
    by_locale = {text.locale: text.words for text in texts}
    return _merged(by_locale.get(learn.SOURCE_LOCALE, {}), by_locale.get(locale, {}))


def _lang_of(texts: Iterable[Any], locale: str) -> str:
    return locale if any(text.locale == locale for text in texts) else learn.SOURCE_LOCALE


def _merged(english: Mapping[str, Any], local: Mapping[str, Any]) -> dict[str, Any]:
    """`local` over `english`, key by key, so a missing or blank translation shows English, never nothing."""
    merged = dict(english)
    for key, value in local.items():
        if isinstance(value, Mapping) and isinstance(english.get(key), Mapping):
            merged[key] = _merged(english[key], value)
        elif value not in (None, "", {}):
            merged[key] = value
    return merged


def pages(snapshot: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    """The attempt's pages: one question each, or a whole case's questions together."""
    result: list[list[dict[str, Any]]] = []
    for question in snapshot["questions"]:
        if result and question["case"] and result[-1][0]["case"] == question["case"]:
            result[-1].append(question)
        else:
            result.append([question])
    return result


# --- starting, saving and submitting -------------------------------------------------------------


def start_attempt(db: Session, user_id: int, found: QuizInCourse, locale: str, now: datetime) -> Attempt:
    """Resume the learner's open attempt, or start a new one if the quiz allows; the caller commits.

    An open attempt whose time ran out is submitted (its answers saved in time are graded) and
    returned. Two concurrent starts make one attempt: the database keeps one open attempt per quiz.
    """
    quiz = found.quiz
    current = open_attempt(db, user_id, quiz.id)
    if current is not None:
        if is_overdue(current, now):
            submit(db, current, now)
        return current
    history = list(db.scalars(select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id)
                              .order_by(Attempt.number)))
    if quiz.max_attempts is not None and len(history) >= quiz.max_attempts:
        raise QuizError("no_attempts_left")
    wait_until = _wait_until(quiz, history)
    if wait_until is not None and now < wait_until:
        raise QuizError("wait", until=wait_until)
    learn.mark_started(db, user_id, found.course, now)
    seed = secrets.randbelow(_SEED_LIMIT)
    values = dict(
        user_id=user_id, quiz_id=quiz.id, number=(history[-1].number + 1 if history else 1), seed=seed,
        locale=locale, snapshot=build_snapshot(db, quiz, found.course.id, seed, locale), started_at=now,
        deadline_at=now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None,
    )
    # A concurrent start that won the race holds the open attempt (or the number): resume that one.
    db.execute(dialect_insert(db)(Attempt).values(**values).on_conflict_do_nothing())
    started = open_attempt(db, user_id, quiz.id)
    if started is None:  # the winner already finished: its result is the answer to this request
        started = db.scalars(select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id)
                             .order_by(Attempt.number.desc()).limit(1)).one()
    return started


def _wait_until(quiz: Quiz, history: Sequence[Attempt]) -> datetime | None:
    submitted = [attempt.submitted_at for attempt in history if attempt.submitted_at is not None]
    if not quiz.wait_minutes or not submitted:
        return None
    return max(submitted) + timedelta(minutes=quiz.wait_minutes)


def save_answers(db: Session, attempt: Attempt, raw_answers: Mapping[str, object], now: datetime) -> None:
    """Check and upsert answers by (attempt, question); all or nothing. The caller commits.

    Raises grading.InvalidAnswer for an answer the question could not have sent, and QuizError for
    a question outside the attempt ("unknown_question"), a submitted attempt or a passed deadline.
    """
    questions = {question["id"]: question for question in attempt.snapshot["questions"]}
    canonical = {}
    for question_id, raw in raw_answers.items():
        if question_id not in questions:
            raise QuizError("unknown_question", question_id=question_id)
        question = questions[question_id]
        canonical[question_id] = grading.normalise_answer(question, _prepared(question, raw))
    _hold_open(db, attempt, now)
    insert = dialect_insert(db)
    for question_id, answer in canonical.items():
        statement = insert(Answer).values(attempt_id=attempt.id, question_id=question_id,
                                          value={"answer": answer}, saved_at=now)
        db.execute(statement.on_conflict_do_update(
            index_elements=["attempt_id", "question_id"],
            set_={"value": statement.excluded.value, "saved_at": statement.excluded.saved_at},
        ))


def _hold_open(db: Session, attempt: Attempt, now: datetime) -> None:
    """Refuse a submitted or overdue attempt, and lock its row so a concurrent submit grades after us."""
    if attempt.submitted_at is not None:
        raise QuizError("submitted")
    if is_overdue(attempt, now):
        raise QuizError("time_up")
    held = db.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(number=Attempt.number).execution_options(synchronize_session=False)
    ).rowcount
    if not held:
        raise QuizError("submitted")


def _prepared(question: Mapping[str, Any], raw: object) -> object:
    """Ordering also arrives as {item: position} (number selects without JavaScript); make it a list."""
    if question["kind"] == "ordering" and isinstance(raw, Mapping):
        return order_from_positions(question, raw)
    return raw


def order_from_positions(question: Mapping[str, Any], positions: Mapping[str, object]) -> list[str] | None:
    """Items sorted by the numbers the learner gave them (1 = first); None when none has a number."""
    items = list(question["correct"])
    for item in positions:
        if item not in items:
            raise grading.InvalidAnswer("unknown_choice", question["id"])
    given = {item: positions.get(item) for item in items}
    filled = {item: value for item, value in given.items()
              if value is not None and not (isinstance(value, str) and not value.strip())}
    if not filled:
        return None
    if len(filled) < len(items):
        raise grading.InvalidAnswer("incomplete", question["id"])
    numbers = {item: _position(value, len(items), question["id"]) for item, value in filled.items()}
    if len(set(numbers.values())) < len(numbers):
        raise grading.InvalidAnswer("duplicate_choice", question["id"])
    return sorted(items, key=numbers.__getitem__)


def _position(value: object, count: int, question_id: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise grading.InvalidAnswer("malformed", question_id)
    number = int(str(value).strip())
    if not 1 <= number <= count:
        raise grading.InvalidAnswer("unknown_choice", question_id)
    return number


def saved_answers(db: Session, attempt: Attempt) -> dict[str, object]:
    """The learner's latest answers, by question id; unanswered questions are absent."""
    return {answer.question_id: answer.value["answer"]
            for answer in db.scalars(select(Answer).where(Answer.attempt_id == attempt.id))
            if answer.value.get("answer") is not None}


def submit(db: Session, attempt: Attempt, now: datetime) -> bool:
    """Grade the attempt exactly once (compare-and-set on submitted_at); False if it already was.

    Only answers saved by the deadline count. A pass updates the module's and course's completion.
    The caller commits.
    """
    claimed = db.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.refresh(attempt)
        return False
    answers = {
        answer.question_id: answer.value["answer"]
        for answer in db.scalars(select(Answer).where(Answer.attempt_id == attempt.id))
        if attempt.deadline_at is None or answer.saved_at <= attempt.deadline_at
    }
    result = grading.grade(attempt.snapshot["questions"], answers)
    attempt.submitted_at = now
    attempt.passed = result.score >= Fraction(attempt.snapshot["pass_mark"])
    # Floored, so a stored score never rounds up past the pass mark it missed.
    exact = Decimal(result.score.numerator) / Decimal(result.score.denominator)
    attempt.score = exact.quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)
    attempt.results = {
        "points_earned": str(result.points_earned),
        "points_possible": str(result.points_possible),
        "questions": {item.question_id: {"fraction": str(item.fraction), "is_correct": item.is_correct}
                      for item in result.results},
    }
    db.flush()
    if attempt.passed:
        course_id = db.scalar(select(Module.course_id).join(Quiz, Quiz.module_id == Module.id)
                              .where(Quiz.id == attempt.quiz_id))
        learn.update_completion(db, attempt.user_id, learn.courses_by_ids(db, [course_id])[0], now)
    return True


# --- summaries ---------------------------------------------------------------------------------


def summaries(db: Session, user_id: int, quizzes: Sequence[Quiz], now: datetime) -> dict[int, QuizSummary]:
    """Each quiz's title texts and the learner's attempts, best score and what they may do next, by quiz id."""
    ids = [quiz.id for quiz in quizzes]
    texts: dict[int, list[QuizText]] = {quiz_id: [] for quiz_id in ids}
    for text in db.scalars(select(QuizText).where(QuizText.quiz_id.in_(ids))):
        texts[text.quiz_id].append(text)
    attempts: dict[int, list[Attempt]] = {quiz_id: [] for quiz_id in ids}
    for attempt in db.scalars(select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id.in_(ids))
                              .order_by(Attempt.number)):
        attempts[attempt.quiz_id].append(attempt)
    result = {}
    for quiz in quizzes:
        history = attempts[quiz.id]
        submitted = [attempt for attempt in history if attempt.submitted_at is not None]
        opened = next((attempt.id for attempt in history if attempt.submitted_at is None), None)
        wait_until = _wait_until(quiz, history)
        if wait_until is not None and now >= wait_until:
            wait_until = None
        result[quiz.id] = QuizSummary(
            quiz_id=quiz.id, texts=texts[quiz.id], attempts_used=len(history), max_attempts=quiz.max_attempts,
            best_score=max((attempt.score for attempt in submitted), default=None),
            has_passed=any(attempt.passed for attempt in submitted), open_attempt_id=opened,
            last_result_id=submitted[-1].id if submitted else None,
            wait_until=wait_until,
            wait_minutes_left=None if wait_until is None else math.ceil((wait_until - now).total_seconds() / 60),
            time_limit_minutes=quiz.time_limit_minutes,
        )
    return result


# --- review ----------------------------------------------------------------------------------------


def regions_hit(question: Mapping[str, Any], answer: object) -> list[str]:
    """The ids of the hotspot regions an answer (a click or a region id) falls in."""
    if answer is None:
        return []
    return [region["id"] for region in question["regions"]
            if grading.score_question({**question, "correct": [region["id"]]}, answer) == 1]


def question_result(attempt: Attempt, question_id: str) -> tuple[Fraction, bool] | None:
    """The share of points and rightness stored at grading, or None before submission."""
    stored = (attempt.results or {}).get("questions", {}).get(question_id)
    return None if stored is None else (Fraction(stored["fraction"]), stored["is_correct"])
