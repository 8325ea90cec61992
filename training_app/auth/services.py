"""Accounts: creation, passwords, sign-in throttling, reset tokens, invitations."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from training_app.auth.models import LoginThrottle, Organisation, PasswordResetToken, User
from training_app.db import dialect_insert
from training_app.security import Role

# OWASP's argon2id profile (19 MiB, 2 passes, 1 lane): about 20 ms a hash on this hardware.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
#: verified against when the e-mail is unknown, so both answers take the same time
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

MAX_FAILURES = 10
THROTTLE_WINDOW = timedelta(minutes=15)
RESET_TOKEN_LIFETIME = timedelta(hours=1)
MIN_PASSWORD_LENGTH = 12

#: real agencies offered on a fresh installation: country, acronym, name, kind
REFERENCE_AGENCIES = (
    ("CA", "CBSA", "Canada Border Services Agency / Agence des services frontaliers du Canada", "customs"),
    ("CA", "ECCC", "Environment and Climate Change Canada / Environnement et Changement climatique Canada",
     "environment"),
    ("MX", "ANAM", "Agencia Nacional de Aduanas de México", "customs"),
    ("MX", "PROFEPA", "Procuraduría Federal de Protección al Ambiente", "environment"),
    ("MX", "SEMARNAT", "Secretaría de Medio Ambiente y Recursos Naturales", "environment"),
    ("US", "CBP", "U.S. Customs and Border Protection", "customs"),
    ("US", "USFWS", "U.S. Fish and Wildlife Service", "wildlife"),
    ("US", "EPA", "U.S. Environmental Protection Agency", "environment"),
)


class AccountError(ValueError):
    """A domain error the views turn into a translated message; `code` names which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """True if `password` is the user's; spends the same time whether the user exists or not."""
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerifyMismatchError, InvalidHashError):
        return False


def user_by_email(db: Session, email: str) -> User | None:
    return db.scalars(select(User).where(User.email == normalise_email(email))).one_or_none()


def ensure_reference_agencies(db: Session) -> None:
    """Create the reference agencies that do not exist yet. The caller commits."""
    existing = set(db.execute(select(Organisation.country, Organisation.code)).tuples())
    for country, code, name, kind in REFERENCE_AGENCIES:
        if (country, code) not in existing:
            db.add(Organisation(country=country, code=code, name=name, kind=kind))
    db.flush()


def find_agency(db: Session, country: str, agency: str) -> Organisation:
    """An agency of `country` by acronym (CBSA), or the first of a kind (customs). Raises AccountError."""
    ensure_reference_agencies(db)
    agencies = db.scalars(
        select(Organisation).where(Organisation.country == country, Organisation.parent_id.is_(None))
        .order_by(Organisation.id)
    ).all()
    wanted = agency.strip().lower()
    for org in agencies:
        if (org.code or "").lower() == wanted or org.name.lower() == wanted:
            return org
    for org in agencies:
        if org.kind == wanted:
            return org
    raise AccountError("unknown_agency")


def create_user(
    db: Session,
    *,
    email: str,
    password: str,
    name: str,
    role: Role = Role.LEARNER,
    locale: str = "en",
    organisation: Organisation | None = None,
) -> User:
    """Create an account; refuses a taken e-mail or a short password. The caller commits."""
    email = normalise_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short")
    if user_by_email(db, email) is not None:
        raise AccountError("email_taken")
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), role=role.value,
        locale=locale, organisation=organisation,
    )
    db.add(user)
    db.flush()
    return user


def organisation_by_invitation(db: Session, code: str) -> Organisation:
    org = db.scalars(select(Organisation).where(Organisation.invitation_code == code.strip())).one_or_none()
    if org is None:
        raise AccountError("unknown_invitation")
    return org


def new_invitation_code() -> str:
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class ThrottleKeys:
    email: str
    client: str

    @classmethod
    def for_login(cls, email: str, client_address: str) -> ThrottleKeys:
        return cls(f"email:{normalise_email(email)}"[:300], f"ip:{client_address}")


def count_attempt(db: Session, keys: ThrottleKeys, now: datetime) -> bool:
    """Count a sign-in attempt against both keys before the password is checked.

    Returns False when either key is over the limit. Counting first, in one atomic upsert per
    key, keeps the count exact when many attempts arrive at once. The caller commits at once.
    """
    counts = [count_hit(db, key, now) for key in (keys.email, keys.client)]
    return max(counts) <= MAX_FAILURES


def forgive_attempt(db: Session, keys: ThrottleKeys) -> None:
    """A successful sign-in: clear the account's count and take this attempt off the client's."""
    db.execute(update(LoginThrottle).where(LoginThrottle.key == keys.email).values(failures=0))
    db.execute(
        update(LoginThrottle).where(LoginThrottle.key == keys.client, LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1)
    )


def count_hit(db: Session, key: str, now: datetime) -> int:
    """Count one hit on `key` in its 15-minute window, atomically; returns the count so far.

    Shared by every worker process (it lives in the database). Sign-in and certificate lookups use it.
    """
    insert = dialect_insert(db)
    window_expired = LoginThrottle.window_started_at <= now - THROTTLE_WINDOW
    stmt = insert(LoginThrottle).values(key=key, failures=1, window_started_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[LoginThrottle.key],
        set_={
            "failures": case((window_expired, 1), else_=LoginThrottle.failures + 1),
            "window_started_at": case((window_expired, now), else_=LoginThrottle.window_started_at),
        },
    ).returning(LoginThrottle.failures)
    return db.execute(stmt).scalar_one()


def authenticate(db: Session, email: str, password: str, now: datetime) -> User:
    """The active user with these credentials, or AccountError("bad_credentials"). The caller commits."""
    user = user_by_email(db, email)
    if not check_password(user, password) or not user.is_active:
        raise AccountError("bad_credentials")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def change_password(db: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; ends other sessions. The caller commits."""
    if not check_password(user, current):
        raise AccountError("bad_current_password")
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short")
    user.password_hash = hash_password(new)
    user.session_epoch += 1


def end_sessions(user: User) -> None:
    """Every signed-in session of `user` stops working at its next request."""
    user.session_epoch += 1


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_reset_token(db: Session, user: User, now: datetime) -> str:
    """A single-use reset token for `user`; only its hash is stored. The caller commits."""
    token = secrets.token_urlsafe(32)
    db.add(PasswordResetToken(user_id=user.id, token_hash=_token_hash(token), created_at=now,
                              expires_at=now + RESET_TOKEN_LIFETIME))
    db.flush()
    return token


def valid_reset_token(db: Session, token: str, now: datetime) -> PasswordResetToken:
    row = db.scalars(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    ).one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise AccountError("bad_reset_token")
    return row


def reset_password(db: Session, token: str, new: str, now: datetime) -> User:
    """Use a reset token once to set a new password. The caller commits."""
    row = valid_reset_token(db, token, now)
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short")
    # Claim the token with a compare-and-set, so two requests with one link set one password.
    claimed = db.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if not claimed:
        raise AccountError("bad_reset_token")
    user = db.get(User, row.user_id)
    set_password(user, new)
    db.flush()
    return user


def count_users(db: Session) -> int:
    return db.scalar(select(func.count(User.id)))
