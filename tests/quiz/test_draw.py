from collections import Counter
from dataclasses import asdict

import pytest

from training_app.content.model import Case, DrawRule, Quiz
from training_app.quiz.draw import DrawnQuestion, draw_questions

SEEDS = range(300)
CHOICE = {"id": "choice", "kind": "single_choice", "choices": ["a", "b", "c", "d"], "correct": "a"}
IMAGE = {"id": "image", "kind": "image_choice", "choices": {"a": "a.png", "b": "b.png"}, "correct": "a"}
MATCHING = {
    "id": "matching",
    "kind": "matching",
    "items": ["pangolin", "mahogany"],
    "targets": ["app-i", "app-ii", "app-iii"],
    "correct": {"pangolin": "app-i", "mahogany": "app-ii"},
}
ORDERING = {"id": "ordering", "kind": "ordering", "correct": ["ppe", "photograph", "sample"]}
PAIR = {"id": "pair", "kind": "ordering", "correct": ["first", "second"]}
NUMERIC = {"id": "numeric", "kind": "numeric", "correct": 1.43}


def single(question_id, *tags):
    return {"id": question_id, "kind": "true_false", "correct": True, "tags": list(tags)}


def bank():
    """Twelve questions: two cases (of 2 and 3) and seven singles; four are tagged permits."""
    return {
        "draw": 6,
        "draw_rules": [{"tag": "permits", "at_least": 2}],
        "cases": [
            {"id": "battery-truck", "questions": ["declared-goods", "next-step"]},
            {"id": "reefer", "questions": ["gas-reading", "label-check", "who-to-call"]},
        ],
        "questions": [
            single("q1", "permits"),
            single("declared-goods"),
            single("q2"),
            single("next-step", "permits"),
            single("q3"),
            single("gas-reading"),
            single("who-to-call"),
            single("label-check"),
            single("q4", "permits", "labels"),
            single("q5"),
            single("q6", "permits"),
            single("q7"),
        ],
    }


def drawn_ids(drawn):
    return [question.question_id for question in drawn]


def test_same_seed_same_draw_and_orders():
    quiz = {**bank(), "questions": [*bank()["questions"], CHOICE, MATCHING, ORDERING]}
    assert draw_questions(quiz, 42) == draw_questions(quiz, 42)


def test_different_seeds_draw_differently():
    draws = {tuple(drawn_ids(draw_questions(bank(), seed))) for seed in range(20)}
    assert len(draws) > 10


@pytest.mark.parametrize("seed", SEEDS)
def test_draw_is_exact_keeps_cases_whole_and_meets_the_rules(seed):
    quiz = bank()
    drawn = draw_questions(quiz, seed)
    ids = drawn_ids(drawn)
    assert len(ids) == 6
    assert len(set(ids)) == 6
    tags = {question["id"]: question["tags"] for question in quiz["questions"]}
    assert sum("permits" in tags[question_id] for question_id in ids) >= 2
    for case in quiz["cases"]:
        positions = [index for index, question in enumerate(drawn) if question.case_id == case["id"]]
        if positions:
            assert positions == list(range(positions[0], positions[0] + len(case["questions"])))
            assert [ids[index] for index in positions] == case["questions"]
    for question in drawn:
        if question.case_id is None:
            assert not any(question.question_id in case["questions"] for case in quiz["cases"])


def test_every_question_and_case_gets_drawn_sometimes():
    counts = Counter(question_id for seed in SEEDS for question_id in drawn_ids(draw_questions(bank(), seed)))
    assert set(counts) == {question["id"] for question in bank()["questions"]}


def test_rule_forced_question_is_not_always_shown_last():
    quiz = {
        "draw": 4,
        "draw_rules": [{"tag": "permits", "at_least": 1}],
        "questions": [single(f"q{number}") for number in range(10)] + [single("permit", "permits")],
    }
    positions = {drawn_ids(draw_questions(quiz, seed)).index("permit") for seed in range(100)}
    assert positions == {0, 1, 2, 3}


def test_draw_finds_the_only_way_to_meet_count_and_rules():
    # Two questions with one permit: the three-question permits case never fits, so "p" is always in.
    quiz = {
        "draw": 2,
        "draw_rules": [{"tag": "permits", "at_least": 1}],
        "cases": [{"id": "big", "questions": ["c1", "c2", "c3"]}],
        "questions": [
            single("c1", "permits"),
            single("c2", "permits"),
            single("c3"),
            single("a"),
            single("b"),
            single("p", "permits"),
        ],
    }
    for seed in range(50):
        ids = drawn_ids(draw_questions(quiz, seed))
        assert len(ids) == 2
        assert "p" in ids


def test_draw_meets_several_rules_at_once():
    quiz = {
        "draw": 3,
        "draw_rules": [{"tag": "permits", "at_least": 1}, {"tag": "labels", "at_least": 2}],
        "cases": [{"id": "pair", "questions": ["l1", "l2"]}],
        "questions": [
            single("l1", "labels"),
            single("l2", "labels"),
            single("both", "labels", "permits"),
            single("p1", "permits"),
            *(single(f"x{number}") for number in range(6)),
        ],
    }
    for seed in SEEDS:
        ids = drawn_ids(draw_questions(quiz, seed))
        tags = {question["id"]: question["tags"] for question in quiz["questions"]}
        assert len(ids) == 3
        assert sum("permits" in tags[question_id] for question_id in ids) >= 1
        assert sum("labels" in tags[question_id] for question_id in ids) >= 2


def test_whole_bank_by_default():
    quiz = {key: value for key, value in bank().items() if key not in ("draw", "draw_rules")}
    ids = drawn_ids(draw_questions(quiz, 7))
    assert sorted(ids) == sorted(question["id"] for question in quiz["questions"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"draw_rules": [{"tag": "permits", "at_least": 5}]}, "at least 5 tagged 'permits'"),
        ({"draw_rules": [{"tag": "nowhere", "at_least": 1}]}, "at least 1 tagged 'nowhere'"),
        ({"draw": 13}, "cannot draw 13 questions from a bank of 12"),
        ({"draw": 0}, "cannot draw 0 questions"),
    ],
)
def test_impossible_draws_raise(changes, message):
    with pytest.raises(ValueError, match=message):
        draw_questions({**bank(), **changes}, 1)


def test_count_that_only_cases_cannot_fill_raises():
    quiz = {
        "draw": 3,
        "cases": [{"id": "one", "questions": ["a", "b"]}, {"id": "two", "questions": ["c", "d"]}],
        "questions": [single("a"), single("b"), single("c"), single("d")],
    }
    with pytest.raises(ValueError, match="exactly 3 questions, whole cases"):
        draw_questions(quiz, 1)


@pytest.mark.parametrize(
    ("cases", "message"),
    [
        ([{"id": "one", "questions": ["q1", "ghost"]}], "unknown question 'ghost'"),
        (
            [{"id": "one", "questions": ["q1"]}, {"id": "two", "questions": ["q1", "q2"]}],
            "'q1' is in two cases",
        ),
    ],
)
def test_broken_cases_raise(cases, message):
    with pytest.raises(ValueError, match=message):
        draw_questions({**bank(), "cases": cases}, 1)


# --- option order -------------------------------------------------------------------------------


def options_shown(question, seeds=SEEDS):
    return [draw_questions({"questions": [question]}, seed)[0].option_order for seed in seeds]


@pytest.mark.parametrize(
    ("question", "options"),
    [
        (CHOICE, CHOICE["choices"]),
        ({**CHOICE, "kind": "multiple_response", "correct": ["a", "b"]}, CHOICE["choices"]),
        (IMAGE, ["a", "b"]),
        (MATCHING, MATCHING["targets"]),
        (ORDERING, ORDERING["correct"]),
    ],
    ids=lambda value: value["kind"] if isinstance(value, dict) else None,
)
def test_options_are_shuffled_permutations(question, options):
    shown = options_shown(question)
    assert all(sorted(order) == sorted(options) for order in shown)
    assert len(set(shown)) > 1


def test_ordering_items_are_never_shown_in_the_right_order():
    assert tuple(ORDERING["correct"]) not in options_shown(ORDERING)
    assert set(options_shown(PAIR)) == {("second", "first")}
    assert options_shown({"id": "one", "kind": "ordering", "correct": ["only"]}, range(3)) == [("only",)] * 3


@pytest.mark.parametrize(
    "question", [NUMERIC, single("tf"), {"id": "spot", "kind": "hotspot", "regions": []}]
)
def test_kinds_without_shuffled_options_keep_the_authored_order(question):
    assert draw_questions({"questions": [question]}, 3) == [DrawnQuestion(question["id"], None, ())]


def test_draw_takes_a_content_quiz_as_a_dict():
    quiz = Quiz(
        id="identify-cylinders",
        pass_mark=0.8,
        questions=tuple(bank()["questions"]),
        draw_rules=(DrawRule("permits", 2),),
        cases=(Case("battery-truck", ("declared-goods", "next-step")),),
    )
    drawn = draw_questions(asdict(quiz), 5)
    assert len(drawn) == 12  # draw: None means every question
    assert drawn == draw_questions(asdict(quiz), 5)
