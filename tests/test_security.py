"""Sessions the server can end, and the security log (RELIABILITY.md §3.1 S, §3.9 G)."""

from __future__ import annotations

import json
import time

from tests.factories import PASSWORD, make_user


def _log(app) -> list[dict]:
    path = app.config["SECURITY_LOG"]
    with open(path, encoding="utf-8") as log:
        return [json.loads(line) for line in log]


def test_idle_session_expires(client, db, login, app):
    login(make_user(db))
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - app.config["SESSION_IDLE_SECONDS"] - 5
    assert client.get("/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 302  # and stays signed out
    assert _log(app)[-1]["event"] == "session_expired"


def test_session_has_an_absolute_lifetime(client, db, login, app):
    login(make_user(db))
    with client.session_transaction() as session:
        session["started_at"] = int(time.time()) - app.config["SESSION_MAX_SECONDS"] - 5
    assert client.get("/dashboard").status_code == 302


def test_sign_in_gives_a_new_session(client, db, app):
    user = make_user(db)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post_form("/login", {"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_security_log_records_sign_ins_and_failures_without_secrets(client, db, app):
    user = make_user(db, name="Eve\r\n{\"event\": \"forged\"}")
    client.post_form("/login", {"email": user.email, "password": "not the password"})
    client.post_form("/login", {"email": user.email, "password": PASSWORD})
    lines = _log(app)
    assert [line["event"] for line in lines[-2:]] == ["login_failed", "login"]
    assert lines[-1]["user_id"] == user.id
    with open(app.config["SECURITY_LOG"], encoding="utf-8") as log:
        raw = log.read()
    assert PASSWORD not in raw and "not the password" not in raw and user.email not in raw
    assert "forged" not in raw


def test_csrf_rejection_and_forbidden_are_logged(client, app):
    client.post("/login", data={"email": "x@example.org", "password": "y"})
    assert _log(app)[-1]["event"] == "csrf_rejected"


def test_every_html_post_route_requires_csrf(app, client, db, login):
    """Generated from the URL map: a new POST route cannot forget CSRF."""
    login(make_user(db))
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", "1").replace(f"<int:{argument}>", "1")
        path = path.replace("<int:", "").replace(">", "")
        response = client.post(path, data={})
        assert response.status_code == 400, f"{rule.rule} answered {response.status_code} without a CSRF token"


def test_a_crlf_in_a_logged_value_cannot_forge_a_line(app):
    from training_app.security import security_event

    with app.app_context():
        security_event("test_event", name='Eve\r\n{"event": "login", "user_id": 1}')
    with open(app.config["SECURITY_LOG"], encoding="utf-8") as log:
        lines = log.read().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["event"] == "test_event"
