from __future__ import annotations

import io
import json
import time

import segno
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from tests.certificates.helpers import TITLES, complete
from tests.factories import make_agency, make_user
from training_app.auth.models import User
from training_app.certificates import services
from training_app.cli import main
from training_app.security import Role

A4_LANDSCAPE = (842, 595)  # points
LETTER_LANDSCAPE = (792, 612)


def _pdf(client, url: str) -> PdfReader:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    return PdfReader(io.BytesIO(response.data))


def _size(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_has_the_name_with_diacritics_and_the_title_in_the_learners_language(app, client, db, login,
                                                                                    demo_course):
    learner = make_user(db, name="Ana Martínez Peña", locale="fr")
    certificate = complete(app, db, learner, demo_course)
    login(learner)
    code = services.display_code(certificate.code)
    reader = _pdf(client, f"/certificates/{code}.pdf")
    text = _flat(reader.pages[0].extract_text())
    assert len(reader.pages) == 1 and _size(reader) == A4_LANDSCAPE
    assert "Ana Martínez Peña" in text
    assert TITLES["fr"] in text
    assert "Certificat de réussite" in text
    assert code in text and f"/verify/{code}" in text
    spanish = _flat(_pdf(client, f"/certificates/{code}.pdf?lang=es").pages[0].extract_text())
    assert TITLES["es"] in spanish and "Ana Martínez Peña" in spanish
    assert "Constancia de acreditación" in spanish
    assert f"de {certificate.completed_on.year}" in spanish  # a long date as Babel writes it in Spanish
    english = _flat(_pdf(client, f"/certificates/{code}.pdf?lang=en&paper=letter").pages[0].extract_text())
    assert TITLES["en"] in english and _size(_pdf(client, f"/certificates/{code}.pdf?paper=letter")) == LETTER_LANDSCAPE


def test_pdf_is_letter_for_a_us_learner(app, client, db, login, demo_course):
    learner = make_user(db, organisation=make_agency(db, country="US", code="CBP"))
    certificate = complete(app, db, learner, demo_course)
    login(learner)
    assert _size(_pdf(client, f"/certificates/{certificate.code}.pdf")) == LETTER_LANDSCAPE


def test_qr_code_opens_the_verification_page_with_the_signature(app, client, db, login, demo_course):
    learner = make_user(db)
    certificate = complete(app, db, learner, demo_course)
    login(learner)
    reader = _pdf(client, f"/certificates/{certificate.code}.pdf")
    (picture,) = reader.pages[0].images
    expected_url = f"http://localhost/verify/{services.display_code(certificate.code)}?sig={certificate.signature}"
    # Decode by re-encoding: the image in the PDF is, module for module, the QR code of the expected URL.
    expected = io.BytesIO()
    segno.make(expected_url, error="m", micro=False).save(expected, kind="png", scale=1, border=0)
    found = picture.image.convert("L")
    wanted = Image.open(expected).convert("L")
    assert found.size == wanted.size
    assert found.tobytes() == wanted.tobytes()
    page = client.get(expected_url.removeprefix("http://localhost")).get_data(as_text=True)
    assert "This certificate is valid." in page and "different signature" not in page
    forged = client.get(f"/verify/{services.display_code(certificate.code)}?sig=AAAA").get_data(as_text=True)
    assert "different signature" in forged


def test_pdf_is_made_in_well_under_a_second(app, client, db, login, demo_course):
    learner = make_user(db, name="Ana Martínez Peña")
    certificate = complete(app, db, learner, demo_course)
    login(learner)
    client.get(f"/certificates/{certificate.code}.pdf")  # the first request also creates the signing key
    started = time.perf_counter()
    response = client.get(f"/certificates/{certificate.code}.pdf?lang=fr")
    assert response.status_code == 200
    assert time.perf_counter() - started < 0.5


def test_preview_is_a_png_for_the_dashboard(app, client, db, login, demo_course):
    learner = make_user(db, locale="es")
    certificate = complete(app, db, learner, demo_course)
    login(learner)
    response = client.get(f"/certificates/{certificate.code}/preview.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.width > image.height
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"/certificates/{services.display_code(certificate.code)}/preview.png?lang=es" in dashboard


def test_another_learners_certificate_is_404_and_an_admins_is_200(app, client, db, login, demo_course):
    owner, other = make_user(db), make_user(db)
    certificate = complete(app, db, owner, demo_course)
    urls = [f"/certificates/{certificate.code}.pdf", f"/certificates/{certificate.code}/preview.png",
            f"/certificates/{certificate.code}/credential.json"]
    login(other)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert client.post_form(f"/certificates/{certificate.code}/renew").status_code == 404
    client.post_form("/logout")
    login(make_user(db, role=Role.TRAINER))
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.post_form("/logout")
    login(make_user(db, role=Role.ADMIN))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    client.post_form("/logout")
    assert [client.get(url).status_code for url in urls] == [302, 302, 302]


def _credential_files(app, client, db, login, demo_course, tmp_path):
    learner = make_user(db, name="Ana Martínez Peña")
    certificate = complete(app, db, learner, demo_course)
    login(learner)
    response = client.get(f"/certificates/{services.display_code(certificate.code)}/credential.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    credential = tmp_path / "credential.json"
    credential.write_bytes(response.data)
    issuer = tmp_path / "issuer.json"
    issuer.write_bytes(client.get("/.well-known/training-app-issuer.json").data)
    return certificate, credential, issuer


def test_credential_is_an_open_badge_with_a_proof_that_verifies_offline(app, client, db, login, demo_course,
                                                                        tmp_path):
    certificate, credential, issuer = _credential_files(app, client, db, login, demo_course, tmp_path)
    document = json.loads(credential.read_text())
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["credentialSubject"]["achievement"]["titles"] == TITLES
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert document["validUntil"].startswith(certificate.expires_on.isoformat())
    published = json.loads(issuer.read_text())
    assert published["verificationMethod"][0]["publicKeyMultibase"].startswith("z6Mk")  # an Ed25519 multikey
    assert "PRIVATE" not in issuer.read_text()
    result = CliRunner().invoke(main, ["verify-credential", str(credential), "--key", str(issuer)])
    assert result.exit_code == 0, result.output
    assert "Valid: Ana Martínez Peña" in result.output


def test_tampered_credential_fails_verify_credential(app, client, db, login, demo_course, tmp_path):
    _certificate, credential, issuer = _credential_files(app, client, db, login, demo_course, tmp_path)
    document = json.loads(credential.read_text())
    document["validUntil"] = "2099-12-31T23:59:59Z"
    credential.write_text(json.dumps(document))
    result = CliRunner().invoke(main, ["verify-credential", str(credential), "--key", str(issuer)])
    assert result.exit_code == 1
    assert "Not valid" in result.output


def test_credential_from_another_key_fails_verify_credential(app, client, db, login, demo_course, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _certificate, credential, _issuer = _credential_files(app, client, db, login, demo_course, tmp_path)
    stranger = tmp_path / "stranger.pem"
    stranger.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    result = CliRunner().invoke(main, ["verify-credential", str(credential), "--key", str(stranger)])
    assert result.exit_code == 1 and "Not valid" in result.output
    own_key = CliRunner().invoke(main, ["verify-credential", str(credential)],
                                 env={"TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"]),
                                      "DATABASE_URL": app.config["DATABASE_URL"]})
    assert own_key.exit_code == 0, own_key.output


def test_pdf_is_rendered_once_then_served_from_the_cache(app, client, db, login, demo_course):
    certificate = complete(app, db, make_user(db), demo_course)
    login(db.get(User, certificate.user_id))
    first = client.get(f"/certificates/{certificate.code}.pdf?lang=fr").get_data()
    cache = app.config["INSTANCE_PATH"] / "cache" / "certificates"
    (cached,) = cache.glob("*.pdf")
    assert cached.read_bytes() == first
    assert client.get(f"/certificates/{certificate.code}.pdf?lang=fr").get_data() == first
    client.get(f"/certificates/{certificate.code}.pdf?lang=es")
    assert len(list(cache.glob("*.pdf"))) == 2
