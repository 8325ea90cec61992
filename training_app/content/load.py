"""Load a valid package into the model; an invalid one raises PackageError with every problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import (
    Case,
    CoursePackage,
    CourseText,
    DrawRule,
    LessonText,
    Module,
    ModuleText,
    PackageError,
    Problem,
    Quiz,
    QuizText,
    Source,
    Translation,
)
from .raw import RawLanguage, RawPackage
from .validate import inspect_package


def load_package(path: Path) -> CoursePackage:
    """The package in folder `path`; raises PackageError if it has any problem."""
    raw, problems = inspect_package(path)
    if problems or raw is None or raw.course is None:
        raise PackageError(problems or [Problem(path, 1, "not a course package")])
    return _build(raw, raw.course.data)


def _build(raw: RawPackage, course: dict[str, Any]) -> CoursePackage:
    """The model of a package that passed every check, so every key and file is there."""
    modules = tuple(Module(module["id"], tuple(module["lessons"]), module.get("quiz")) for module in course["modules"])
    quiz_ids = [module.quiz for module in modules if module.quiz]
    languages = tuple(course["languages"])
    return CoursePackage(
        path=raw.root,
        slug=course["slug"],
        version=course["version"],
        topic=course["topic"],
        languages=languages,
        estimated_minutes=course["estimated_minutes"],
        certificate_validity_months=course["certificate_validity_months"],
        last_verified_on=course["last_verified_on"],
        sources=tuple(Source(source["key"], source["title"], source["url"]) for source in course["sources"]),
        modules=modules,
        quizzes={quiz_id: _quiz(quiz_id, raw.quizzes[quiz_id].data) for quiz_id in quiz_ids},
        texts={language: _translation(language, raw.languages[language], modules) for language in languages},
        media=dict(raw.media),
    )


def _quiz(quiz_id: str, data: dict[str, Any]) -> Quiz:
    return Quiz(
        id=quiz_id,
        pass_mark=data["pass_mark"],
        questions=tuple(data["questions"]),
        draw=data.get("draw"),
        draw_rules=tuple(DrawRule(rule["tag"], rule["at_least"]) for rule in data.get("draw_rules", [])),
        max_attempts=data.get("max_attempts"),
        time_limit_minutes=data.get("time_limit_minutes"),
        wait_minutes=data.get("wait_minutes"),
        review=data.get("review"),
        cases=tuple(
            Case(case["id"], tuple(case["questions"]), tuple(case.get("media", []))) for case in data.get("cases", [])
        ),
    )


def _translation(language: str, texts: RawLanguage, modules: tuple[Module, ...]) -> Translation:
    course_md = texts.course
    if course_md is None:  # unreachable after validation; keeps the types honest
        raise PackageError([Problem(texts.folder / "course.md", 1, "file is missing")])
    front = course_md.doc.data
    course = CourseText(
        title=front["title"],
        summary=front["summary"],
        description=course_md.body,
        modules={
            module_id: ModuleText(text["title"], text.get("summary")) for module_id, text in front["modules"].items()
        },
    )
    lessons = {}
    for lesson_id in (lesson_id for module in modules for lesson_id in module.lessons):
        lesson = texts.lessons[lesson_id]
        lessons[lesson_id] = LessonText(lesson.doc.data["title"], lesson.body, lesson.doc.data.get("summary"))
    quizzes = {}
    for quiz_id in (module.quiz for module in modules if module.quiz):
        words = texts.quizzes[quiz_id].data
        quizzes[quiz_id] = QuizText(words["title"], words["questions"], words.get("cases", {}))
    return Translation(language, course, lessons, quizzes, dict(texts.media))
