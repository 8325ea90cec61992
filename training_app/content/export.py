"""Write a package in canonical form: export → load → export gives byte-identical files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .model import CoursePackage, Quiz, Translation
from .yamlio import dump_front_matter, dump_yaml

# Every fixed key of the format, in the order it is written; ids keep the order they were read in
_KEY_ORDER = (
    "slug", "version", "topic", "languages", "estimated_minutes", "certificate_validity_months",
    "last_verified_on", "sources", "key", "title", "url", "summary", "modules", "id", "lessons", "quiz",
    "pass_mark", "draw", "draw_rules", "tag", "at_least", "max_attempts", "time_limit_minutes", "wait_minutes",
    "review", "cases", "kind", "points", "tags", "scoring", "text", "prompt", "explanation", "image", "image_alt",
    "media", "media_alt", "choices", "alt", "items", "targets", "regions", "rect", "polygon", "correct", "tolerance",
    "unit", "feedback", "questions",
)  # fmt: skip
_RANK = {key: rank for rank, key in enumerate(_KEY_ORDER)}


def export_package(package: CoursePackage, dest: Path) -> None:
    """Write `package` into `dest`, which must be missing or empty."""
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    _write(dest / "course.yaml", dump_yaml(_canonical(_course(package))))
    for quiz in package.quizzes.values():
        _write(dest / "quizzes" / f"{quiz.id}.yaml", dump_yaml(_canonical(_quiz(quiz))))
    _copy_media(package.media, dest / "media")
    for language in package.languages:
        _export_translation(package, package.texts[language], dest / language)


def _export_translation(package: CoursePackage, texts: Translation, folder: Path) -> None:
    course = texts.course
    modules = {
        module_id: _without_none({"title": text.title, "summary": text.summary})
        for module_id, text in course.modules.items()
    }
    front = {"title": course.title, "summary": course.summary, "modules": modules}
    _write(folder / "course.md", dump_front_matter(front, course.description))
    for lesson_id, lesson in texts.lessons.items():
        front = _without_none({"title": lesson.title, "summary": lesson.summary})
        _write(folder / "lessons" / f"{lesson_id}.md", dump_front_matter(front, lesson.body))
    for quiz_id, words in texts.quizzes.items():
        data = {"title": words.title, "cases": words.cases or None, "questions": words.questions}
        _write(folder / "quizzes" / f"{quiz_id}.yaml", dump_yaml(_canonical(_without_none(data))))
    _copy_media(texts.media, folder / "media")


def _course(package: CoursePackage) -> dict[str, Any]:
    return {
        "slug": package.slug,
        "version": package.version,
        "topic": package.topic,
        "languages": list(package.languages),
        "estimated_minutes": package.estimated_minutes,
        "certificate_validity_months": package.certificate_validity_months,
        "last_verified_on": package.last_verified_on,
        "sources": [{"key": s.key, "title": s.title, "url": s.url} for s in package.sources],
        "modules": [
            _without_none({"id": module.id, "lessons": list(module.lessons), "quiz": module.quiz})
            for module in package.modules
        ],
    }


def _quiz(quiz: Quiz) -> dict[str, Any]:
    return _without_none(
        {
            "pass_mark": quiz.pass_mark,
            "draw": quiz.draw,
            "draw_rules": [{"tag": rule.tag, "at_least": rule.at_least} for rule in quiz.draw_rules] or None,
            "max_attempts": quiz.max_attempts,
            "time_limit_minutes": quiz.time_limit_minutes,
            "wait_minutes": quiz.wait_minutes,
            "review": quiz.review,
            "cases": [
                _without_none({"id": case.id, "media": list(case.media) or None, "questions": list(case.questions)})
                for case in quiz.cases
            ]
            or None,
            "questions": list(quiz.questions),
        }
    )


def _without_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def _canonical(value: Any) -> Any:
    """A deep copy with fixed keys in _KEY_ORDER; other keys (ids) keep their order, after them."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: _RANK.get(key, len(_RANK)))
        return {key: _canonical(value[key]) for key in keys}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return value


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _copy_media(files: dict[str, Path], folder: Path) -> None:
    for name, source in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
