"""The mail outbox: queued in the transaction of the change that causes it, sent once whoever sends it,
retried with backoff, given up for good and shown to the administrator. A real SMTP server throughout."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text, update

from tests.admin.builders import csv_file, import_file, make_admin
from tests.factories import make_agency, make_user
from tests.smtp_server import Inbox, free_port, smtp_server
from training_app import mail
from training_app.admin.models import AuditEvent
from training_app.auth.models import User
from training_app.cli import main
from training_app.db import utcnow
from training_app.mail_models import OutgoingMail

HEADER = "email,name,role,country,agency,post,locale"
THREE = ("emilie@example.org,Émilie Tremblay,learner,CA,CBSA,,fr",
         "ana@example.org,Ana Martínez,learner,CA,CBSA,,es",
         "jordan@example.org,Jordan Smith,trainer,CA,CBSA,,en")
T0 = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _import(client, *rows: str):
    return import_file(client, csv_file(HEADER, *rows))


def _mails(db) -> list[OutgoingMail]:
    return list(db.scalars(select(OutgoingMail).order_by(OutgoingMail.id).execution_options(populate_existing=True)))


def _env(app, smtp_url: str) -> dict[str, str]:
    return {"DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"]),
            "SECRET_KEY": app.config["SECRET_KEY"], "SMTP_URL": smtp_url}


def _send(app, smtp_url: str, at: datetime):
    """One sender's run at time `at` (the CLI's, with a clock of our choosing)."""
    with app.extensions["db_sessionmaker"]() as session:
        return mail.send_queued(session, {**app.config, "SMTP_URL": smtp_url}, clock=lambda: at)


def _queue(app, db, user: User, body: str = "Open https://training.example/password/reset/SECRET-TOKEN",
           **kwargs) -> OutgoingMail:
    queued = mail.queue_mail(db, app.config, to=user.email, subject="Subject", body=body, kind="invitation",
                             user_id=user.id, now=kwargs.pop("now", T0), **kwargs)
    db.commit()
    return queued


def test_an_import_queues_one_invitation_per_new_account_and_sends_each_once_in_its_language(
        app, client, db, login, smtp):
    inbox, smtp_url = smtp
    app.config["SMTP_URL"] = smtp_url
    make_agency(db, "CA", "CBSA")
    login(make_admin(db))
    response = _import(client, *THREE)
    assert response.status_code == 302
    assert "3 invitations are on their way." in client.get("/admin/users").get_data(as_text=True)
    queued = _mails(db)
    users = {u.email: u for u in db.scalars(select(User).where(User.email.in_(["emilie@example.org",
                                                                             "ana@example.org",
                                                                             "jordan@example.org"])))}
    assert sorted((m.to, m.kind, m.user_id) for m in queued) == sorted(
        (email, "invitation", user.id) for email, user in users.items())
    assert {m.expires_at - m.created_at for m in queued} == {timedelta(days=7)}
    mail.wait_for_senders(app)
    assert inbox.recipients() == ["ana@example.org", "emilie@example.org", "jordan@example.org"]
    subjects = {message["To"]: message["Subject"] for message in inbox.messages}
    assert subjects["emilie@example.org"] == "Votre compte sur Formation douanes vertes"
    assert subjects["ana@example.org"] == "Su cuenta en Capacitación en Aduanas Verdes"
    assert subjects["jordan@example.org"] == "Your account on Green Customs Training"
    english = next(m for m in inbox.messages if m["To"] == "jordan@example.org").get_content()
    assert "within 7 days" in english and "http://localhost/password/reset/" in english
    for row in _mails(db):
        assert (row.attempts, row.body, row.next_attempt_at) == (1, "", None) and row.sent_at is not None
    # A later sender finds nothing left to send.
    assert CliRunner().invoke(main, ["send-mail"], env=_env(app, smtp_url)).exit_code == 0
    assert len(inbox.messages) == 3


def test_two_senders_at_once_send_each_invitation_once_and_a_failed_one_is_retried(app, client, db, login):
    down = f"smtp://127.0.0.1:{free_port()}"
    app.config["SMTP_URL"] = down  # the mail server is down during the import
    make_agency(db, "CA", "CBSA")
    login(make_admin(db))
    assert _import(client, *THREE).status_code == 302
    mail.wait_for_senders(app)
    first, *others = _mails(db)
    # The web process tried the first, recorded why it failed, and left the others to the timer.
    assert first.attempts == 1 and "ConnectionRefusedError" in first.last_error and first.sent_at is None
    assert first.next_attempt_at > utcnow() and first.failed_at is None
    assert [(m.attempts, m.last_error) for m in others] == [(0, None), (0, None)]

    # Two timer runs at once: each mail holds until both runs are talking to the server.
    inbox = Inbox(hold_until_sessions=2)
    with smtp_server(inbox) as smtp_url:
        env = {**os.environ, **_env(app, smtp_url)}
        command = [sys.executable, "-c", "from training_app.cli import main; main()", "send-mail"]
        runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
        for run in runs:
            _out, err = run.communicate(timeout=90)
            assert run.returncode == 0, err.decode()
        assert len(inbox.sessions) == 2  # they did overlap
        assert inbox.recipients() == sorted(m.to for m in others)

        # A minute later (the first retry's delay), the failed one goes out.
        db.execute(update(OutgoingMail).where(OutgoingMail.id == first.id)
                   .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.commit()
        result = CliRunner().invoke(main, ["send-mail"], env=_env(app, smtp_url))
        assert result.exit_code == 0, result.output
        assert "Sent 1 mail(s)" in result.output
    assert inbox.recipients() == sorted(m.to for m in _mails(db))  # each exactly once
    first, *others = _mails(db)
    assert first.sent_at is not None and first.attempts == 2 and "ConnectionRefusedError" in first.last_error
    assert [m.attempts for m in others] == [1, 1] and all(m.sent_at for m in others)


def test_a_failing_mail_is_retried_with_backoff_then_given_up(app, db, smtp):
    inbox, smtp_url = smtp
    user = make_user(db)
    queued = _queue(app, db, user)
    down = f"smtp://127.0.0.1:{free_port()}"
    at = T0
    for attempt, delay in enumerate(mail.RETRY_DELAYS, start=1):
        assert _send(app, down, at) == {"retry": 1}
        db.refresh(queued)
        assert (queued.attempts, queued.next_attempt_at) == (attempt, at + delay)
        assert _send(app, smtp_url, at + delay - timedelta(seconds=1)) == {}  # not due yet
        at += delay
    assert _send(app, down, at) == {"failed": 1}
    db.refresh(queued)
    assert queued.attempts == mail.MAX_ATTEMPTS and queued.failed_at == at
    assert (queued.next_attempt_at, queued.body, queued.sent_at) == (None, "", None)
    assert "ConnectionRefusedError" in queued.last_error
    assert _send(app, smtp_url, at + timedelta(days=1)) == {} and inbox.messages == []


def test_the_cli_exits_1_when_a_mail_failed(app, db):
    _queue(app, db, make_user(db), now=utcnow())
    result = CliRunner().invoke(main, ["send-mail"], env=_env(app, f"smtp://127.0.0.1:{free_port()}"))
    assert result.exit_code == 1 and "1 to retry" in result.output


def test_a_refused_recipient_stops_nothing_else(app, db):
    inbox = Inbox(refuse={"gone@example.org": "550 5.1.1 No such user"})
    gone = _queue(app, db, make_user(db, email="gone@example.org"))
    kept = _queue(app, db, make_user(db, email="kept@example.org"))
    with smtp_server(inbox) as smtp_url:
        assert _send(app, smtp_url, T0) == {"failed": 1, "sent": 1}
    db.refresh(gone)
    db.refresh(kept)
    assert gone.failed_at == T0 and gone.last_error == "550 5.1.1 No such user"
    assert kept.sent_at is not None and inbox.recipients() == ["kept@example.org"]


@pytest.mark.parametrize(("reply", "shown"), [
    ("550 5.1.1 No such user", "The invitation was not delivered (<code>550 5.1.1 No such user</code>). "
                               "Check the e-mail address, then send the invitation again."),
    ("451 4.3.0 Try again later", "The last e-mail to this person is not delivered yet "
                                  "(<code>451 4.3.0 Try again later</code>). It will be tried again at"),
], ids=["for-good", "for-now"])
def test_the_accounts_page_says_when_its_invitation_was_not_delivered(app, client, db, login, reply, shown):
    agency = make_agency(db, "MX", "ANAM")
    login(make_admin(db))
    inbox = Inbox(refuse={"nobody@example.org": reply})
    with smtp_server(inbox) as smtp_url:
        app.config["SMTP_URL"] = smtp_url
        response = client.post_form("/admin/users/new", {
            "email": "nobody@example.org", "name": "No Body", "organisation": str(agency.id), "role": "learner",
            "locale": "es"}, follow_redirects=True)
        assert "an invitation is on its way" in response.get_data(as_text=True)
        mail.wait_for_senders(app)
    user = db.scalars(select(User).where(User.email == "nobody@example.org")).one()
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert shown in page


def test_a_rolled_back_import_queues_nothing(app, client, db, login, smtp):
    inbox, smtp_url = smtp
    app.config["SMTP_URL"] = smtp_url
    make_agency(db, "CA", "CBSA")
    login(make_admin(db))
    users_before = db.scalar(select(func.count(User.id)))
    # A fault in the database at the third invitation: the whole import must roll back.
    postgres = db.get_bind().dialect.name == "postgresql"
    if postgres:
        db.execute(text("CREATE FUNCTION outbox_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        "IF NEW.\"to\" = 'jordan@example.org' THEN RAISE EXCEPTION 'injected fault'; END IF; "
                        "RETURN NEW; END $$"))
        db.execute(text("CREATE TRIGGER outbox_fault BEFORE INSERT ON outgoing_mails FOR EACH ROW "
                        "EXECUTE FUNCTION outbox_fault()"))
    else:
        db.execute(text("CREATE TRIGGER outbox_fault BEFORE INSERT ON outgoing_mails "
                        "WHEN NEW.\"to\" = 'jordan@example.org' BEGIN SELECT RAISE(ABORT, 'injected fault'); END"))
    db.commit()
    try:
        response = _import(client, *THREE)
        assert response.status_code == 500 and "Something went wrong on our side." in response.get_data(as_text=True)
    finally:
        db.execute(text("DROP TRIGGER outbox_fault" + (" ON outgoing_mails" if postgres else "")))
        if postgres:
            db.execute(text("DROP FUNCTION outbox_fault()"))
        db.commit()
    mail.wait_for_senders(app)
    assert db.scalar(select(func.count(OutgoingMail.id))) == 0
    assert db.scalar(select(func.count(User.id))) == users_before
    assert db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "users.import")) == 0
    assert CliRunner().invoke(main, ["send-mail"], env=_env(app, smtp_url)).exit_code == 0
    assert inbox.messages == []


def test_bodies_are_sealed_until_sent_then_emptied(app, db, smtp):
    inbox, smtp_url = smtp
    queued = _queue(app, db, make_user(db))
    stored = db.scalar(select(OutgoingMail.body).where(OutgoingMail.id == queued.id))
    assert "SECRET-TOKEN" not in stored and "training.example" not in stored
    assert _send(app, smtp_url, T0) == {"sent": 1}
    assert "SECRET-TOKEN" in inbox.messages[0].get_content()
    db.refresh(queued)
    assert queued.body == ""


def test_a_mail_sealed_under_another_secret_key_is_given_up(app, db, smtp):
    inbox, smtp_url = smtp
    queued = _queue(app, db, make_user(db))
    with app.extensions["db_sessionmaker"]() as session:
        config = {**app.config, "SMTP_URL": smtp_url, "SECRET_KEY": "another key"}
        assert mail.send_queued(session, config, clock=lambda: T0) == {"failed": 1}
    db.refresh(queued)
    assert "SECRET_KEY" in queued.last_error and inbox.messages == []


def test_a_link_that_expired_in_the_queue_is_never_sent(app, db, smtp):
    inbox, smtp_url = smtp
    queued = _queue(app, db, make_user(db), expires_at=T0 + timedelta(hours=1))
    assert _send(app, smtp_url, T0 + timedelta(hours=1, seconds=1)) == {"failed": 1}
    db.refresh(queued)
    assert queued.failed_at is not None and "expired" in queued.last_error and inbox.messages == []


def test_old_sent_and_given_up_mails_are_deleted_pending_ones_kept(app, db, smtp):
    _inbox, smtp_url = smtp
    sent = _queue(app, db, make_user(db))
    pending = _queue(app, db, make_user(db), now=T0 + timedelta(minutes=5))
    assert _send(app, smtp_url, T0) == {"sent": 1}
    with app.extensions["db_sessionmaker"]() as session:
        assert mail.delete_old_mails(session, T0 + mail.RETENTION - timedelta(seconds=1)) == 0
        assert mail.delete_old_mails(session, T0 + mail.RETENTION) == 1
        session.commit()
    assert [m.id for m in _mails(db)] == [pending.id] and sent.id != pending.id
