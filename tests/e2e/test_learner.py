"""The learner's journey in each language, in the real browser: catalogue, lessons, a language switch,
both quizzes of the demo course (every kind of question), a lost connection, a double-clicked submit,
the certificate and its verification page; then the same course by keyboard alone."""

from __future__ import annotations

import pytest

from tests.e2e.browsing import (
    answer,
    course_text,
    focus_is_visible,
    qr_url,
    questions_on,
    t,
    tab_cycle_ends,
    tab_to,
    wait_saved,
)
from tests.e2e.conftest import LANGS, Server
from tests.e2e.seed import DEMO, NAMES, email

OTHER = {"en": "fr", "fr": "es", "es": "en"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
#: the kinds of question the journeys of this module answered
SEEN_KINDS: set[str] = set()


def _read_lesson(page, lang: str, lesson: str) -> None:
    assert page.locator("article.lesson h1").inner_text() == course_text(lang, "lessons", lesson)
    page.get_by_role("button", name=t(lang, "I have read this lesson")).click()


def _answer_every_page(page, lang: str) -> set[str]:
    """Answer each page of the open attempt and move on with "Save and next"; returns the kinds seen."""
    kinds = set()
    while page.locator("fieldset.question").count():
        for question_id, kind in questions_on(page):
            answer(page, question_id, kind, lang)
            kinds.add(kind)
            SEEN_KINDS.add(kind)
        page.locator('button[name="go"][value="next"]').click()
        page.wait_for_load_state()
    return kinds


@pytest.mark.parametrize("lang", LANGS)
def test_learner_completes_the_course_and_verifies_the_certificate(new_context, sign_in, server: Server, lang):
    context = new_context(lang)
    page = context.new_page()
    sign_in(page, email("learner", lang), lang)

    # The catalogue lists the course under its title in the page's language.
    page.get_by_role("link", name=t(lang, "Courses"), exact=True).click()
    page.get_by_role("link", name=course_text(lang, "title")).click()
    assert page.url.endswith(f"/courses/{DEMO}")
    page.get_by_role("button", name=t(lang, "Start the course")).click()
    _read_lesson(page, lang, "labels")

    # Mid-course, the language menu switches the page and the lesson; switching back returns.
    other = OTHER[lang]
    page.get_by_role("link", name=LANGUAGE_NAMES[other]).click()
    assert page.locator("html").get_attribute("lang") == other
    assert page.locator("article.lesson h1").inner_text() == course_text(other, "lessons", "valves")
    page.get_by_role("link", name=LANGUAGE_NAMES[lang]).click()
    _read_lesson(page, lang, "valves")

    # Quiz 1: choices, true/false, images and a hotspot, answered by mouse and then by keyboard.
    assert page.url.endswith("#module-cylinders")
    page.locator("#module-cylinders").get_by_role("button", name=t(lang, "Start the quiz")).click()
    attempt_url = page.url.split("?")[0]
    kinds = set()
    while page.locator("fieldset.question").count():
        for question_id, kind in questions_on(page):
            kinds.add(kind)
            SEEN_KINDS.add(kind)
            if kind == "hotspot":
                _hotspot_by_mouse_then_keyboard(page, question_id, lang)
            elif kind == "multiple_response":
                _answer_offline_then_online(context, page, question_id, kind, lang, attempt_url)
            else:
                answer(page, question_id, kind, lang)
        page.locator('button[name="go"][value="next"]').click()
        page.wait_for_load_state()
    assert kinds == {"single_choice", "multiple_response", "true_false", "image_choice", "hotspot"}
    assert page.get_by_text(t(lang, "Every question is answered.")).is_visible()

    # A double-click on submit grades the attempt once.
    page.get_by_role("button", name=t(lang, "Submit my answers")).dblclick()
    page.wait_for_url("**/result")
    assert page.get_by_text(t(lang, "You passed this quiz.")).is_visible()
    page.get_by_role("link", name=t(lang, "Back to the course")).click()
    used = t(lang, "Attempts: %(used)s of %(count)s", used=1, count=3)
    assert page.locator("#module-cylinders").get_by_text(used).is_visible()

    # Module 2: its lesson, then the case study with matching, ordering and a number.
    page.locator("#module-paperwork").get_by_role("link", name=course_text(lang, "lessons", "permits")).click()
    _read_lesson(page, lang, "permits")
    page.locator("#module-paperwork").get_by_role("button", name=t(lang, "Start the quiz")).click()
    kinds = _answer_every_page(page, lang)
    assert kinds <= {"matching", "ordering", "numeric", "single_choice", "true_false"} and len(kinds) >= 3
    page.get_by_role("button", name=t(lang, "Submit my answers")).click()
    assert page.get_by_text(t(lang, "You passed this quiz.")).is_visible()

    # The certificate: the PDF in the page's language, and its QR code opens the public check.
    page.goto(server("/dashboard"))
    with page.expect_download() as download:
        page.get_by_role("link", name=t(lang, "Download the certificate (PDF)")).click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename.endswith(f"-{lang}.pdf")
    url = qr_url(pdf)
    assert url.startswith(server("/verify/")) and "?sig=" in url
    visitor = new_context(lang).new_page()
    response = visitor.goto(url)
    assert response.status == 200
    assert visitor.get_by_text(t(lang, "This certificate is valid.")).is_visible()
    assert visitor.locator("dd bdi").first.inner_text() == NAMES[lang]
    assert not visitor.get_by_text(t(lang, "The QR code you scanned carries a different signature: the printed "
                                            "document may have been altered. Rely on this page.")).count()


def _hotspot_by_mouse_then_keyboard(page, question_id: str, lang: str) -> None:
    box = page.locator(f'fieldset[data-question="{question_id}"]')
    answer(page, question_id, "hotspot", lang, by="mouse")
    assert box.locator(".hotspot-marker").is_visible()
    assert box.locator(f'input[name="q_{question_id}__x"]').input_value() != ""
    wait_saved(page, lang)
    # The keyboard way: the region list, which replaces the click.
    answer(page, question_id, "hotspot", lang, by="keyboard")
    assert focus_is_visible(page)
    assert box.locator(f'input[name="q_{question_id}__x"]').input_value() == ""
    assert box.locator(".hotspot-marker").is_hidden()
    wait_saved(page, lang)


def _answer_offline_then_online(context, page, question_id: str, kind: str, lang: str, attempt_url: str) -> None:
    """Answer with no connection: the page says it is retrying, sends it when back, and nothing is lost."""
    context.set_offline(True)
    answer(page, question_id, kind, lang)
    page.locator("#save-status").filter(has_text=t(lang, "Not saved, retrying…")).wait_for()
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # what the browser fires on reconnect
    wait_saved(page, lang)
    checked = page.locator(f'input[name="q_{question_id}"]:checked')
    before = sorted(checked.evaluate_all("els => els.map(e => e.value)"))
    page.reload()
    after = sorted(page.locator(f'input[name="q_{question_id}"]:checked').evaluate_all("els => els.map(e => e.value)"))
    assert after == before and after


@pytest.mark.parametrize("lang", LANGS)
def test_learner_reads_and_answers_by_keyboard_alone_with_visible_focus(new_context, server: Server, lang):
    page = new_context(lang).new_page()
    page.goto(server(f"/login?lang={lang}"))
    while page.evaluate("() => document.activeElement.id") != "email":
        page.keyboard.press("Tab")
        assert focus_is_visible(page)
    page.keyboard.type(email("keyboard", lang))
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple")
    _enter(page)
    page.wait_for_url("**/dashboard")
    # The first Tab reaches the skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    assert focus_is_visible(page) and page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.goto(server("/dashboard"))

    tab_to(page, t(lang, "Courses"))
    _enter(page)
    page.wait_for_url("**/courses")
    tab_to(page, course_text(lang, "title"))
    _enter(page)
    page.wait_for_url(f"**/courses/{DEMO}")
    assert tab_cycle_ends(page) > 5  # no trap on the course page
    tab_to(page, t(lang, "Start the course"))
    _enter(page)
    page.wait_for_url("**/lessons/labels")
    assert tab_cycle_ends(page) > 5
    for lesson in ("labels", "valves"):
        assert page.locator("article.lesson h1").inner_text() == course_text(lang, "lessons", lesson)
        tab_to(page, t(lang, "I have read this lesson"))
        _enter(page)
    tab_to(page, t(lang, "Start the quiz"))
    _enter(page)
    page.wait_for_url("**/attempts/*")
    assert tab_cycle_ends(page) > 5  # no trap in the quiz form
    _answer_by_keyboard(page, lang)
    # Module 2 by keyboard too: its lesson, then the case study.
    tab_to(page, t(lang, "Back to the course"))
    _enter(page)
    tab_to(page, course_text(lang, "lessons", "permits"))
    _enter(page)
    page.wait_for_url("**/lessons/permits")
    tab_to(page, t(lang, "I have read this lesson"))
    _enter(page)
    tab_to(page, t(lang, "Start the quiz"))
    _enter(page)
    page.wait_for_url("**/attempts/*")
    _answer_by_keyboard(page, lang)


def _answer_by_keyboard(page, lang: str) -> None:
    """Every question with Space on radios and checkboxes and arrows in lists; then submit with Enter."""
    while page.locator("fieldset.question").count():
        for question_id, kind in questions_on(page):
            answer(page, question_id, kind, lang, by="keyboard")
            SEEN_KINDS.add(kind)
        tab_to(page, page.locator('button[name="go"][value="next"]').inner_text())
        _enter(page)
    tab_to(page, t(lang, "Submit my answers"))
    _enter(page)
    page.wait_for_url("**/result")
    assert page.get_by_text(t(lang, "You passed this quiz.")).is_visible()


def test_the_journeys_answered_every_kind_of_question():
    """The second quiz draws 4 of its 5 questions: together, the six journeys above meet every kind."""
    assert {"single_choice", "multiple_response", "true_false", "image_choice", "hotspot",
                          "matching", "ordering", "numeric"} == SEEN_KINDS


def _enter(page) -> None:
    """Press Enter on the focused link or button and wait for the page it opens."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
