"""Validate course packages: every problem becomes a Problem with a file and line, nothing raises."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .markdown import image_references, markdown_problems
from .media import MediaIndex, image_problem
from .model import SOURCE_LANGUAGE, Problem
from .quizcheck import check_quiz
from .raw import RawLanguage, RawPackage, read_package
from .schema import Checker, is_slug, slug_message
from .specs import COURSE, LESSON_FRONT, course_front, quiz_words
from .yamlio import Doc, FrontMatter

logger = logging.getLogger(__name__)


def validate_paths(paths: Sequence[Path]) -> list[Problem]:
    """Problems of each package folder, or of each package in a folder of packages."""
    problems: list[Problem] = []
    slugs: dict[str, Path] = {}
    for path in paths:
        for root in _package_roots(path, problems):
            if root.name in slugs:
                problems.append(
                    Problem(root / "course.yaml", 1, f"slug '{root.name}' is also used by {slugs[root.name]}")
                )
            slugs[root.name] = root
            problems.extend(inspect_package(root)[1])
    return problems


def _package_roots(path: Path, problems: list[Problem]) -> list[Path]:
    if not path.is_dir():
        problems.append(Problem(path, 1, "not a folder: give a course package or a folder of packages"))
        return []
    children = sorted(child for child in path.iterdir() if child.is_dir() and not child.name.startswith("."))
    if (path / "course.yaml").exists() or not any((child / "course.yaml").exists() for child in children):
        return [path]  # a package, possibly one missing its course.yaml
    return children


def inspect_package(root: Path) -> tuple[RawPackage | None, list[Problem]]:
    """The parsed files of a package and its problems, sorted by file and line."""
    try:
        raw = read_package(root)
        problems = _check(raw)
    except Exception as error:  # an author must get a message, never a traceback, whatever the input
        logger.debug("checking %s failed", root, exc_info=True)
        message = f"the checker failed on this package ({type(error).__name__}: {error}): please report it"
        return None, [Problem(root, 1, message)]
    return raw, sorted(set(problems), key=lambda problem: (str(problem.path), problem.line, problem.message))


def _check(raw: RawPackage) -> list[Problem]:
    problems = list(raw.problems)
    for path in [*raw.media.values(), *(path for lang in raw.languages.values() for path in lang.media.values())]:
        message = image_problem(path)
        if message:
            problems.append(Problem(path, 1, message))
    course = raw.course
    if course is None:
        return problems
    Checker(course, problems).check(COURSE, course.data, ())
    languages = _well_formed(course, "languages")
    modules = _well_formed(course, "modules")
    media = MediaIndex(
        raw.media,
        {language: raw.languages[language].media for language in languages or [] if language in raw.languages},
    )
    clean_quizzes = {quiz_id: check_quiz(doc, media, problems) for quiz_id, doc in raw.quizzes.items()}
    if isinstance(course.data, dict):
        _check_course(raw, course, languages, modules, problems)
    if languages and modules:
        _check_languages(raw, course, languages, modules, clean_quizzes, media, problems)
    return problems


def _well_formed(doc: Doc, key: str) -> Any:
    """The value of a course.yaml key if it fits its schema, else None (already reported)."""
    if not isinstance(doc.data, dict) or key not in doc.data:
        return None
    ok = Checker(doc, []).check(COURSE.required[key], doc.data[key], (key,))
    return doc.data[key] if ok else None


def _check_course(
    raw: RawPackage,
    course: Doc,
    languages: list[str] | None,
    modules: list[dict[str, Any]] | None,
    problems: list[Problem],
) -> None:
    checker = Checker(course, problems)
    slug = course.data.get("slug")
    if is_slug(slug) and slug != raw.root.name:
        checker.report(("slug",), f"slug '{slug}' must equal the folder name '{raw.root.name}'")
    if languages and languages[0] != SOURCE_LANGUAGE:
        checker.report(("languages",), f"the first language must be '{SOURCE_LANGUAGE}', the source language")
    sources = course.data.get("sources")
    source_keys: set[str] = set()
    for index, source in enumerate(sources if isinstance(sources, list) else []):
        key = source.get("key") if isinstance(source, dict) else None
        if not isinstance(key, str):
            continue
        if key in source_keys:
            checker.report(("sources", index, "key"), f"duplicate source key '{key}'")
        source_keys.add(key)
    if modules is None:
        return
    module_ids: set[str] = set()
    lesson_module: dict[str, str] = {}
    quiz_module: dict[str, str] = {}
    for index, module in enumerate(modules):
        if module["id"] in module_ids:
            checker.report(("modules", index, "id"), f"duplicate module id '{module['id']}'")
        module_ids.add(module["id"])
        for position, lesson_id in enumerate(module["lessons"]):
            if lesson_id in lesson_module:
                checker.report(
                    ("modules", index, "lessons", position),
                    f"lesson '{lesson_id}' is already in module '{lesson_module[lesson_id]}'",
                )
            lesson_module.setdefault(lesson_id, module["id"])
        quiz_id = module.get("quiz")
        if quiz_id is None:
            continue
        if quiz_id in quiz_module:
            checker.report(
                ("modules", index, "quiz"), f"quiz '{quiz_id}' is already used by module '{quiz_module[quiz_id]}'"
            )
        quiz_module.setdefault(quiz_id, module["id"])
        if quiz_id not in raw.quizzes and raw.root / "quizzes" / f"{quiz_id}.yaml" not in raw.broken:
            checker.report(("modules", index, "quiz"), f"quiz '{quiz_id}' has no file quizzes/{quiz_id}.yaml")
    for quiz_id, doc in raw.quizzes.items():
        if quiz_id not in quiz_module:
            problems.append(Problem(doc.path, 1, _unused("quiz", quiz_id)))


def _unused(what: str, name: str) -> str:
    if not is_slug(name):
        return f"the file name is not an id: {slug_message(name)}"
    return f"{what} '{name}' is not in course.yaml"


def _check_languages(
    raw: RawPackage,
    course: Doc,
    languages: list[str],
    modules: list[dict[str, Any]],
    clean_quizzes: dict[str, bool],
    media: MediaIndex,
    problems: list[Problem],
) -> None:
    lesson_lines = {
        lesson_id: course.line("modules", index, "lessons", position)
        for index, module in enumerate(modules)
        for position, lesson_id in enumerate(module["lessons"])
    }
    quiz_lines = {
        module["quiz"]: course.line("modules", index, "quiz")
        for index, module in enumerate(modules)
        if "quiz" in module
    }
    for name, folder in raw.languages.items():
        if name not in languages:
            problems.append(
                Problem(
                    folder.folder, 1, f"folder '{name}' is not one of the course's languages ({', '.join(languages)})"
                )
            )
    source = raw.languages.get(languages[0])
    for language in languages:
        texts = raw.languages.get(language)
        if texts is None:
            problems.append(
                Problem(raw.root / language, 1, f"folder is missing: course.yaml lists language '{language}'")
            )
            continue
        reference = source if texts is not source else None
        context = _LanguageCheck(raw, texts, language, reference, languages[0], media, problems)
        context.course(course_front([module["id"] for module in modules]))
        context.lessons(lesson_lines)
        context.quizzes(quiz_lines, clean_quizzes)
        if reference is not None:
            context.media(reference)


class _LanguageCheck:
    """Checks one language folder against course.yaml and against the source language."""

    def __init__(
        self,
        raw: RawPackage,
        texts: RawLanguage,
        language: str,
        reference: RawLanguage | None,
        source_language: str,
        media: MediaIndex,
        problems: list[Problem],
    ) -> None:
        self.raw = raw
        self.texts = texts
        self.language = language
        self.reference = reference
        self.source_language = source_language
        self.media_index = media
        self.problems = problems

    def course(self, spec: Any) -> None:
        path = self.texts.folder / "course.md"
        front = self.texts.course
        if front is None:
            self._missing(path, "every language needs one")
            return
        reference = self.reference.course if self.reference else None
        self._check_front(spec, front, reference)
        self._check_markdown(front)

    def lessons(self, lesson_lines: dict[str, int]) -> None:
        for lesson_id, line in lesson_lines.items():
            front = self.texts.lessons.get(lesson_id)
            if front is None:
                self._missing(
                    self.texts.folder / "lessons" / f"{lesson_id}.md",
                    f"lesson '{lesson_id}' is in course.yaml (line {line})",
                )
                continue
            reference = self.reference.lessons.get(lesson_id) if self.reference else None
            self._check_front(LESSON_FRONT, front, reference)
            if not front.body.strip():
                self.problems.append(
                    Problem(front.doc.path, front.body_line, "the lesson has no text after its front matter")
                )
            self._check_markdown(front)
        for stem, front in self.texts.lessons.items():
            if stem not in lesson_lines:
                self.problems.append(Problem(front.doc.path, 1, _unused("lesson", stem)))

    def quizzes(self, quiz_lines: dict[str, int], clean_quizzes: dict[str, bool]) -> None:
        for quiz_id, line in quiz_lines.items():
            doc = self.texts.quizzes.get(quiz_id)
            if doc is None:
                self._missing(
                    self.texts.folder / "quizzes" / f"{quiz_id}.yaml",
                    f"quiz '{quiz_id}' is in course.yaml (line {line})",
                )
            elif clean_quizzes.get(quiz_id):
                reference = self.reference.quizzes.get(quiz_id) if self.reference else None
                spec = quiz_words(self.raw.quizzes[quiz_id].data)
                Checker(doc, self.problems, self.source_language).check(
                    spec, doc.data, (), reference.data if reference else None
                )
        for stem, doc in self.texts.quizzes.items():
            if stem not in quiz_lines:
                self.problems.append(Problem(doc.path, 1, _unused("quiz", stem)))

    def media(self, reference: RawLanguage) -> None:
        source = self.source_language
        for name in reference.media:
            if name not in self.texts.media:
                self.problems.append(
                    Problem(
                        self.texts.folder / "media" / name,
                        1,
                        f"file is missing: {source}/media/{name} has no '{self.language}' version",
                    )
                )
        for name, path in self.texts.media.items():
            if name not in reference.media:
                self.problems.append(Problem(path, 1, f"extra file: {source}/media/ has no {name}"))

    def _missing(self, path: Path, why: str) -> None:
        if path not in self.raw.broken:
            self.problems.append(Problem(path, 1, f"file is missing: {why}"))

    def _check_front(self, spec: Any, front: FrontMatter, reference: FrontMatter | None) -> None:
        Checker(front.doc, self.problems, self.source_language).check(
            spec, front.doc.data, (), reference.doc.data if reference else None
        )

    def _check_markdown(self, front: FrontMatter) -> None:
        path, offset = front.doc.path, front.body_line - 1
        for line, message in markdown_problems(front.body):
            self.problems.append(Problem(path, line + offset, message))
        for image in image_references(front.body):
            line = image.line + offset
            if not image.alt.strip():
                self.problems.append(Problem(path, line, f"image '{image.src}' has no alt text: describe the image"))
            name = image.src.removeprefix("media/")
            if name == image.src:
                self.problems.append(
                    Problem(path, line, f"image '{image.src}' must be a file in media/, written media/<file name>")
                )
            elif self.media_index.resolve(name, self.language) is None:
                self.problems.append(
                    Problem(path, line, f"image '{image.src}' is not in media/ or {self.language}/media/")
                )
