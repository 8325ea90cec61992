"""Administration: the scope of an administrator, the audit log, organisations, accounts and bulk import."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.orm import Session, aliased, selectinload

from training_app.admin.models import AuditEvent
from training_app.auth import services as accounts
from training_app.auth.models import AGENCY_KINDS, POST_KINDS, Organisation, User
from training_app.config import COUNTRIES, LANGUAGES
from training_app.security import Role, security_event_on_commit

PER_PAGE = 50
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
IMPORT_COLUMNS = ("email", "name", "role", "country", "agency", "post", "locale")
#: a stashed import file older than this is deleted at the next upload
IMPORT_STASH_LIFETIME = timedelta(hours=24)


class AdminError(ValueError):
    """A domain error the views turn into a translated message; `code` names which, `params` fill it."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    pages: int
    total: int


def paginate(db: Session, stmt: Select, number: int, per_page: int = PER_PAGE) -> Page:
    """One page of `stmt` (numbered from 1; out-of-range numbers give the nearest page)."""
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, number), pages)
    items = db.scalars(stmt.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items, number, pages, total)


# --- Scope -------------------------------------------------------------------------------------------

def is_scoped(admin: User) -> bool:
    return admin.scope_country is not None or admin.scope_organisation_id is not None


def _scope_organisation_ids(admin: User) -> Select:
    """The ids of the organisations inside the admin's scope: a country, or one agency and its posts."""
    stmt = select(Organisation.id)
    if admin.scope_country is not None:
        stmt = stmt.where(Organisation.country == admin.scope_country)
    if admin.scope_organisation_id is not None:
        stmt = stmt.where(or_(Organisation.id == admin.scope_organisation_id,
                              Organisation.parent_id == admin.scope_organisation_id))
    return stmt


def scope_filter(admin: User, on: Any = User.organisation_id) -> ColumnElement[bool]:
    """The where-clause limiting rows to `admin`'s scope; `on` is the organisation-id column filtered.

    Pass User.organisation_id (the default) for users, Organisation.id for organisations,
    AuditEvent.organisation_id for the log, or any joined organisation-id column (reports).
    Unscoped: true(). Scoped: only rows whose organisation is in the scope (NULL is outside).
    """
    if not is_scoped(admin):
        return true()
    return on.in_(_scope_organisation_ids(admin))


def scope_covers(db: Session, admin: User, country: str | None, organisation_id: int | None) -> bool:
    """True if the scope (country, organisation) is `admin`'s own scope or lies inside it."""
    if admin.scope_country is not None and country != admin.scope_country:
        return False
    if admin.scope_organisation_id is not None:
        return organisation_id is not None and organisation_visible(db, admin, organisation_id)
    return True


def organisation_visible(db: Session, admin: User, organisation_id: int) -> bool:
    return db.scalar(select(Organisation.id).where(
        Organisation.id == organisation_id, scope_filter(admin, Organisation.id))) is not None


def _check_manageable(db: Session, admin: User, user: User) -> None:
    """Refuse acts on oneself, and a scoped admin's acts on an administrator with a wider scope."""
    if user.id == admin.id:
        raise AdminError("self")
    if user.role == Role.ADMIN and not scope_covers(db, admin, user.scope_country, user.scope_organisation_id):
        raise AdminError("outranks")


# --- Audit log ---------------------------------------------------------------------------------------

def record(db: Session, actor: User | None, action: str, *, target: Any = None, subject: Any = None,
           details: dict[str, Any] | None = None, now: datetime) -> AuditEvent:
    """Append one audit event. The caller commits (with the change it records, in one transaction).

    `target` is any mapped object with an `id` (a User, Organisation, Course, Certificate…).
    `subject` is the User or Organisation whose scope the event falls in; it defaults to the
    target when that is a User or Organisation (for a certificate, pass its holder).
    `details`: ids, codes and counts only.
    """
    if subject is None and isinstance(target, User | Organisation):
        subject = target
    organisation_id = subject.id if isinstance(subject, Organisation) else getattr(subject, "organisation_id", None)
    event = AuditEvent(
        at=now, actor_id=actor.id if actor is not None else None, action=action,
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None), target_label=_label(target),
        organisation_id=organisation_id, details=details or {},
    )
    db.add(event)
    security_event_on_commit(
        db, action, actor_id=event.actor_id, target_type=event.target_type, target_id=event.target_id,
        organisation_id=organisation_id,
        details={k: v for k, v in (details or {}).items() if k not in _UNLOGGED_DETAILS})
    return event


#: details kept out of the security log: search text (it may be an e-mail), free-text reasons, and
#: certificate codes (the target id names the certificate)
_UNLOGGED_DETAILS = {"q", "actor", "reason", "code"}


def _label(target: Any) -> str | None:
    for attribute in ("name", "slug", "code"):
        value = getattr(target, attribute, None)
        if isinstance(value, str) and value:
            return value[:200]
    return None


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


_Actor = aliased(User)


def audit_query(admin: User, filters: AuditFilters) -> Select:
    """Events (newest first) with their actor's name, limited to the scope; the page and the export share it."""
    stmt = (select(AuditEvent, _Actor.name).outerjoin(_Actor, AuditEvent.actor_id == _Actor.id)
            .where(or_(scope_filter(admin, AuditEvent.organisation_id),
                       AuditEvent.actor_id == admin.id))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.actor:
        stmt = stmt.where(or_(_Actor.name.icontains(filters.actor, autoescape=True),
                              _Actor.email.icontains(filters.actor.strip().lower(), autoescape=True)))
    if filters.since:
        stmt = stmt.where(AuditEvent.at >= filters.since)
    if filters.until:
        stmt = stmt.where(AuditEvent.at < filters.until)
    return stmt


def audit_page(db: Session, admin: User, filters: AuditFilters, number: int) -> Page:
    stmt = audit_query(admin, filters)
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    number = min(max(1, number), pages)
    rows = db.execute(stmt.limit(PER_PAGE).offset((number - 1) * PER_PAGE)).tuples().all()
    return Page(rows, number, pages, total)


def audit_rows(db: Session, admin: User, filters: AuditFilters) -> Iterator[tuple[AuditEvent, str | None]]:
    """Every matching event, fetched in batches so a long log never sits in memory."""
    yield from db.execute(audit_query(admin, filters).execution_options(yield_per=1000)).tuples()


def user_history(db: Session, user_id: int, limit: int = 20) -> list[tuple[AuditEvent, str | None]]:
    """The latest events about one account, with their actor's name (the account page shows them)."""
    stmt = (select(AuditEvent, _Actor.name).outerjoin(_Actor, AuditEvent.actor_id == _Actor.id)
            .where(AuditEvent.target_type == "user", AuditEvent.target_id == user_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return list(db.execute(stmt).tuples())


def details_text(details: dict[str, Any]) -> str:
    """An event's details as compact JSON, keys sorted, for the page and the export."""
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(", ", ": ")) if details else ""


# --- Organisations -----------------------------------------------------------------------------------

def organisations(db: Session, admin: User, country: str | None = None) -> list[Organisation]:
    """The organisations in scope, each agency followed by its posts, by country then name."""
    Agency = aliased(Organisation)
    stmt = (select(Organisation).outerjoin(Agency, Organisation.parent_id == Agency.id)
            .where(scope_filter(admin, Organisation.id))
            .options(selectinload(Organisation.parent))
            .order_by(Organisation.country, func.coalesce(Agency.name, Organisation.name),
                      Organisation.parent_id.is_not(None), Organisation.name))
    if country:
        stmt = stmt.where(Organisation.country == country)
    return list(db.scalars(stmt))


def member_counts(db: Session, organisation_ids: list[int]) -> dict[int, int]:
    """How many accounts belong directly to each organisation."""
    rows = db.execute(select(User.organisation_id, func.count(User.id))
                      .where(User.organisation_id.in_(organisation_ids)).group_by(User.organisation_id))
    return dict(rows.tuples().all())


def scoped_organisation(db: Session, admin: User, organisation_id: int) -> Organisation | None:
    """The organisation if it exists and lies in the admin's scope, else None (the view answers 404)."""
    return db.scalars(select(Organisation).where(
        Organisation.id == organisation_id, scope_filter(admin, Organisation.id))).one_or_none()


def create_organisation(db: Session, admin: User, *, parent_id: int | None, country: str, kind: str,
                        code: str | None, name: str, now: datetime) -> Organisation:
    """Create an agency (no parent) or a post of an agency in scope. The caller commits."""
    if parent_id is not None:
        parent = scoped_organisation(db, admin, parent_id)
        if parent is None or parent.parent_id is not None:
            raise AdminError("bad_parent")
        if kind not in POST_KINDS:
            raise AdminError("bad_kind")
        country = parent.country  # a post is in its agency's country
    else:
        parent = None
        if admin.scope_organisation_id is not None or (is_scoped(admin) and country != admin.scope_country):
            raise AdminError("out_of_scope")
        if kind not in AGENCY_KINDS:
            raise AdminError("bad_kind")
    if country not in COUNTRIES:
        raise AdminError("out_of_scope")
    organisation = Organisation(parent=parent, country=country, kind=kind, code=(code or "").strip() or None,
                                name=name.strip())
    db.add(organisation)
    db.flush()
    record(db, admin, "organisation.create", target=organisation, now=now)
    return organisation


def update_organisation(db: Session, admin: User, organisation: Organisation, *, name: str, code: str | None,
                        kind: str, now: datetime) -> None:
    """Rename or re-classify an organisation (its country and agency never change). The caller commits."""
    if kind not in (POST_KINDS if organisation.parent_id else AGENCY_KINDS):
        raise AdminError("bad_kind")
    changed = [key for key, old, new in (("name", organisation.name, name.strip()),
                                         ("code", organisation.code, (code or "").strip() or None),
                                         ("kind", organisation.kind, kind)) if old != new]
    organisation.name = name.strip()
    organisation.code = (code or "").strip() or None
    organisation.kind = kind
    if changed:
        record(db, admin, "organisation.update", target=organisation, details={"changed": changed}, now=now)


def regenerate_invitation_code(db: Session, admin: User, organisation: Organisation, now: datetime) -> str:
    """Give the organisation a new random invitation code (the old one stops working). The caller commits."""
    organisation.invitation_code = accounts.new_invitation_code()
    record(db, admin, "organisation.invitation_code", target=organisation, details={"change": "new"}, now=now)
    return organisation.invitation_code


def remove_invitation_code(db: Session, admin: User, organisation: Organisation, now: datetime) -> None:
    """Stop self-registration into the organisation. The caller commits."""
    organisation.invitation_code = None
    record(db, admin, "organisation.invitation_code", target=organisation, details={"change": "removed"},
           now=now)


# --- Users -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UserFilters:
    q: str | None = None
    role: str | None = None
    country: str | None = None
    agency_id: int | None = None
    active: bool | None = None


def users_query(admin: User, filters: UserFilters) -> Select:
    """Users in scope matching the filters, by name; the list page and its export share it."""
    stmt = select(User).where(scope_filter(admin)).order_by(func.lower(User.name), User.id)
    if filters.q:
        stmt = stmt.where(or_(User.name.icontains(filters.q.strip(), autoescape=True),
                              User.email.icontains(filters.q.strip().lower(), autoescape=True)))
    if filters.role:
        stmt = stmt.where(User.role == filters.role)
    if filters.country:
        stmt = stmt.where(User.organisation_id.in_(
            select(Organisation.id).where(Organisation.country == filters.country)))
    if filters.agency_id is not None:
        stmt = stmt.where(User.organisation_id.in_(select(Organisation.id).where(
            or_(Organisation.id == filters.agency_id, Organisation.parent_id == filters.agency_id))))
    if filters.active is not None:
        stmt = stmt.where(User.is_active.is_(filters.active))
    return stmt


def users_page(db: Session, admin: User, filters: UserFilters, number: int) -> Page:
    stmt = users_query(admin, filters).options(
        selectinload(User.organisation).selectinload(Organisation.parent))
    return paginate(db, stmt, number)


def user_rows(db: Session, admin: User, filters: UserFilters) -> Iterator[tuple]:
    """(name, email, role, country, agency, post, locale, active, created_at, last_login_at), in batches."""
    org = aliased(Organisation)
    parent = aliased(Organisation)
    users = users_query(admin, filters).subquery()
    stmt = (select(users.c.name, users.c.email, users.c.role, org.country, org.name, parent.name,
                   users.c.locale, users.c.is_active, users.c.created_at, users.c.last_login_at)
            .outerjoin(org, users.c.organisation_id == org.id).outerjoin(parent, org.parent_id == parent.id)
            .order_by(func.lower(users.c.name), users.c.id))
    for name, email, role, country, org_name, parent_name, locale, active, created, last in db.execute(
            stmt.execution_options(yield_per=1000)):
        agency, post = (parent_name, org_name) if parent_name else (org_name, None)
        yield (name, email, role, country, agency, post, locale, active, created, last)


def scoped_user(db: Session, admin: User, user_id: int) -> User | None:
    """The user if they exist and are in the admin's scope, else None (the view answers 404)."""
    return db.scalars(select(User).where(User.id == user_id, scope_filter(admin))).one_or_none()


def _check_organisation(db: Session, admin: User, organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        if is_scoped(admin):
            raise AdminError("organisation_required")
        return None
    organisation = scoped_organisation(db, admin, organisation_id)
    if organisation is None:
        raise AdminError("out_of_scope")
    return organisation


def invite_user(db: Session, admin: User, *, email: str, name: str, role: Role, locale: str,
                organisation_id: int | None, now: datetime) -> tuple[User, str]:
    """Create an account with an unknown password and a set-password token. The caller queues the mail, commits."""
    if role == Role.ADMIN:
        raise AdminError("admin_role")  # administrators are made with change_role, which sets their scope
    organisation = _check_organisation(db, admin, organisation_id)
    try:
        user = accounts.create_user(db, email=email, password=secrets.token_urlsafe(32), name=name, role=role,
                                    locale=locale, organisation=organisation)
    except accounts.AccountError as error:
        raise AdminError(error.code) from None
    token = accounts.create_reset_token(db, user, now, lifetime=accounts.INVITATION_LIFETIME)
    record(db, admin, "user.create", target=user, details={"role": user.role}, now=now)
    return user, token


def update_user(db: Session, admin: User, user: User, *, name: str, organisation_id: int | None, locale: str,
                now: datetime) -> None:
    """Change a user's name, organisation (within scope) or language. The caller commits."""
    if user.role == Role.ADMIN and user.id != admin.id:
        _check_manageable(db, admin, user)
    details: dict[str, Any] = {}
    if organisation_id != user.organisation_id:
        _check_organisation(db, admin, organisation_id)
        details["organisation_id"] = [user.organisation_id, organisation_id]
        user.organisation_id = organisation_id
    changed = [key for key, old, new in (("name", user.name, name.strip()), ("locale", user.locale, locale))
               if old != new]
    user.name = name.strip()
    user.locale = locale
    changed += ["organisation"] if details else []
    if changed:
        record(db, admin, "user.update", target=user, details={"changed": changed, **details}, now=now)


def change_role(db: Session, admin: User, user: User, *, role: Role, scope_country: str | None,
                scope_organisation_id: int | None, now: datetime) -> bool:
    """Set a user's role (and an administrator's scope, never wider than the granter's). The caller commits.

    Returns False when nothing changed.
    """
    _check_manageable(db, admin, user)
    if role != Role.ADMIN:
        scope_country = scope_organisation_id = None
    else:
        if scope_organisation_id is not None:
            organisation = scoped_organisation(db, admin, scope_organisation_id)
            if organisation is None:
                raise AdminError("scope_too_wide")
            scope_country = organisation.country
        if not scope_covers(db, admin, scope_country, scope_organisation_id):
            raise AdminError("scope_too_wide")
    before = (user.role, user.scope_country, user.scope_organisation_id)
    after = (role.value, scope_country, scope_organisation_id)
    if before == after:
        return False
    user.role, user.scope_country, user.scope_organisation_id = after
    record(db, admin, "user.role_change", target=user, now=now, details={
        "from": before[0], "to": after[0], "scope_country": scope_country,
        "scope_organisation_id": scope_organisation_id,
    })
    return True


def deactivate(db: Session, admin: User, user: User, now: datetime) -> None:
    """Stop a user signing in and end their sessions; their learning records stay. The caller commits."""
    _check_manageable(db, admin, user)
    if not user.is_active:
        return
    user.is_active = False
    accounts.end_sessions(user)
    record(db, admin, "user.deactivate", target=user, now=now)


def reactivate(db: Session, admin: User, user: User, now: datetime) -> None:
    """Let a deactivated user sign in again. The caller commits."""
    _check_manageable(db, admin, user)
    if user.is_active:
        return
    user.is_active = True
    record(db, admin, "user.reactivate", target=user, now=now)


def password_link(db: Session, admin: User, user: User, *, invitation: bool, now: datetime) -> str:
    """A set-password token for an active user, as an invitation or a reset. The caller queues the mail, commits."""
    _check_manageable(db, admin, user)
    if not user.is_active:
        raise AdminError("inactive")
    token = accounts.create_reset_token(
        db, user, now, lifetime=accounts.INVITATION_LIFETIME if invitation else accounts.RESET_TOKEN_LIFETIME)
    record(db, admin, "user.invitation_resend" if invitation else "user.password_reset", target=user, now=now)
    return token


# --- Bulk import -------------------------------------------------------------------------------------

@dataclass
class ImportRow:
    """One line of the file and what applying it would do."""

    line: int
    email: str
    name: str
    #: create, update, unchanged or reject
    outcome: str = "reject"
    #: (code, params) pairs the view translates
    reasons: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    role: str | None = None
    locale: str | None = None
    organisation: Organisation | None = None
    user: User | None = None


@dataclass
class ImportPlan:
    rows: list[ImportRow]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def rejected(self) -> list[ImportRow]:
        return [row for row in self.rows if row.outcome == "reject"]


def plan_import(db: Session, admin: User, data: bytes) -> ImportPlan:
    """Read a users CSV and decide row by row; writes nothing. Raises AdminError for a file it cannot read."""
    if len(data) > MAX_IMPORT_BYTES:
        raise AdminError("file_too_large", megabytes=MAX_IMPORT_BYTES // (1024 * 1024))
    try:
        text = data.decode("utf-8-sig")  # with or without a byte-order mark
    except UnicodeDecodeError:
        raise AdminError("not_utf8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise AdminError("empty_file") from None
    except csv.Error:
        raise AdminError("not_csv") from None
    unknown = [name for name in header if name not in IMPORT_COLUMNS]
    missing = [name for name in ("email", "name") if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise AdminError("bad_header", columns=", ".join(IMPORT_COLUMNS))
    raw_rows: list[tuple[int, list[str]]] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(raw_rows) == MAX_IMPORT_ROWS:
                    raise AdminError("too_many_rows", rows=MAX_IMPORT_ROWS)
                raw_rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error:
        raise AdminError("not_csv_line", line=line) from None
    if not raw_rows:
        raise AdminError("empty_file")
    return _Planner(db, admin, header).plan(raw_rows)


class _Planner:
    """Decides each row against the database, loaded once (organisations, and users by e-mail in batches)."""

    def __init__(self, db: Session, admin: User, header: list[str]) -> None:
        self.db = db
        self.admin = admin
        self.header = header
        self.orgs = list(db.scalars(select(Organisation)))
        self.visible = set(db.scalars(select(Organisation.id).where(scope_filter(admin, Organisation.id))))

    def plan(self, raw_rows: list[tuple[int, list[str]]]) -> ImportPlan:
        values = [(line, self._values(cells), len(cells) > len(self.header)) for line, cells in raw_rows]
        emails = [accounts.normalise_email(v["email"]) for _line, v, _extra in values]
        existing = self._existing(emails)
        visible_users = self._visible_user_ids([u.id for u in existing.values()])
        first_line: dict[str, int] = {}
        rows = []
        for (line, value, extra), email in zip(values, emails, strict=True):
            row = ImportRow(line=line, email=email, name=value["name"].strip())
            if extra:
                row.reasons.append(("extra_cells", {}))
            if email in first_line:
                row.reasons.append(("duplicate", {"line": first_line[email]}))
            elif email:
                first_line[email] = line
            self._decide(row, value, existing.get(email), visible_users)
            rows.append(row)
        return ImportPlan(rows)

    def _values(self, cells: list[str]) -> dict[str, str]:
        padded = [*cells, *[""] * (len(self.header) - len(cells))]
        values = dict.fromkeys(IMPORT_COLUMNS, "")
        values.update({name: padded[i].strip() for i, name in enumerate(self.header)})
        return values

    def _existing(self, emails: list[str]) -> dict[str, User]:
        found: dict[str, User] = {}
        unique = sorted({e for e in emails if e})
        for start in range(0, len(unique), 500):
            for user in self.db.scalars(select(User).where(User.email.in_(unique[start:start + 500]))):
                found[user.email] = user
        return found

    def _visible_user_ids(self, ids: list[int]) -> set[int]:
        visible: set[int] = set()
        for start in range(0, len(ids), 500):
            visible.update(self.db.scalars(select(User.id).where(User.id.in_(ids[start:start + 500]),
                                                                 scope_filter(self.admin))))
        return visible

    def _decide(self, row: ImportRow, value: dict[str, str], user: User | None, visible_users: set[int]) -> None:
        reasons = row.reasons
        if not row.email:
            reasons.append(("email_required", {}))
        elif user is None:
            try:
                validate_email(row.email, check_deliverability=False)
            except EmailNotValidError:
                reasons.append(("bad_email", {}))
        if user is None and not row.name:
            reasons.append(("name_required", {}))
        if len(row.name) > 200:
            reasons.append(("name_too_long", {}))
        role = value["role"].lower()
        if role == Role.ADMIN or (user is not None and user.role == Role.ADMIN):
            reasons.append(("admin_role", {}))
        elif role and role not in (Role.LEARNER, Role.TRAINER):
            reasons.append(("unknown_role", {}))
        locale = value["locale"].lower()
        if locale and locale not in LANGUAGES:
            reasons.append(("unknown_locale", {}))
        known = len(reasons)
        organisation = self._organisation(value, reasons)
        if organisation is None and user is None and is_scoped(self.admin) and len(reasons) == known:
            reasons.append(("organisation_required", {}))  # a scoped admin's users belong to an organisation
        if user is not None and user.id not in visible_users:
            reasons.append(("out_of_scope", {}))
        if reasons:
            return
        row.user = user
        if user is None:
            row.outcome, row.role, row.locale, row.organisation = "create", role or Role.LEARNER, locale or "en", \
                organisation
            return
        row.role = role or user.role
        row.locale = locale or user.locale
        row.organisation = organisation if organisation is not None else user.organisation
        row.name = row.name or user.name
        row.changes = [key for key, old, new in (
            ("name", user.name, row.name), ("role", user.role, row.role), ("locale", user.locale, row.locale),
            ("organisation", user.organisation_id, row.organisation.id if row.organisation else None),
        ) if old != new]
        row.outcome = "update" if row.changes else "unchanged"

    def _organisation(self, value: dict[str, str], reasons: list) -> Organisation | None:
        country, agency, post = value["country"].upper(), value["agency"].lower(), value["post"].lower()
        if not (country or agency or post):
            return None
        if not country:
            reasons.append(("country_required", {}))
            return None
        if country not in COUNTRIES:
            reasons.append(("unknown_country", {}))
            return None
        if not agency:
            reasons.append(("agency_required", {}))
            return None
        agencies = [o for o in self.orgs if o.country == country and o.parent_id is None]
        found = (next((o for o in agencies if agency in ((o.code or "").lower(), o.name.lower())), None)
                 or next((o for o in agencies if o.kind == agency), None))
        if found is None:
            reasons.append(("unknown_agency", {}))
            return None
        if post:
            found = next((o for o in self.orgs if o.parent_id == found.id
                          and post in (o.name.lower(), (o.code or "").lower())), None)
            if found is None:
                reasons.append(("unknown_post", {}))
                return None
        if found.id not in self.visible:
            reasons.append(("out_of_scope", {}))
            return None
        return found


def apply_import(db: Session, admin: User, data: bytes, now: datetime) -> tuple[ImportPlan, list[tuple[User, str]]]:
    """Create and update every row, or nobody if any row is rejected (AdminError "rows_rejected").

    Returns the plan and (user, set-password token) for each created user. The caller queues the
    invitations in the same transaction, then commits.
    """
    plan = plan_import(db, admin, data)
    if plan.rejected:
        raise AdminError("rows_rejected", count=len(plan.rejected))
    # One hash of a secret nobody keeps: a usable password comes only through the invitation link,
    # and hashing once spares argon2's deliberate cost on every row of a large file.
    unknown_password = accounts.hash_password(secrets.token_urlsafe(32))
    created = []
    for row in plan.rows:
        if row.outcome == "create":
            row.user = User(email=row.email, name=row.name, password_hash=unknown_password, role=row.role,
                            locale=row.locale, organisation=row.organisation)
            created.append(row.user)
        elif row.outcome == "update":
            old_role = row.user.role
            row.user.name, row.user.role, row.user.locale = row.name, row.role, row.locale
            row.user.organisation = row.organisation
            if old_role != row.role:
                record(db, admin, "user.role_change", target=row.user, details={
                    "from": old_role, "to": row.role, "import": True}, now=now)
    db.add_all(created)
    db.flush()
    for row in plan.rows:
        if row.outcome in ("create", "update"):
            action = "user.create" if row.outcome == "create" else "user.update"
            details = {"role": row.role} if row.outcome == "create" else {"changed": row.changes}
            record(db, admin, action, target=row.user, details={**details, "import": True}, now=now)
    record(db, admin, "users.import", now=now, details={
        "created": plan.count("create"), "updated": plan.count("update"), "unchanged": plan.count("unchanged")})
    invitations = [(user, accounts.create_reset_token(db, user, now, lifetime=accounts.INVITATION_LIFETIME))
                   for user in created]
    return plan, invitations


_STASH_NAME = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def stash_import(folder: Path, admin: User, data: bytes, now: datetime) -> str:
    """Keep a checked file until it is applied (the form then needs no second upload); returns its token."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        if old.stat().st_mtime < now.timestamp() - IMPORT_STASH_LIFETIME.total_seconds():
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    path = folder / f"{admin.id}-{token}.csv"
    path.write_bytes(data)
    path.chmod(0o600)
    return token


def stashed_import(folder: Path, admin: User, token: str) -> bytes | None:
    """The file this admin stashed under `token`, or None (unknown, someone else's, or expired)."""
    if not _STASH_NAME.match(token):
        return None
    path = folder / f"{admin.id}-{token}.csv"
    if not path.is_file() or path.stat().st_mtime < time.time() - IMPORT_STASH_LIFETIME.total_seconds():
        return None
    return path.read_bytes()


def drop_import(folder: Path, admin: User, token: str) -> None:
    if _STASH_NAME.match(token):
        (folder / f"{admin.id}-{token}.csv").unlink(missing_ok=True)

