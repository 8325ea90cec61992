"""The learner's journey: catalogue, enrolment, lesson completion and progress computed from stored events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from sqlalchemy import func, select, true, update
from sqlalchemy.orm import Session

from training_app.certificates import services as certificates
from training_app.db import dialect_insert
from training_app.learn.models import (
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    LessonText,
    Media,
)
from training_app.learn.outline import CourseOutline, LessonOutline, ModuleOutline, outlines
from training_app.quiz.models import Attempt

SOURCE_LOCALE = "en"


class HasLocale(Protocol):
    locale: str


T = TypeVar("T", bound=HasLocale)


@dataclass(frozen=True)
class Localised(Generic[T]):
    """A text row in the learner's language, or the English one when that is missing."""

    text: T
    is_fallback: bool


def localised(texts: Iterable[T], locale: str) -> Localised[T]:
    by_locale = {text.locale: text for text in texts}
    if locale in by_locale:
        return Localised(by_locale[locale], False)
    return Localised(by_locale[SOURCE_LOCALE], True)


class NotFound(LookupError):
    """No such course or lesson (the view answers 404)."""


@dataclass(frozen=True)
class Step:
    """Where "continue" leads: a lesson, or a module's quiz once its lessons are done."""

    kind: str  # "lesson" | "quiz"
    module: ModuleOutline
    lesson: LessonOutline | None = None


@dataclass(frozen=True)
class CourseProgress:
    lessons_done: int
    lessons_total: int
    modules_done: int
    modules_total: int
    completed_at: datetime | None
    next_step: Step | None

    @property
    def share(self) -> float:
        """Steps done over steps: every lesson and every quiz counts one."""
        return self.lessons_done / self.lessons_total if self.lessons_total else 0.0

    @property
    def state(self) -> str:
        if self.completed_at or (self.modules_total and self.modules_done == self.modules_total):
            return "done"
        return "in_progress" if self.lessons_done or self.modules_done else "not_started"


def catalogue(db: Session, topic: str | None = None, language: str | None = None) -> list[CourseOutline]:
    """Courses a learner can take, optionally filtered, ordered by topic then slug."""
    courses = outlines(db, Course.topic == topic if topic else true())
    if language:
        courses = [course for course in courses if language in course.languages]
    return sorted(courses, key=lambda course: (course.topic, course.slug))


def course_by_slug(db: Session, slug: str) -> CourseOutline:
    """The published course's outline: modules, lessons, quizzes and their titles in every language."""
    found = outlines(db, Course.slug == slug)
    if not found:
        raise NotFound(slug)
    return found[0]


def courses_by_ids(db: Session, ids: Iterable[int]) -> list[CourseOutline]:
    return outlines(db, Course.id.in_(list(ids)))


def lesson_in(course: CourseOutline, lesson_slug: str) -> LessonOutline:
    for module in course.modules:
        for lesson in module.lessons:
            if lesson.slug == lesson_slug:
                return lesson
    raise NotFound(lesson_slug)


def ordered_lessons(course: CourseOutline) -> list[LessonOutline]:
    return [lesson for module in course.modules for lesson in module.lessons]


def done_lesson_ids(db: Session, user_id: int, course_ids: Sequence[int]) -> set[int]:
    return set(finished_lessons(db, user_id, course_ids))


def finished_lessons(db: Session, user_id: int, course_ids: Sequence[int]) -> dict[int, datetime]:
    """When the learner finished each lesson of these courses, by lesson id (the dashboard's progress and
    recent activity from one query)."""
    return dict(db.execute(
        select(LessonProgress.lesson_id, LessonProgress.completed_at)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id, Lesson.course_id.in_(course_ids))
    ).tuples().all())


def passed_quiz_ids(db: Session, user_id: int) -> set[int]:
    return set(db.scalars(select(Attempt.quiz_id).where(Attempt.user_id == user_id, Attempt.passed.is_(True))))


def enrolments_of(db: Session, user_id: int) -> dict[int, Enrolment]:
    return {e.course_id: e for e in db.scalars(select(Enrolment).where(Enrolment.user_id == user_id))}


def progress_of(course: CourseOutline, done: set[int], passed: set[int], enrolment: Enrolment | None) -> CourseProgress:
    """Progress from stored events: finished lessons and passed quizzes."""
    lessons_total = lessons_done = modules_done = 0
    next_step: Step | None = None
    for module in course.modules:
        module_lessons_done = sum(lesson.id in done for lesson in module.lessons)
        lessons_total += len(module.lessons)
        lessons_done += module_lessons_done
        quiz_passed = module.quiz is None or module.quiz.id in passed
        if module_lessons_done == len(module.lessons) and quiz_passed:
            modules_done += 1
        elif next_step is None:
            unfinished = next((lesson for lesson in module.lessons if lesson.id not in done), None)
            next_step = Step("lesson", module, unfinished) if unfinished else Step("quiz", module)
    return CourseProgress(lessons_done, lessons_total, modules_done, len(course.modules),
                          enrolment.completed_at if enrolment else None, next_step)


def catalogue_progress(db: Session, user_id: int, courses: Sequence[CourseOutline]) -> dict[int, tuple[int, int]]:
    """(lessons done, lessons in all) per course id, in two queries whatever the number of courses."""
    ids = [course.id for course in courses]
    totals = dict(db.execute(
        select(Lesson.course_id, func.count(Lesson.id)).where(Lesson.course_id.in_(ids)).group_by(Lesson.course_id)
    ).tuples().all())
    done = dict(db.execute(
        select(Lesson.course_id, func.count(LessonProgress.id))
        .join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id == user_id, Lesson.course_id.in_(ids)).group_by(Lesson.course_id)
    ).tuples().all())
    return {course_id: (done.get(course_id, 0), totals.get(course_id, 0)) for course_id in ids}


def enrol(db: Session, user_id: int, course: CourseOutline, now: datetime) -> None:
    """Enrol once: a repeated or concurrent enrolment is a no-op. The caller commits."""
    _insert_ignoring_duplicate(db, Enrolment, dict(user_id=user_id, course_id=course.id, version=course.version,
                                                   enrolled_at=now), ["user_id", "course_id"])


def mark_started(db: Session, user_id: int, course: CourseOutline, now: datetime) -> None:
    """Enrol if needed and stamp when the learner first did something in the course (read a lesson or
    started a quiz); later calls change nothing. The caller commits."""
    enrol(db, user_id, course, now)
    db.execute(update(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course.id,
                                       Enrolment.started_at.is_(None)).values(started_at=now))


def complete_lesson(db: Session, user_id: int, course: CourseOutline, lesson: LessonOutline, now: datetime) -> None:
    """Record that the learner finished a lesson (once), and the course's completion if it is now complete.

    The caller commits.
    """
    mark_started(db, user_id, course, now)
    _insert_ignoring_duplicate(db, LessonProgress, dict(user_id=user_id, lesson_id=lesson.id, completed_at=now),
                               ["user_id", "lesson_id"])
    update_completion(db, user_id, course, now)


def update_completion(db: Session, user_id: int, course: CourseOutline, now: datetime) -> bool:
    """Stamp the enrolment complete when every module is; True if it just became complete. Caller commits."""
    enrolment = db.scalars(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course.id)
    ).one_or_none()
    if enrolment is None or enrolment.completed_at is not None:
        return False
    progress = progress_of(course, done_lesson_ids(db, user_id, [course.id]), passed_quiz_ids(db, user_id),
                           enrolment)
    if progress.modules_done < progress.modules_total:
        return False
    # Compare-and-set: of two requests completing the course at once, one stamps it and issues.
    claimed = db.execute(
        update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return False
    db.refresh(enrolment)
    certificates.issue_certificate(db, enrolment, course, now)
    return True


def _insert_ignoring_duplicate(db: Session, model, values: dict, keys: list[str]) -> None:
    insert = dialect_insert(db)
    db.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=keys))


def lesson_body(db: Session, lesson_id: int, locale: str) -> str:
    """The Markdown of one lesson in one language (the outline holds titles only)."""
    return db.scalars(
        select(LessonText.body).where(LessonText.lesson_id == lesson_id, LessonText.locale == locale)
    ).one()


def media_for(db: Session, course_id: int) -> dict[tuple[str, str], Media]:
    """The course's images by (name, locale); locale "" is shared by every language."""
    return {(m.name, m.locale): m for m in db.scalars(select(Media).where(Media.course_id == course_id))}


@dataclass(frozen=True)
class Activity:
    at: datetime
    course: CourseOutline
    lesson: LessonOutline


def recent_activity(courses: Sequence[CourseOutline], finished: Mapping[int, datetime],
                    limit: int = 5) -> list[Activity]:
    """The lessons of `courses` the learner finished last, newest first; `finished` is finished_lessons()."""
    lessons = {lesson.id: (course, lesson) for course in courses for lesson in ordered_lessons(course)}
    latest = sorted(((at, lesson_id) for lesson_id, at in finished.items() if lesson_id in lessons), reverse=True)
    return [Activity(at, *lessons[lesson_id]) for at, lesson_id in latest[:limit]]
