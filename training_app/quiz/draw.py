"""Draw an attempt's questions and option orders from its seed, so the attempt can be rebuilt exactly."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

# The option list each kind shows shuffled (docs/course-format.md); ordering is handled apart.
_SHUFFLED_OPTIONS = {
    "single_choice": "choices",
    "multiple_response": "choices",
    "image_choice": "choices",
    "matching": "targets",
}


@dataclass(frozen=True)
class DrawnQuestion:
    question_id: str
    case_id: str | None
    #: the ids as shown: choices, matching targets or ordering items; () keeps the authored order
    option_order: tuple[str, ...]


@dataclass(frozen=True)
class _Unit:
    """What is drawn whole: one question, or a case's questions in their case order."""

    case_id: str | None
    question_ids: tuple[str, ...]


def draw_questions(quiz: Mapping[str, Any], seed: int) -> list[DrawnQuestion]:
    """The questions of one attempt, in the order shown, with their options shuffled.

    `quiz` is the structure of `quizzes/<quiz-id>.yaml` (or `dataclasses.asdict` of a content Quiz):
    `questions`, and optionally `cases`, `draw` (default, or None: every question) and `draw_rules`.
    Exactly `draw` questions are drawn, whole cases in their order, with every rule met; the draw
    depends on `seed` alone. Raises ValueError when no draw can meet `draw`, the cases and the rules.
    """
    rng = random.Random(seed)
    questions = {question["id"]: question for question in quiz["questions"]}
    units = _units(quiz, questions)
    total = len(questions)
    count = total if quiz.get("draw") is None else quiz["draw"]
    if not 1 <= count <= total:
        raise ValueError(f"cannot draw {count} questions from a bank of {total}")
    rng.shuffle(units)
    chosen = _choose(units, count, quiz.get("draw_rules") or (), questions)
    # Shuffle again: the units that the rules forced tend to come late in the first order.
    rng.shuffle(chosen)
    return [
        DrawnQuestion(question_id, unit.case_id, _option_order(questions[question_id], rng))
        for unit in chosen
        for question_id in unit.question_ids
    ]


def _units(quiz: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]]) -> list[_Unit]:
    """Every case and every question outside a case, in written order (a case where its first question is)."""
    case_of: dict[str, _Unit] = {}
    for case in quiz.get("cases") or ():
        unit = _Unit(case["id"], tuple(case["questions"]))
        for question_id in unit.question_ids:
            if question_id not in questions:
                raise ValueError(f"case {unit.case_id!r} names an unknown question {question_id!r}")
            if question_id in case_of:
                raise ValueError(f"question {question_id!r} is in two cases")
            case_of[question_id] = unit
    units: list[_Unit] = []
    for question_id in questions:
        if question_id not in case_of:
            units.append(_Unit(None, (question_id,)))
        elif case_of[question_id].question_ids[0] == question_id:
            units.append(case_of[question_id])
    return units


def _choose(
    units: Sequence[_Unit],
    count: int,
    rules: Sequence[Mapping[str, Any]],
    questions: Mapping[str, Mapping[str, Any]],
) -> list[_Unit]:
    """Take each unit, in the given order, whenever the draw can still be completed with it.

    A state is (questions still to draw, questions still needed for each rule). Working backwards,
    `can_finish[i]` holds the states that units[i:] can bring to (0, 0, …); walking forwards, a
    unit is taken when the state after it can still finish. Rules are thus met first where needed
    and the rest is filled in the random order, and the draw fails only when no draw exists.
    """
    needs = tuple(rule["at_least"] for rule in rules)
    gains = [
        tuple(sum(rule["tag"] in questions[q].get("tags", ()) for q in unit.question_ids) for rule in rules)
        for unit in units
    ]

    def after(state: tuple[int, ...], index: int) -> tuple[int, ...] | None:
        left, *needed = state
        size = len(units[index].question_ids)
        if size > left:
            return None
        return (left - size, *(max(0, need - gain) for need, gain in zip(needed, gains[index], strict=True)))

    states = list(product(range(count + 1), *(range(need + 1) for need in needs)))
    can_finish: list[set[tuple[int, ...]]] = [set() for _ in units] + [{(0,) * (1 + len(needs))}]
    for index in reversed(range(len(units))):
        later = can_finish[index + 1]
        can_finish[index] = {state for state in states if state in later or after(state, index) in later}
    state = (count, *needs)
    if state not in can_finish[0]:
        wanted = "".join(f", at least {rule['at_least']} tagged {rule['tag']!r}" for rule in rules)
        raise ValueError(f"no draw has exactly {count} questions, whole cases{wanted}")
    chosen = []
    for index, unit in enumerate(units):
        taken = after(state, index)
        if taken in can_finish[index + 1]:
            chosen.append(unit)
            state = taken
    return chosen


def _option_order(question: Mapping[str, Any], rng: random.Random) -> tuple[str, ...]:
    if question["kind"] == "ordering":
        return _out_of_order(list(question["correct"]), rng)
    if question["kind"] not in _SHUFFLED_OPTIONS:
        return ()
    options = list(question[_SHUFFLED_OPTIONS[question["kind"]]])
    rng.shuffle(options)
    return tuple(options)


def _out_of_order(items: list[str], rng: random.Random) -> tuple[str, ...]:
    """The items shuffled, never in the right order when there are two or more."""
    shown = list(items)
    rng.shuffle(shown)
    while len(set(items)) > 1 and shown == items:
        rng.shuffle(shown)
    return tuple(shown)
