"""Password rules (RELIABILITY.md A-5, ASVS 6.2.x): one rule set on every path that sets a password,
a message on the field saying which rule failed, and NFC normalisation that keeps old hashes working."""

from __future__ import annotations

import html
import re
import secrets
import unicodedata

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from flask_babel import force_locale
from sqlalchemy import select

from tests.factories import PASSWORD, make_user
from training_app.auth import passwords
from training_app.auth import services as accounts
from training_app.auth.models import Organisation, PasswordResetToken, User
from training_app.auth.views import ERRORS
from training_app.cli import main
from training_app.db import utcnow

NAME = "Rosalía Gutiérrez"
EMAIL = "rosalia.gutierrez@example.org"

#: (password, the rule it breaks): the brief's examples, and each at 12 characters or more too
REFUSED = [
    ("x" * 7, "password_too_short"),
    ("Password123", "password_common"),
    ("Password1234!", "password_common"),
    ("douane2025", "password_site_word"),
    ("Douane2025!!", "password_site_word"),
    ("mi contraseña de siempre", "password_site_word"),
    ("procuraduría federal 2025", "password_personal"),  # the organisation's name
    ("PROFEPA-es-lo-mejor", "password_personal"),  # its acronym
    ("gutierrez rosalia 1990", "password_personal"),  # the user's name, without accents
    ("rosalia.gutierrez.77", "password_personal"),  # the e-mail
]


@pytest.fixture
def agency(db) -> Organisation:
    organisation = Organisation(country="MX", code="PROFEPA", kind="environment",
                                name="Procuraduría Federal de Protección al Ambiente", invitation_code="join-profepa")
    db.add(organisation)
    db.commit()
    return organisation


def _field_error(response) -> str:
    match = re.search(r'id="password-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert match, response.get_data(as_text=True)
    return html.unescape(match.group(1))


def _message(code: str, lang: str) -> str:
    with force_locale(lang):
        return str(ERRORS[code])


def _register(client, password: str, lang: str = "en"):
    return client.post_form(f"/register?lang={lang}", {
        "invitation_code": "join-profepa", "name": NAME, "email": EMAIL, "locale": "es",
        "password": password, "confirm": password})


def _change(client, password: str, lang: str = "en"):
    return client.post_form(f"/account/password?lang={lang}", {"current": PASSWORD, "password": password,
                                                               "confirm": password})


def _reset(client, db, user, password: str, lang: str = "en"):
    token = accounts.create_reset_token(db, user, utcnow())
    db.commit()
    return client.post_form(f"/password/reset/{token}?lang={lang}", {"password": password, "confirm": password})


@pytest.mark.parametrize(("password", "code"), REFUSED)
def test_A5_a_weak_password_is_refused_on_registration_change_and_reset_with_its_rule(
        app, client, db, login, agency, password, code):
    with app.test_request_context():
        expected = {lang: _message(code, lang) for lang in ("en", "fr")}

    registered = _register(client, password, "fr")
    assert registered.status_code == 422
    assert _field_error(registered) == expected["fr"]
    assert password not in registered.get_data(as_text=True)
    assert db.scalars(select(User).where(User.email == EMAIL)).all() == []

    user = make_user(db, name=NAME, email=EMAIL, organisation=agency)
    before = user.password_hash
    login(user)
    changed = _change(client, password)
    assert changed.status_code == 422
    assert _field_error(changed) == expected["en"]
    assert password not in changed.get_data(as_text=True)
    client.post_form("/logout")

    reset = _reset(client, db, user, password, "fr")
    assert reset.status_code == 422
    assert _field_error(reset) == expected["fr"]
    assert password not in reset.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, user.id).password_hash == before
    # a refused password leaves the link usable
    assert db.scalars(select(PasswordResetToken.used_at)).one() is None


@pytest.mark.parametrize("length", [12, 64, 128])
def test_A5_long_passwords_are_accepted_whole_on_every_path(client, db, login, agency, length):
    password = secrets.token_urlsafe(96)[:length]
    assert _register(client, password).status_code == 302
    user = db.scalars(select(User).where(User.email == EMAIL)).one()
    client.post_form("/logout")
    login(user, password)
    assert not accounts.check_password(user, password[:-1])  # nothing is cut

    changed = ("ñàéîõü" * 30)[:length]  # accented letters: twice as many code points once decomposed
    response = client.post_form("/account/password", {"current": password, "password": changed, "confirm": changed})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post_form("/logout")
    login(user, unicodedata.normalize("NFD", changed))

    again = secrets.token_urlsafe(96)[:length]
    assert _reset(client, db, user, again).status_code == 302
    login(user, again)


def test_A5_nfc_and_nfd_spellings_of_a_password_are_the_same_password(app, db):
    nfc = unicodedata.normalize("NFC", "Crème brûlée à l'érable, señor Müßig")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    for typed, other in ((nfc, nfd), (nfd, nfc)):  # set in one spelling, sign in with the other
        user, client = make_user(db), app.test_client()
        client.post_form("/login", {"email": user.email, "password": PASSWORD})
        response = client.post_form("/account/password", {"current": PASSWORD, "password": typed, "confirm": typed})
        assert response.status_code == 302, response.get_data(as_text=True)
        db.expire_all()
        assert PasswordHasher().verify(db.get(User, user.id).password_hash, nfc)  # stored as NFC
        client.post_form("/logout")
        assert client.post_form("/login", {"email": user.email, "password": other}).status_code == 302
        client.post_form("/logout")
        assert client.post_form("/login", {"email": user.email, "password": typed}).status_code == 302


def test_A5_an_old_hash_of_a_password_typed_in_nfd_still_signs_in_and_is_rehashed_as_nfc(client, db, login):
    user = make_user(db)
    nfd = unicodedata.normalize("NFD", "pässwörd-éñ-ß")  # refused today ("password"), set before the rules
    nfc = unicodedata.normalize("NFC", nfd)
    # the hash an earlier version stored: the password as typed, with today's argon2 parameters
    old = user.password_hash = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash(nfd)
    db.commit()
    login(user, nfd)
    db.expire_all()
    rehashed = db.get(User, user.id).password_hash
    assert rehashed != old
    assert PasswordHasher().verify(rehashed, nfc)
    client.post_form("/logout")
    login(user, nfc)
    client.post_form("/logout")
    login(user, nfd)
    db.expire_all()
    assert db.get(User, user.id).password_hash == rehashed  # once is enough


def _env(app) -> dict[str, str]:
    return {"DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"]),
            "SECRET_KEY": app.config["SECRET_KEY"]}


@pytest.mark.parametrize(("password", "says"), [
    ("Password1234!", "too common"),
    ("mexico-aduanas-2025", "word anyone could guess"),
    ("Canada-Border-Rocks", "organisation"),  # the CBSA's name
    ("jordan.smith.1985", "name"),
])
def test_A5_create_user_refuses_a_weak_password_with_its_rule(app, db, password, says):
    result = CliRunner().invoke(main, ["create-user", "--email", "jordan.smith@example.org", "--name", "Jordan Smith",
                                       "--country", "CA", "--agency", "CBSA", "--password", password], env=_env(app))
    assert result.exit_code == 1 and says in result.output, result.output
    assert password not in result.output
    assert db.scalars(select(User)).all() == []


def test_A5_the_rules_as_documented():
    context = accounts.password_context("ana.li@example.org", "Ana Li", None)
    assert context == frozenset()  # name and e-mail words count from 4 letters: "Ana" and "Li" refuse nothing
    allowed = ["correct horse battery staple", "ana li's banana split", "all lower case and spaces",
               "Zq4$wT9mN2!8", "a" + "-long-pass" * 12]
    assert [passwords.password_problem(p, context=context) for p in allowed] == [None] * len(allowed)
    refused = {
        "sunshine2025!!": "password_common",  # digits and symbols at the end do not help
        "QWERTYUIOP123": "password_common",  # nor capitals
        "michael12345": "password_common",  # a first name from zxcvbn's lists
        "mot de passe fort": "password_site_word",  # letters only: spaces and dots do not hide a word
        "D.O.U.A.N.E forever": "password_site_word",
        "ADUANAS del norte": "password_site_word",
        "cites appendix one": "password_site_word",
        "green tea every day": "password_site_word",  # the product's name
    }
    assert {p: passwords.password_problem(p, context=context) for p in refused} == refused
    mine = accounts.password_context("e.tremblay@example.org", "Émilie Tremblay", None)
    assert mine == {"emilie", "tremblay"}
    assert passwords.password_problem("EMILIE the great one", context=mine) == "password_personal"
