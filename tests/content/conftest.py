"""A fresh copy of the demo course for each test, and a helper to corrupt one of its files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "packages" / "demo-course"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/packages/demo-course."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "demo-course"))


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of `old` in a file; return the 1-based line where it started."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1
