from decimal import Decimal
from fractions import Fraction

import pytest

from training_app.quiz.grading import (
    GRADERS,
    INVALID_ANSWER_CODES,
    Grade,
    InvalidAnswer,
    QuestionResult,
    grade,
    normalise_answer,
    parse_number,
    score_question,
)

# The questions of docs/course-format.md, as the importer hands them over.
FIRST_LOOK = {
    "id": "first-look",
    "kind": "single_choice",
    "choices": ["label", "valve", "colour"],
    "correct": "label",
}
RED_FLAGS = {
    "id": "red-flags",
    "kind": "multiple_response",
    "scoring": "partial",
    "choices": ["a", "b", "c", "d"],
    "correct": ["a", "c"],
}
RED_FLAGS_STRICT = {**RED_FLAGS, "id": "red-flags-strict", "scoring": "all_or_nothing"}
COLOUR_IS_PROOF = {"id": "colour-is-proof", "kind": "true_false", "correct": False}
APPENDIX_OF = {
    "id": "appendix-of",
    "kind": "matching",
    "items": ["pangolin", "mahogany", "rhino"],
    "targets": ["app-i", "app-ii", "app-iii"],
    "correct": {"pangolin": "app-i", "mahogany": "app-ii", "rhino": "app-i"},
}
APPENDIX_OF_PARTIAL = {**APPENDIX_OF, "scoring": "partial"}
STEPS = {"id": "inspection-steps", "kind": "ordering", "correct": ["ppe", "photograph", "sample", "seal"]}
STEPS_PARTIAL = {**STEPS, "scoring": "partial"}
CO2E = {"id": "co2e", "kind": "numeric", "correct": 1.43, "tolerance": 0.01}
WHICH_CYLINDER = {
    "id": "which-cylinder",
    "kind": "image_choice",
    "choices": {"a": "cyl-a.png", "b": "cyl-b.png", "c": "cyl-c.png"},
    "correct": "b",
}
FIND_MARK = {
    "id": "find-odp-mark",
    "kind": "hotspot",
    "image": "cylinder-label.png",
    "width": 400,
    "height": 300,
    "regions": [
        {"id": "refrigerant-name", "rect": [40, 30, 200, 60]},
        {"id": "un-number", "polygon": [[300, 40], [380, 40], [380, 90], [300, 90]]},
    ],
    "correct": ["refrigerant-name"],
}
# Concave regions, in a 20 x 20 image. L: a 10 x 10 square without its top-right 6 x 6 corner.
# U: a 10 x 10 square with a gap from x 3 to 7 cut down from the top to y 7.
L_SHAPE = [[0, 0], [4, 0], [4, 6], [10, 6], [10, 10], [0, 10]]
U_SHAPE = [[0, 0], [3, 0], [3, 7], [7, 7], [7, 0], [10, 0], [10, 10], [0, 10]]
CONCAVE = {
    "id": "concave",
    "kind": "hotspot",
    "image": "shapes.png",
    "width": 20,
    "height": 20,
    "regions": [{"id": "l", "polygon": L_SHAPE}, {"id": "u", "polygon": U_SHAPE}],
    "correct": ["l"],
}
ALL_QUESTIONS = [FIRST_LOOK, RED_FLAGS, COLOUR_IS_PROOF, APPENDIX_OF, STEPS, CO2E, WHICH_CYLINDER, FIND_MARK]


def with_correct(question, correct):
    return {**question, "correct": correct}


def test_every_kind_has_a_grader():
    assert set(GRADERS) == {question["kind"] for question in ALL_QUESTIONS}


# --- unanswered ---------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=lambda question: question["kind"])
@pytest.mark.parametrize("empty", [None, "", "  ", [], {}])
def test_empty_answer_is_unanswered_and_scores_zero(question, empty):
    assert normalise_answer(question, empty) is None
    assert score_question(question, empty) == 0


def test_false_is_an_answer_not_a_blank():
    assert normalise_answer(COLOUR_IS_PROOF, False) is False
    assert score_question(COLOUR_IS_PROOF, False) == 1


# --- single choice and image choice -------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        (FIRST_LOOK, "label", 1),
        (FIRST_LOOK, "valve", 0),
        (with_correct(FIRST_LOOK, ["label"]), "label", 1),  # `correct: [label]` means the same
        (WHICH_CYLINDER, "b", 1),
        (WHICH_CYLINDER, "a", 0),
    ],
)
def test_choice_scores(question, answer, expected):
    assert normalise_answer(question, answer) == answer
    assert score_question(question, answer) == expected


@pytest.mark.parametrize(
    ("question", "raw", "code"),
    [
        (FIRST_LOOK, "a", "unknown_choice"),  # a choice id of another question
        (FIRST_LOOK, "Label", "unknown_choice"),
        (FIRST_LOOK, ["label"], "malformed"),
        (FIRST_LOOK, {"label": True}, "malformed"),
        (FIRST_LOOK, 1, "malformed"),
        (FIRST_LOOK, True, "malformed"),
        (WHICH_CYLINDER, "cyl-b.png", "unknown_choice"),  # the file, not the choice id
        (WHICH_CYLINDER, ["b"], "malformed"),
    ],
)
def test_choice_rejects(question, raw, code):
    with pytest.raises(InvalidAnswer) as error:
        normalise_answer(question, raw)
    assert (error.value.code, error.value.question_id) == (code, question["id"])


# --- multiple response --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "partial", "strict"),
    [
        (["a", "c"], 1, 1),
        (["c", "a"], 1, 1),
        (["a"], Fraction(1, 2), 0),
        (["a", "b"], 0, 0),  # one right, one wrong
        (["a", "c", "b"], Fraction(1, 2), 0),
        (["b"], 0, 0),  # floored at 0, not -1/2
        (["b", "d"], 0, 0),  # floored at 0, not -1
        (["a", "b", "c", "d"], 0, 0),  # ticking everything earns nothing
    ],
)
def test_multiple_response_scores(answer, partial, strict):
    assert score_question(RED_FLAGS, answer) == partial
    assert score_question(RED_FLAGS_STRICT, answer) == strict


def test_multiple_response_without_scoring_is_all_or_nothing():
    question = {key: value for key, value in RED_FLAGS.items() if key != "scoring"}
    assert score_question(question, ["a"]) == 0
    assert score_question(question, ["a", "c"]) == 1


def test_multiple_response_partial_credit_stays_within_bounds_for_every_selection():
    choices = RED_FLAGS["choices"]
    selections = [[choice for bit, choice in enumerate(choices) if mask >> bit & 1] for mask in range(16)]
    scores = [score_question(RED_FLAGS, selection) for selection in selections]
    assert all(0 <= score <= 1 for score in scores)
    assert scores.count(1) == 1


def test_multiple_response_is_stored_in_choice_order():
    assert normalise_answer(RED_FLAGS, ("d", "a")) == ["a", "d"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (["a", "a"], "duplicate_choice"),
        (["a", "c", "c"], "duplicate_choice"),
        (["a", "label"], "unknown_choice"),
        ("a", "malformed"),  # a list is required, even for one pick
        ({"a": True}, "malformed"),
        ([["a"]], "malformed"),
        ([1], "malformed"),
    ],
)
def test_multiple_response_rejects(raw, code):
    with pytest.raises(InvalidAnswer) as error:
        normalise_answer(RED_FLAGS, raw)
    assert error.value.code == code


# --- true / false -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical", "expected"),
    [(False, False, 1), ("false", False, 1), ("FALSE", False, 1), (True, True, 0), ("true", True, 0)],
)
def test_true_false(raw, canonical, expected):
    assert normalise_answer(COLOUR_IS_PROOF, raw) is canonical
    assert score_question(COLOUR_IS_PROOF, raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [("yes", "unknown_choice"), ("0", "unknown_choice"), (0, "malformed"), (["true"], "malformed")],
)
def test_true_false_rejects(raw, code):
    with pytest.raises(InvalidAnswer) as error:
        normalise_answer(COLOUR_IS_PROOF, raw)
    assert error.value.code == code


# --- matching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "strict", "partial"),
    [
        ({"pangolin": "app-i", "mahogany": "app-ii", "rhino": "app-i"}, 1, 1),
        ({"pangolin": "app-i", "mahogany": "app-iii", "rhino": "app-i"}, 0, Fraction(2, 3)),
        ({"pangolin": "app-i"}, 0, Fraction(1, 3)),
        ({"pangolin": "app-i", "mahogany": "", "rhino": None}, 0, Fraction(1, 3)),
        ({"pangolin": "app-iii", "mahogany": "app-iii", "rhino": "app-iii"}, 0, 0),
    ],
)
def test_matching_scores(answer, strict, partial):
    assert score_question(APPENDIX_OF, answer) == strict
    assert score_question(APPENDIX_OF_PARTIAL, answer) == partial


def test_matching_drops_unanswered_items_and_may_reuse_a_target():
    raw = {"rhino": "app-i", "mahogany": " ", "pangolin": "app-i"}
    assert normalise_answer(APPENDIX_OF, raw) == {"pangolin": "app-i", "rhino": "app-i"}
    assert normalise_answer(APPENDIX_OF, {"pangolin": "", "mahogany": ""}) is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"tiger": "app-i"}, "unknown_choice"),
        ({"pangolin": "app-iv"}, "unknown_choice"),
        ({"pangolin": "label"}, "unknown_choice"),
        ({"pangolin": ["app-i"]}, "malformed"),
        ({"pangolin": 1}, "malformed"),
        (["pangolin", "app-i"], "malformed"),
        ("pangolin", "malformed"),
    ],
)
def test_matching_rejects(raw, code):
    with pytest.raises(InvalidAnswer) as error:
        normalise_answer(APPENDIX_OF, raw)
    assert error.value.code == code


# --- ordering -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "strict", "partial"),
    [
        (["ppe", "photograph", "sample", "seal"], 1, 1),
        (["ppe", "photograph", "seal", "sample"], 0, Fraction(1, 2)),
        (["seal", "photograph", "sample", "ppe"], 0, Fraction(1, 2)),
        (["photograph", "sample", "seal", "ppe"], 0, 0),  # right sequence, shifted: every position wrong
        (["seal", "sample", "photograph", "ppe"], 0, 0),
    ],
)
def test_ordering_scores(answer, strict, partial):
    assert normalise_answer(STEPS, answer) == answer
    assert score_question(STEPS, answer) == strict
    assert score_question(STEPS_PARTIAL, answer) == partial


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (["ppe", "ppe", "sample", "seal"], "duplicate_choice"),
        (["ppe", "photograph", "sample"], "incomplete"),
        (["ppe", "photograph", "sample", "seal", "label"], "unknown_choice"),
        (["ppe", "photograph", "sample", "seal", "ppe"], "duplicate_choice"),
        ("ppe", "malformed"),
        ({"ppe": 1}, "malformed"),
    ],
)
def test_ordering_rejects(raw, code):
    with pytest.raises(InvalidAnswer) as error:
        normalise_answer(STEPS, raw)
    assert error.value.code == code


# --- numeric ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical", "expected"),
    [
        ("1.43", "1.43", 1),
        ("1,43", "1.43", 1),
        ("1.4300", "1.4300", 1),
        ("1,4300", "1.4300", 1),
        (" 1,43 ", "1.43", 1),
        ("1.42", "1.42", 1),  # correct - tolerance: inclusive
        ("1,44", "1.44", 1),  # correct + tolerance: inclusive
        ("1.44000", "1.44000", 1),
        ("1.4199999", "1.4199999", 0),
        ("1.4400001", "1.4400001", 0),
        ("1.45", "1.45", 0),
        ("-1.43", "-1.43", 0),
        (1.43, "1.43", 1),  # a JSON number
        (1.44, "1.44", 1),  # 1.44 as a float is not exactly 1.44; it is read as written
        (Decimal("1.42"), "1.42", 1),
        (2, "2", 0),
    ],
)
def test_numeric_tolerance_is_exact_and_inclusive(raw, canonical, expected):
    assert normalise_answer(CO2E, raw) == canonical
    assert score_question(CO2E, raw) == expected


@pytest.mark.parametrize(
    ("correct", "tolerance", "raw", "expected"),
    [
        (1430, 10, "1 440", 1),  # a plain space between thousands
        (1430, 10, "1\u00a0420", 1),  # a no-break space, as French keyboards and Word type
        (1430, 10, "1\u202f441", 0),  # a narrow no-break space
        (1234.5, 0, "1.234,5", 1),  # Spain: point for thousands, comma for decimals
        (1234.5, 0, "1,234.5", 1),  # Mexico and the US
        (1234.5, 0, "1 234,5", 1),  # France
        (-0.5, 0, "\u22120,5", 1),  # a typographic minus
        (7, 0, "7", 1),  # no tolerance means exact
        (7, 0, "7,000", 1),  # a lone comma is a decimal comma: 7.000, not 7000
        (0.3, 0, "0.3", 1),  # no float drift (0.1 + 0.2 style)
    ],
)
def test_numeric_reads_officers_number_formats(correct, tolerance, raw, expected):
    question = {**CO2E, "correct": correct, "tolerance": tolerance}
    assert score_question(question, raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("abc", "not_a_number"),
        ("1.4.3", "not_a_number"),
        ("1,4,3", "not_a_number"),
        ("1,2.3", "not_a_number"),  # group of one digit
        ("12 34", "not_a_number"),
        ("1e3", "not_a_number"),
        ("NaN", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("-", "not_a_number"),
        ("1.43 t", "not_a_number"),
        ("1" * 41, "not_a_number"),
        (float("nan"), "not_a_number"),
        (float("inf"), "not_a_number"),
        (True, "malformed"),
        (["1.43"], "malformed"),
        ({"value": "1.43"}, "malformed"),
    ],
)
def test_numeric_rejects(raw, code):
    with pytest.raises(InvalidAnswer) as error:
        normalise_answer(CO2E, raw)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("text", "value"),
    [(",5", Decimal("0.5")), ("5.", Decimal(5)), ("+3", Decimal(3)), ("1.234.567", Decimal(1234567))],
)
def test_parse_number_edge_forms(text, value):
    assert parse_number(text) == value


# --- hotspot ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("click", "expected"),
    [
        ({"x": 100, "y": 50}, 1),
        ({"x": 40, "y": 30}, 1),  # the rectangle's corner
        ({"x": 240, "y": 90}, 1),  # the opposite corner: x + width, y + height
        ({"x": 240.001, "y": 90}, 0),
        ({"x": 39, "y": 50}, 0),
        ({"x": 340, "y": 60}, 0),  # inside a region that is not correct
        ({"x": "100", "y": "50.5"}, 1),  # from form fields
    ],
)
def test_hotspot_click_in_rect(click, expected):
    assert score_question(FIND_MARK, click) == expected


def test_hotspot_click_in_any_correct_region():
    question = with_correct(FIND_MARK, ["refrigerant-name", "un-number"])
    assert score_question(question, {"x": 340, "y": 60}) == 1
    assert score_question(question, {"x": 380, "y": 90}) == 1  # polygon corner
    assert score_question(question, {"x": 290, "y": 60}) == 0


@pytest.mark.parametrize(
    ("point", "in_l"),
    [
        ((2, 2), True),  # the upright
        ((2, 8), True),  # the corner
        ((8, 8), True),  # the foot
        ((7, 3), False),  # the missing corner, inside the bounding box
        ((4, 3), True),  # on the inner vertical edge
        ((4, 6), True),  # the reflex vertex
        ((7, 6), True),  # on the inner horizontal edge
        ((0, 0), True),  # a vertex
        ((10, 10), True),
        ((11, 8), False),
        ((2, 6), True),  # the ray runs along an edge and through the reflex vertex
        ((5, 6.001), True),
        ((5, 5.999), False),
    ],
)
def test_hotspot_l_shaped_polygon(point, in_l):
    click = {"x": point[0], "y": point[1]}
    assert score_question(CONCAVE, click) == in_l


@pytest.mark.parametrize(
    ("point", "in_u"),
    [
        ((1, 1), True),  # left arm
        ((9, 1), True),  # right arm
        ((5, 9), True),  # the base
        ((5, 3), False),  # the gap: the ray crosses two edges
        ((5, 0), False),  # on the top line, but in the gap
        ((2, 0), True),  # on the top edge of the left arm
        ((5, 7), True),  # the bottom of the gap is an edge
        ((1, 7), True),  # the ray passes along the bottom of the gap
        ((3, 3), True),  # inner edge
        ((7, 7), True),  # reflex vertex
        ((12, 5), False),
    ],
)
def test_hotspot_u_shaped_polygon(point, in_u):
    question = with_correct(CONCAVE, ["u"])
    assert score_question(question, {"x": point[0], "y": point[1]}) == in_u


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("refrigerant-name", 1), ("un-number", 0)],
    ids=["correct-region", "other-region"],
)
def test_hotspot_region_from_the_keyboard(answer, expected):
    assert normalise_answer(FIND_MARK, answer) == answer
    assert score_question(FIND_MARK, answer) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"x": 401, "y": 50}, "outside_image"),
        ({"x": 100, "y": 300.5}, "outside_image"),
        ({"x": -1, "y": 50}, "outside_image"),
        ({"x": "-0.5", "y": "0"}, "outside_image"),
        ({"x": "abc", "y": 50}, "not_a_number"),
        ({"x": "1e2", "y": 50}, "not_a_number"),
        ({"x": float("nan"), "y": 50}, "not_a_number"),
        ({"x": 100}, "malformed"),
        ({"x": 100, "y": 50, "z": 0}, "malformed"),
        ({"x": 100, "y": None}, "malformed"),
        ({"x": True, "y": 50}, "malformed"),
        ({"x": [100], "y": 50}, "malformed"),
        ([100, 50], "malformed"),
        ("label", "unknown_choice"),
        (7, "malformed"),
    ],
)
def test_hotspot_rejects(raw, code):
    with pytest.raises(InvalidAnswer) as error:
        normalise_answer(FIND_MARK, raw)
    assert error.value.code == code


def test_hotspot_image_edges_are_inside_the_image():
    assert normalise_answer(FIND_MARK, {"x": 0, "y": 0}) == {"x": 0, "y": 0}
    assert normalise_answer(FIND_MARK, {"x": "400", "y": "300.0"}) == {"x": 400, "y": 300}


def test_hotspot_unfilled_form_fields_are_unanswered():
    assert normalise_answer(FIND_MARK, {"x": "", "y": ""}) is None


def test_hotspot_click_needs_the_image_size():
    question = {key: value for key, value in FIND_MARK.items() if key not in ("width", "height")}
    with pytest.raises(ValueError, match="width and height"):
        normalise_answer(question, {"x": 1, "y": 1})


# --- canonical answers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "raw"),
    [
        (FIRST_LOOK, "valve"),
        (RED_FLAGS, ["c", "b"]),
        (COLOUR_IS_PROOF, "true"),
        (APPENDIX_OF, {"rhino": "app-ii", "pangolin": ""}),
        (STEPS, ["seal", "ppe", "sample", "photograph"]),
        (CO2E, "1 234,50"),
        (WHICH_CYLINDER, "c"),
        (FIND_MARK, {"x": "12.3456", "y": 7}),
        (FIND_MARK, "un-number"),
    ],
    ids=lambda value: value["kind"] if isinstance(value, dict) and "kind" in value else None,
)
def test_normalising_is_idempotent_and_keeps_the_score(question, raw):
    canonical = normalise_answer(question, raw)
    assert normalise_answer(question, canonical) == canonical
    assert score_question(question, canonical) == score_question(question, raw)


def test_invalid_answer_codes_are_known():
    assert {
        "unknown_choice",
        "duplicate_choice",
        "not_a_number",
        "outside_image",
        "malformed",
    } <= INVALID_ANSWER_CODES
    with pytest.raises(ValueError, match="unknown InvalidAnswer code"):
        InvalidAnswer("nonsense")
    assert isinstance(InvalidAnswer("malformed"), ValueError)


# --- grading an attempt -------------------------------------------------------------------------


def test_grade_weighs_questions_by_points():
    questions = [
        {**FIRST_LOOK, "points": 2},
        RED_FLAGS,  # points default to 1
        {**CO2E, "points": 0.5},
    ]
    answers = {"first-look": "label", "red-flags": ["a"], "co2e": "1,5"}
    result = grade(questions, answers)
    assert result == Grade(
        points_earned=Fraction(5, 2),
        points_possible=Fraction(7, 2),
        score=Fraction(5, 7),
        results=(
            QuestionResult("first-look", Fraction(1), True),
            QuestionResult("red-flags", Fraction(1, 2), False),
            QuestionResult("co2e", Fraction(0), False),
        ),
    )


def test_grade_all_right_scores_one_and_unanswered_scores_zero():
    right = {
        "first-look": "label",
        "red-flags": ["a", "c"],
        "colour-is-proof": "false",
        "appendix-of": {"pangolin": "app-i", "mahogany": "app-ii", "rhino": "app-i"},
        "inspection-steps": ["ppe", "photograph", "sample", "seal"],
        "co2e": "1,43",
        "which-cylinder": "b",
        "find-odp-mark": {"x": 41, "y": 31},
    }
    assert grade(ALL_QUESTIONS, right).score == 1
    assert all(result.is_correct for result in grade(ALL_QUESTIONS, right).results)
    nothing = grade(ALL_QUESTIONS, {})
    assert (nothing.score, nothing.points_earned, nothing.points_possible) == (0, 0, len(ALL_QUESTIONS))


def test_grade_ignores_answers_to_questions_not_drawn():
    assert grade([FIRST_LOOK], {"first-look": "label", "co2e": "nonsense"}).score == 1


def test_grade_raises_on_a_tampered_answer():
    with pytest.raises(InvalidAnswer) as error:
        grade([FIRST_LOOK, CO2E], {"first-look": "label", "co2e": "1.4.3"})
    assert (error.value.code, error.value.question_id) == ("not_a_number", "co2e")


def test_grade_needs_points_to_grade():
    with pytest.raises(ValueError, match="no points"):
        grade([], {})


def test_grade_is_frozen():
    result = grade([FIRST_LOOK], {})
    with pytest.raises(AttributeError):
        result.score = Fraction(1)  # type: ignore[misc]
