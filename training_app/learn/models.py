"""Courses as learners see them (imported from course packages), enrolments and lesson progress.

Every piece of learner-facing text is a row per locale, so "what is missing in French" is one query.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training_app.db import Base, UTCDateTime, utcnow


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int]
    topic: Mapped[str] = mapped_column(String(20), index=True)
    languages: Mapped[list] = mapped_column(JSON)
    estimated_minutes: Mapped[int]
    certificate_validity_months: Mapped[int]
    last_verified_on: Mapped[date] = mapped_column(Date)
    #: [{key, title, url}] the legal texts and guides the facts come from
    sources: Mapped[list] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    texts: Mapped[list[CourseText]] = relationship(cascade="all, delete-orphan")
    modules: Mapped[list[Module]] = relationship(cascade="all, delete-orphan", order_by="Module.position")


class CourseText(Base):
    __tablename__ = "course_texts"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(2), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)  # Markdown


class Module(Base):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]

    texts: Mapped[list[ModuleText]] = relationship(cascade="all, delete-orphan")
    lessons: Mapped[list[Lesson]] = relationship(cascade="all, delete-orphan", order_by="Lesson.position")
    quiz: Mapped[Quiz | None] = relationship(cascade="all, delete-orphan")


class ModuleText(Base):
    __tablename__ = "module_texts"

    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(2), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)


class Lesson(Base):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the course too, so a course's lessons are one indexed query
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]  # in the module

    texts: Mapped[list[LessonText]] = relationship(cascade="all, delete-orphan")


class LessonText(Base):
    __tablename__ = "lesson_texts"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(2), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)  # Markdown


class Quiz(Base):
    """A module's quiz: its settings and bank. Attempts snapshot what they show, so edits never regrade."""

    __tablename__ = "quizzes"
    __table_args__ = (CheckConstraint("pass_mark > 0 AND pass_mark <= 1", name="pass_mark"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), unique=True)
    slug: Mapped[str] = mapped_column(String(64))
    pass_mark: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    draw: Mapped[int | None]
    #: [{tag, at_least}]
    draw_rules: Mapped[list] = mapped_column(JSON)
    max_attempts: Mapped[int | None]
    time_limit_minutes: Mapped[int | None]
    wait_minutes: Mapped[int | None]
    review: Mapped[str] = mapped_column(String(20), default="full")
    #: [{id, questions: [...], media: [...]}]: questions drawn together and in order
    cases: Mapped[list] = mapped_column(JSON)

    texts: Mapped[list[QuizText]] = relationship(cascade="all, delete-orphan")
    questions: Mapped[list[Question]] = relationship(cascade="all, delete-orphan", order_by="Question.position")


class QuizText(Base):
    __tablename__ = "quiz_texts"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(2), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    #: {case id: {text, media_alt}}
    cases: Mapped[dict] = mapped_column(JSON)


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    tags: Mapped[list] = mapped_column(JSON)
    #: the question's structure exactly as the package defines it (choices, correct answer, regions…)
    spec: Mapped[dict] = mapped_column(JSON)

    texts: Mapped[list[QuestionText]] = relationship(cascade="all, delete-orphan")


class QuestionText(Base):
    __tablename__ = "question_texts"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(2), primary_key=True)
    #: prompt, explanation, and the words of choices, items, targets, regions, unit…
    words: Mapped[dict] = mapped_column(JSON)


class Media(Base):
    """An image of a course, re-encoded at import; files are named by content hash."""

    __tablename__ = "media"
    __table_args__ = (UniqueConstraint("course_id", "name", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))  # as the package refers to it
    #: "" for an image shared by every language, else the language of its words
    locale: Mapped[str] = mapped_column(String(2), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    #: the package's own file, kept byte for byte so export gives back what was imported
    source_sha256: Mapped[str] = mapped_column(String(64))
    extension: Mapped[str] = mapped_column(String(5))
    width: Mapped[int]
    height: Mapped[int]
    #: widths of the smaller copies made for srcset
    variant_widths: Mapped[list] = mapped_column(JSON)


class Enrolment(Base):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: the course version the learner started on
    version: Mapped[int]
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: when the learner first finished a lesson or started a quiz of the course (None: not started);
    #: kept here so that reports need not search lesson progress and attempts for every enrolment
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship()


class LessonProgress(Base):
    """A lesson the learner finished; progress is computed from these rows and quiz attempts."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    #: when the learner reached the end of the lesson and confirmed it
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
