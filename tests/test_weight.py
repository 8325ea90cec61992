"""Light pages for weak connections: the CSS and JS budget, and a lesson page's weight."""

from __future__ import annotations

import re
from pathlib import Path

from tests.factories import make_user

STATIC = Path(__file__).parent.parent / "training_app" / "static"


def test_css_and_js_stay_under_30_kb():
    files = [path for folder in ("css", "js") for path in (STATIC / folder).rglob("*") if path.is_file()]
    total = sum(path.stat().st_size for path in files)
    assert total < 30 * 1024


def test_lesson_page_is_under_60_kb_with_its_css_and_js(client, db, login, demo_course):
    login(make_user(db))
    lesson = demo_course.modules[0].lessons[0]
    html = client.get(f"/courses/demo-course/lessons/{lesson.slug}").get_data()
    assets = re.findall(rb'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"', html)
    assert assets, "the page links its stylesheet"
    weight = len(html)
    for path in assets:
        with client.get(path.decode()) as response:
            weight += len(response.get_data())
    assert weight < 60 * 1024
