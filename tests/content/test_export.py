"""export → load → export gives byte-identical files, for the fixture and every valid course."""

from __future__ import annotations

from pathlib import Path

import pytest

from training_app.content import export_package, load_package, validate_paths

from .conftest import FIXTURE

COURSES = Path(__file__).parents[2] / "courses"


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def assert_round_trip(source: Path, tmp_path: Path) -> dict[str, bytes]:
    first = tmp_path / "first" / source.name
    second = tmp_path / "second" / source.name
    export_package(load_package(source), first)
    assert validate_paths([first]) == []
    export_package(load_package(first), second)
    assert tree(first) == tree(second)
    return tree(first)


def test_fixture_round_trips(tmp_path):
    files = assert_round_trip(FIXTURE, tmp_path)
    assert set(files) == set(tree(FIXTURE))
    assert files["media/cyl-a.png"] == (FIXTURE / "media/cyl-a.png").read_bytes()
    assert files["fr/lessons/labels.md"].endswith(b":::\n")
    assert all(b"\r" not in content for name, content in files.items() if not name.endswith(".png"))


def test_export_is_canonical(tmp_path):
    files = assert_round_trip(FIXTURE, tmp_path)
    assert (
        files["course.yaml"].decode().startswith("slug: demo-course\nversion: 2\ntopic: ods\nlanguages: [en, fr, es]\n")
    )
    assert (
        "  - id: cylinders\n    lessons: [labels, valves]\n    quiz: check-cylinders\n" in files["course.yaml"].decode()
    )
    assert (
        files["es/quizzes/check-cylinders.yaml"]
        .decode()
        .startswith(
            "title: Revisar los cilindros\nquestions:\n  first-look:\n    prompt: ¿Qué revisa primero en un cilindro?\n"
        )
    )
    assert files["en/lessons/valves.md"].decode() == (FIXTURE / "en/lessons/valves.md").read_text(encoding="utf-8")


def test_export_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "x").write_text("x")
    with pytest.raises(FileExistsError):
        export_package(load_package(FIXTURE), tmp_path)


def _valid_courses() -> list[Path]:
    if not COURSES.is_dir():
        return []
    return [path for path in sorted(COURSES.iterdir()) if path.is_dir() and not validate_paths([path])]


@pytest.mark.parametrize("course", _valid_courses(), ids=lambda path: path.name)
def test_real_course_round_trips(course, tmp_path):
    assert_round_trip(course, tmp_path)
