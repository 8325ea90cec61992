"""Builders for test data: plain functions over a session, committing what they make."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from training_app.auth import services as accounts
from training_app.auth.models import Organisation, User
from training_app.security import Role

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_agency(db: Session, country: str = "CA", code: str = "CBSA", kind: str = "customs",
                invitation_code: str | None = None) -> Organisation:
    organisation = Organisation(country=country, code=code, name=f"{code} agency", kind=kind,
                                invitation_code=invitation_code)
    db.add(organisation)
    db.commit()
    return organisation


def make_user(db: Session, role: Role = Role.LEARNER, locale: str = "en",
              organisation: Organisation | None = None, email: str | None = None,
              name: str | None = None) -> User:
    number = next(_numbers)
    user = accounts.create_user(
        db, email=email or f"user{number}@example.org", password=PASSWORD,
        name=name or f"Officer {number}", role=role, locale=locale, organisation=organisation,
    )
    db.commit()
    return user
