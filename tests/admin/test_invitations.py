"""An invitation's set-password link lasts INVITATION_LIFETIME (7 days), a reset link one hour, whichever screen
makes it, and the mails say so. (A-8 through the pages: tests/security/test_auth.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.admin.builders import csv_file, import_file, make_admin, outbox
from tests.factories import make_agency
from training_app.admin import services
from training_app.auth import services as accounts
from training_app.auth.models import PasswordResetToken, User
from training_app.security import Role

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _invite(db, now: datetime) -> tuple[User, str]:
    user, token = services.invite_user(db, make_admin(db), email="new.officer@example.org", name="New Officer",
                                       role=Role.LEARNER, locale="en", organisation_id=None, now=now)
    db.commit()
    return user, token


def _lifetimes(db, user: User) -> list[timedelta]:
    return [row.expires_at - row.created_at for row in db.scalars(
        select(PasswordResetToken).where(PasswordResetToken.user_id == user.id).order_by(PasswordResetToken.id))]


def test_invitation_token_is_valid_at_six_days_and_refused_after_seven_days_and_a_second(db):
    _user, token = _invite(db, NOW)
    assert accounts.valid_reset_token(db, token, NOW + timedelta(days=6)) is not None
    assert accounts.valid_reset_token(db, token, NOW + timedelta(days=7) - timedelta(seconds=1)) is not None
    with pytest.raises(accounts.AccountError, match="bad_reset_token"):
        accounts.valid_reset_token(db, token, NOW + timedelta(days=7, seconds=1))


def test_invitations_last_seven_days_and_reset_links_one_hour_and_the_mails_say_so(app, client, db, login):
    make_agency(db, "CA", "CBSA")
    login(make_admin(db))
    client.post_form("/admin/users/new", {"email": "jordan@example.org", "name": "Jordan Smith", "organisation": "",
                                          "role": "learner", "locale": "en"})
    user = db.scalars(select(User).where(User.email == "jordan@example.org")).one()
    client.post_form(f"/admin/users/{user.id}/invitation")
    client.post_form(f"/admin/users/{user.id}/password-reset")
    assert import_file(client, csv_file("email,name,country,agency", "sam@example.org,Sam Lee,CA,CBSA")
                       ).status_code == 302
    imported = db.scalars(select(User).where(User.email == "sam@example.org")).one()
    week, hour = timedelta(days=7), timedelta(hours=1)
    assert _lifetimes(db, user) == [week, week, hour]
    assert _lifetimes(db, imported) == [week]
    bodies = {}
    for message in outbox(app):
        bodies.setdefault(message["To"], []).append(message.get_content())
    invitation = "Open this link within 7 days to choose your password"
    reset = "Open this link within 1 hour to choose a new password"
    assert sorted(invitation in body for body in bodies["jordan@example.org"]) == [False, True, True]
    assert sorted(reset in body for body in bodies["jordan@example.org"]) == [False, False, True]
    assert [invitation in body for body in bodies["sam@example.org"]] == [True]
