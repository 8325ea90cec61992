"""The course commands, run as an author runs them."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from tests.conftest import DEMO_PACKAGE
from tests.factories import make_user
from training_app.cli import main
from training_app.db import utcnow
from training_app.learn import services
from training_app.learn.models import Course, LessonProgress, LessonText


def _run(app, *args: str):
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"]),
           "SECRET_KEY": app.config["SECRET_KEY"]}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _same_tree(a: Path, b: Path) -> list[str]:
    comparison = filecmp.dircmp(a, b)
    differences = [*comparison.left_only, *comparison.right_only, *comparison.diff_files, *comparison.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(a, b, comparison.common_files, shallow=False)
    differences += mismatch + errors
    for sub in comparison.common_dirs:
        differences += [f"{sub}/{name}" for name in _same_tree(a / sub, b / sub)]
    return differences


def test_validate_courses_passes_the_fixture(app):
    result = _run(app, "validate-courses", str(DEMO_PACKAGE))
    assert result.exit_code == 0, result.output


def test_validate_courses_names_file_and_line_and_exits_1(app, tmp_path):
    broken = tmp_path / "demo-course"
    shutil.copytree(DEMO_PACKAGE, broken)
    course_yaml = broken / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("topic:", "topic: [", 1))
    result = _run(app, "validate-courses", str(broken))
    assert result.exit_code == 1
    assert f"{course_yaml}:" in result.output
    assert "Traceback" not in result.output


def test_import_twice_changes_nothing_and_dry_run_writes_nothing(app, db):
    assert "would create: demo-course" in _run(app, "import-courses", "--dry-run", str(DEMO_PACKAGE)).output
    assert db.scalar(select(func.count(Course.id))) == 0
    assert "create: demo-course" in _run(app, "import-courses", str(DEMO_PACKAGE)).output
    texts_before = db.scalar(select(func.count()).select_from(LessonText))
    assert "unchanged: demo-course" in _run(app, "import-courses", str(DEMO_PACKAGE)).output
    assert db.scalar(select(func.count()).select_from(LessonText)) == texts_before


def test_invalid_package_imports_nothing(app, db, tmp_path):
    broken = tmp_path / "demo-course"
    shutil.copytree(DEMO_PACKAGE, broken)
    (broken / "fr" / "course.md").unlink()
    result = CliRunner().invoke(main, ["import-courses", str(broken)], env={
        "DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"])})
    assert result.exit_code == 1
    assert "fr/course.md" in result.output
    assert db.scalar(select(func.count(Course.id))) == 0


def test_new_version_keeps_progress_on_surviving_lessons(app, db, tmp_path):
    _run(app, "import-courses", str(DEMO_PACKAGE))
    course = services.course_by_slug(db, "demo-course")
    kept, dropped = course.modules[0].lessons[0], course.modules[0].lessons[1]
    learner = make_user(db)
    for lesson in (kept, dropped):
        services.complete_lesson(db, learner.id, course, lesson, utcnow())
    db.commit()
    newer = tmp_path / "demo-course"
    shutil.copytree(DEMO_PACKAGE, newer)
    course_yaml = newer / "course.yaml"
    text = re.sub(r"(?m)^version: \d+", "version: 99", course_yaml.read_text())
    course_yaml.write_text(text.replace(f"lessons: [{kept.slug}, {dropped.slug}]", f"lessons: [{kept.slug}]"))
    (newer / "en" / "lessons" / f"{dropped.slug}.md").unlink()
    (newer / "fr" / "lessons" / f"{dropped.slug}.md").unlink()
    (newer / "es" / "lessons" / f"{dropped.slug}.md").unlink()
    result = _run(app, "import-courses", str(newer))
    assert "update: demo-course" in result.output, result.output
    db.expire_all()
    remaining = db.scalars(select(LessonProgress.lesson_id).where(LessonProgress.user_id == learner.id)).all()
    assert remaining == [kept.id]


def test_export_import_export_is_byte_identical(app, tmp_path, database_url):
    _run(app, "import-courses", str(DEMO_PACKAGE))
    first = tmp_path / "first"
    assert _run(app, "export-course", "demo-course", str(first)).exit_code == 0
    # a second, empty installation
    other = {"DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}", "TRAINING_APP_INSTANCE": str(tmp_path / "o"),
             "SECRET_KEY": "x" * 32}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=other).exit_code == 0
    assert runner.invoke(main, ["import-courses", str(first / "demo-course")], env=other).exit_code == 0
    second = tmp_path / "second"
    assert runner.invoke(main, ["export-course", "demo-course", str(second)], env=other).exit_code == 0
    assert _same_tree(first / "demo-course", second / "demo-course") == []


def test_export_of_unknown_course_fails_cleanly(app, tmp_path):
    result = CliRunner().invoke(main, ["export-course", "nope", str(tmp_path)], env={
        "DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"])})
    assert result.exit_code == 1 and "No course has the slug 'nope'" in result.output
