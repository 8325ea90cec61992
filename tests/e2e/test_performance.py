"""Page weight and load time of every page type in the browser, on an emulated slow connection
(400 kbit/s each way, 400 ms latency, no cache), in English. A lesson must be usable within 3 s.

The table goes to ci-artifacts/page-speed.md; with E2E_UPDATE_DOCS=1 it also replaces its section of
docs/performance.md (between the two markers there).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, ROOT, Server, log_in
from tests.e2e.pages import ANONYMOUS, PAGE_TYPES

SLOW = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
LESSON_BUDGET_MS = 3000
DOCS = ROOT / "docs" / "performance.md"
START, END = "<!-- e2e-page-speed:start -->", "<!-- e2e-page-speed:end -->"
#: the quiz's later pages and the check page look like its first: one of each is enough here
SKIPPED = re.compile(r"quiz-(cylinders-[2-5]|paperwork-[2-3])$")

#: what the page's own timing says, in ms from the start of the navigation: "ready" is when the HTML is
#: parsed, its deferred scripts have run and its stylesheets and scripts are in (styled and working)
TIMES = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const needed = performance.getEntriesByType('resource')
    .filter(r => r.initiatorType === 'link' || r.initiatorType === 'script').map(r => r.responseEnd);
  return {ready: Math.max(nav.domContentLoadedEventEnd, ...needed), load: nav.loadEventEnd};
}"""


@dataclass(frozen=True)
class Timing:
    name: str
    bytes: int
    requests: int
    ready: float
    load: float


@pytest.fixture(scope="module")
def timings(browser, server: Server) -> list[Timing]:
    measured, pages = [], {}
    wire: list[int] = []  # the bytes of each response of the current page, headers included
    try:
        for page_type in PAGE_TYPES:
            if SKIPPED.search(page_type.name):
                continue
            account = page_type.account_for("en")
            if account not in pages:
                context = browser.new_context(viewport={"width": 360, "height": 740})
                page = pages[account] = context.new_page()
                if account != ANONYMOUS:
                    log_in(server, page, account, "en")
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                cdp.send("Network.emulateNetworkConditions", SLOW)
                cdp.on("Network.loadingFinished", lambda event: wire.append(int(event["encodedDataLength"])))
            page = pages[account]
            wire.clear()
            page.goto(server(page_type.path(server.world, "en")), wait_until="load", timeout=60_000)
            found = page.evaluate(TIMES)
            page.wait_for_load_state("networkidle")  # lazy images and late requests count as weight
            measured.append(Timing(page_type.name, sum(wire), len(wire), found["ready"], found["load"]))
    finally:
        for page in pages.values():
            page.context.close()
    _record(measured)
    return measured


def _record(measured: list[Timing]) -> None:
    table = "\n".join([
        "| page type | transferred (bytes) | requests | usable (ms) | fully loaded (ms) |",
        "| --- | ---: | ---: | ---: | ---: |",
        *[f"| {m.name} | {m.bytes:,} | {m.requests} | {m.ready:,.0f} | {m.load:,.0f} |" for m in measured],
    ])
    section = (f"{START}\nMeasured {date.today().isoformat()} by `tests/e2e/test_performance.py` "
               f"(Chromium, 360 px wide, English, no cache):\n\n{table}\n{END}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-speed.md").write_text(section + "\n", encoding="utf-8")
    if os.environ.get("E2E_UPDATE_DOCS") == "1":
        text = DOCS.read_text(encoding="utf-8")
        DOCS.write_text(re.sub(f"{re.escape(START)}.*?{re.escape(END)}", lambda _m: section, text, flags=re.S),
                        encoding="utf-8")


def test_a_lesson_is_usable_within_3_seconds_on_a_slow_connection(timings: list[Timing]):
    for lesson in (t for t in timings if t.name.startswith("lesson")):
        assert lesson.ready <= LESSON_BUDGET_MS, lesson


def test_every_page_type_loads_on_a_slow_connection(timings: list[Timing]):
    assert {t.name for t in timings} == {p.name for p in PAGE_TYPES if not SKIPPED.search(p.name)}
    for timing in timings:
        assert timing.bytes > 2000 and timing.ready > 0 and timing.load > 0, timing


def test_docs_hold_the_section_for_these_figures():
    assert START in Path(DOCS).read_text(encoding="utf-8")
