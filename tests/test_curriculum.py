"""The shipped curriculum meets issue 8's bar: valid, trilingual, and quizzes that test identification."""

from __future__ import annotations

from pathlib import Path

import pytest

from training_app.content import QUESTION_KINDS, load_package, validate_paths

COURSES = Path(__file__).parent.parent / "courses"
SLUGS = sorted(path.name for path in COURSES.iterdir() if (path / "course.yaml").exists())
IMAGE_KINDS = {"image_choice", "hotspot"}


def test_at_least_six_courses_ship_and_all_validate():
    assert len(SLUGS) >= 6
    assert [str(problem) for problem in validate_paths([COURSES])] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_each_module_has_lessons_and_a_real_question_bank(slug):
    package = load_package(COURSES / slug)
    assert set(package.languages) == {"en", "fr", "es"}
    assert package.sources
    for module in package.modules:
        assert 4 <= len(module.lessons) <= 8, module.id
        assert module.quiz, module.id
        kinds = {question["kind"] for question in package.quizzes[module.quiz].questions}
        assert len(package.quizzes[module.quiz].questions) >= 20, module.id
        assert len(kinds) >= 5 and kinds & IMAGE_KINDS, module.id


def test_every_question_kind_and_a_case_are_shipped():
    packages = [load_package(COURSES / slug) for slug in SLUGS]
    quizzes = [quiz for package in packages for quiz in package.quizzes.values()]
    assert {question["kind"] for quiz in quizzes for question in quiz.questions} == set(QUESTION_KINDS)
    assert any(quiz.cases for quiz in quizzes)
