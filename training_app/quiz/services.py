"""Quiz attempts: start or resume, autosave, submit exactly once, and what the quiz pages show.

An attempt keeps a snapshot of its questions as they were shown (see `build_snapshot`), so a later
edit of the course never changes a past grade or review.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session, selectinload

from training_app.admin import services as audit
from training_app.auth.models import User
from training_app.certificates.models import Certificate
from training_app.db import dialect_insert
from training_app.learn import services as learn
from training_app.learn.models import Course, Media, Module, Question, Quiz, QuizText
from training_app.learn.outline import Text
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
    texts: Sequence[QuizText] | Sequence[Text]  # the quiz's title in each language
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


def quiz_by_slugs(db: Session, course_slug: str, quiz_slug: str) -> Quiz | None:
    """A published course's quiz, by the ids its package gives them."""
    return db.scalars(select(Quiz).join(Module, Module.id == Quiz.module_id).join(Course, Course.id == Module.course_id)
                      .where(Course.slug == course_slug, Quiz.slug == quiz_slug)).one_or_none()


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


#: the highest autosave sequence number stored (the column is a 32-bit integer on PostgreSQL)
MAX_SEQ = 2**31 - 1


def save_answers(db: Session, attempt: Attempt, raw_answers: Mapping[str, object], now: datetime,
                 seqs: Mapping[str, int] | None = None, *, from_page: bool = False) -> dict[str, int]:
    """Check and upsert answers by (attempt, question); the caller commits.

    Raises grading.InvalidAnswer for an answer the question could not have sent, and QuizError for
    a question outside the attempt ("unknown_question"), a submitted attempt or a passed deadline;
    then nothing is written.
    `seqs` numbers each question's saves, as the page counts them. An autosave numbered no higher
    than the stored answer's number is an old request arriving late: it is skipped, and returned as
    {question id: the stored number}. A page save (`from_page`) always writes, numbered above both
    its own number and the stored one, so that no autosave the page sent before can overwrite it.
    An answer without a number (an older page) writes as before and keeps the stored number.
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
    refused = []
    for question_id, answer in canonical.items():
        seq = (seqs or {}).get(question_id)
        if from_page:
            seq = seq or 1
        statement = insert(Answer).values(attempt_id=attempt.id, question_id=question_id,
                                          value={"answer": answer}, seq=seq, saved_at=now)
        new = statement.excluded
        changes = {"value": new.value, "saved_at": new.saved_at}
        only_if = None
        if from_page:
            changes["seq"] = case((Answer.seq >= new.seq, Answer.seq + 1), else_=new.seq)
        elif seq is not None:
            # Compare-and-set in the one statement, so two racing saves cannot land out of order.
            changes["seq"] = new.seq
            only_if = or_(Answer.seq.is_(None), Answer.seq < new.seq)
        written = db.execute(statement.on_conflict_do_update(
            index_elements=["attempt_id", "question_id"], set_=changes, where=only_if,
        ).returning(Answer.id)).first()
        if written is None:
            refused.append(question_id)
    if not refused:
        return {}
    return dict(db.execute(select(Answer.question_id, Answer.seq)
                           .where(Answer.attempt_id == attempt.id, Answer.question_id.in_(refused))).tuples().all())


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


def saved_seqs(db: Session, attempt: Attempt) -> dict[str, int]:
    """The sequence number of each saved answer, by question id (numbered answers only)."""
    return dict(db.execute(select(Answer.question_id, Answer.seq)
                           .where(Answer.attempt_id == attempt.id, Answer.seq.is_not(None))).tuples().all())


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
    answers = {answer.question_id: answer.value["answer"]
               for answer in db.scalars(select(Answer).where(Answer.attempt_id == attempt.id))
               if _counts(attempt, answer)}
    result = grading.grade(attempt.snapshot["questions"], answers)
    attempt.submitted_at = now
    attempt.passed = result.score >= Fraction(attempt.snapshot["pass_mark"])
    attempt.score = _floored(result.score)
    attempt.results = _results(result.points_earned, result.points_possible,
                               {item.question_id: item.fraction for item in result.results})
    db.flush()
    if attempt.passed:
        course_id = db.scalar(select(Module.course_id).join(Quiz, Quiz.module_id == Module.id)
                              .where(Quiz.id == attempt.quiz_id))
        learn.update_completion(db, attempt.user_id, learn.courses_by_ids(db, [course_id])[0], now)
    return True


def _counts(attempt: Attempt, answer: Answer) -> bool:
    """Whether a saved answer counts in the grade: saved by the deadline, if there is one."""
    return attempt.deadline_at is None or answer.saved_at <= attempt.deadline_at


def _floored(score: Fraction) -> Decimal:
    """The score as stored: floored, so it never rounds up past the pass mark it missed."""
    exact = Decimal(score.numerator) / Decimal(score.denominator)
    return exact.quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)


def _results(earned: Fraction, possible: Fraction, fractions: Mapping[str, Fraction]) -> dict[str, Any]:
    """Attempt.results: the points and each question's share of its points."""
    return {
        "points_earned": str(earned),
        "points_possible": str(possible),
        "questions": {question_id: {"fraction": str(fraction), "is_correct": fraction == 1}
                      for question_id, fraction in fractions.items()},
    }


# --- regrading -----------------------------------------------------------------------------------

#: the fields of a question that decide its grade; the rest (words, options, points) is what the learner saw
ANSWER_KEY_FIELDS = ("correct", "tolerance", "scoring", "regions")


class RegradeChanged(Exception):
    """The grades a preview showed are no longer what applying would do (a version was published since)."""


@dataclass(frozen=True)
class RegradeChange:
    """One submitted attempt whose grade the published answer keys change."""

    attempt_id: int
    user_id: int
    number: int
    old_score: Decimal
    new_score: Decimal
    was_passed: bool
    is_passed: bool
    #: the questions whose grade changes
    question_ids: tuple[str, ...]


@dataclass(frozen=True)
class Regrade:
    """What a regrade changes (or, in a dry run, would change)."""

    applied: bool
    attempts: int  # the submitted attempts checked
    changes: list[RegradeChange]
    #: questions attempts showed that are no longer published or changed beyond their answer key: their grade stays
    kept_question_ids: list[str]
    #: the certificates of learners who pass the quiz no longer, or only now: flagged for review when applied
    certificate_ids: list[int]
    #: learners whose course the regrade completed (applied only: their certificate is issued as usual)
    completions: int = 0

    @property
    def passed_to_failed(self) -> int:
        return sum(change.was_passed and not change.is_passed for change in self.changes)

    @property
    def failed_to_passed(self) -> int:
        return sum(change.is_passed and not change.was_passed for change in self.changes)

    @property
    def fingerprint(self) -> str:
        """Names exactly these changes, so that applying a preview applies what it showed."""
        rows = [(c.attempt_id, str(c.old_score), str(c.new_score), c.was_passed, c.is_passed, list(c.question_ids))
                for c in self.changes]
        text = json.dumps([rows, self.certificate_ids], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def regrade(db: Session, quiz: Quiz, actor: User | None, now: datetime, apply: bool,
            expected: str | None = None) -> Regrade:
    """Grade every submitted attempt of `quiz` again by the published answer keys; the caller commits.

    Questions are matched by id across course versions and graded from the answers that counted at
    submission, with the points and pass mark the attempt had. A question no longer published, or
    changed beyond its answer key (another kind, options or items the attempt did not show), keeps
    its grade. A dry run writes nothing. Applying stores the new grades, keeps the old ones (and the
    keys they were graded by) in each attempt's regrade_history, flags for review, without changing
    them, the certificates of learners whose pass of the quiz changed, completes the course of those
    who pass only now, and records one "quiz.regrade" audit event. Applying again changes nothing.
    Raises RegradeChanged, before writing, when `expected` is not the fingerprint of what it would apply.
    """
    if apply:
        # A no-op write that holds the quiz's row, so that two regrades of one quiz run one after the other.
        db.execute(update(Quiz).where(Quiz.id == quiz.id).values(pass_mark=Quiz.pass_mark)
                   .execution_options(synchronize_session=False))
    course = db.scalars(select(Course).join(Module, Module.course_id == Course.id)
                        .join(Quiz, Quiz.module_id == Module.id).where(Quiz.id == quiz.id)).one()
    published = dict(db.execute(select(Question.slug, Question.spec).where(Question.quiz_id == quiz.id)).tuples().all())
    attempts = db.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_not(None))
                          .order_by(Attempt.id).execution_options(populate_existing=True)).all()
    counted: dict[int, dict[str, object]] = {attempt.id: {} for attempt in attempts}
    by_id = {attempt.id: attempt for attempt in attempts}
    for answer in db.scalars(select(Answer).join(Attempt, Attempt.id == Answer.attempt_id)
                             .where(Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_not(None))):
        if _counts(by_id[answer.attempt_id], answer):
            counted[answer.attempt_id][answer.question_id] = answer.value["answer"]

    changes, kept, plans = [], set(), {}
    for attempt in attempts:
        plan = _regraded(attempt, published, counted[attempt.id], kept)
        if plan is not None:
            plans[attempt.id] = plan
            changes.append(plan[0])
    certificate_ids = _certificates_to_review(db, course.id, attempts, changes)
    result = Regrade(applied=apply, attempts=len(attempts), changes=changes, kept_question_ids=sorted(kept),
                     certificate_ids=certificate_ids)
    if not apply:
        return result
    if expected is not None and expected != result.fingerprint:
        raise RegradeChanged(quiz.id)
    for attempt_id, (change, results, snapshot, replaced_keys) in plans.items():
        attempt = by_id[attempt_id]
        attempt.regrade_history = [*(attempt.regrade_history or []), {
            "at": now.isoformat(), "actor_id": actor.id if actor is not None else None,
            "score": str(attempt.score), "passed": attempt.passed, "results": attempt.results,
            "keys": replaced_keys,
        }]
        attempt.results, attempt.snapshot = results, snapshot
        attempt.score, attempt.passed = change.new_score, change.is_passed
    if certificate_ids:
        db.execute(update(Certificate).where(Certificate.id.in_(certificate_ids)).values(review_needed_at=now)
                   .execution_options(synchronize_session=False))
    db.flush()
    completions = _complete_new_passes(db, course.id, changes, now)
    result = dataclasses.replace(result, completions=completions)
    audit.record(db, actor, "quiz.regrade", target=quiz, now=now, details={
        "course": course.slug, "version": course.version, "attempts": result.attempts,
        "changed": len(changes), "passed_to_failed": result.passed_to_failed,
        "failed_to_passed": result.failed_to_passed, "certificates_flagged": len(certificate_ids),
        "certificate_ids": certificate_ids, "completions": completions,
    })
    return result


def _regraded(attempt: Attempt, published: Mapping[str, Mapping[str, Any]], answers: Mapping[str, object],
              kept: set[str]) -> tuple[RegradeChange, dict, dict, dict] | None:
    """The attempt's change, new results, new snapshot and replaced keys; None when its grade stays.

    Adds to `kept` the ids of the questions that keep their grade because the published one no longer fits.
    """
    questions = (attempt.snapshot or {}).get("questions")
    stored = (attempt.results or {}).get("questions")
    if not questions or stored is None:  # nothing to regrade from (no snapshot, or graded before results were kept)
        return None
    fractions, shown, replaced = {}, [], {}
    for question in questions:
        question_id = question["id"]
        rekeyed = _with_published_key(question, published.get(question_id))
        old = Fraction(stored[question_id]["fraction"]) if question_id in stored else None
        if rekeyed is None:
            kept.add(question_id)
            fractions[question_id] = old if old is not None else grading.score_question(
                question, answers.get(question_id))
            shown.append(question)
            continue
        fractions[question_id] = grading.score_question(rekeyed, answers.get(question_id))
        shown.append(rekeyed)
        old_key = {field: question[field] for field in ANSWER_KEY_FIELDS if field in question}
        if old_key != {field: rekeyed[field] for field in ANSWER_KEY_FIELDS if field in rekeyed}:
            replaced[question_id] = old_key
    moved = tuple(question_id for question_id, fraction in fractions.items()
                  if str(fraction) != stored.get(question_id, {}).get("fraction"))
    if not moved:
        return None
    earned = sum((fractions[q["id"]] * grading.points_of(q) for q in questions), Fraction(0))
    possible = sum((grading.points_of(q) for q in questions), Fraction(0))
    score = earned / possible
    change = RegradeChange(
        attempt_id=attempt.id, user_id=attempt.user_id, number=attempt.number,
        old_score=Decimal(attempt.score), new_score=_floored(score), was_passed=bool(attempt.passed),
        is_passed=score >= Fraction(attempt.snapshot["pass_mark"]), question_ids=moved,
    )
    return change, _results(earned, possible, fractions), {**attempt.snapshot, "questions": shown}, replaced


def _with_published_key(shown: Mapping[str, Any], spec: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The question as the attempt showed it, with the published question's answer key; None if that no longer fits."""
    if spec is None or spec["kind"] != shown["kind"]:
        return None
    kind, correct = spec["kind"], spec.get("correct")
    ids = set(correct) if isinstance(correct, (list, dict)) else {correct}
    if kind in ("single_choice", "multiple_response", "image_choice"):
        fits = ids <= set(shown["choices"])
    elif kind == "matching":
        fits = ids <= set(shown["items"]) and set(correct.values()) <= set(shown["targets"])
    elif kind == "ordering":
        fits = sorted(correct) == sorted(shown["correct"])
    elif kind == "hotspot":
        fits = {region["id"] for region in spec["regions"]} <= {region["id"] for region in shown["regions"]}
    else:
        fits = True
    if not fits:
        return None
    rekeyed = copy.deepcopy(dict(shown))
    for field in ANSWER_KEY_FIELDS:
        if field in spec:
            rekeyed[field] = copy.deepcopy(spec[field])
        else:
            rekeyed.pop(field, None)
    return rekeyed


def _certificates_to_review(db: Session, course_id: int, attempts: Sequence[Attempt],
                            changes: Sequence[RegradeChange]) -> list[int]:
    """The unrevoked certificates, for the quiz's course, of the learners whose pass of the quiz changes."""
    new_pass = {change.attempt_id: change.is_passed for change in changes}
    before: dict[int, bool] = {}
    after: dict[int, bool] = {}
    for attempt in attempts:
        before[attempt.user_id] = before.get(attempt.user_id, False) or bool(attempt.passed)
        after[attempt.user_id] = after.get(attempt.user_id, False) or new_pass.get(attempt.id, bool(attempt.passed))
    users = [user_id for user_id in before if before[user_id] != after[user_id]]
    if not users:
        return []
    return list(db.scalars(select(Certificate.id).where(
        Certificate.user_id.in_(users), Certificate.course_id == course_id, Certificate.revoked_at.is_(None),
    ).order_by(Certificate.id)))


def _complete_new_passes(db: Session, course_id: int, changes: Sequence[RegradeChange], now: datetime) -> int:
    """Complete the course of each learner the regrade made pass (as a passing submit would); how many it did."""
    users = {change.user_id for change in changes if change.is_passed and not change.was_passed}
    if not users:
        return 0
    outline = learn.courses_by_ids(db, [course_id])[0]
    return sum(learn.update_completion(db, user_id, outline, now) for user_id in sorted(users))


# --- summaries ---------------------------------------------------------------------------------


def summaries(db: Session, user_id: int, quizzes: Sequence[Quiz], now: datetime) -> dict[int, QuizSummary]:
    """Each quiz's title texts and the learner's attempts, best score and what they may do next, by quiz id:
    one query (the titles come with the quizzes, from the course outline or the ORM)."""
    ids = [quiz.id for quiz in quizzes]
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
            quiz_id=quiz.id, texts=quiz.texts, attempts_used=len(history), max_attempts=quiz.max_attempts,
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
