"""load_package: everything in the demo course, as frozen dataclasses and plain question dicts."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from training_app.content import QUESTION_KINDS, PackageError, load_package

from .conftest import FIXTURE, edit


def test_load_gives_the_course_structure():
    package = load_package(FIXTURE)
    assert (package.slug, package.version, package.topic) == ("demo-course", 2, "ods")
    assert package.languages == ("en", "fr", "es")
    assert package.last_verified_on == date(2026, 5, 1)
    assert [source.key for source in package.sources] == ["montreal-protocol", "wco-hs"]
    assert [(module.id, module.lessons, module.quiz) for module in package.modules] == [
        ("cylinders", ("labels", "valves"), "check-cylinders"),
        ("paperwork", ("permits",), "check-paperwork"),
    ]
    assert package.lesson_ids == ("labels", "valves", "permits")


def test_load_gives_quizzes_as_plain_dicts_exactly_as_written():
    quiz = load_package(FIXTURE).quizzes["check-paperwork"]
    assert (quiz.pass_mark, quiz.draw, quiz.review, quiz.wait_minutes) == (0.75, 4, "score_only", 10)
    assert [(rule.tag, rule.at_least) for rule in quiz.draw_rules] == [("permits", 1)]
    assert [(case.id, case.media, case.questions) for case in quiz.cases] == [
        ("battery-truck", ("truck-load.png",), ("declared-goods", "next-step"))
    ]
    assert quiz.question("match-treaty") == {
        "id": "match-treaty",
        "kind": "matching",
        "tags": ["permits"],
        "items": ["cfc-12", "hfc-134a"],
        "targets": ["annex-a", "annex-f", "none"],
        "correct": {"cfc-12": "annex-a", "hfc-134a": "annex-f"},
    }
    json.dumps(quiz.questions)  # storable as JSON as it is


def test_fixture_has_every_question_kind():
    package = load_package(FIXTURE)
    kinds = {question["kind"] for quiz in package.quizzes.values() for question in quiz.questions}
    assert kinds == set(QUESTION_KINDS)


def test_load_gives_texts_per_language():
    package = load_package(FIXTURE)
    french = package.texts["fr"]
    assert french.course.title == "Les bouteilles de frigorigène à la frontière"
    assert french.course.modules["paperwork"].title == "Permis et documents"
    assert french.course.modules["paperwork"].summary is None
    assert french.course.description.startswith("Ce court cours")
    assert french.lessons["valves"].title == "Robinets et raccords"
    assert french.lessons["labels"].body.startswith("## Commencer par l'étiquette\n")
    words = package.texts["es"].quizzes["check-cylinders"]
    assert words.title == "Revisar los cilindros"
    assert words.questions["find-name"]["regions"]["un-number"] == "El número ONU"
    assert package.texts["en"].quizzes["check-paperwork"].cases["battery-truck"]["media_alt"] == {
        "truck-load.png": "Pallets of car batteries stacked on a flatbed truck"
    }


def test_load_gives_media_paths_with_language_media_first():
    package = load_package(FIXTURE)
    assert sorted(package.media) == ["cyl-a.png", "cyl-b.png", "cylinder-label.png", "truck-load.png"]
    assert package.media_path("permit-sample.png", "fr") == FIXTURE / "fr/media/permit-sample.png"
    assert package.media_path("cyl-a.png", "fr") == FIXTURE / "media/cyl-a.png"
    assert package.media_path("nothing.png", "fr") is None


def test_package_is_frozen():
    package = load_package(FIXTURE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        package.version = 3  # type: ignore[misc]


def test_load_raises_package_error_with_every_problem(course):
    edit(course / "course.yaml", "version: 2", "version: two")
    (course / "fr/lessons/valves.md").unlink()
    with pytest.raises(PackageError) as raised:
        load_package(course)
    assert [str(problem) for problem in raised.value.problems] == [
        f"{course}/course.yaml:2: 'version' must be a whole number of at least 1 (found 'two')",
        f"{course}/fr/lessons/valves.md:1: file is missing: lesson 'valves' is in course.yaml (line 17)",
    ]
    assert str(raised.value).splitlines() == [str(problem) for problem in raised.value.problems]


def test_load_of_a_missing_folder_raises_package_error(tmp_path):
    with pytest.raises(PackageError):
        load_package(tmp_path / "nope")
