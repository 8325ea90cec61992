from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

from sqlalchemy import select

from tests.conftest import html_lang
from tests.factories import PASSWORD, make_agency, make_user
from training_app.auth import services as accounts
from training_app.auth.models import PasswordResetToken, User
from training_app.db import utcnow


def test_login_lands_on_dashboard_in_the_users_language(client, db, login):
    user = make_user(db, locale="es", name="Ana Martínez")
    response = login(user)
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert html_lang(page) == "es"
    assert "Bienvenida" in page or "Bienvenido" in page or "Le damos la bienvenida" in page
    assert "Ana Martínez" in page


def test_anonymous_dashboard_redirects_to_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_with_wrong_password_is_refused_and_translated(client, db):
    user = make_user(db)
    response = client.post_form("/login?lang=fr", {"email": user.email, "password": "wrong password!"})
    assert response.status_code == 401
    assert "L’adresse courriel ou le mot de passe est incorrect." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_unknown_email_gets_the_same_answer(client, db):
    response = client.post_form("/login", {"email": "nobody@example.org", "password": "whatever it is"})
    assert response.status_code == 401
    assert "The e-mail or password is not right." in response.get_data(as_text=True)


def test_tokenless_post_is_rejected_with_400(client, db):
    user = make_user(db)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_next_redirects_only_to_local_paths(client, db):
    user = make_user(db)
    for unsafe in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = client.post_form(f"/login?next={unsafe}", {"email": user.email, "password": PASSWORD})
        assert response.headers["Location"] == "/dashboard", unsafe
        client.post_form("/logout")
    response = client.post_form("/login?next=/account", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account"


def test_eleventh_failed_login_gets_429_even_with_the_right_password(client, db):
    user = make_user(db)
    for _ in range(10):
        assert client.post_form("/login", {"email": user.email, "password": "wrong password!"}).status_code == 401
    response = client.post_form("/login?lang=es", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.get_data(as_text=True)


def test_failures_from_one_client_across_accounts_are_limited(client, db):
    for number in range(10):
        client.post_form("/login", {"email": f"guess{number}@example.org", "password": "wrong password!"})
    user = make_user(db)
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 429


def test_throttle_window_expires(db, app):
    keys = accounts.ThrottleKeys.for_login("a@example.org", "192.0.2.1")
    start = utcnow()
    for _ in range(10):
        assert accounts.count_attempt(db, keys, start)
    assert not accounts.count_attempt(db, keys, start + timedelta(minutes=5))
    assert accounts.count_attempt(db, keys, start + timedelta(minutes=16))


def test_logout_ends_the_session_cookie_for_good(client, db, login):
    user = make_user(db)
    login(user)
    with client.session_transaction() as session:
        stolen = dict(session)
    client.post_form("/logout")
    with client.session_transaction() as session:
        session.update(stolen)  # replaying the old cookie must not sign anyone in
    assert client.get("/dashboard").status_code == 302


def test_deactivated_user_is_signed_out(client, db, login):
    user = make_user(db)
    login(user)
    user.is_active = False
    db.commit()
    assert client.get("/dashboard").status_code == 302


def test_account_settings_change_name_and_language(client, db, login):
    user = make_user(db)
    login(user)
    response = client.post_form("/account", {"name": "Jeanne Côté", "locale": "fr"})
    assert response.status_code == 302
    db.refresh(user)
    assert (user.name, user.locale) == ("Jeanne Côté", "fr")
    assert html_lang(client.get("/dashboard").get_data(as_text=True)) == "fr"


def test_password_change_needs_the_current_password(client, db, login):
    user = make_user(db)
    login(user)
    new = "a much longer new passphrase"
    response = client.post_form("/account/password", {"current": "not it at all", "password": new,
                                                      "confirm": new})
    assert response.status_code == 422
    response = client.post_form("/account/password", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session goes on
    client.post_form("/logout")
    login(user, password=new)


def _reset_link(app) -> str:
    outbox = app.config["INSTANCE_PATH"] / "outbox"
    (mail,) = outbox.iterdir()
    body = message_from_bytes(mail.read_bytes(), policy=default).get_body().get_content()
    return re.search(r"http://localhost(/password/reset/\S+)", body).group(1)


def test_password_reset_link_works_once(client, db, app, login):
    user = make_user(db)
    response = client.post_form("/password/forgot", {"email": user.email})
    assert response.status_code == 302
    link = _reset_link(app)
    new = "the brand new passphrase"
    assert client.post_form(link, {"password": new, "confirm": new}).status_code == 302
    login(user, password=new)
    client.post_form("/logout")
    other = "yet another passphrase"
    reused = client.post_form(link + "?lang=fr", {"password": other, "confirm": other})
    assert reused.status_code == 400
    assert "Ce lien a expiré" in reused.get_data(as_text=True)


def test_expired_reset_token_is_refused(client, db):
    user = make_user(db)
    token = accounts.create_reset_token(db, user, utcnow() - timedelta(hours=2))
    db.commit()
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 400
    assert db.scalars(select(PasswordResetToken)).one().used_at is None


def test_forgot_password_does_not_reveal_accounts(client, app):
    response = client.post_form("/password/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert not (app.config["INSTANCE_PATH"] / "outbox").exists()


def test_register_with_invitation_code(client, db):
    agency = make_agency(db, country="MX", code="ANAM", invitation_code="join-anam-2026")
    form = {"invitation_code": "join-anam-2026", "name": "Luis Peña", "email": "Luis@Example.org",
            "locale": "es", "password": PASSWORD, "confirm": PASSWORD}
    assert client.post_form("/register", form).status_code == 302
    user = db.scalars(select(User).where(User.email == "luis@example.org")).one()
    assert (user.organisation_id, user.locale, user.role) == (agency.id, "es", "learner")


def test_register_with_unknown_code_creates_nobody(client, db):
    form = {"invitation_code": "nope", "name": "X", "email": "x@example.org", "locale": "en",
            "password": PASSWORD, "confirm": PASSWORD}
    response = client.post_form("/register?lang=es", form)
    assert response.status_code == 422
    assert "código de invitación" in response.get_data(as_text=True)
    assert db.scalars(select(User)).all() == []


def test_throttle_count_is_exact_under_concurrent_attempts(app):
    """20 wrong passwords at once for one account: at most 10 are let through to the password check."""
    import threading

    from sqlalchemy.orm import Session

    engine = app.extensions["db_engine"]
    keys = accounts.ThrottleKeys.for_login("race@example.org", "198.51.100.7")
    allowed: list[bool] = []
    barrier = threading.Barrier(20)

    def attempt() -> None:
        with Session(engine) as session:
            barrier.wait()
            result = accounts.count_attempt(session, keys, utcnow())
            session.commit()
            allowed.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 10
