"""Every page type in English, French and Spanish: axe-core (WCAG 2.0/2.1 A and AA) finds nothing, the
Nu HTML Checker finds no error in the pages as served, and each is photographed at phone and desktop
widths into ci-artifacts/screenshots/. The deliberately broken fixture page proves both checkers fail.

The walk runs first (this file's name sorts first): the seeded quiz attempts have a 15-minute limit.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.checks import Problem, axe, vnu
from tests.e2e.conftest import ARTIFACTS, LANGS, Server, log_in
from tests.e2e.pages import ANONYMOUS, PAGE_TYPES

BROKEN = Path(__file__).parent / "fixtures" / "broken.html"
PHONE, DESKTOP = {"width": 360, "height": 740}, {"width": 1280, "height": 800}


@dataclass
class Walk:
    axe: dict[str, list[Problem]] = field(default_factory=dict)
    html: Path = ARTIFACTS / "html"
    screenshots: Path = ARTIFACTS / "screenshots"


@pytest.fixture(scope="module")
def walk(browser, server: Server, node_tools: Path) -> Walk:
    """Open every page type once per language, with the account that sees it; check and keep what it shows."""
    done = Walk()
    for folder in (done.html, done.screenshots):
        shutil.rmtree(folder, ignore_errors=True)
    for lang in LANGS:
        done.axe[lang] = []
        (done.html / lang).mkdir(parents=True, exist_ok=True)
        (done.screenshots / lang).mkdir(parents=True, exist_ok=True)
        pages = {}
        try:
            for page_type in PAGE_TYPES:
                account = page_type.account_for(lang)
                if account not in pages:
                    context = browser.new_context(viewport=DESKTOP)
                    context.set_default_timeout(15_000)
                    page = pages[account] = context.new_page()
                    if account == ANONYMOUS:
                        page.goto(server(f"/login?lang={lang}"))
                    else:
                        log_in(server, page, account, lang)
                page = pages[account]
                response = page.goto(server(page_type.path(server.world, lang)))
                assert response.status == page_type.status, f"{page_type.name} ({lang}): HTTP {response.status}"
                assert page.locator("html").get_attribute("lang") == lang, f"{page_type.name} is not in {lang}"
                (done.html / lang / f"{page_type.name}.html").write_text(response.text(), encoding="utf-8")
                done.axe[lang] += axe(page, node_tools, f"{page_type.name} ({lang})")
                page.screenshot(path=done.screenshots / lang / f"{page_type.name}-1280.png", full_page=True)
                page.set_viewport_size(PHONE)
                page.screenshot(path=done.screenshots / lang / f"{page_type.name}-360.png", full_page=True)
                page.set_viewport_size(DESKTOP)
        finally:
            for page in pages.values():
                page.context.close()
    return done


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violation_on_any_page_type(walk: Walk, lang: str):
    assert not walk.axe[lang], "\n".join(map(str, walk.axe[lang]))


def test_nu_checker_finds_no_error_in_any_page_and_flags_the_broken_one(walk: Walk, node_tools: Path):
    broken = walk.html / "broken-fixture"
    broken.mkdir(exist_ok=True)
    shutil.copy(BROKEN, broken / BROKEN.name)
    problems = vnu([walk.html], node_tools)  # one run over every page in the three languages
    flagged = [p for p in problems if BROKEN.name in p.where]
    assert {"img", "duplicate", "div"} <= {word for p in flagged for word in _keywords(p.message)}, flagged
    real = [p for p in problems if BROKEN.name not in p.where]
    saved = sorted(walk.html.glob("*/*.html"))
    assert len(saved) == 3 * len(PAGE_TYPES) + 1
    assert not real, "\n".join(map(str, real))


def _keywords(message: str) -> set[str]:
    message = message.replace("\u201c", '"').replace("\u201d", '"')
    found = set()
    if '"img" element must have an "alt"' in message:
        found.add("img")
    if "Duplicate ID" in message:
        found.add("duplicate")
    if 'Element "div" not allowed as child of element "span"' in message:
        found.add("div")
    return found


def test_axe_flags_the_broken_page(browser, node_tools: Path):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(BROKEN.as_uri())
        rules = {problem.rule for problem in axe(page, node_tools, "broken fixture")}
    finally:
        context.close()
    assert {"image-alt", "label", "button-name", "color-contrast", "html-has-lang"} <= rules, rules


def test_every_page_type_has_phone_and_desktop_screenshots_in_each_language(walk: Walk):
    for lang in LANGS:
        for page_type in PAGE_TYPES:
            for width in (360, 1280):
                shot = walk.screenshots / lang / f"{page_type.name}-{width}.png"
                assert shot.stat().st_size > 1000, shot


@pytest.mark.parametrize("lang", LANGS)
def test_form_errors_are_announced_and_linked_to_their_fields(new_context, server: Server, node_tools: Path, lang):
    page = new_context(lang).new_page()
    page.goto(server(f"/login?lang={lang}"))
    page.locator("main form button[type=submit]").click()
    summary = page.locator(".error-summary[role=alert]")
    assert summary.is_visible()
    for field_id in ("email", "password"):
        link = summary.locator(f'a[href="#{field_id}"]')
        assert link.count() == 1
        field = page.locator(f"#{field_id}")
        assert field.get_attribute("aria-invalid") == "true"
        error = page.locator(f"#{field.get_attribute('aria-describedby').split()[-1]}")
        assert error.inner_text().strip() and error.get_attribute("class") == "error"
        link.click()  # the summary's link takes the keyboard to the field
        assert page.evaluate("() => document.activeElement.id") == field_id
    assert not axe(page, node_tools, f"login with errors ({lang})")
