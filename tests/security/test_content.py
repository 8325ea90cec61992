"""XSS through content, injection and input validation (RELIABILITY.md §3.4–3.5: X, I, V, F series)."""

from __future__ import annotations

import email
import io
import re
import zipfile
from email.policy import default
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.security.conftest import app_rules, code, owned_arguments, path_for
from training_app.auth.models import Organisation, User
from training_app.content import render_markdown
from training_app.mail import send_mail

PACKAGE = Path(__file__).parents[2] / "training_app"
X1_PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>",
               "<iframe src=https://evil.example></iframe>", "<style>body{display:none}</style>",
               '<form action="https://evil.example"><input name=x></form>', '<a href="#" onclick="alert(1)">x</a>']
X2_LINKS = ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](javascript&#58;alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)", "[x](vbscript:msgbox(1))", "![x](javascript:alert(1))",
            "[x]( javascript:alert(1))", "<javascript:alert(1)>"]
HOSTILE_NAME = '"><img src=x onerror=alert(1)>{{7*7}}{% raw %}\u202e'


@pytest.mark.parametrize("payload", X1_PAYLOADS)
def test_X1_raw_html_in_markdown_never_becomes_markup(payload):
    html = render_markdown(f"Lesson text.\n\n{payload}\n\nMore {payload} inline.")
    assert not re.search(r"<(script|img|svg|iframe|style|form|input)\b", html)
    assert "onerror=" not in html.replace("onerror=alert", "") or "&lt;" in html
    assert not re.search(r"<[^>]+\son\w+=", html)


@pytest.mark.parametrize("link", X2_LINKS)
def test_X2_markdown_links_and_images_keep_no_dangerous_scheme(link):
    html = render_markdown(link)
    for href in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert not re.match(r"\s*(javascript|vbscript|data):", href, re.IGNORECASE), html


def test_X3_quiz_words_are_escaped_on_the_attempt_page(app, client, db, login, world):
    from training_app.quiz.models import Attempt

    attempt = db.get(Attempt, world.attempt.id)
    snapshot = dict(attempt.snapshot)
    question = dict(snapshot["questions"][0])
    question["words"] = {**question["words"], "prompt": X1_PAYLOADS[0] + X1_PAYLOADS[1]}
    snapshot["questions"] = [question, *snapshot["questions"][1:]]
    attempt.snapshot = snapshot
    db.commit()
    login(world.learner)
    body = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "<img src=x onerror" not in body


def test_X4_a_hostile_name_is_shown_literally_to_admins_trainers_and_the_public(app, client, db, login, world):
    user = db.get(User, world.learner.id)
    user.name = HOSTILE_NAME
    world.certificate.learner_name = HOSTILE_NAME
    db.commit()
    pages = [client.get(f"/verify/{code(world.certificate)}")]
    login(world.admin)
    pages += [client.get("/admin/users"), client.get(f"/admin/users/{user.id}"), client.get("/admin/certificates"),
              client.get(f"/reports/learners/{user.id}")]
    for page in pages:
        body = page.get_data(as_text=True)
        assert page.status_code == 200, page.request.path
        assert "<img src=x onerror" not in body and "49" not in re.findall(r"\d+", HOSTILE_NAME)
        assert "{{7*7}}" in body or "{{7*7}}" in body.replace("&#123;", "{"), page.request.path
    pdf = client.get(f"/certificates/{code(world.certificate)}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_X5_the_language_parameter_is_checked_and_bidi_names_are_isolated(app, client, db, login, world):
    for lang in ("<script>alert(1)</script>", "../../etc/passwd", "xx"):
        response = client.get("/login", query_string={"lang": lang})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and '<html lang="en"' in body and "<script>alert" not in body
    world.certificate.learner_name = "Ana \u202egnp.exe"
    db.commit()
    body = client.get(f"/verify/{code(world.certificate)}").get_data(as_text=True)
    assert "<bdi>Ana \u202egnp.exe</bdi>" in body  # the override ends with the name: it cannot flip the page


#: a name that, shown as is, reads "Ana exe.png" and reverses whatever follows it on the line
BIDI_NAME = "Ana \u202egnp.exe"
BIDI_AGENCY = "Agence \u202eesuoh"
BIDI_CODE = "\u202eASBC"


def assert_isolated(body: str, text: str) -> int:
    """Every occurrence of `text` in the page's text sits alone in <bdi>…</bdi> or between FSI and PDI; returns
    how many there are. A form field's value attribute is left out: no isolation exists there, nor is needed."""
    found = 0
    for match in re.finditer(re.escape(text), body):
        before, after = body[:match.start()], body[match.end():]
        if before.endswith('value="') and after.startswith('"'):
            continue
        around = body[max(0, match.start() - 80):match.end() + 80]
        assert (before.endswith("<bdi>") and after.startswith("</bdi>")) or \
            (before.endswith("\u2068") and after.startswith("\u2069")), around
        found += 1
    return found


def test_X5_bidi_names_are_isolated_on_admin_report_and_transcript_pages(client, db, login, world):
    learner = db.get(User, world.learner.id)
    learner.name = BIDI_NAME
    agency = db.get(Organisation, world.ca.id)
    agency.name, agency.code = BIDI_AGENCY, BIDI_CODE
    db.commit()
    login(world.admin)
    pages = {
        "/admin/users": 2,  # the learner's row and the organisation cell of every Canadian account
        f"/reports/completions/learners?group_by=agency&key={world.ca.id}": 2,
        f"/reports/learners/{world.learner.id}": 2,
        f"/admin/users/{world.learner.id}": 1,
        f"/admin/organisations/{world.ca.id}": 1,
    }
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        found = sum(assert_isolated(body, text) for text in (BIDI_NAME, BIDI_AGENCY, BIDI_CODE))
        assert found >= pages[url], url
    transcript = client.get(f"/reports/learners/{world.learner.id}").get_data(as_text=True)
    assert f"<h1>Transcript of <bdi>{BIDI_NAME}</bdi></h1>" in transcript
    assert f"<title>Transcript of \u2068{BIDI_NAME}\u2069 · " in transcript
    drill = client.get(f"/reports/completions/learners?group_by=agency&key={world.ca.id}").get_data(as_text=True)
    assert f"<h1>Learners: <bdi>{BIDI_CODE}</bdi></h1>" in drill
    assert f"><bdi>{BIDI_NAME}</bdi></a></td>" in drill


def test_X5_messages_that_name_someone_isolate_the_name(client, db, login, world):
    login(world.admin)
    response = client.post_form(f"/admin/users/{world.learner.id}", {
        "name": BIDI_NAME, "organisation": str(world.ca.id), "locale": "en"}, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert f"The account of \u2068{BIDI_NAME}\u2069 is saved." in body
    assert f"<h1><bdi>{BIDI_NAME}</bdi></h1>" in body
    assert f"<title>\u2068{BIDI_NAME}\u2069 · " in body


def test_X5_a_name_cannot_close_its_own_isolation(client, db, login, world):
    """A pop-isolate (U+2069) typed into a name would end the <bdi> early and leak the override after it."""
    learner = db.get(User, world.learner.id)
    learner.name = "Ana \u2069\u202egnp.exe"
    db.commit()
    login(world.admin)
    body = client.get(f"/reports/learners/{world.learner.id}").get_data(as_text=True)
    assert "<bdi>Ana \u202egnp.exe</bdi>" in body and "\u2069\u202e" not in body


def test_X5_certificate_pdf_text_has_no_bidi_control(app, client, db, login, world):
    from pypdf import PdfReader

    from training_app.certificates.models import Certificate

    certificate = db.get(Certificate, world.certificate.id)
    certificate.learner_name = BIDI_NAME
    db.commit()
    login(world.learner)
    response = client.get(f"/certificates/{code(certificate)}.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Ana gnp.exe" in text  # in the order typed, with the override gone
    assert not any(char in text for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "\u202e" not in str(reader.metadata.title)


def test_X5_exports_isolate_names_that_hold_a_bidi_control(client, db, login, world):
    learner = db.get(User, world.learner.id)
    learner.name = BIDI_NAME
    db.commit()
    login(world.admin)
    for export in (lambda: client.post_form("/admin/users/export"),
                   lambda: client.post_form("/reports/completions/export", {"table": "learners", "format": "csv"})):
        text = export().get_data(as_text=True)  # each stream is read before the next request opens another
        assert re.search(f"(^|,)\u2068{BIDI_NAME}\u2069,", text, re.MULTILINE), text[:500]
        assert text.count("\u2068") == 1  # names without a bidi control are exported as typed
    response = client.post_form("/reports/completions/export", {"table": "learners", "format": "xlsx"})
    with zipfile.ZipFile(io.BytesIO(response.data)) as book:
        sheets = "".join(book.read(name).decode() for name in book.namelist() if name.startswith("xl/"))
    assert f"\u2068{BIDI_NAME}\u2069" in sheets


def test_X6_client_scripts_never_write_html_from_data():
    for script in (PACKAGE / "static" / "js").glob("*.js"):
        source = script.read_text()
        assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", source), script.name


def test_I1_sql_metacharacters_in_search_and_filters_change_nothing(client, db, login, world):
    login(world.other_admin)
    for query in ("name' OR 1=1--", "%", "_", "'; DROP TABLE users;--", "\\"):
        for url in ("/admin/users", "/admin/certificates", "/admin/audit"):
            response = client.get(url, query_string={"q": query, "actor": query, "order_by": "id;DROP TABLE users",
                                                     "sort": query})
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            if url != "/admin/audit" and query.startswith("name'"):
                assert world.learner.email not in body
    assert db.scalar(select(User.id).limit(1)) is not None


def test_I2_no_template_is_built_from_data_and_config_is_shown_literally(client, db, login, world):
    sources = "\n".join(p.read_text() for p in PACKAGE.rglob("*.py"))
    assert "render_template_string" not in sources and "from_string(" not in sources
    login(world.learner)
    client.post_form("/account", {"name": "{{config}}{{ config.SECRET_KEY }}", "locale": "en"})
    body = client.get("/account").get_data(as_text=True)
    assert "{{config}}" in body and client.application.secret_key not in body


def test_I3_no_shell_and_no_subprocess_in_the_application():
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"\b(os\.system|os\.popen|shell=True|subprocess\.)", source) or path.name == "cli.py", \
            path


def test_I4_a_name_with_crlf_cannot_add_mail_headers(app, tmp_path):
    config = {"MAIL_FROM": "training@example.org", "INSTANCE_PATH": tmp_path, "SMTP_URL": None}
    with pytest.raises(ValueError):  # the e-mail library refuses a header with a line break
        send_mail(config, "learner@example.org\r\nBcc: x@evil.example", "Subject", "Body")
    send_mail(config, "learner@example.org", "Hello", "Dear Eve\r\nBcc: x@evil.example\r\n")
    message = email.message_from_bytes(next((tmp_path / "outbox").glob("*.eml")).read_bytes(), policy=default)
    assert message["Bcc"] is None


def test_I5_hostile_xml_imports_are_refused(app, client, db, login, world):
    from training_app.authoring import moodle

    laughs = ('<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              "<quiz><question type='truefalse'><name><text>&b;</text></name></question></quiz>")
    xxe = ('<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           "<quiz><question type='truefalse'><name><text>&x;</text></name></question></quiz>")
    for document in (laughs, xxe):
        with pytest.raises(moodle.BankRefused) as refused:
            moodle.parse_moodle_xml(document.encode())
        assert refused.value.code == "xml_doctype"


def test_V1_overlong_null_bytes_surrogates_and_odd_ids_never_give_a_500(app, client, db, login, world):
    """Every route, each id replaced by a hostile value, each form field overlong or broken."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(world.other_admin)
    wrong = []
    bad_values = ["x" * 10_000, "a\x00b", "\ud800", "-1", str(2**63), "1e9", "%00"]
    for rule in app_rules(app):
        for value in bad_values:
            path = path_for(app, rule, world)
            for argument in rule.arguments:
                own = str(owned_arguments(world).get((rule.endpoint.partition(".")[0], argument), ("",))[0])
                if own and own in path:
                    path = path.replace(own, quote(value.encode("utf-8", "surrogatepass"), safe=""), 1)
            field = value.encode("utf-8", "surrogatepass")  # a lone surrogate arrives as invalid UTF-8
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.get(path) if method == "GET" else client.post_form(
                    path, {"name": field, "title": field, "q": field, "reason": field, "email": field})
                response.close()
                if response.status_code >= 500:
                    wrong.append(f"{method} {path[:80]}: {response.status_code}")
    body = client.post("/login", data=b"\xff\xfe\x00invalid", content_type="application/x-www-form-urlencoded")
    assert body.status_code == 400
    login(world.learner)
    nul = client.post(f"/attempts/{world.attempt.id}/autosave", json={"answers": {"x": "a\u0000"}},
                      headers={"X-CSRFToken": client.csrf_token()})
    assert nul.status_code == 400
    assert wrong == []


def test_V2_a_repeated_parameter_has_one_defined_meaning(client, db, login, world):
    login(world.learner)
    response = client.get(f"/attempts/{world.attempt.id}", query_string=[("page", "1"), ("page", "999")])
    assert response.status_code == 200  # the first value wins, as everywhere in Werkzeug
    token = client.csrf_token()
    response = client.post("/account", data=MultiDict([("name", "First"), ("name", "Second"), ("locale", "en"),
                                                       ("csrf_token", token)]))
    db.expire_all()
    assert response.status_code == 302 and db.get(User, world.learner.id).name == "First"


def test_F1_the_application_fetches_no_url_given_by_a_user():
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"\b(urlopen|requests\.(get|post)|httpx\.|urllib3|http\.client)", source), path
