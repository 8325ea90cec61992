"""A published course's outline (structure and titles) as frozen data, kept per process per version.

Every learner page needs the outline of its course: 10 modules and 50 lessons with their titles
in three languages. Building it from ORM rows costs more than the rest of the page, yet it only
changes when a new version is imported or published, so each worker keeps the outlines it has
built, keyed by (course id, version, updated_at): a new version is a new key, and no process can
serve a stale one.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from training_app.learn.models import Course, Lesson, LessonText, Module, Quiz, QuizText


@dataclass(frozen=True)
class Text:
    locale: str
    title: str
    summary: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class LessonOutline:
    id: int
    slug: str
    position: int
    texts: tuple[Text, ...]


@dataclass(frozen=True)
class QuizOutline:
    id: int
    slug: str
    pass_mark: Decimal
    draw: int | None
    max_attempts: int | None
    time_limit_minutes: int | None
    wait_minutes: int | None
    review: str
    texts: tuple[Text, ...] = ()  # its title in each language


@dataclass(frozen=True)
class ModuleOutline:
    id: int
    slug: str
    position: int
    texts: tuple[Text, ...]
    lessons: tuple[LessonOutline, ...]
    quiz: QuizOutline | None


@dataclass(frozen=True)
class CourseOutline:
    id: int
    slug: str
    version: int
    updated_at: datetime
    topic: str
    languages: tuple[str, ...]
    estimated_minutes: int
    certificate_validity_months: int
    last_verified_on: date
    sources: tuple[dict, ...]
    texts: tuple[Text, ...]
    modules: tuple[ModuleOutline, ...]


_CACHE: OrderedDict[tuple, CourseOutline] = OrderedDict()
_CACHE_SIZE = 256

_LOAD = (
    selectinload(Course.texts),
    selectinload(Course.modules).selectinload(Module.texts),
    selectinload(Course.modules).selectinload(Module.lessons).selectinload(Lesson.texts)
    .defer(LessonText.body).defer(LessonText.summary),
    selectinload(Course.modules).selectinload(Module.quiz).selectinload(Quiz.texts).defer(QuizText.cases),
)


def outlines(db: Session, where) -> list[CourseOutline]:
    """The outlines of the courses matching `where`, ordered by slug: one small query when cached."""
    keys = db.execute(select(Course.id, Course.version, Course.updated_at).where(where).order_by(Course.slug)).all()
    missing = [key.id for key in keys if tuple(key) not in _CACHE]
    if missing:
        for course in db.scalars(select(Course).where(Course.id.in_(missing)).options(*_LOAD)):
            _remember(_outline(course))
    return [_CACHE[tuple(key)] for key in keys]


def _remember(outline: CourseOutline) -> None:
    _CACHE[(outline.id, outline.version, outline.updated_at)] = outline
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def _outline(course: Course) -> CourseOutline:
    return CourseOutline(
        id=course.id, slug=course.slug, version=course.version, updated_at=course.updated_at, topic=course.topic,
        languages=tuple(course.languages), estimated_minutes=course.estimated_minutes,
        certificate_validity_months=course.certificate_validity_months, last_verified_on=course.last_verified_on,
        sources=tuple(course.sources),
        texts=tuple(Text(t.locale, t.title, t.summary, t.description) for t in course.texts),
        modules=tuple(
            ModuleOutline(
                id=m.id, slug=m.slug, position=m.position,
                texts=tuple(Text(t.locale, t.title, t.summary) for t in m.texts),
                lessons=tuple(LessonOutline(lesson.id, lesson.slug, lesson.position,
                                            tuple(Text(t.locale, t.title) for t in lesson.texts))
                              for lesson in m.lessons),
                quiz=QuizOutline(m.quiz.id, m.quiz.slug, m.quiz.pass_mark, m.quiz.draw, m.quiz.max_attempts,
                                 m.quiz.time_limit_minutes, m.quiz.wait_minutes, m.quiz.review,
                                 tuple(Text(t.locale, t.title) for t in m.quiz.texts)) if m.quiz else None,
            )
            for m in course.modules
        ),
    )
