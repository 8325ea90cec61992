"""RELIABILITY.md Q-8 in the real browser: quiz.js numbers each question's saves; a page loaded before another
tab saved catches up without a word to the learner (the last change wins, as before), and a captured save
sent again later is refused, so the newer answer stays. The server-side half is tests/security."""

from __future__ import annotations

import json
import re

from tests.e2e.browsing import t, wait_saved
from tests.e2e.conftest import Server, log_in, run_cli
from tests.e2e.seed import PASSWORD

ADDRESS = "replay@e2e.example"  # an account of this test alone, so no other page's attempt changes


def _start_cylinders(page, server: Server) -> str:
    """Start the cylinders quiz through its form; the attempt's address."""
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    response = page.request.post(server(f"/quizzes/{server.world.quiz_ids['check-cylinders']}/attempts"),
                                 form={"csrf_token": token}, max_redirects=0)
    assert response.status == 302, response.text()
    return re.search(r"/attempts/\d+", response.headers["location"]).group(0)


def _choice_page(page, server: Server, attempt: str) -> tuple[str, str]:
    """(page address, question id) of the first page holding a single-choice question."""
    number = 1
    while True:
        address = server(f"{attempt}?page={number}")
        page.goto(address)
        found = page.locator('fieldset.question[data-kind="single_choice"]')
        if found.count():
            return address, found.first.get_attribute("data-question")
        number += 1


def _checked(page, question_id: str) -> str | None:
    values = page.locator(f'input[name="q_{question_id}"]:checked').evaluate_all("els => els.map(e => e.value)")
    return values[0] if values else None


def test_Q8_a_stale_tab_catches_up_quietly_and_a_replayed_save_keeps_the_newer_answer(new_context, server: Server):
    run_cli(server, "create-user", "--email", ADDRESS, "--password", PASSWORD, "--name", "Robin Replay")
    context = new_context("en")
    first = context.new_page()
    log_in(server, first, ADDRESS, "en")
    attempt = _start_cylinders(first, server)
    address, question_id = _choice_page(first, server, attempt)
    second = context.new_page()
    second.goto(address)  # loaded now: it numbers its saves from the same number as the first tab
    choices = first.locator(f'input[name="q_{question_id}"]').evaluate_all("els => els.map(e => e.value)")

    sent: list[tuple[int, dict]] = []
    for tab in (first, second):
        tab.on("response", lambda r: sent.append((r.status, json.loads(r.request.post_data)))
               if r.url.endswith("/autosave") else None)
    first.locator(f'input[name="q_{question_id}"][value="{choices[0]}"]').check()
    wait_saved(first, "en")
    captured = sent[-1][1]
    assert sent == [(200, {"answers": {question_id: choices[0]}, "seq": {question_id: 1}})]

    # The second tab's save carries the number the first already used: refused, then sent again, quietly.
    second.locator(f'input[name="q_{question_id}"][value="{choices[1]}"]').check()
    second.wait_for_function("() => document.querySelector('#save-status').textContent === 'Saved'"
                             " && performance.getEntriesByType('resource')"
                             ".filter(e => e.name.endsWith('/autosave')).length >= 2")
    assert [status for status, _body in sent] == [200, 409, 200]
    assert sent[2][1] == {"answers": {question_id: choices[1]}, "seq": {question_id: 2}}
    status = second.locator("#save-status")
    assert status.inner_text() == t("en", "Saved") and "is-failed" not in (status.get_attribute("class") or "")

    # The first tab's captured save, sent again: refused, and the newer answer stays.
    token = first.locator('meta[name="csrf-token"]').get_attribute("content")
    replay = first.request.post(server(f"{attempt}/autosave"), data=json.dumps(captured),
                                headers={"Content-Type": "application/json", "X-CSRFToken": token})
    assert replay.status == 409 and replay.json() == {"code": "stale", "stale": {question_id: 2}}
    first.reload()
    assert _checked(first, question_id) == choices[1]

    # "Save and next" from the first tab, loaded before all that, still saves what it shows.
    first.locator(f'input[name="q_{question_id}"][value="{choices[0]}"]').check()
    wait_saved(first, "en")
    first.locator('button[name="go"][value="next"]').click()
    first.wait_for_load_state()
    second.reload()
    assert _checked(second, question_id) == choices[0]
