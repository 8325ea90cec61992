"""Check and grade learners' answers: pure functions over the question dicts of a course package.

A question is the plain mapping from `quizzes/<quiz-id>.yaml` (see docs/course-format.md);
hotspot questions also carry the image's `width` and `height` in pixels, added by the importer.
`normalise_answer` turns what a form or JSON sends into one canonical, JSON-serialisable answer;
`score_question` and `grade` work in exact fractions so that boundaries are exact.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

Question = Mapping[str, Any]

#: every `InvalidAnswer.code`; the web layer keeps one translated message per code
INVALID_ANSWER_CODES = frozenset(
    {
        "malformed",  # the wrong shape or type, e.g. a list for a single choice
        "unknown_choice",  # an id this question does not offer
        "duplicate_choice",  # the same id picked twice
        "incomplete",  # an ordering that leaves items out
        "not_a_number",
        "outside_image",  # a hotspot click beyond the image's edges
    }
)


class InvalidAnswer(ValueError):
    """An answer that cannot be graded; `code` is one of INVALID_ANSWER_CODES."""

    def __init__(self, code: str, question_id: str | None = None) -> None:
        if code not in INVALID_ANSWER_CODES:
            raise ValueError(f"unknown InvalidAnswer code {code!r}")
        super().__init__(f"{code} (question {question_id})")
        self.code = code
        self.question_id = question_id


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    fraction: Fraction  # the share of the question's points earned, 0..1
    is_correct: bool  # fully right


@dataclass(frozen=True)
class Grade:
    points_earned: Fraction
    points_possible: Fraction
    score: Fraction  # points_earned / points_possible, 0..1
    results: tuple[QuestionResult, ...]  # in the order of the questions


# --- checking answers ---------------------------------------------------------------------------

# Spaces that French and Spanish officers type (or paste) between groups of thousands.
_GROUP_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_NUMBER_CHARACTERS = re.compile(r"[+-]?[0-9 ,.]*")
_MAX_NUMBER_LENGTH = 40  # longer text is not a number an officer typed


def parse_number(text: str) -> Decimal:
    """Read a number as officers type it: `1.43`, `1,43`, `1 234,5`, `1,234.5`, `1.234,5`, `-0,5`.

    A lone comma or point is the decimal mark, so `1,430` is 1.43, never 1430. When both `,` and
    `.` appear, the last one is the decimal mark and the other separates groups of three digits,
    as spaces may. Raises InvalidAnswer("not_a_number") for anything else, exponents and NaN too.
    """
    text = _GROUP_SPACES.sub(" ", text.strip().replace("\u2212", "-"))
    if len(text) > _MAX_NUMBER_LENGTH or not _NUMBER_CHARACTERS.fullmatch(text):
        raise InvalidAnswer("not_a_number")
    sign, body = (text[0], text[1:]) if text[:1] in ("-", "+") else ("", text)
    if "," in body and "." in body:
        decimal_mark = "," if body.rindex(",") > body.rindex(".") else "."
    elif body.count(",") == 1:
        decimal_mark = ","
    elif body.count(".") == 1:
        decimal_mark = "."
    else:  # no mark at all, or "1.234.567" and "1,234,567", which only group digits
        decimal_mark = None
    whole, _, fraction = body.partition(decimal_mark) if decimal_mark else (body, "", "")
    if not (whole or fraction) or not _is_grouped_integer(whole) or (fraction and not fraction.isdigit()):
        raise InvalidAnswer("not_a_number")
    digits = re.sub(r"[ ,.]", "", whole) or "0"
    return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")


def _is_grouped_integer(text: str) -> bool:
    """Plain digits, or groups of three after a first group of one to three, split by one separator."""
    separators = set(re.sub(r"[0-9]", "", text))
    if not separators:
        return True  # plain digits, or "" as in ",5"
    if len(separators) > 1:
        return False
    first, *groups = text.split(separators.pop())
    return 1 <= len(first) <= 3 and all(len(group) == 3 for group in groups)


def normalise_answer(question: Question, raw: object) -> object:
    """The canonical answer for `raw` (what a form or JSON sent), or None when unanswered.

    Canonical answers, by kind: a choice id (single_choice, image_choice); a list of choice ids in
    the question's order (multiple_response); a bool (true_false); {item id: target id} without
    unanswered items (matching); every item id in the learner's order (ordering); the number as
    plain text with a decimal point, e.g. "1.4300" (numeric); {"x": …, "y": …} or a region id
    (hotspot). Normalising a canonical answer returns it unchanged.
    Raises InvalidAnswer, with the question's id, for anything the question could not have sent.
    """
    if raw is None or (isinstance(raw, (str, list, tuple, dict)) and not _strip(raw)):
        return None
    try:
        return _NORMALISERS[question["kind"]](question, raw)
    except InvalidAnswer as error:
        raise InvalidAnswer(error.code, question["id"]) from None


def _strip(raw: object) -> object:
    return raw.strip() if isinstance(raw, str) else raw


def _as_list(value: object) -> list[Any]:
    """`correct: label` and `correct: [label]` both mean one id."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _choice(raw: object, options: Sequence[str]) -> str:
    if not isinstance(raw, str):
        raise InvalidAnswer("malformed")
    if raw not in options:
        raise InvalidAnswer("unknown_choice")
    return raw


def _distinct_choices(raw: object, options: Sequence[str]) -> list[str]:
    if not isinstance(raw, (list, tuple)):
        raise InvalidAnswer("malformed")
    picked = [_choice(item, options) for item in raw]
    if len(set(picked)) < len(picked):
        raise InvalidAnswer("duplicate_choice")
    return picked


def _normalise_choice(question: Question, raw: object) -> str:
    return _choice(raw, list(question["choices"]))


def _normalise_choices(question: Question, raw: object) -> list[str]:
    picked = set(_distinct_choices(raw, list(question["choices"])))
    return [choice for choice in question["choices"] if choice in picked]


def _normalise_true_false(question: Question, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if not isinstance(raw, str):
        raise InvalidAnswer("malformed")
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise InvalidAnswer("unknown_choice")
    return value == "true"


def _normalise_matching(question: Question, raw: object) -> dict[str, str] | None:
    if not isinstance(raw, Mapping):
        raise InvalidAnswer("malformed")
    items, targets = list(question["items"]), list(question["targets"])
    for item in raw:
        _choice(item, items)
    # Two items may share a target (both pangolins and rhinos are Appendix I), so no duplicate check.
    matched = {item: _choice(raw[item], targets) for item in items if _strip(raw.get(item)) not in (None, "")}
    return matched or None


def _normalise_ordering(question: Question, raw: object) -> list[str]:
    items = _as_list(question["correct"])
    order = _distinct_choices(raw, items)
    if len(order) < len(items):
        raise InvalidAnswer("incomplete")
    return order


def _normalise_numeric(question: Question, raw: object) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise InvalidAnswer("malformed")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise InvalidAnswer("not_a_number")
    # A float from JSON is read through its shortest repr, so 1.43 stays 1.43.
    text = raw if isinstance(raw, str) else repr(raw) if isinstance(raw, float) else str(raw)
    return format(parse_number(text), "f")


_COORDINATE = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _normalise_hotspot(question: Question, raw: object) -> dict[str, int | float] | str | None:
    if isinstance(raw, str):
        return _choice(raw, [region["id"] for region in question["regions"]])
    if not isinstance(raw, Mapping) or set(raw) != {"x", "y"}:
        raise InvalidAnswer("malformed")
    if all(_strip(raw[axis]) in (None, "") for axis in ("x", "y")):
        return None  # a form whose hidden x and y fields were never filled
    if "width" not in question or "height" not in question:
        raise ValueError(f"hotspot question {question['id']!r} lacks the image's width and height")
    click = {axis: _coordinate(raw[axis]) for axis in ("x", "y")}
    if not (0 <= click["x"] <= question["width"] and 0 <= click["y"] <= question["height"]):
        raise InvalidAnswer("outside_image")
    # Store ints as ints and keep sub-pixel clicks (from scaled images) to a thousandth of a pixel.
    return {
        axis: int(value) if value == int(value) else float(round(value, 3)) for axis, value in click.items()
    }


def _coordinate(value: object) -> Decimal:
    """A click coordinate from JSON (a number) or a form (dot-decimal text, as browsers send)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidAnswer("malformed")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidAnswer("not_a_number")
        return Decimal(repr(value))
    if isinstance(value, str) and not _COORDINATE.fullmatch(value.strip()):
        raise InvalidAnswer("not_a_number")
    return Decimal(value.strip() if isinstance(value, str) else value)


_NORMALISERS: dict[str, Callable[[Question, Any], object]] = {
    "single_choice": _normalise_choice,
    "multiple_response": _normalise_choices,
    "true_false": _normalise_true_false,
    "matching": _normalise_matching,
    "ordering": _normalise_ordering,
    "numeric": _normalise_numeric,
    "image_choice": _normalise_choice,
    "hotspot": _normalise_hotspot,
}


# --- scoring canonical answers ------------------------------------------------------------------


def _exact(value: object) -> Fraction:
    """A YAML or JSON number as an exact fraction; a float is read as the decimal it was written as."""
    if isinstance(value, bool):
        raise TypeError("a number is required, not a bool")
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)  # type: ignore[arg-type]


def _all_or_share(question: Question, right: int, total: int) -> Fraction:
    """Full credit only when everything is right, unless the question says `scoring: partial`."""
    if question.get("scoring") == "partial":
        return Fraction(right, total)
    return Fraction(right == total)


def _grade_choice(question: Question, answer: str) -> Fraction:
    return Fraction(answer in _as_list(question["correct"]))


def _grade_choices(question: Question, answer: list[str]) -> Fraction:
    correct = set(_as_list(question["correct"]))
    picked = set(answer)
    if question.get("scoring") != "partial":
        return Fraction(picked == correct)
    right, wrong = len(picked & correct), len(picked - correct)
    return max(Fraction(0), Fraction(right - wrong, len(correct)))


def _grade_true_false(question: Question, answer: bool) -> Fraction:
    return Fraction(answer == question["correct"])


def _grade_matching(question: Question, answer: dict[str, str]) -> Fraction:
    correct = question["correct"]
    right = sum(answer.get(item) == target for item, target in correct.items())
    return _all_or_share(question, right, len(correct))


def _grade_ordering(question: Question, answer: list[str]) -> Fraction:
    correct = _as_list(question["correct"])
    right = sum(given == expected for given, expected in zip(answer, correct, strict=True))
    return _all_or_share(question, right, len(correct))


def _grade_numeric(question: Question, answer: str) -> Fraction:
    distance = abs(Fraction(answer) - _exact(question["correct"]))
    return Fraction(distance <= _exact(question.get("tolerance", 0)))


def _grade_hotspot(question: Question, answer: dict[str, int | float] | str) -> Fraction:
    correct = set(_as_list(question["correct"]))
    if isinstance(answer, str):
        return Fraction(answer in correct)
    x, y = _exact(answer["x"]), _exact(answer["y"])
    return Fraction(
        any(_region_contains(region, x, y) for region in question["regions"] if region["id"] in correct)
    )


def _region_contains(region: Mapping[str, Any], x: Fraction, y: Fraction) -> bool:
    """Whether a click falls in a region; its edges count as inside."""
    if "rect" in region:
        left, top, width, height = (_exact(value) for value in region["rect"])
        return left <= x <= left + width and top <= y <= top + height
    return _polygon_contains([(_exact(px), _exact(py)) for px, py in region["polygon"]], x, y)


def _polygon_contains(points: Sequence[tuple[Fraction, Fraction]], x: Fraction, y: Fraction) -> bool:
    """Even-odd ray casting to the right, exact, so concave polygons (L, U shapes) work too."""
    inside = False
    for (x1, y1), (x2, y2) in zip(points, [*points[1:], points[0]], strict=True):
        if _on_segment(x, y, x1, y1, x2, y2):
            return True
        # Count an edge when it straddles the ray's height; the half-open test counts a vertex once.
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _on_segment(x: Fraction, y: Fraction, x1: Fraction, y1: Fraction, x2: Fraction, y2: Fraction) -> bool:
    collinear = (x2 - x1) * (y - y1) == (y2 - y1) * (x - x1)
    return collinear and min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2)


#: how each kind scores a canonical, non-empty answer, as a share of the question's points
GRADERS: dict[str, Callable[[Question, Any], Fraction]] = {
    "single_choice": _grade_choice,
    "multiple_response": _grade_choices,
    "true_false": _grade_true_false,
    "matching": _grade_matching,
    "ordering": _grade_ordering,
    "numeric": _grade_numeric,
    "image_choice": _grade_choice,
    "hotspot": _grade_hotspot,
}


def score_question(question: Question, answer: object) -> Fraction:
    """The share of the question's points that `answer` earns, from 0 to 1; unanswered earns 0.

    `answer` may be raw or canonical: it goes through normalise_answer (so InvalidAnswer may be raised).
    Multiple response with `scoring: partial` earns (right picks - wrong picks) / number of correct
    choices, floored at 0: picking every choice earns nothing when half of them are wrong.
    Matching and ordering earn all or nothing unless `scoring: partial`, where they earn the share
    of items matched right or placed in their right position. A numeric answer is right when it is
    within `tolerance` of `correct`, boundaries included. A hotspot click is right inside (or on the
    edge of) any region listed in `correct`; a region id is right when it is listed there.
    """
    canonical = normalise_answer(question, answer)
    if canonical is None:
        return Fraction(0)
    return GRADERS[question["kind"]](question, canonical)


def points_of(question: Question) -> Fraction:
    """What the question is worth (1 unless it says `points`), exactly."""
    return _exact(question.get("points", 1))


def grade(questions: Sequence[Question], answers: Mapping[str, object]) -> Grade:
    """Grade an attempt: `answers` maps question ids to answers; questions without one earn 0.

    Answers to ids that are not among `questions` are ignored. Raises InvalidAnswer for the first
    answer that normalise_answer rejects, so check answers before grading them.
    """
    results = []
    earned = possible = Fraction(0)
    for question in questions:
        fraction = score_question(question, answers.get(question["id"]))
        points = points_of(question)
        earned += fraction * points
        possible += points
        results.append(QuestionResult(question["id"], fraction, fraction == 1))
    if possible <= 0:
        raise ValueError("cannot grade an attempt worth no points")
    return Grade(earned, possible, earned / possible, tuple(results))
