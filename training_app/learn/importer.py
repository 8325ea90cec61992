"""Course packages into the database: validate first, then create or update by slug, in one transaction."""

from __future__ import annotations

import copy
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from training_app.content import CoursePackage, Problem, load_package, validate_paths
from training_app.db import utcnow
from training_app.learn.models import (
    Course,
    CourseText,
    Lesson,
    LessonText,
    Media,
    Module,
    ModuleText,
    Question,
    QuestionText,
    Quiz,
    QuizText,
)
from training_app.media import store_image, store_source


class InvalidPackages(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def import_paths(db: Session, paths: list[Path], media_dir: Path, dry_run: bool = False) -> list[tuple[str, str]]:
    """Validate every package under `paths`, then import them all (or none); returns (slug, change) pairs.

    The caller commits.
    """
    problems = validate_paths(paths)
    if problems:
        raise InvalidPackages(problems)
    packages = [load_package(root) for root in package_roots(paths)]
    if dry_run:
        return [(package.slug, planned_change(db, package)) for package in packages]
    return [(package.slug, import_package(db, package, media_dir)) for package in packages]


def package_roots(paths: list[Path]) -> list[Path]:
    """The package folders named by `paths`: each is a package (has course.yaml) or holds packages."""
    roots = []
    for path in paths:
        if (path / "course.yaml").is_file():
            roots.append(path)
        else:
            roots.extend(sorted(child for child in path.iterdir() if (child / "course.yaml").is_file()))
    return roots


def planned_change(db: Session, package: CoursePackage) -> str:
    """What importing `package` would do: "create", "update" or "unchanged"."""
    version = db.scalars(select(Course.version).where(Course.slug == package.slug)).one_or_none()
    if version is None:
        return "create"
    return "unchanged" if version == package.version else "update"


def import_package(db: Session, package: CoursePackage, media_dir: Path) -> str:
    """Create or update one course from a validated package; the same version twice changes nothing.

    Rows keep their ids when their slug survives, so learners keep progress on lessons that still
    exist. The caller commits.
    """
    change = planned_change(db, package)
    if change == "unchanged":
        return change
    course = db.scalars(select(Course).where(Course.slug == package.slug)).one_or_none()
    if course is None:
        course = Course(slug=package.slug)
        db.add(course)
    course.version = package.version
    course.updated_at = utcnow()  # with the version, the key of every per-process cache of this course
    course.topic = package.topic
    course.languages = list(package.languages)
    course.estimated_minutes = package.estimated_minutes
    course.certificate_validity_months = package.certificate_validity_months
    course.last_verified_on = package.last_verified_on
    course.sources = [asdict(source) for source in package.sources]
    course.texts = [
        CourseText(locale=lang, title=text.course.title, summary=text.course.summary,
                   description=text.course.description)
        for lang, text in package.texts.items()
    ]
    db.flush()
    _import_media(db, course, package, media_dir)
    existing_modules = {module.slug: module for module in course.modules}
    existing_lessons = {lesson.slug: lesson for module in course.modules for lesson in module.lessons}
    modules = []
    for position, spec in enumerate(package.modules):
        module = existing_modules.get(spec.id) or Module(slug=spec.id, course_id=course.id)
        module.position = position
        module.texts = [
            ModuleText(locale=lang, title=text.course.modules[spec.id].title,
                       summary=text.course.modules[spec.id].summary)
            for lang, text in package.texts.items()
        ]
        lessons = []
        for lesson_position, lesson_id in enumerate(spec.lessons):
            lesson = existing_lessons.get(lesson_id) or Lesson(slug=lesson_id, course_id=course.id)
            lesson.position = lesson_position
            lesson.texts = [
                LessonText(locale=lang, title=text.lessons[lesson_id].title,
                           summary=text.lessons[lesson_id].summary, body=text.lessons[lesson_id].body)
                for lang, text in package.texts.items()
            ]
            lessons.append(lesson)
        module.lessons = lessons
        module.quiz = _quiz(package, spec.quiz, module.quiz) if spec.quiz else None
        modules.append(module)
    course.modules = modules
    db.flush()
    return change


def _quiz(package: CoursePackage, quiz_id: str, quiz: Quiz | None) -> Quiz:
    source = package.quizzes[quiz_id]
    quiz = quiz or Quiz()
    quiz.slug = quiz_id
    quiz.pass_mark = Decimal(str(source.pass_mark))
    quiz.draw = source.draw
    quiz.draw_rules = [asdict(rule) for rule in source.draw_rules]
    quiz.max_attempts = source.max_attempts
    quiz.time_limit_minutes = source.time_limit_minutes
    quiz.wait_minutes = source.wait_minutes
    quiz.review = source.review or "full"
    quiz.cases = [asdict(case) for case in source.cases]
    quiz.texts = [
        QuizText(locale=lang, title=text.quizzes[quiz_id].title, cases=dict(text.quizzes[quiz_id].cases))
        for lang, text in package.texts.items()
    ]
    existing = {question.slug: question for question in quiz.questions}
    questions = []
    for position, spec in enumerate(source.questions):
        question = existing.get(spec["id"]) or Question(slug=spec["id"])
        question.position = position
        question.kind = spec["kind"]
        question.points = Decimal(str(spec.get("points", 1)))
        question.tags = list(spec.get("tags", []))
        question.spec = copy.deepcopy(spec)
        question.texts = [
            QuestionText(locale=lang, words=dict(text.quizzes[quiz_id].questions[spec["id"]]))
            for lang, text in package.texts.items()
        ]
        questions.append(question)
    quiz.questions = questions
    return quiz


def _import_media(db: Session, course: Course, package: CoursePackage, media_dir: Path) -> None:
    """Re-encode every image of the package for serving, and keep its source bytes for export."""
    existing = {(m.name, m.locale): m for m in db.scalars(select(Media).where(Media.course_id == course.id))}
    files = [(name, "", path) for name, path in package.media.items()]
    files += [(name, lang, path) for lang, text in package.texts.items() for name, path in text.media.items()]
    seen = set()
    for name, locale, path in files:
        data = path.read_bytes()
        stored = store_image(data, media_dir)
        row = existing.get((name, locale)) or Media(course_id=course.id, name=name, locale=locale)
        row.source_sha256 = store_source(data, media_dir)
        row.sha256, row.extension = stored.sha256, stored.extension
        row.width, row.height, row.variant_widths = stored.width, stored.height, list(stored.variant_widths)
        db.add(row)
        seen.add((name, locale))
    for key, row in existing.items():
        if key not in seen:
            db.delete(row)
