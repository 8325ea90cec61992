"""The course package as frozen dataclasses, and the problems found while reading one.

Questions, cases and quiz words stay plain dicts exactly as written in the YAML, so the app can
store them as JSON and hand them to `training_app.quiz.grading`; treat them as read-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

SUPPORTED_LANGUAGES = ("en", "fr", "es")
SOURCE_LANGUAGE = "en"
TOPICS = ("wildlife", "timber", "ods", "hazardous_waste", "chemicals", "cross_cutting")
QUESTION_KINDS = (
    "single_choice",
    "multiple_response",
    "true_false",
    "matching",
    "ordering",
    "numeric",
    "image_choice",
    "hotspot",
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a package, at a file and 1-based line."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class PackageError(Exception):
    """A package that cannot be loaded; `problems` says why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str


@dataclass(frozen=True)
class Module:
    id: str
    lessons: tuple[str, ...]
    quiz: str | None = None


@dataclass(frozen=True)
class DrawRule:
    tag: str
    at_least: int


@dataclass(frozen=True)
class Case:
    id: str
    questions: tuple[str, ...]
    media: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quiz:
    """A quiz's structure; `questions` are the YAML question mappings, unchanged (so `points`
    may be absent, meaning 1). A setting left out of the YAML is None: the format's default."""

    id: str
    pass_mark: float
    questions: tuple[dict[str, Any], ...]
    draw: int | None = None
    draw_rules: tuple[DrawRule, ...] = ()
    max_attempts: int | None = None
    time_limit_minutes: int | None = None
    wait_minutes: int | None = None
    review: str | None = None
    cases: tuple[Case, ...] = ()

    def question(self, question_id: str) -> dict[str, Any]:
        """The question with this id (KeyError if there is none)."""
        for question in self.questions:
            if question["id"] == question_id:
                return question
        raise KeyError(question_id)


@dataclass(frozen=True)
class ModuleText:
    title: str
    summary: str | None = None


@dataclass(frozen=True)
class CourseText:
    title: str
    summary: str
    description: str  # the Markdown body of <lang>/course.md, verbatim
    modules: dict[str, ModuleText]


@dataclass(frozen=True)
class LessonText:
    title: str
    body: str  # Markdown, verbatim
    summary: str | None = None


@dataclass(frozen=True)
class QuizText:
    """A quiz's words in one language: `cases` and `questions` are the YAML mappings keyed by id."""

    title: str
    questions: dict[str, dict[str, Any]]
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Translation:
    """Everything a package says in one language."""

    language: str
    course: CourseText
    lessons: dict[str, LessonText]
    quizzes: dict[str, QuizText]
    media: dict[str, Path] = field(default_factory=dict)  # file name in <lang>/media/ -> file


@dataclass(frozen=True)
class CoursePackage:
    path: Path
    slug: str
    version: int
    topic: str
    languages: tuple[str, ...]
    estimated_minutes: int
    certificate_validity_months: int
    last_verified_on: date
    sources: tuple[Source, ...]
    modules: tuple[Module, ...]
    quizzes: dict[str, Quiz]
    texts: dict[str, Translation]
    media: dict[str, Path] = field(default_factory=dict)  # file name in media/ -> file

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        """Every lesson id, in course order."""
        return tuple(lesson_id for module in self.modules for lesson_id in module.lessons)

    def media_path(self, name: str, language: str) -> Path | None:
        """The file for a media name in a language: `<lang>/media/` wins over `media/`."""
        return self.texts[language].media.get(name) or self.media.get(name)
