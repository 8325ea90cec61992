from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.certificates.helpers import TITLES, complete, set_expiry
from tests.certificates.routes import UNKNOWN
from tests.conftest import html_lang
from tests.factories import make_agency, make_user
from training_app.admin.models import AuditEvent
from training_app.auth.models import LoginThrottle, User
from training_app.certificates import services
from training_app.certificates.models import Certificate
from training_app.db import utcnow
from training_app.security import Role

#: the words each state shows, per language
STATES = {
    "valid": {"en": "This certificate is valid.", "fr": "Ce certificat est valide.",
              "es": "Esta constancia es válida."},
    "expired": {"en": "This certificate expired on", "fr": "Ce certificat a expiré le",
                "es": "Esta constancia venció el"},
    "revoked": {"en": "This certificate was revoked on", "fr": "Ce certificat a été révoqué le",
                "es": "Esta constancia fue revocada el"},
    "unknown": {"en": "No certificate has this code.", "fr": "Aucun certificat ne porte ce code.",
                "es": "Ninguna constancia tiene este código."},
}


@pytest.fixture
def certificates(app, db, demo_course) -> dict[str, Certificate]:
    organisation = make_agency(db, country="MX", code="ANAM")
    valid = complete(app, db, make_user(db, name="Ana Martínez Peña", organisation=organisation,
                                        email="ana@anam.example"), demo_course)
    expired = complete(app, db, make_user(db, name="José Núñez"), demo_course, on=date(2023, 5, 2))
    revoked = complete(app, db, make_user(db, name="Élodie Côté"), demo_course)
    with app.app_context():
        services.revoke(db, revoked, "Obtenue par fraude.", None, utcnow())
    db.commit()
    return {"valid": valid, "expired": expired, "revoked": revoked}


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_verification_page_shows_each_state_in_each_language(client, certificates, lang):
    for state, certificate in certificates.items():
        response = client.get(f"/verify/{services.display_code(certificate.code)}?lang={lang}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert html_lang(page) == lang
        assert STATES[state][lang] in page, state
        assert certificate.learner_name in page
        assert TITLES[lang] in page
        assert response.headers["Cache-Control"] == "no-store"
        assert "noindex" in response.headers["X-Robots-Tag"]
    revoked = client.get(f"/verify/{certificates['revoked'].code}?lang={lang}").get_data(as_text=True)
    assert "Obtenue par fraude." in revoked
    unknown = client.get(f"/verify/{UNKNOWN}?lang={lang}")
    assert unknown.status_code == 404
    assert STATES["unknown"][lang] in unknown.get_data(as_text=True)


def test_verification_page_shows_no_email_nor_organisation(client, certificates):
    page = client.get(f"/verify/{certificates['valid'].code}").get_data(as_text=True)
    assert "Ana Martínez Peña" in page
    assert "ana@anam.example" not in page and "ANAM" not in page


def test_codes_are_accepted_without_dashes_in_any_case(client, certificates):
    code = certificates["valid"].code
    assert client.get(f"/verify/{code.lower()}").status_code == 200
    response = client.get(f"/verify?code={code[:14].lower()}-{code[14:]}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{services.display_code(code)}"
    refused = client.get("/verify?code=not-a-code&lang=fr")
    assert refused.status_code == 422
    assert "Un code de certificat compte 28 lettres et chiffres" in refused.get_data(as_text=True)
    assert client.get("/verify/not-a-code").status_code == 404


def test_a_tampered_record_is_not_valid(client, db, certificates):
    certificate = certificates["valid"]
    certificate.learner_name = "Someone Else"
    db.commit()
    page = client.get(f"/verify/{certificate.code}?lang=es").get_data(as_text=True)
    assert "No válida" in page and STATES["valid"]["es"] not in page


def test_lookups_are_throttled_per_client_with_a_translated_429(client, db, certificates):
    for _ in range(services.MAX_LOOKUPS):
        assert client.get(f"/verify/{UNKNOWN}").status_code == 404
    response = client.get(f"/verify/{certificates['valid'].code}?lang=fr")
    assert response.status_code == 429
    assert "Trop de vérifications" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "900"
    assert db.scalars(select(LoginThrottle).where(LoginThrottle.key.startswith("verify:"))).one().failures > 30
    other = client.get(f"/verify/{certificates['valid'].code}", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


def test_lookup_window_resets(app, db, certificates):
    now = utcnow()
    for _ in range(services.MAX_LOOKUPS):
        assert services.count_lookup(db, "192.0.2.8", now)
    assert not services.count_lookup(db, "192.0.2.8", now)
    assert services.count_lookup(db, "192.0.2.8", now + timedelta(minutes=16))


def test_issuer_key_is_published_without_the_private_key(client, app):
    response = client.get("/.well-known/training-app-issuer.json")
    document = response.get_json()
    assert document["name"] == app.config["ISSUER_NAME"]
    assert document["assertionMethod"] == [document["verificationMethod"][0]["id"]]
    assert "PRIVATE" not in response.get_data(as_text=True)


def test_admin_revokes_and_the_page_shows_it_at_once(client, db, login, certificates):
    certificate = certificates["valid"]
    code = services.display_code(certificate.code)
    assert "Ce certificat est valide." in client.get(f"/verify/{code}?lang=fr").get_data(as_text=True)
    login(db.get(User, certificate.user_id))
    assert client.post_form(f"/admin/certificates/{code}/revoke", {"reason": "No"}).status_code == 403
    client.post_form("/logout")
    login(make_user(db, role=Role.ADMIN))
    listing = client.get(f"/admin/certificates?q={certificate.learner_name[:3]}").get_data(as_text=True)
    assert code in listing
    assert client.get(f"/admin/certificates/{code}").status_code == 200
    assert client.post_form(f"/admin/certificates/{code}/revoke", {"reason": " "}).status_code == 422
    response = client.post_form(f"/admin/certificates/{code}/revoke", {"reason": "Emitido por error."})
    assert response.status_code == 302
    page = client.get(f"/verify/{code}?lang=es").get_data(as_text=True)
    assert STATES["revoked"]["es"] in page and "Emitido por error." in page
    again = client.post_form(f"/admin/certificates/{code}/revoke", {"reason": "Twice."}, follow_redirects=True)
    assert "Esta constancia ya está revocada." in again.get_data(as_text=True)  # the last language chosen
    db.refresh(certificate)
    assert certificate.revoked_reason == "Emitido por error."
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.revoke")).all()
    assert certificate.code in [event.details["code"] for event in events]


def test_expired_today_is_still_valid(app, client, db, certificates):
    certificate = certificates["valid"]
    set_expiry(app, db, certificate, utcnow().date())
    assert "This certificate is valid." in client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    set_expiry(app, db, certificate, utcnow().date() - timedelta(days=1))
    assert "This certificate expired on" in client.get(f"/verify/{certificate.code}").get_data(as_text=True)
