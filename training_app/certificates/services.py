"""Certificates: issue on completion, verification, renewal, revocation and expiry reminders."""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased, selectinload

from training_app.admin import services as audit
from training_app.auth import services as accounts
from training_app.auth.models import User
from training_app.certificates import signing
from training_app.certificates.models import Certificate, CertificateReminder
from training_app.db import dialect_insert
from training_app.learn.models import Course, Enrolment, Lesson, LessonProgress
from training_app.quiz.models import Attempt
from training_app.security import Role, security_event_on_commit

#: 32 symbols without 0/O, 1/I: 5 bits each, so 28 symbols carry 140 random bits
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 28
CODE_GROUP = 4
#: the dashboard warns, and the learner may start renewing, this many days before expiry
RENEWAL_WINDOW_DAYS = 60
REMINDER_DAYS = (7, 30, 60)
#: public verification lookups per client address and throttle window (auth.services.THROTTLE_WINDOW)
MAX_LOOKUPS = 30
MAX_REASON_LENGTH = 500


class CertificateError(ValueError):
    """A domain error the views turn into a translated message; `code` names which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Issuer:
    name: str
    key: signing.IssuerKey


def current_issuer() -> Issuer:
    """The application's issuer: its name from settings and its key from the folder every process shares."""
    config = current_app.config
    return Issuer(config["ISSUER_NAME"], signing.load_or_create(Path(config["SHARED_PATH"])))


# Codes -------------------------------------------------------------------------------------------

def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """The stored form of a code typed with or without dashes or spaces, in any case; None if malformed."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


def display_code(code: str) -> str:
    """K7QM-2XPA-9TRD-…: groups of four for reading aloud and typing."""
    return "-".join(code[i:i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


# Issue -------------------------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """`day` plus calendar months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def course_score(db: Session, user_id: int, course: Course) -> Decimal | None:
    """The average of the best passing score of each module quiz; None when the course has no quiz."""
    quiz_ids = [module.quiz.id for module in course.modules if module.quiz is not None]
    if not quiz_ids:
        return None
    best = db.scalars(
        select(func.max(Attempt.score))
        .where(Attempt.user_id == user_id, Attempt.quiz_id.in_(quiz_ids), Attempt.passed.is_(True))
        .group_by(Attempt.quiz_id)
    ).all()
    scores = [Decimal(score) for score in best if score is not None]
    if not scores:
        return None
    return (sum(scores) / len(scores)).quantize(Decimal("0.0001"))


def signed_fields(certificate: Certificate) -> dict:
    """Exactly what the certificate's signature covers, as canonical JSON values."""
    return {
        "code": certificate.code,
        "learner_name": certificate.learner_name,
        "course_titles": certificate.course_titles,
        "course_version": certificate.course_version,
        "completed_on": certificate.completed_on.isoformat(),
        "score": None if certificate.score is None else f"{Decimal(certificate.score):.4f}",
        "expires_on": certificate.expires_on.isoformat(),
        "issuer": certificate.issuer,
    }


def issue_certificate(db: Session, enrolment: Enrolment, course: Course, now: datetime,
                      issuer: Issuer | None = None) -> Certificate:
    """Certify the enrolment's completion once; a repeated or concurrent call returns that one. Caller commits.

    A learner's certificates for a course are numbered by cycle; the next cycle opens only when the
    learner starts renewing the latest one, and the unique (user, course, cycle) settles races.
    """
    latest = _latest(db, enrolment.user_id, course.id)
    if latest is not None and latest.renewal_started_at is None:
        return latest
    cycle = latest.cycle + 1 if latest is not None else 1
    issuer = issuer or current_issuer()
    completed_on = (enrolment.completed_at or now).astimezone(UTC).date()
    certificate = Certificate(
        code=new_code(), user_id=enrolment.user_id, course_id=course.id, cycle=cycle,
        learner_name=db.get(User, enrolment.user_id).name,
        course_titles={text.locale: text.title for text in course.texts}, course_version=course.version,
        completed_on=completed_on, score=course_score(db, enrolment.user_id, course),
        expires_on=add_months(completed_on, course.certificate_validity_months), issuer=issuer.name,
        issued_at=now, key_id=issuer.key.key_id,
    )
    certificate.signature = signing.sign(issuer.key, signed_fields(certificate))
    columns = {column.key: getattr(certificate, column.key) for column in Certificate.__table__.columns
               if column.key != "id" and getattr(certificate, column.key) is not None}
    insert = dialect_insert(db)
    db.execute(insert(Certificate).values(**columns)
               .on_conflict_do_nothing(index_elements=["user_id", "course_id", "cycle"]))
    issued = db.scalars(select(Certificate).where(
        Certificate.user_id == enrolment.user_id, Certificate.course_id == course.id, Certificate.cycle == cycle,
    )).one()
    # Ours if it carries our random code (the insert's rowcount is -1 on PostgreSQL, so it cannot tell).
    if issued.code == certificate.code:
        security_event_on_commit(db, "certificate.issue", certificate_id=issued.id, holder_id=issued.user_id,
                                 course_id=course.id, cycle=cycle)
    return issued


def _latest(db: Session, user_id: int, course_id: int) -> Certificate | None:
    return db.scalars(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.course_id == course_id)
        .order_by(Certificate.cycle.desc()).limit(1)
    ).one_or_none()


# Reading -----------------------------------------------------------------------------------------

def by_code(db: Session, code: str) -> Certificate | None:
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return db.scalars(select(Certificate).where(Certificate.code == normalised)).one_or_none()


def downloadable(db: Session, code: str, user: User) -> Certificate | None:
    """The certificate if `user` may download it (its learner, or an admin whose scope holds the learner)."""
    certificate = by_code(db, code)
    if certificate is None or not (certificate.user_id == user.id or in_admin_scope(db, certificate, user)):
        return None
    return certificate


def in_admin_scope(db: Session, certificate: Certificate, admin: User) -> bool:
    """True if `admin` is an administrator whose scope holds the certificate's learner."""
    return admin.role == Role.ADMIN and audit.scoped_user(db, admin, certificate.user_id) is not None


def title_in(certificate: Certificate, locale: str) -> str:
    titles = certificate.course_titles
    return titles.get(locale) or titles.get("en") or next(iter(titles.values()))


def state_of(certificate: Certificate, today: date, key: signing.IssuerKey | None = None) -> str:
    """"revoked", "invalid" (the record fails its signature), "expired" or "valid"."""
    if certificate.revoked_at is not None:
        return "revoked"
    if key is not None and not (certificate.key_id == key.key_id
                                and signing.is_signed_by(key.public, signed_fields(certificate),
                                                         certificate.signature)):
        return "invalid"
    return "expired" if today > certificate.expires_on else "valid"


def count_lookup(db: Session, client_address: str, now: datetime) -> bool:
    """Count a public verification lookup; False once the client is over MAX_LOOKUPS. Caller commits at once.

    The counter is the sign-in throttle's: one atomic upsert per key in login_throttles, shared by every
    worker, with its window (auth.services.THROTTLE_WINDOW).
    """
    return accounts.count_hit(db, f"verify:{client_address}"[:300], now) <= MAX_LOOKUPS


@dataclass(frozen=True)
class Held:
    """A certificate on its learner's dashboard."""

    certificate: Certificate
    state: str
    days_left: int
    #: a later cycle of the same course exists: this one is history
    is_superseded: bool

    def title(self, locale: str) -> str:
        return title_in(self.certificate, locale)

    @property
    def expires_soon(self) -> bool:
        return self.state == "valid" and not self.is_superseded and self.days_left <= RENEWAL_WINDOW_DAYS

    @property
    def is_renewable(self) -> bool:
        return (not self.is_superseded and self.certificate.renewal_started_at is None
                and self.state in ("valid", "expired") and self.days_left <= RENEWAL_WINDOW_DAYS)


def certificates_of(db: Session, user_id: int, today: date) -> list[Held]:
    """The learner's certificates, newest first, in one query."""
    certificates = db.scalars(
        select(Certificate).where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).all()
    latest_cycle: dict[int, int] = {}
    for certificate in certificates:
        latest_cycle[certificate.course_id] = max(latest_cycle.get(certificate.course_id, 0), certificate.cycle)
    return [Held(c, state_of(c, today), (c.expires_on - today).days, c.cycle < latest_cycle[c.course_id])
            for c in certificates]


def search(db: Session, admin: User, query: str, limit: int = 50) -> list[Certificate]:
    """Certificates of learners in `admin`'s scope: by code, or by the learner's name or e-mail; those to
    review after a regrade first, then newest first."""
    to_review = Certificate.review_needed_at.is_not(None) & Certificate.revoked_at.is_(None)
    statement = select(Certificate).join(User, User.id == Certificate.user_id).where(
        audit.scope_filter(admin)).options(selectinload(Certificate.learner)).order_by(
        case((to_review, 0), else_=1), Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit)
    query = query.strip()
    if query:
        code = normalise_code(query)
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(
            Certificate.code == (code or ""), func.lower(Certificate.learner_name).like(pattern),
            User.email.like(pattern),
        ))
    return list(db.scalars(statement))


# Renewal and revocation --------------------------------------------------------------------------

def start_renewal(db: Session, certificate: Certificate, today: date, now: datetime) -> Course:
    """Let the learner take the course again: the next completion issues the next cycle. Caller commits.

    The enrolment's completion is cleared and its lessons are marked unread, so the learner reads
    them again; the old certificate stays as history (and stays valid until it expires).
    """
    held = next((h for h in certificates_of(db, certificate.user_id, today) if h.certificate.id == certificate.id),
                None)
    if held is None or not held.is_renewable:
        raise CertificateError("not_renewable")
    claimed = db.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.renewal_started_at.is_(None))
        .values(renewal_started_at=now)
    ).rowcount
    if not claimed:
        raise CertificateError("not_renewable")
    db.execute(update(Enrolment).where(Enrolment.user_id == certificate.user_id,
                                       Enrolment.course_id == certificate.course_id).values(completed_at=None))
    db.execute(delete(LessonProgress).where(
        LessonProgress.user_id == certificate.user_id,
        LessonProgress.lesson_id.in_(select(Lesson.id).where(Lesson.course_id == certificate.course_id)),
    ))
    db.refresh(certificate)
    return db.get(Course, certificate.course_id)


def revoke(db: Session, certificate: Certificate, reason: str, revoked_by: User | None, now: datetime) -> None:
    """Revoke a certificate with a public reason; it shows as revoked at once. Caller commits."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise CertificateError("bad_reason")
    claimed = db.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason, revoked_by_id=revoked_by.id if revoked_by else None)
    ).rowcount
    if not claimed:
        raise CertificateError("already_revoked")
    db.refresh(certificate)
    audit.record(db, revoked_by, "certificate.revoke", target=certificate, subject=db.get(User, certificate.user_id),
                 details={"code": certificate.code, "reason": reason}, now=now)


# Reminders ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DueReminder:
    certificate: Certificate
    days_before: int
    days_left: int


def due_reminders(db: Session, today: date) -> list[DueReminder]:
    """Reminders to send today: the nearest threshold (60, 30, 7 days) the certificate has reached.

    Only the latest, unrevoked certificate of each course (renewing it does not stop them), and only the
    thresholds not yet sent; a run missed for a few days still sends the one that matters now.
    """
    later = aliased(Certificate)
    has_later_cycle = select(later.id).where(
        later.user_id == Certificate.user_id, later.course_id == Certificate.course_id, later.cycle > Certificate.cycle,
    ).exists()
    candidates = db.scalars(
        select(Certificate).options(selectinload(Certificate.learner))
        .where(Certificate.revoked_at.is_(None), Certificate.expires_on >= today,
               Certificate.expires_on <= today + timedelta(days=max(REMINDER_DAYS)), ~has_later_cycle)
        .order_by(Certificate.expires_on, Certificate.id)
    ).all()
    sent = set(db.execute(
        select(CertificateReminder.certificate_id, CertificateReminder.days_before)
        .where(CertificateReminder.certificate_id.in_([c.id for c in candidates]))
    ).tuples())
    due = []
    for certificate in candidates:
        days_left = (certificate.expires_on - today).days
        threshold = min(days for days in REMINDER_DAYS if days_left <= days)
        if (certificate.id, threshold) not in sent:
            due.append(DueReminder(certificate, threshold, days_left))
    return due


def claim_reminder(db: Session, certificate_id: int, days_before: int, now: datetime) -> bool:
    """Record a reminder before sending it; False if another run has (or is sending) it. Caller commits after sending.

    The unique (certificate, threshold) makes a concurrent run wait for this transaction, then skip.
    """
    insert = dialect_insert(db)
    claimed = db.execute(
        insert(CertificateReminder).values(certificate_id=certificate_id, days_before=days_before, sent_at=now)
        .on_conflict_do_nothing(index_elements=["certificate_id", "days_before"]).returning(CertificateReminder.id)
    ).scalar_one_or_none()
    return claimed is not None


# Offline verification ----------------------------------------------------------------------------

CREDENTIAL_CONTEXT = ["https://www.w3.org/ns/credentials/v2",
                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def issuer_profile(issuer: Issuer, issuer_url: str) -> dict:
    """The issuer's public key as an Open Badges Profile with a Multikey verification method."""
    method_id = f"{issuer_url}#{issuer.key.key_id}"
    return {
        "@context": [*CREDENTIAL_CONTEXT, "https://w3id.org/security/multikey/v1"],
        "id": issuer_url,
        "type": ["Profile"],
        "name": issuer.name,
        "verificationMethod": [{"id": method_id, "type": "Multikey", "controller": issuer_url,
                                "publicKeyMultibase": issuer.key.multibase}],
        "assertionMethod": [method_id],
    }


def credential(certificate: Certificate, issuer: Issuer, issuer_url: str, verify_url: str) -> dict:
    """The certificate as an Open Badges 3.0 credential with an eddsa-jcs-2022 proof by the issuer's key."""
    title = title_in(certificate, "en")
    subject: dict = {
        "type": ["AchievementSubject"],
        "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                        "identityHash": certificate.learner_name}],
        "achievement": {
            "id": f"{issuer_url}#course-{certificate.course_id}-v{certificate.course_version}",
            "type": ["Achievement"],
            "name": title,
            "titles": certificate.course_titles,
            "version": str(certificate.course_version),
            "criteria": {"narrative": "Read every lesson and passed the quiz of every module of the course."},
        },
    }
    if certificate.score is not None:
        subject["result"] = [{"type": ["Result"], "value": f"{Decimal(certificate.score):.4f}"}]
    document = {
        "@context": CREDENTIAL_CONTEXT,
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": {"id": issuer_url, "type": ["Profile"], "name": certificate.issuer},
        "validFrom": f"{certificate.completed_on.isoformat()}T00:00:00Z",
        "validUntil": f"{certificate.expires_on.isoformat()}T23:59:59Z",
        "credentialSubject": subject,
    }
    created = certificate.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return signing.add_proof(issuer.key, document, f"{issuer_url}#{certificate.key_id}", created)


def proof_key_id(document: dict) -> str | None:
    """The key id named by the credential's proof (the fragment of its verificationMethod)."""
    proof = document.get("proof")
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    if not isinstance(method, str) or "#" not in method:
        return None
    return method.rpartition("#")[2]


def check_credential(document: dict, public: signing.Ed25519PublicKey, now: datetime) -> str:
    """"valid", "bad_proof", "not_yet_valid" or "expired", with no network: the proof, then the dates."""
    if not signing.has_valid_proof(document, public):
        return "bad_proof"
    try:
        valid_from = datetime.fromisoformat(document["validFrom"])
        valid_until = datetime.fromisoformat(document["validUntil"])
    except (KeyError, TypeError, ValueError):
        return "bad_proof"
    if now < valid_from:
        return "not_yet_valid"
    return "expired" if now > valid_until else "valid"
