"""The schema of each file of a package (see docs/course-format.md)."""

from __future__ import annotations

from typing import Any

from .model import SUPPORTED_LANGUAGES, TOPICS
from .schema import (
    BOOL,
    DATE,
    FILE_NAME,
    NON_NEGATIVE_INT,
    NON_NEGATIVE_NUMBER,
    NUMBER,
    POSITIVE_INT,
    POSITIVE_NUMBER,
    SLUG,
    TEXT,
    URL,
    ListOf,
    MapOf,
    Record,
    Scalar,
    Switch,
    one_of,
)

COURSE = Record(
    required={
        "slug": SLUG,
        "version": POSITIVE_INT,
        "topic": one_of(*TOPICS),
        "languages": ListOf(one_of(*SUPPORTED_LANGUAGES), min_items=1, unique=True),
        "estimated_minutes": POSITIVE_INT,
        "certificate_validity_months": POSITIVE_INT,
        "last_verified_on": DATE,
        "sources": ListOf(Record({"key": TEXT, "title": TEXT, "url": URL}), min_items=1),
        "modules": ListOf(
            Record({"id": SLUG, "lessons": ListOf(SLUG, min_items=1, unique=True)}, {"quiz": SLUG}),
            min_items=1,
        ),
    }
)

_CHOICE_IDS = ListOf(SLUG, min_items=2, unique=True)
_COMMON = {"id": SLUG, "kind": TEXT}  # `kind` itself is checked by the Switch
_COMMON_OPTIONAL = {"points": POSITIVE_NUMBER, "tags": ListOf(SLUG, unique=True)}


def _question(required: dict[str, Any], optional: dict[str, Any] | None = None) -> Record:
    return Record({**_COMMON, **required}, {**_COMMON_OPTIONAL, **(optional or {})})


QUESTION = Switch(
    "kind",
    {
        "single_choice": _question({"choices": _CHOICE_IDS, "correct": SLUG}),
        "multiple_response": _question(
            {"choices": _CHOICE_IDS, "correct": ListOf(SLUG, min_items=1, unique=True)},
            {"scoring": one_of("partial", "all_or_nothing")},
        ),
        "true_false": _question({"correct": BOOL}),
        "matching": _question(
            {
                "items": ListOf(SLUG, min_items=1, unique=True),
                "targets": _CHOICE_IDS,
                "correct": MapOf(SLUG),
            }
        ),
        "ordering": _question({"correct": ListOf(SLUG, min_items=2, unique=True)}),
        "numeric": _question({"correct": NUMBER}, {"tolerance": NON_NEGATIVE_NUMBER}),
        "image_choice": _question({"choices": MapOf(FILE_NAME, min_items=2), "correct": SLUG}),
        "hotspot": _question(
            {
                "image": FILE_NAME,
                "regions": ListOf(
                    Record({"id": SLUG}, {"rect": ListOf(NUMBER), "polygon": ListOf(ListOf(NUMBER))}),
                    min_items=1,
                ),
                "correct": ListOf(SLUG, min_items=1, unique=True),
            }
        ),
    },
)

QUIZ = Record(
    required={
        "pass_mark": Scalar("a number above 0 and at most 1", lambda v: NUMBER.test(v) and 0 < v <= 1),
        "questions": ListOf(QUESTION, min_items=1),
    },
    optional={
        "draw": POSITIVE_INT,
        "draw_rules": ListOf(Record({"tag": SLUG, "at_least": POSITIVE_INT}), min_items=1),
        "max_attempts": POSITIVE_INT,
        "time_limit_minutes": POSITIVE_INT,
        "wait_minutes": NON_NEGATIVE_INT,
        "review": one_of("full", "score_only"),
        "cases": ListOf(
            Record(
                {"id": SLUG, "questions": ListOf(SLUG, min_items=1, unique=True)},
                {"media": ListOf(FILE_NAME, unique=True)},
            ),
        ),
    },
)

LESSON_FRONT = Record({"title": TEXT}, {"summary": TEXT})

_MODULE_TEXT = Record({"title": TEXT}, {"summary": TEXT})


def course_front(module_ids: list[str] | None) -> Record:
    """`<lang>/course.md` front matter; with the module ids when course.yaml gave them."""
    modules = Record({module_id: _MODULE_TEXT for module_id in module_ids}) if module_ids else MapOf(_MODULE_TEXT)
    return Record({"title": TEXT, "summary": TEXT, "modules": modules})


def quiz_words(quiz: dict[str, Any]) -> Record:
    """`<lang>/quizzes/<id>.yaml`, keyed by the ids of a quiz structure that passed QUIZ."""
    required: dict[str, Any] = {"title": TEXT}
    if quiz.get("cases"):
        required["cases"] = Record({case["id"]: _case_words(case) for case in quiz["cases"]})
    required["questions"] = Record({question["id"]: _question_words(question) for question in quiz["questions"]})
    return Record(required)


def _case_words(case: dict[str, Any]) -> Record:
    if case.get("media"):
        return Record({"text": TEXT, "media_alt": Record({name: TEXT for name in case["media"]})})
    return Record({"text": TEXT})


def _question_words(question: dict[str, Any]) -> Record:
    required: dict[str, Any] = {"prompt": TEXT, "explanation": TEXT}
    optional: dict[str, Any] = {}
    kind = question["kind"]
    if kind in ("single_choice", "multiple_response"):
        required["choices"] = Record({c: Record({"text": TEXT}, {"feedback": TEXT}) for c in question["choices"]})
    elif kind == "image_choice":
        required["choices"] = Record({c: Record({"alt": TEXT}, {"feedback": TEXT}) for c in question["choices"]})
    elif kind == "matching":
        required["items"] = Record({item: TEXT for item in question["items"]})
        required["targets"] = Record({target: TEXT for target in question["targets"]})
    elif kind == "ordering":
        required["items"] = Record({item: TEXT for item in question["correct"]})
    elif kind == "numeric":
        optional["unit"] = TEXT
    elif kind == "hotspot":
        required["image_alt"] = TEXT
        required["regions"] = Record({region["id"]: TEXT for region in question["regions"]})
    return Record(required, optional)
