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
from training_app.auth.passwords import normalise_password, password_problem, personal_words
from training_app.db import dialect_insert
from training_app.security import Role

# OWASP's argon2id profile (19 MiB, 2 passes, 1 lane): about 20 ms a hash on this hardware.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
#: verified against when the e-mail is unknown, so both answers take the same time
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

MAX_FAILURES = 10
THROTTLE_WINDOW = timedelta(minutes=15)
RESET_TOKEN_LIFETIME = timedelta(hours=1)
#: an administrator's invitation (a set-password link for a new account) waits for people on leave or on shift
INVITATION_LIFETIME = timedelta(days=7)

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
    return _hasher.hash(normalise_password(password))


def _matching_form(user: User | None, password: str) -> str | None:
    """The form of `password` that the user's hash accepts, or None; the same time whether the user exists or not.

    Its NFC form first; then, if it differs, the password as typed, which a hash made before passwords were
    normalised (see passwords.py) may hold. A match on the second tells the caller to rehash.
    """
    password_hash = user.password_hash if user else _DUMMY_HASH
    for form in dict.fromkeys((normalise_password(password), password)):
        try:
            if _hasher.verify(password_hash, form) and user is not None:
                return form
        except (VerifyMismatchError, InvalidHashError):
            pass
    return None


def check_password(user: User | None, password: str) -> bool:
    """True if `password` is the user's; spends the same time whether the user exists or not."""
    return _matching_form(user, password) is not None


def password_context(email: str, name: str, organisation: Organisation | None) -> frozenset[str]:
    """The person's words a new password may not contain: name, e-mail before the @, organisation and agency."""
    texts = [email.partition("@")[0], name]
    for org in (organisation, organisation.parent if organisation else None):
        if org is not None:
            texts += [org.name, org.code]
    return personal_words(*texts)


def check_new_password(password: str, email: str, name: str, organisation: Organisation | None) -> None:
    """Raise AccountError naming the first rule `password` breaks (passwords.password_problem)."""
    problem = password_problem(password, context=password_context(email, name, organisation))
    if problem is not None:
        raise AccountError(problem)


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
    """Create an account; refuses a taken e-mail or a weak password. The caller commits."""
    email = normalise_email(email)
    check_new_password(password, email, name, organisation)
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
    matched = _matching_form(user, password)
    if matched is None or not user.is_active:
        raise AccountError("bad_credentials")
    # Old argon2 parameters, or a hash of the password as typed before passwords were normalised to NFC.
    if _hasher.check_needs_rehash(user.password_hash) or matched != normalise_password(password):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def change_password(db: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; ends other sessions. The caller commits."""
    if not check_password(user, current):
        raise AccountError("bad_current_password")
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    """Hash and store a new password that passes the rules (AccountError if not); ends other sessions."""
    check_new_password(new, user.email, user.name, user.organisation)
    user.password_hash = hash_password(new)
    user.session_epoch += 1


def end_sessions(user: User) -> None:
    """Every signed-in session of `user` stops working at its next request."""
    user.session_epoch += 1


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_reset_token(db: Session, user: User, now: datetime, *,
                       lifetime: timedelta = RESET_TOKEN_LIFETIME) -> str:
    """A single-use set-password token for `user` (INVITATION_LIFETIME for invitations); only its hash is stored.

    The caller commits.
    """
    token = secrets.token_urlsafe(32)
    db.add(PasswordResetToken(user_id=user.id, token_hash=_token_hash(token), created_at=now,
                              expires_at=now + lifetime))
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
    user = db.get(User, row.user_id)
    check_new_password(new, user.email, user.name, user.organisation)  # a refused password keeps the link usable
    # Claim the token with a compare-and-set, so two requests with one link set one password.
    claimed = db.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if not claimed:
        raise AccountError("bad_reset_token")
    set_password(user, new)
    db.flush()
    return user


def count_users(db: Session) -> int:
    return db.scalar(select(func.count(User.id)))
