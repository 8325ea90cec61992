"""Authentication and sessions (RELIABILITY.md §3.1: A and S series)."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import select, text

from tests.factories import PASSWORD, make_user
from tests.security.conftest import read_log
from training_app import create_app
from training_app.auth import services as accounts
from training_app.auth.models import LoginThrottle, PasswordResetToken, User
from training_app.db import upgrade_schema, utcnow
from training_app.security import Role


def _sign_in(client, email: str, password: str):
    return client.post_form("/login", {"email": email, "password": password})


def test_A1_repeated_failures_are_throttled_even_with_the_right_password_and_each_is_logged(app, client, db):
    user = make_user(db)
    statuses = [_sign_in(client, user.email, f"wrong {n}").status_code for n in range(12)]
    assert statuses[:accounts.MAX_FAILURES] == [401] * accounts.MAX_FAILURES
    assert set(statuses[accounts.MAX_FAILURES:]) == {429}
    assert _sign_in(client, user.email, PASSWORD).status_code == 429
    events = [line["event"] for line in read_log(app)]
    assert events.count("login_failed") == accounts.MAX_FAILURES
    assert events.count("login_throttled") == 12 - accounts.MAX_FAILURES + 1


def test_A2_concurrent_failures_are_counted_exactly(app, db):
    user = make_user(db)
    clients = [app.test_client() for _ in range(accounts.MAX_FAILURES)]
    barrier = threading.Barrier(len(clients))
    tokens = [c.csrf_token() for c in clients]

    def fail(client, token):
        barrier.wait()
        client.post("/login", data={"email": user.email, "password": "wrong", "csrf_token": token})

    threads = [threading.Thread(target=fail, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.expire_all()
    count = db.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == f"email:{user.email}"))
    assert count == accounts.MAX_FAILURES


def test_A3_unknown_account_and_wrong_password_look_and_take_the_same(client, db):
    user = make_user(db)
    unknown = _sign_in(client, "nobody@example.org", "whatever it is")
    wrong = _sign_in(client, user.email, "whatever it is")
    assert unknown.status_code == wrong.status_code == 401

    def page(response) -> str:  # the CSRF token is signed with a timestamp: it differs between any two pages
        token = r'(csrf[-_]token"? (?:content|type="hidden" value)=")[^"]+'
        return re.sub(token, r"\1", response.get_data(as_text=True))

    assert page(unknown).replace("nobody@example.org", user.email) == page(wrong)

    def seconds(email: str) -> float:
        start = time.perf_counter()
        for _ in range(3):
            accounts.check_password(accounts.user_by_email(db, email), "whatever it is")
        return time.perf_counter() - start

    ratio = seconds("nobody@example.org") / seconds(user.email)
    assert ratio > 0.3, ratio  # a dummy hash is checked for unknown accounts: not measurably faster
    known = client.post_form("/password/forgot", {"email": user.email}, follow_redirects=True)
    other = client.post_form("/password/forgot", {"email": "nobody@example.org"}, follow_redirects=True)
    assert page(known) == page(other)


def test_A4_array_fields_and_a_huge_password_are_a_normal_refusal(client, db):
    user = make_user(db)
    token = client.csrf_token()
    arrays = client.post("/login", data={"email": [user.email, "x@example.org"], "password": ["wrong", PASSWORD],
                                         "csrf_token": token})
    assert arrays.status_code == 401  # the first value of each field counts, nothing else
    huge = _sign_in(client, user.email, "p" * 1_000_000)
    assert huge.status_code in (400, 401, 413, 422)


def test_A5_password_length_rules(client, db, login):
    user = make_user(db)
    login(user)
    for short in ("x" * 7, "Password123"):
        response = client.post_form("/account/password", {"current": PASSWORD, "password": short, "confirm": short})
        assert response.status_code == 422
    for long in ("a-long-pass-" * 6, "é" * 128):  # 72 and 128 characters, no truncation
        password = long[:128]
        response = client.post_form("/account/password", {"current": PASSWORD, "password": password,
                                                          "confirm": password})
        if response.status_code == 302:
            db.expire_all()
            assert accounts.check_password(db.get(User, user.id), password)
            assert not accounts.check_password(db.get(User, user.id), password[:64])
            login(db.get(User, user.id), password)
            client.post_form("/account/password", {"current": password, "password": PASSWORD, "confirm": PASSWORD})
        else:  # the form caps length at 200, so 128 must pass
            raise AssertionError(response.get_data(as_text=True))


def test_A6_changing_the_password_needs_the_current_one(client, db, login):
    user = make_user(db)
    login(user)
    before = user.password_hash
    response = client.post_form("/account/password", {"current": "not it at all", "password": "a fresh passphrase",
                                                      "confirm": "a fresh passphrase"})
    assert response.status_code == 422
    db.expire_all()
    assert db.get(User, user.id).password_hash == before


def test_A7_a_fresh_install_has_no_accounts_and_demo_passwords_are_random(tmp_path, app):
    from training_app import demo

    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    upgrade_schema(url)
    passwords = []
    for run in range(2):
        fresh = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / f'fresh{run}.sqlite3'}",
                            "TRAINING_APP_INSTANCE": tmp_path / f"i{run}", "SECRET_KEY": "k" * 32})
        upgrade_schema(fresh.config["DATABASE_URL"])
        lines: list[str] = []
        with fresh.app_context():
            from training_app.db import get_session

            assert get_session().scalar(text("SELECT count(*) FROM users")) == 0
            demo.first_run(fresh, courses_dir=tmp_path / "none", with_demo=True, echo=lines.append)
        passwords.append([line.split()[-1] for line in lines if "@" in line])
        fresh.extensions["db_engine"].dispose()
    assert passwords[0] and all(len(p) >= 16 for p in passwords[0])
    assert not set(passwords[0]) & set(passwords[1])
    assert "admin" not in passwords[0]


def test_A8_a_set_password_link_works_once_and_expires(client, db):
    user = make_user(db)
    token = accounts.create_reset_token(db, user, utcnow())
    old = accounts.create_reset_token(db, user, utcnow() - accounts.RESET_TOKEN_LIFETIME - timedelta(minutes=1))
    db.commit()
    new = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    assert client.post_form(f"/password/reset/{token}", new).status_code == 302
    assert client.post_form(f"/password/reset/{token}", new).status_code == 400
    assert client.post_form(f"/password/reset/{old}", new).status_code == 400



@pytest.mark.parametrize(("age", "valid"), [(timedelta(days=6), True),
                                            (accounts.INVITATION_LIFETIME + timedelta(seconds=1), False)],
                         ids=["six-days-old", "seven-days-and-a-second-old"])
def test_A8_an_invitation_link_lasts_seven_days_and_works_once(client, db, age, valid):
    from training_app.admin import services as admin

    inviter = make_user(db, role=Role.ADMIN)
    user, token = admin.invite_user(db, inviter, email="invited@example.org", name="Invited Officer",
                                    role=Role.LEARNER, locale="en", organisation_id=None, now=utcnow() - age)
    db.commit()
    new = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    assert client.post_form(f"/password/reset/{token}", new).status_code == (302 if valid else 400)
    assert client.post_form(f"/password/reset/{token}", new).status_code == 400  # used, or expired
    client.post_form("/logout")
    login = client.post_form("/login", {"email": user.email, "password": new["password"]})
    assert login.status_code == (302 if valid else 401)

def test_A9_reset_tokens_are_hashed_at_rest_and_links_ignore_a_forged_host(database_url, tmp_path, db):
    user = make_user(db)
    token = accounts.create_reset_token(db, user, utcnow())
    db.commit()
    assert token not in repr(db.execute(select(PasswordResetToken)).all())
    app = create_app({"DATABASE_URL": database_url, "TRAINING_APP_INSTANCE": tmp_path / "i", "SECRET_KEY": "k" * 32,
                      "PUBLIC_URL": "https://training.example.org"})
    # Every e-mailed link (reset, invitation) and certificate QR code is built with url_for(_external=True).
    with app.test_request_context("/password/forgot", method="POST", headers={"Host": "evil.example"}):
        link = url_for("auth.reset_password", token=token, _external=True)
        verify = url_for("certificates.verify_code", code="X", _external=True)
    assert urlsplit(link).netloc == urlsplit(verify).netloc == "training.example.org"
    app.extensions["db_engine"].dispose()


def test_A10_passwords_are_argon2id_and_rehashed_when_parameters_change(client, db):
    from argon2 import PasswordHasher

    user = make_user(db)
    assert user.password_hash.startswith("$argon2id$")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    db.commit()
    assert _sign_in(client, user.email, PASSWORD).status_code == 302
    db.expire_all()
    assert "m=19456,t=2" in db.get(User, user.id).password_hash


def test_S1_the_session_cookie_is_signed_and_the_key_is_never_a_default(app, client, db, login, tmp_path):
    login(make_user(db))
    cookie = client.get_cookie("session")
    assert client.get("/dashboard").status_code == 200
    client.set_cookie("session", cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"))
    assert client.get("/dashboard").status_code == 302
    keys = {create_app({"DATABASE_URL": "sqlite://", "TRAINING_APP_INSTANCE": tmp_path / f"i{n}"}).secret_key
            for n in range(2)}
    assert len(keys) == 2 and all(len(key) == 64 for key in keys)


def test_S2_the_cookie_from_before_sign_in_is_not_signed_in(app, client, db):
    user = make_user(db)
    client.get("/login")
    with client.session_transaction() as session:
        session["marker"] = "planted"
    before = client.get_cookie("session").value
    _sign_in(client, user.email, PASSWORD)
    assert client.get_cookie("session").value != before
    replay = app.test_client()
    replay.set_cookie("session", before)
    assert replay.get("/dashboard").status_code == 302


def test_S3_idle_and_absolute_timeouts_end_the_session_and_autosave_does_not_extend_it(app, client, db, login,
                                                                                         world):
    login(world.learner)
    with client.session_transaction() as session:
        session["started_at"] = int(time.time()) - app.config["SESSION_MAX_SECONDS"] + 30
    for _ in range(3):  # autosaves keep the idle clock fresh, never the absolute one
        client.post(f"/attempts/{world.attempt.id}/autosave", json={"answers": {}},
                    headers={"X-CSRFToken": client.csrf_token()})
    with client.session_transaction() as session:
        session["started_at"] -= 60
    assert client.get("/dashboard").status_code == 302
    assert read_log(app)[-1]["event"] == "session_expired"


def test_S4_a_cookie_captured_before_logout_is_dead(app, client, db, login):
    login(make_user(db))
    captured = client.get_cookie("session").value
    client.post_form("/logout")
    replay = app.test_client()
    replay.set_cookie("session", captured)
    assert replay.get("/dashboard").status_code == 302


def test_S5_deactivation_by_an_admin_ends_the_learners_open_session(app, db, world):
    learner, admin = app.test_client(), app.test_client()
    learner.post_form("/login", {"email": world.learner.email, "password": PASSWORD})
    admin.post_form("/login", {"email": world.admin.email, "password": PASSWORD})
    assert learner.get("/dashboard").status_code == 200
    assert admin.post_form(f"/admin/users/{world.learner.id}/deactivate").status_code == 302
    assert learner.get("/dashboard").status_code == 302


def test_S6_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, db):
    user = make_user(db)
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        client.post_form("/login", {"email": user.email, "password": PASSWORD})
    here.post_form("/account/password", {"current": PASSWORD, "password": "another long passphrase",
                                         "confirm": "another long passphrase"})
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302


def test_S7_the_email_cannot_be_changed_from_the_account_page(client, db, login):
    user = make_user(db)
    login(user)
    client.post_form("/account", {"name": "New name", "locale": "en", "email": "new@example.org"})
    db.expire_all()
    assert db.get(User, user.id).email == user.email
    assert user.role == Role.LEARNER
