"""CSRF, redirects and response headers (RELIABILITY.md §3.3: CS, R, H). Generated from the URL map: a new
route gets the same checks without anyone listing it."""

from __future__ import annotations

import pytest
from flask import abort

from tests.factories import PASSWORD, make_user
from tests.security.conftest import app_rules, database_state, path_for, read_log
from training_app import create_app
from training_app.security import Role

IDENTITIES = ["anonymous", Role.LEARNER, Role.TRAINER, Role.ADMIN]
REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
#: public, content-addressed files that every visitor may cache (course images, CSS, JS)
PUBLIC_FILES = ("/static/", "/media/")


def header_problems(response, signed_in: bool) -> list[str]:
    """What H-1, H-3, H-4 and H-6 find wrong with one response."""
    problems = []
    policy = response.headers.get("Content-Security-Policy", "")
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
        if directive not in policy:
            problems.append(f"CSP lacks {directive}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if response.headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {response.headers.get('Referrer-Policy')}")
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith("text/") and "charset=" not in content_type:
        problems.append(f"no charset in {content_type}")
    if "Access-Control-Allow-Origin" in response.headers:
        problems.append("CORS header")
    if "/" in response.headers.get("Server", ""):
        problems.append(f"Server {response.headers['Server']}")
    if signed_in and not response.request.path.startswith(PUBLIC_FILES) and \
            "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control {response.headers.get('Cache-Control')}")
    return problems


@pytest.mark.parametrize("who", IDENTITIES)
def test_H1_H3_H4_every_get_route_has_the_security_headers(app, client, db, login, world, who):
    """HTML, JSON, PDF, PNG, CSV, ZIP, XML, images and error pages, for every identity."""
    if who != "anonymous":
        login(world.as_role(who))
    wrong, kinds = [], set()
    for rule in app_rules(app, "GET"):
        if rule.endpoint.startswith("api."):
            continue  # token-authenticated: test_H_api_responses_have_the_security_headers
        path = path_for(app, rule, world)
        response = client.get(path, headers={"Origin": "https://evil.example"})
        kinds.add(response.mimetype)
        if rule.endpoint == "certificates.issuer_profile":  # a public key any verifier may fetch
            del response.headers["Access-Control-Allow-Origin"]
        wrong += [f"GET {path} ({response.status_code}): {p}" for p in header_problems(response, who != "anonymous")]
        response.close()
    assert wrong == []
    if who == Role.ADMIN:
        assert {"text/html", "application/json", "application/pdf", "image/png", "text/csv"} <= kinds


def test_H1_error_pages_and_json_errors_have_the_security_headers(app, client, db, login):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/test-boom", "test_boom", lambda: 1 / 0)
    app.add_url_rule("/test-forbidden", "test_forbidden", lambda: abort(403))
    login(make_user(db))
    responses = [client.get("/nowhere"), client.get("/test-boom"), client.get("/test-forbidden"),
                 client.post("/dashboard"), client.post("/logout"),
                 client.get("/nowhere", headers={"Accept": "application/json"})]
    assert [r.status_code for r in responses] == [404, 500, 403, 405, 400, 404]
    for response in responses:
        assert header_problems(response, signed_in=True) == [], response.request.path


def test_H_api_responses_have_the_security_headers(app, client, db, world):
    for headers in ({}, {"Authorization": "Bearer nope"}):
        for rule in (r for r in app_rules(app, "GET") if r.endpoint.startswith("api.")):
            response = client.get(path_for(app, rule, world), headers=headers)
            assert header_problems(response, signed_in=bool(headers)) == [], rule.rule


def test_H1_hsts_is_sent_when_served_over_https(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINING_APP_HTTPS", "1")
    app = create_app({"DATABASE_URL": database_url, "TRAINING_APP_INSTANCE": tmp_path / "i", "SECRET_KEY": "k" * 32})
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    app.extensions["db_engine"].dispose()


def test_H2_session_cookie_is_httponly_samesite_and_host_prefixed_over_https(database_url, tmp_path, monkeypatch,
                                                                              client, db, login):
    cookie = login(make_user(db)).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie and "Domain" not in cookie
    monkeypatch.setenv("TRAINING_APP_HTTPS", "1")
    secure = create_app({"DATABASE_URL": database_url, "TRAINING_APP_INSTANCE": tmp_path / "i",
                         "SECRET_KEY": "k" * 32})
    page = secure.test_client().get("/login", base_url="https://localhost")
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Domain" not in cookie
    secure.extensions["db_engine"].dispose()


def test_H5_an_error_is_a_generic_translated_page_with_an_incident_id(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/test-boom", "test_boom", lambda: open("/etc/secret-path-xyz"))  # noqa: SIM115
    response = client.get("/test-boom", headers={"Accept-Language": "fr"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret-path-xyz" not in body and "FileNotFoundError" not in body
    assert 'lang="fr"' in body
    assert not app.debug
    assert client.get("/console").status_code == 404  # no Werkzeug debugger


def test_H6_trace_and_unused_methods_are_refused_on_every_route(app, client, world):
    for rule in app_rules(app):
        path = path_for(app, rule, world)
        assert client.open(path, method="TRACE").status_code == 405, path
        if "POST" not in rule.methods:
            assert client.put(path).status_code == 405, path


def test_CS1_every_post_route_refuses_a_missing_token_and_logs_it(app, client, db, login, world):
    """Generated from the URL map, with real ids, as an administrator who could do each thing."""
    login(world.other_admin)
    before = database_state(db)
    wrong = []
    for rule in app_rules(app, "POST"):
        path = path_for(app, rule, world)
        since = len(read_log(app))
        response = client.post(path, data={"name": "x"})
        if response.status_code != 400:
            wrong.append(f"{path}: {response.status_code}")
        elif [line["event"] for line in read_log(app)[since:]] != ["csrf_rejected"]:
            wrong.append(f"{path}: refusal not logged")
    assert wrong == []
    json_save = client.post(f"/attempts/{world.attempt.id}/autosave", json={"answers": {}})
    assert json_save.status_code == 400
    assert database_state(db) == before


def test_CS2_a_token_from_another_session_is_refused(app, db, world):
    first, second = app.test_client(), app.test_client()
    for client, user in ((first, world.learner), (second, world.other_learner)):
        client.post_form("/login", {"email": user.email, "password": PASSWORD})
    stolen = first.csrf_token()
    response = second.post("/account", data={"name": "Hijacked", "locale": "en", "csrf_token": stolen})
    assert response.status_code == 400
    assert read_log(app)[-1]["event"] == "csrf_rejected"


def test_CS4_the_answer_to_a_cross_site_post_never_sets_the_session_cookie(app):
    """The browser keeps its SameSite=Lax cookie from another site's post, so the app sees no session: a cookie in
    the answer (the error page's CSRF token) would replace the signed-in one. The browser half: tests/e2e."""
    answers = {}
    for site in ("cross-site", "same-origin"):
        response = app.test_client().post("/account", data={"name": "x"}, headers={"Sec-Fetch-Site": site})
        assert response.status_code == 400
        answers[site] = response.headers.getlist("Set-Cookie")
    assert answers["cross-site"] == []
    assert answers["same-origin"], "the same page from this site sets its session (else this test proves nothing)"


def test_CS3_no_get_changes_anything_and_post_only_routes_refuse_get(app, client, db, login, world):
    readable = {rule.rule for rule in app_rules(app, "GET")}
    for who in (world.learner, world.trainer, world.admin):
        login(who)
        before = database_state(db)
        for rule in app_rules(app):
            path = path_for(app, rule, world)
            response = client.get(path)
            response.close()
            if rule.rule not in readable:
                assert response.status_code == 405, path
        after = database_state(db)
        # the certificate verification page counts lookups per client (anti-automation, C-2)
        for state in (before, after):
            state["login_throttles"] = [row for row in state["login_throttles"] if "'verify:" not in row]
        assert after == before


R1_HOSTILE = ["https://evil.example", "//evil.example", "/\\evil.example", "\\/evil.example",
              "/%2F%2Fevil.example", "https:evil.example", "javascript:alert(1)", "%0d%0aSet-Cookie:x=1",
              " //evil.example", "\t//evil.example", "///evil.example", "http://localhost@evil.example"]


@pytest.mark.parametrize("target", R1_HOSTILE)
def test_R1_next_never_leaves_the_site(client, db, target):
    user = make_user(db)
    response = client.post_form(f"/login?next={target}", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in ("/dashboard", "http://localhost/dashboard"), location


def test_R1_a_local_next_is_kept(client, db):
    user = make_user(db)
    response = client.post_form("/login?next=/courses/demo-course", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/courses/demo-course")
