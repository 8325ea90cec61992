"""Checks that a quiz structure can be drawn and graded, beyond the shape checked by its schema."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .media import MediaIndex
from .model import Problem
from .schema import Checker, describe, is_slug
from .specs import QUESTION, QUIZ
from .yamlio import Doc, KeyPath


def check_quiz(doc: Doc, media: MediaIndex, problems: list[Problem]) -> bool:
    """Report every problem of a quiz structure file; True if there were none."""
    before = len(problems)
    checker = Checker(doc, problems)
    checker.check(QUIZ, doc.data, ())
    if not isinstance(doc.data, dict):
        return False
    questions = doc.data.get("questions")
    questions = questions if isinstance(questions, list) else []
    seen: dict[str, int] = {}
    for index, question in enumerate(questions):
        path = ("questions", index)
        question_id = question.get("id") if isinstance(question, dict) else None
        if is_slug(question_id):
            if question_id in seen:
                checker.report((*path, "id"), f"duplicate question id '{question_id}'")
            seen[question_id] = index
        if Checker(doc, []).check(QUESTION, question, path):  # else the schema check reported it
            _check_question(checker, question, path, media)
    _check_settings(checker, doc.data, questions)
    _check_cases(checker, doc.data.get("cases"), set(seen), media)
    return len(problems) == before


def _check_settings(checker: Checker, quiz: dict[str, Any], questions: list[Any]) -> None:
    draw = quiz.get("draw")
    if isinstance(draw, int) and draw > len(questions):
        checker.report(("draw",), f"'draw' is {draw} but the quiz has only {len(questions)} question(s)")
    tag_counts: Counter[str] = Counter()
    for question in questions:
        tags = question.get("tags") if isinstance(question, dict) else None
        tag_counts.update(tag for tag in (tags if isinstance(tags, list) else []) if isinstance(tag, str))
    rules = quiz.get("draw_rules")
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict) or not isinstance(rule.get("at_least"), int) or not is_slug(rule.get("tag")):
            continue
        tag, at_least = rule.get("tag"), rule["at_least"]
        path = ("draw_rules", index)
        if at_least > tag_counts[tag]:
            checker.report(
                path,
                f"the draw rule for tag {describe(tag)} asks for {at_least} question(s) "
                f"but only {tag_counts[tag]} have that tag",
            )
        elif isinstance(draw, int) and at_least > draw:
            checker.report(
                path, f"the draw rule for tag {describe(tag)} asks for {at_least} question(s) but 'draw' is {draw}"
            )


def _check_cases(checker: Checker, cases: Any, question_ids: set[str], media: MediaIndex) -> None:
    if not isinstance(cases, list):
        return
    case_ids: set[str] = set()
    case_of: dict[str, str] = {}
    for index, case in enumerate(cases):
        path: KeyPath = ("cases", index)
        if not isinstance(case, dict) or not is_slug(case.get("id")):
            continue
        if case["id"] in case_ids:
            checker.report((*path, "id"), f"duplicate case id '{case['id']}'")
        case_ids.add(case["id"])
        members = case.get("questions")
        for position, question_id in enumerate(members if isinstance(members, list) else []):
            if not isinstance(question_id, str):
                continue
            if question_id not in question_ids:
                checker.report(
                    (*path, "questions", position),
                    f"case '{case['id']}' lists question '{question_id}', which is not in 'questions'",
                )
            elif question_id in case_of:
                checker.report(
                    (*path, "questions", position),
                    f"question '{question_id}' is already in case '{case_of[question_id]}'",
                )
            else:
                case_of[question_id] = case["id"]
        files = case.get("media")
        for position, name in enumerate(files if isinstance(files, list) else []):
            _check_media(checker, (*path, "media", position), name, media)


def _check_media(checker: Checker, path: KeyPath, name: Any, media: MediaIndex) -> None:
    if isinstance(name, str) and not media.exists_everywhere(name):
        checker.report(path, f"image '{name}' is not in media/")


def _check_question(checker: Checker, question: dict[str, Any], path: KeyPath, media: MediaIndex) -> None:
    kind = question["kind"]
    correct = question["correct"]
    if kind in ("single_choice", "image_choice") and correct not in question["choices"]:
        choices = ", ".join(question["choices"])
        checker.report((*path, "correct"), f"'correct' is '{correct}', which is not one of the choices ({choices})")
    if kind == "image_choice":
        for choice_id, name in question["choices"].items():
            _check_media(checker, (*path, "choices", choice_id), name, media)
    elif kind == "multiple_response":
        for index, choice_id in enumerate(correct):
            if choice_id not in question["choices"]:
                checker.report((*path, "correct", index), f"'{choice_id}' in 'correct' is not one of the choices")
    elif kind == "matching":
        _check_matching(checker, question, path)
    elif kind == "hotspot":
        _check_hotspot(checker, question, path, media)


def _check_matching(checker: Checker, question: dict[str, Any], path: KeyPath) -> None:
    correct = question["correct"]
    for item in question["items"]:
        if item not in correct:
            checker.report((*path, "correct"), f"item '{item}' has no target in 'correct'")
    for item, target in correct.items():
        if item not in question["items"]:
            checker.report((*path, "correct", item), f"'{item}' in 'correct' is not one of the items")
        elif target not in question["targets"]:
            checker.report((*path, "correct", item), f"'{target}' in 'correct' is not one of the targets")


def _check_hotspot(checker: Checker, question: dict[str, Any], path: KeyPath, media: MediaIndex) -> None:
    image = question["image"]
    _check_media(checker, (*path, "image"), image, media)
    size = media.size(image)
    region_ids: set[str] = set()
    for index, region in enumerate(question["regions"]):
        region_path = (*path, "regions", index)
        name = region["id"]
        if name in region_ids:
            checker.report((*region_path, "id"), f"duplicate region id '{name}'")
        region_ids.add(name)
        if ("rect" in region) == ("polygon" in region):
            checker.report(region_path, f"region '{name}' needs exactly one of 'rect' or 'polygon'")
        elif "rect" in region:
            _check_rect(checker, region_path, name, region["rect"], size)
        else:
            _check_polygon(checker, region_path, name, region["polygon"], size)
    for index, region_id in enumerate(question["correct"]):
        if region_id not in region_ids:
            checker.report((*path, "correct", index), f"'{region_id}' in 'correct' is not one of the regions")


def _check_rect(checker: Checker, path: KeyPath, name: str, rect: list[float], size: tuple[int, int] | None) -> None:
    if len(rect) != 4:
        checker.report((*path, "rect"), f"'rect' of region '{name}' must be [x, y, width, height]")
        return
    x, y, width, height = rect
    if width <= 0 or height <= 0:
        checker.report((*path, "rect"), f"region '{name}' must have a width and height above 0")
    elif not _inside([(x, y), (x + width, y + height)], size):
        checker.report((*path, "rect"), f"region '{name}' lies outside the image ({_size_text(size)})")


def _check_polygon(
    checker: Checker, path: KeyPath, name: str, polygon: list[list[float]], size: tuple[int, int] | None
) -> None:
    if len(polygon) < 3:
        checker.report((*path, "polygon"), f"'polygon' of region '{name}' needs at least 3 points")
    elif any(len(point) != 2 for point in polygon):
        checker.report((*path, "polygon"), f"every point of region '{name}' must be [x, y]")
    elif not _inside([(x, y) for x, y in polygon], size):
        checker.report((*path, "polygon"), f"region '{name}' lies outside the image ({_size_text(size)})")


def _inside(points: list[tuple[float, float]], size: tuple[int, int] | None) -> bool:
    if size is None:
        return True  # the missing or broken image is reported on its own
    width, height = size
    return all(0 <= x <= width and 0 <= y <= height for x, y in points)


def _size_text(size: tuple[int, int] | None) -> str:
    return f"{size[0]}×{size[1]} pixels" if size else "unknown size"
