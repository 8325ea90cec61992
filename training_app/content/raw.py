"""Read every file of a package folder into Docs, turning unreadable files into Problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Problem
from .yamlio import Doc, FrontMatter, YamlSyntaxError, parse_front_matter, parse_yaml, read_text

SHARED_FOLDERS = ("media", "quizzes")
LANGUAGE_ENTRIES = ("course.md", "lessons", "quizzes", "media")


@dataclass
class RawLanguage:
    folder: Path
    course: FrontMatter | None = None
    lessons: dict[str, FrontMatter] = field(default_factory=dict)
    quizzes: dict[str, Doc] = field(default_factory=dict)
    media: dict[str, Path] = field(default_factory=dict)


@dataclass
class RawPackage:
    root: Path
    course: Doc | None = None
    quizzes: dict[str, Doc] = field(default_factory=dict)
    media: dict[str, Path] = field(default_factory=dict)
    languages: dict[str, RawLanguage] = field(default_factory=dict)
    #: files present but unreadable, so "missing" is not reported for them as well
    broken: set[Path] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def read_package(root: Path) -> RawPackage:
    """Parse course.yaml, quizzes/, media/ and every other top folder as a language folder."""
    raw = RawPackage(root)
    course_path = root / "course.yaml"
    if not course_path.is_file():
        raw.problems.append(Problem(course_path, 1, "file is missing"))
    else:
        raw.course = _yaml(course_path, raw.problems, raw.broken)
    raw.quizzes = _yaml_folder(root / "quizzes", raw.problems, raw.broken)
    raw.media = media_files(root / "media")
    for folder in _entries(root):
        if folder.is_dir() and folder.name not in SHARED_FOLDERS:
            raw.languages[folder.name] = _language(folder, raw.problems, raw.broken)
    return raw


def _language(folder: Path, problems: list[Problem], broken: set[Path]) -> RawLanguage:
    language = RawLanguage(folder)
    for entry in _entries(folder):
        if entry.name not in LANGUAGE_ENTRIES or entry.is_dir() != (entry.name != "course.md"):
            problems.append(
                Problem(entry, 1, "unexpected file or folder (expected course.md, lessons/, quizzes/, media/)")
            )
    if (folder / "course.md").is_file():
        language.course = _front_matter(folder / "course.md", problems, broken)
    for path in _entries(folder / "lessons"):
        if path.suffix != ".md" or not path.is_file():
            problems.append(Problem(path, 1, "unexpected file: lessons/ holds only .md files"))
            continue
        lesson = _front_matter(path, problems, broken)
        if lesson is not None:
            language.lessons[path.stem] = lesson
    language.quizzes = _yaml_folder(folder / "quizzes", problems, broken)
    language.media = media_files(folder / "media")
    return language


def media_files(folder: Path) -> dict[str, Path]:
    """Every file under a media folder, keyed by its path relative to the folder."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    }


def _entries(folder: Path) -> list[Path]:
    """A folder's entries, sorted, without hidden ones (.DS_Store, .gitkeep)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if not path.name.startswith("."))


def _yaml_folder(folder: Path, problems: list[Problem], broken: set[Path]) -> dict[str, Doc]:
    docs = {}
    for path in _entries(folder):
        if path.suffix != ".yaml" or not path.is_file():
            problems.append(Problem(path, 1, "unexpected file: quizzes/ holds only .yaml files"))
            continue
        doc = _yaml(path, problems, broken)
        if doc is not None:
            docs[path.stem] = doc
    return docs


def _text(path: Path, problems: list[Problem], broken: set[Path]) -> str | None:
    try:
        return read_text(path)
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        problems.append(Problem(path, line, "the file is not UTF-8 text"))
    except OSError as error:
        problems.append(Problem(path, 1, f"cannot read the file: {error.strerror}"))
    broken.add(path)
    return None


def _yaml(path: Path, problems: list[Problem], broken: set[Path]) -> Doc | None:
    text = _text(path, problems, broken)
    if text is None:
        return None
    try:
        return parse_yaml(text, path)
    except YamlSyntaxError as error:
        problems.append(Problem(path, error.line, error.message))
        broken.add(path)
        return None


def _front_matter(path: Path, problems: list[Problem], broken: set[Path]) -> FrontMatter | None:
    text = _text(path, problems, broken)
    if text is None:
        return None
    try:
        return parse_front_matter(text, path)
    except YamlSyntaxError as error:
        problems.append(Problem(path, error.line, error.message))
        broken.add(path)
        return None
