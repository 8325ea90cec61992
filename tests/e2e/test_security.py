"""The browser halves of RELIABILITY.md §3: a cross-site form post and a credentialed cross-origin fetch from a
second loopback origin (CS-4); hostile Markdown in a course, read by learners in each language (X-1, X-2); a
hostile display name read by an administrator (X-4); a hostile autosave answer written by quiz.js (X-6).

The server-side halves are in tests/security. Here the proof is what the browser did: no dialog opened, no
script of the content ran (`window.__xss`, CSP violations), and the page holds no handler attribute, no
frame, no inline script or style and no link with a dangerous scheme."""

from __future__ import annotations

import html
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.e2e.browsing import t
from tests.e2e.conftest import LANGS, Server, run_cli
from tests.e2e.hostile import HOSTILE_NAME, LESSON, MARKER, RAW_HTML, SLUG, write_package
from tests.e2e.seed import AGENCIES, email

#: installed in every page before its own scripts: CSP violations are counted, so a payload that the CSP
#: stopped (and that therefore never opened a dialog) still fails the test
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
    e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "")));
"""

#: what is wrong with the page as the browser built it: elements and attributes that content may never add
FIND_ACTIVE_CONTENT = """() => {
    const bad = [];
    for (const el of document.querySelectorAll("*")) {
        for (const attr of el.attributes) {
            if (/^on/i.test(attr.name)) bad.push(`${el.localName} ${attr.name}="${attr.value}"`);
            if (/^(href|src|action|formaction|xlink:href|srcdoc|data)$/i.test(attr.name)
                && /^\\s*(javascript|vbscript|data:text)/i.test(attr.value))
                bad.push(`${el.localName} ${attr.name}="${attr.value}"`);
        }
    }
    for (const el of document.querySelectorAll("iframe, frame, object, embed, svg, math, base, style"))
        bad.push(`<${el.localName}>`);
    for (const el of document.querySelectorAll("script")) {
        if (!el.src || new URL(el.src).origin !== location.origin) bad.push(`<script> ${el.src || el.textContent}`);
    }
    for (const a of document.querySelectorAll("a[href], area[href]")) {
        const protocol = new URL(a.getAttribute("href"), document.baseURI).protocol;
        if (!["http:", "https:", "mailto:"].includes(protocol)) bad.push(`a href="${a.getAttribute("href")}"`);
    }
    for (const form of document.forms) {
        if (new URL(form.action, document.baseURI).origin !== location.origin) bad.push(`form action="${form.action}"`);
    }
    return bad;
}"""


@dataclass
class Watched:
    """A page whose dialogs are recorded (and dismissed, so a payload cannot block the test)."""

    page: object
    dialogs: list[str] = field(default_factory=list)

    def assert_inert(self, where: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        assert not self.dialogs, f"{where}: a dialog opened: {self.dialogs}"
        assert page.evaluate("() => typeof window.__xss") == "undefined", f"{where}: window.__xss was set"
        assert page.evaluate("() => window.__csp") == [], f"{where}: the CSP had to stop something"
        assert page.evaluate(FIND_ACTIVE_CONTENT) == [], f"{where}: active content in the page"


def _watched(context) -> Watched:
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    watched = Watched(page)
    page.on("dialog", lambda dialog: (watched.dialogs.append(dialog.message), dialog.dismiss()))
    return watched


def _open_quiz(page, server: Server, slug: str) -> str:
    """Start (or resume, or try again) the hostile course's quiz from its course page; returns the attempt's path."""
    page.goto(server(f"/courses/{slug}"))
    page.locator("#module-payloads form button[type=submit]").click()
    page.wait_for_url("**/attempts/*")
    return urlsplit(page.url).path


@pytest.fixture(scope="module")
def hostile_course(server: Server, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The hostile course, imported with the CLI into the running server's database like the shipped ones."""
    folder = tmp_path_factory.mktemp("hostile")
    write_package(folder)
    run_cli(server, "import-courses", str(folder))
    return SLUG


# --- CS-4: a cross-site form post, and a credentialed cross-origin fetch ---------------------------------------


class _Site(http.server.ThreadingHTTPServer):
    """Another web site on this machine: serves the pages put into it, nothing else."""

    daemon_threads = True

    def __init__(self, host: str) -> None:
        super().__init__((host, 0), _SiteHandler)
        self.pages: dict[str, str] = {}
        self.url = f"http://{host}:{self.server_address[1]}"

    def put(self, path: str, body: str) -> str:
        self.pages[path] = body
        return self.url + path


class _SiteHandler(http.server.BaseHTTPRequestHandler):
    server: _Site

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.server.pages.get(self.path)
        if body is None:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, _Site]]:
    """Two attackers' sites: 127.0.0.2 is another *site* (SameSite=Lax keeps the session cookie from its posts);
    127.0.0.1 on another port is the same site but another *origin* (the cookie goes along: only the CSRF
    token stops it), as another application on the same host would be."""
    made = {"cross-site": _Site("127.0.0.2"), "same-site": _Site("127.0.0.1")}
    for site in made.values():
        threading.Thread(target=site.serve_forever, daemon=True).start()
    yield made
    for site in made.values():
        site.shutdown()
        site.server_close()


def _auto_post(action: str, fields: dict[str, str], enctype: str = "application/x-www-form-urlencoded") -> str:
    inputs = "".join(f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
                     for name, value in fields.items())
    return (f'<!doctype html><html lang="en"><title>You won a prize</title>'
            f'<form method="post" action="{html.escape(action)}" enctype="{enctype}">{inputs}</form>'
            f"<script>document.forms[0].submit()</script></html>")


def _settings(page, server: Server) -> tuple[str, str]:
    """The victim's name and language as the account page shows them; fails if they are signed out."""
    page.goto(server("/account"))
    assert urlsplit(page.url).path == "/account", f"the learner was signed out: {page.url}"
    return page.locator("#name").input_value(), page.locator("#locale").input_value()


def _attempt_state(page, server: Server, attempt: str) -> tuple[str, list[str]]:
    """Where the attempt's address leads (still open, or the result) and the answers saved on its pages."""
    saved = []
    for number in range(1, 10):
        page.goto(server(f"{attempt}?page={number}"))
        if urlsplit(page.url).path != attempt or not page.locator("fieldset.question").count():
            break
        saved += page.locator('fieldset.question input:checked').evaluate_all(
            "els => els.map(e => e.name + '=' + e.value)")
    return urlsplit(page.url).path, saved


def test_CS4_a_cross_site_form_post_changes_nothing(new_context, sign_in, server: Server, sites, hostile_course):
    context = new_context("en")
    page = context.new_page()
    sign_in(page, email("csrf", "en"), "en")
    attempt = _open_quiz(page, server, hostile_course)
    before = _settings(page, server), _attempt_state(page, server, attempt)
    assert before[1] == (attempt, [])

    attacks = {
        "account": _auto_post(server("/account"), {"name": "Changed by another site", "locale": "es"}),
        "submit": _auto_post(server(f"{attempt}/submit"), {}),
        # JSON smuggled in a text/plain form: {"answers": {"raw-html": "b"}, "x": "="}
        "autosave": _auto_post(server(f"{attempt}/autosave"), {'{"answers": {"raw-html": "b"}, "x": "': '"}'},
                               "text/plain"),
        "logout": _auto_post(server("/logout"), {}),
    }
    for kind, site in sites.items():
        for name, body in attacks.items():
            address = site.put(f"/{name}", body)
            with page.expect_response(lambda r: r.request.method == "POST") as posted:
                page.goto(address)
            response = posted.value
            assert response.url.startswith(server.url), response.url
            cookie = response.request.all_headers().get("cookie", "")
            # 127.0.0.2 is another site: the Lax cookie stays home. The sibling port is the same site: it goes,
            # and the missing CSRF token alone stops the post.
            assert ("session=" in cookie) == (kind == "same-site"), f"{kind} {name}: Cookie: {cookie!r}"
            assert response.status == 400, f"{kind} {name}: {response.status}"
            after = _settings(page, server), _attempt_state(page, server, attempt)
            assert after == before, f"{kind} {name} changed something"


def test_CS4_a_credentialed_cross_origin_fetch_is_refused(new_context, sign_in, server: Server, sites,
                                                         hostile_course):
    context = new_context("en")
    page = context.new_page()
    sign_in(page, email("csrf", "en"), "en")
    attempt = _open_quiz(page, server, hostile_course)
    before = _settings(page, server), _attempt_state(page, server, attempt)

    for kind, site in sites.items():
        page.goto(site.put("/blank", '<!doctype html><html lang="en"><title>Nothing here</title></html>'))
        tried = page.evaluate("""async ([app, attempt]) => {
            const tried = {};
            const tryIt = async (name, call) => {
                try { const r = await call(); tried[name] = r.type === "opaque" ? "opaque" : "read " + r.status; }
                catch (e) { tried[name] = "refused"; }
            };
            await tryIt("read the account page", () => fetch(app + "/account", {credentials: "include"}));
            await tryIt("autosave (JSON, needs a preflight)", () => fetch(app + attempt + "/autosave", {
                method: "POST", credentials: "include", headers: {"Content-Type": "application/json"},
                body: JSON.stringify({answers: {"raw-html": "b"}})}));
            await tryIt("change the account blind", () => fetch(app + "/account", {
                method: "POST", mode: "no-cors", credentials: "include",
                body: new URLSearchParams({name: "Fetched by another site", locale: "fr"})}));
            return tried;
        }""", [server.url, attempt])
        # No Access-Control-Allow-Origin: the browser refuses both; a blind no-cors post gets an opaque answer,
        # and the server refused it (no token).
        assert tried == {"read the account page": "refused", "autosave (JSON, needs a preflight)": "refused",
                         "change the account blind": "opaque"}, f"{kind}: {tried}"
        assert (_settings(page, server), _attempt_state(page, server, attempt)) == before, f"{kind} changed something"


# --- hostile Markdown in lessons and quizzes, read by learners ----------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_X1_X2_hostile_markdown_stays_inert_for_a_learner(new_context, sign_in, server: Server, hostile_course,
                                                           lang):
    watched = _watched(new_context(lang))
    page = watched.page
    sign_in(page, email("hostile", lang), lang)

    def shows(where: str, text: str | None = None) -> None:
        text = text or f"{MARKER[lang]} ({where})"
        assert page.locator("main").get_by_text(text).count(), f"no {text!r} on {page.url}"
        watched.assert_inert(f"{where} ({lang})")

    page.goto(server(f"/courses/{hostile_course}"))
    shows("course", f"{MARKER[lang]}: module")
    page.goto(server(f"/courses/{hostile_course}/lessons/{LESSON}"))
    shows("lesson")
    _open_quiz(page, server, hostile_course)
    seen = set()
    while page.locator("fieldset.question").count():
        for where in ("prompt", "case", "case question"):
            if page.locator("main").get_by_text(f"{MARKER[lang]} ({where})").count():
                seen.add(where)
        watched.assert_inert(f"quiz page {page.url} ({lang})")
        page.locator('button[name="go"][value="next"]').click()
        page.wait_for_load_state()
    assert seen == {"prompt", "case", "case question"}
    watched.assert_inert(f"check and submit ({lang})")
    page.get_by_role("button", name=t(lang, "Submit my answers")).click()
    page.wait_for_url("**/result")
    shows("explanation")
    shows("case explanation")


@pytest.mark.parametrize("lang", LANGS)
def test_X1_X2_hostile_markdown_in_a_draft_lesson_stays_inert_in_the_preview(new_context, sign_in, server: Server,
                                                                              hostile_course, lang):
    """Raw HTML never reaches a published lesson (the validator refuses it), but a draft's preview renders it."""
    watched = _watched(new_context(lang))
    page = watched.page
    sign_in(page, email("admin"), lang)
    page.goto(server(f"/authoring/courses/{hostile_course}/lessons/{LESSON}"))
    body = page.locator(f'textarea[lang="{lang}"]').first
    body.fill(f"{MARKER[lang]} (draft).\n\n" + "\n\n".join(RAW_HTML) + "\n\n![x](javascript:alert(1))\n")
    page.get_by_role("button", name=t(lang, "Save the texts")).click()
    watched.assert_inert(f"lesson editor ({lang})")
    page.locator(f'a[href$="/preview/{lang}/lessons/{LESSON}"]').click()
    assert page.locator("article.lesson").get_by_text(f"{MARKER[lang]} (draft)").is_visible()
    watched.assert_inert(f"lesson preview ({lang})")


# --- a hostile display name, read by an administrator ------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_X4_a_hostile_display_name_stays_text_for_the_administrator(new_context, sign_in, server: Server, lang):
    learner = new_context("en").new_page()
    sign_in(learner, email("renamed", "en"), "en")
    learner.goto(server("/account"))
    learner.locator("#name").fill(HOSTILE_NAME)
    learner.get_by_role("button", name=t("en", "Save"), exact=True).click()
    assert learner.locator("#name").input_value() == HOSTILE_NAME

    watched = _watched(new_context(lang))
    page = watched.page
    sign_in(page, email("admin"), lang)

    def shows_the_name(where: str) -> None:
        text = page.locator("main").inner_text()
        assert HOSTILE_NAME in text, f"{where}: the name is not shown as it was typed"
        watched.assert_inert(f"{where} ({lang})")

    page.goto(server(f"/admin/users?q={email('renamed', 'en')}"))
    shows_the_name("admin users")
    page.locator("main table a").filter(has_text=HOSTILE_NAME).first.click()
    user_id = int(urlsplit(page.url).path.rsplit("/", 1)[1])
    assert page.locator("#name").input_value() == HOSTILE_NAME
    watched.assert_inert(f"admin user page ({lang})")
    page.goto(server(f"/reports/learners/{user_id}"))
    shows_the_name("learner transcript")
    page.goto(server(f"/reports/completions/learners?group_by=country&key={AGENCIES['en'][0]}"))
    while HOSTILE_NAME not in page.locator("main").inner_text():
        following = page.locator('a[rel="next"]')
        assert following.count(), "the report drill-down does not list the renamed learner"
        following.first.click()
    shows_the_name("completion report drill-down")


# --- what quiz.js writes from an autosave answer ------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_X6_an_autosave_message_is_written_as_text(new_context, sign_in, server: Server, hostile_course, lang):
    """The server's autosave messages are its own translated words; here its answer is passed on with a hostile
    `error`, as a message carrying user text would be, to see how quiz.js writes it."""
    watched = _watched(new_context(lang))
    page = watched.page
    sign_in(page, email("hostile", lang), lang)
    _open_quiz(page, server, hostile_course)
    payload = RAW_HTML[-1] + RAW_HTML[0]

    def hostile_answer(route) -> None:
        real = route.fetch()  # the server really saves the answer
        assert real.ok, real.status
        route.fulfill(response=real, status=409, json={**real.json(), "error": payload})

    page.route("**/attempts/*/autosave", hostile_answer)
    page.evaluate("""() => {
        window.__added = [];
        new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => {
            if (n.nodeType === Node.ELEMENT_NODE) window.__added.push(n.outerHTML);
        }))).observe(document.documentElement, {childList: true, subtree: true});
    }""")
    with page.expect_response("**/autosave"):
        page.locator('fieldset.question input[type="radio"]').last.check()
    status = page.locator("#save-status.is-failed")  # quiz.js shows the refusal
    status.wait_for()
    assert status.evaluate("el => el.children.length") == 0, status.inner_html()
    assert status.inner_text() == payload
    assert page.evaluate("() => window.__added") == [], "an element was created from the message"
    watched.assert_inert(f"autosave message ({lang})")
