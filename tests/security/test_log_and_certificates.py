"""The security log (RELIABILITY.md §3.9: G series) and certificates (§3.10: C series)."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from tests.certificates.helpers import complete
from tests.factories import PASSWORD, make_user
from tests.security.conftest import code, read_log
from training_app.auth import services as accounts
from training_app.certificates import services as certificates
from training_app.certificates.models import Certificate
from training_app.db import utcnow
from training_app.learn import services as learn


def test_G1_each_security_event_is_one_line_with_utc_time_who_where_and_what(app, client, db, login, world):
    user = make_user(db)
    client.post_form("/login", {"email": user.email, "password": "wrong"})
    login(user)
    client.post_form("/logout")
    login(world.other_admin)
    client.post_form(f"/admin/users/{world.learner.id}/role", {"role": "trainer"})
    client.post_form(f"/admin/users/{world.learner.id}/deactivate")
    client.post_form("/admin/users/export")
    client.post_form(f"/admin/certificates/{code(world.certificate)}/revoke", {"reason": "Fraud"})
    client.get(f"/attempts/{world.attempt.id}")  # not the admin's: denied
    lines = read_log(app)
    events = Counter(line["event"] for line in lines)
    for event in ("login_failed", "login", "logout", "user.role_change", "user.deactivate", "users.export",
                  "certificate.revoke", "access_denied"):  # certificate.issue: test_C5
        assert events[event] >= 1, event
    for line in lines:
        assert datetime.fromisoformat(line["at"]).utcoffset().total_seconds() == 0
        if "path" in line:
            assert line["ip"] == "127.0.0.1"
    change = next(line for line in lines if line["event"] == "user.role_change")
    assert (change["user_id"], change["target_id"], change["details"]["to"]) == (
        world.other_admin.id, world.learner.id, "trainer")
    denied = next(line for line in lines if line["event"] == "access_denied")
    assert denied["attempt_id"] == world.attempt.id and denied["path"] == f"/attempts/{world.attempt.id}"


def test_G1_a_change_that_rolls_back_is_not_logged(app, db, world):
    from training_app.admin import services as admin_services

    with app.test_request_context():
        admin_services.deactivate(db, world.other_admin, db.merge(world.learner), now=utcnow())
        db.rollback()
    assert "user.deactivate" not in [line["event"] for line in read_log(app)]


def test_G2_no_password_token_cookie_key_or_email_is_ever_logged(app, client, db, login, world):
    user = make_user(db)
    client.post_form("/login", {"email": user.email, "password": "a wrong guess"})
    login(user)
    cookie = client.get_cookie("session").value
    client.post_form("/account/password", {"current": PASSWORD, "password": "the next passphrase",
                                           "confirm": "the next passphrase"})
    token = accounts.create_reset_token(db, user, utcnow())
    db.commit()
    client.post_form(f"/password/reset/{token}", {"password": "yet another phrase", "confirm": "yet another phrase"})
    client.post_form("/password/forgot", {"email": user.email})
    login(world.other_admin)
    client.post_form("/admin/users/export", {"q": world.learner.email})
    client.post_form(f"/admin/users/{world.learner.id}/password-reset")
    raw = Path(app.config["SECURITY_LOG"]).read_text(encoding="utf-8")
    for secret in (PASSWORD, "a wrong guess", "the next passphrase", "yet another phrase", token, cookie,
                   app.secret_key, user.email, world.learner.email, world.certificate.code):
        assert secret not in raw, secret


def test_G3_every_refusal_leaves_a_line(app, client, db, login, world):
    """The generated walks assert this route by route (test_Z2_to_Z7…, test_Z1…, test_CS1…); here by kind."""
    login(world.learner)
    client.get("/admin/users")
    client.get(f"/attempts/{world.other_attempt.id}")
    client.post("/account", data={"name": "x"})
    assert [line["event"] for line in read_log(app)[-3:]] == ["forbidden", "access_denied", "csrf_rejected"]


def test_G4_crlf_in_a_name_cannot_forge_a_log_line(app, client, db):
    user = make_user(db, name='bob\r\n{"at": "2026-01-01", "event": "login", "user_id": 1}')
    user.email = 'bob\r\n{"event": "forged"}@example.org'
    client.post_form("/login", {"email": user.email, "password": "wrong"})
    raw = Path(app.config["SECURITY_LOG"]).read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line) for line in raw)
    assert not any(json.loads(line)["event"] == "forged" for line in raw)


def test_C1_codes_are_random_with_at_least_128_bits(db, world):
    codes = {certificates.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    alphabet = set("".join(codes))
    assert len(next(iter(codes))) * math.log2(len(alphabet)) >= 128
    assert str(world.certificate.id) not in world.certificate.code or len(world.certificate.code) > 20
    assert world.certificate.code != world.other_certificate.code


def test_C2_guessing_codes_is_throttled_and_logged_never_a_500(app, client, db):
    statuses = Counter(client.get(f"/verify/{certificates.display_code(certificates.new_code())}").status_code
                       for _ in range(80))
    assert set(statuses) <= {404, 429} and statuses[429] > 0
    throttled = [line for line in read_log(app) if line["event"] == "verify_throttled"]
    assert throttled and "code" not in throttled[0]


def test_C3_the_pdf_names_the_code_and_the_page_is_the_truth(app, client, db, login, world):
    login(world.learner)
    pdf = client.get(f"/certificates/{code(world.certificate)}.pdf")
    assert pdf.status_code == 200
    page = client.get(f"/verify/{code(world.certificate)}?sig=forged-signature").get_data(as_text=True)
    assert re.search(r"does not match|differs|no coincide|ne correspond", page, re.IGNORECASE) or \
        "signature" in page.lower()


def test_C4_a_revocation_shows_at_once_and_the_page_is_never_cached(client, db, login, world):
    first = client.get(f"/verify/{code(world.certificate)}")
    assert first.headers["Cache-Control"] == "no-store" and "Valid" in first.get_data(as_text=True)
    login(world.admin)
    client.post_form(f"/admin/certificates/{code(world.certificate)}/revoke", {"reason": "Issued in error"})
    assert "Revoked" in client.get(f"/verify/{code(world.certificate)}").get_data(as_text=True)


def test_C5_issuing_twice_gives_one_certificate_and_one_log_line(app, db, world):
    learner = make_user(db)
    with app.app_context():
        first = complete(app, db, learner, world.course)
        enrolment = learn.enrolments_of(db, learner.id)[world.course.id]
        again = certificates.issue_certificate(db, enrolment, world.course, utcnow())
        db.commit()
    assert again.id == first.id
    assert len(db.scalars(select(Certificate).where(Certificate.user_id == learner.id)).all()) == 1
    issued = [line for line in read_log(app) if line["event"] == "certificate.issue"]
    assert [line["holder_id"] for line in issued] == [learner.id]
    assert issued[0]["certificate_id"] == first.id and "code" not in issued[0]
