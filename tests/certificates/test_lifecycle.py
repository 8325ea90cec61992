from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.certificates.helpers import complete, enrolment_of, latest_certificate, set_expiry
from tests.factories import make_user
from training_app.certificates import services
from training_app.certificates.models import Certificate, CertificateReminder
from training_app.cli import main
from training_app.db import utcnow
from training_app.learn import services as learn
from training_app.learn.models import LessonProgress


def _today() -> date:
    return utcnow().date()


def test_dashboard_lists_certificates_and_warns_60_days_before_expiry(app, client, db, login, demo_course):
    learner = make_user(db, locale="fr")
    certificate = complete(app, db, learner, demo_course)
    login(learner)
    page = client.get("/dashboard").get_data(as_text=True)
    code = services.display_code(certificate.code)
    assert "Mes certificats" in page
    assert f"/certificates/{code}.pdf?lang=fr" in page and f"/certificates/{code}.pdf?lang=es" in page
    assert f"/certificates/{code}/credential.json" in page
    assert "Expire dans" not in page and "Renouveler" not in page
    set_expiry(app, db, certificate, _today() + timedelta(days=45))
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Expire dans 45 jours" in page
    assert f"/certificates/{code}/renew" in page


def test_renewing_after_expiry_issues_a_new_certificate_and_keeps_the_old(app, client, db, login, demo_course):
    learner = make_user(db, locale="es")
    old = complete(app, db, learner, demo_course, on=_today() - timedelta(days=800))
    assert old.expires_on < _today()
    login(learner)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Venció el" in page
    response = client.post_form(f"/certificates/{old.code}/renew")
    assert response.headers["Location"] == "/courses/demo-course"
    assert enrolment_of(db, learner, demo_course).completed_at is None
    assert db.scalars(select(LessonProgress).where(LessonProgress.user_id == learner.id)).all() == []
    assert client.post_form(f"/certificates/{old.code}/renew").status_code == 302  # refused: already renewing
    for lesson in learn.ordered_lessons(demo_course):
        client.post_form(f"/courses/demo-course/lessons/{lesson.slug}/complete")
    certificates = db.scalars(select(Certificate).where(Certificate.user_id == learner.id)
                              .order_by(Certificate.cycle)).all()
    assert [c.cycle for c in certificates] == [1, 2]
    new = certificates[1]
    assert new.code != old.code and new.completed_on == _today()
    assert "Esta constancia es válida." in client.get(f"/verify/{new.code}?lang=es").get_data(as_text=True)
    assert "Esta constancia venció el" in client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "Sustituida por una constancia más reciente." in client.get("/dashboard").get_data(as_text=True)


def test_a_valid_certificate_far_from_expiry_cannot_be_renewed(app, client, db, login, demo_course):
    learner = make_user(db)
    certificate = complete(app, db, learner, demo_course)
    login(learner)
    response = client.post_form(f"/certificates/{certificate.code}/renew", follow_redirects=True)
    assert "This certificate cannot be renewed now." in response.get_data(as_text=True)
    assert enrolment_of(db, learner, demo_course).completed_at is not None


def test_revoke_certificate_command(app, db, demo_course):
    certificate = complete(app, db, make_user(db), demo_course)
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"])}
    result = CliRunner().invoke(main, ["revoke-certificate", certificate.code.lower(), "--reason", "Duplicate."],
                                env=env)
    assert result.exit_code == 0, result.output
    db.refresh(certificate)
    assert certificate.revoked_reason == "Duplicate." and certificate.revoked_at is not None
    again = CliRunner().invoke(main, ["revoke-certificate", certificate.code, "--reason", "x"], env=env)
    assert again.exit_code == 1 and "already revoked" in again.output
    unknown = CliRunner().invoke(main, ["revoke-certificate", "nope", "--reason", "x"], env=env)
    assert unknown.exit_code == 1


@pytest.fixture
def expiring(app, db, demo_course) -> dict[str, Certificate]:
    """Certificates expiring in 30 days (fr), 7 days (es), 100 days (en), and a revoked one in 30 days."""
    made = {}
    for name, locale, days in (("fr", "fr", 30), ("es", "es", 7), ("far", "en", 100), ("revoked", "en", 30)):
        certificate = complete(app, db, make_user(db, locale=locale, email=f"{name}@example.org"), demo_course)
        set_expiry(app, db, certificate, _today() + timedelta(days=days))
        made[name] = certificate
    with app.app_context():
        services.revoke(db, made["revoked"], "Error.", None, utcnow())
    db.commit()
    return made


def _env(app, smtp_url: str) -> dict[str, str]:
    return {"DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"]),
            "SECRET_KEY": app.config["SECRET_KEY"], "SMTP_URL": smtp_url,
            "TRAINING_APP_PUBLIC_URL": "https://training.example"}


def test_reminders_are_sent_once_in_the_learners_language(app, db, smtp, expiring):
    inbox, smtp_url = smtp
    for _ in range(2):
        result = CliRunner().invoke(main, ["send-reminders"], env=_env(app, smtp_url))
        assert result.exit_code == 0, result.output
    by_recipient = {message["To"]: message for message in inbox.messages}
    assert len(inbox.messages) == 2 and set(by_recipient) == {"fr@example.org", "es@example.org"}
    french = by_recipient["fr@example.org"]
    assert french["Subject"] == "Votre certificat expire dans 30 jours"
    assert "Les bouteilles de frigorigène à la frontière" in french.get_content()
    assert "https://training.example/dashboard" in french.get_content()
    assert by_recipient["es@example.org"]["Subject"] == "Su constancia vence en 7 días"
    rows = db.scalars(select(CertificateReminder)).all()
    assert sorted((row.certificate_id, row.days_before) for row in rows) == sorted(
        [(expiring["fr"].id, 30), (expiring["es"].id, 7)])


def test_two_runs_at_once_send_each_reminder_once(app, db, smtp, expiring):
    inbox, smtp_url = smtp
    env = {**os.environ, **_env(app, smtp_url)}
    command = [sys.executable, "-c", "from training_app.cli import main; main()", "send-reminders"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for run in runs:
        _out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err.decode()
    assert sorted(message["To"] for message in inbox.messages) == ["es@example.org", "fr@example.org"]


def test_a_reminder_that_could_not_be_sent_is_retried(app, db, smtp, expiring):
    inbox, smtp_url = smtp
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    failed = CliRunner().invoke(main, ["send-reminders"], env=_env(app, f"smtp://127.0.0.1:{closed}"))
    assert failed.exit_code == 1
    assert db.scalars(select(CertificateReminder)).all() == []
    assert CliRunner().invoke(main, ["send-reminders"], env=_env(app, smtp_url)).exit_code == 0
    assert len(inbox.messages) == 2


def test_a_renewed_certificate_gets_no_reminder(app, db, demo_course, smtp):
    inbox, smtp_url = smtp
    learner = make_user(db)
    old = complete(app, db, learner, demo_course, on=_today() - timedelta(days=700))
    set_expiry(app, db, old, _today() + timedelta(days=20))
    with app.app_context():
        services.start_renewal(db, old, _today(), utcnow())
    db.commit()
    complete(app, db, learner, demo_course)
    assert latest_certificate(db, learner).cycle == 2
    assert CliRunner().invoke(main, ["send-reminders"], env=_env(app, smtp_url)).exit_code == 0
    assert inbox.messages == []
