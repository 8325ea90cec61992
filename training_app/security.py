"""Roles, access decorators, safe redirects and security headers."""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, NoReturn, ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, has_app_context, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_required, logout_user
from sqlalchemy import event
from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")


class Role(enum.StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    ADMIN = "admin"


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Signed-in users with one of `roles`; anyone else gets 403 (anonymous: the login page)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


security_log = logging.getLogger("training_app.security")


def security_event(event: str, **fields: Any) -> None:
    """One JSON line in the security log: UTC time, event, who and from where, and `fields`.

    Callers pass ids, never a password, token, cookie or e-mail; JSON escapes CR/LF, so a name
    cannot forge a line.
    """
    _write(_record(event, fields))


def security_event_on_commit(db: Session, event: str, **fields: Any) -> None:
    """Like security_event, written when `db` commits and dropped if it rolls back.

    For changes made by services (role changes, issued certificates…): the log never tells of a
    change that did not happen. The line keeps the time and the requester of the call.
    """
    db.info.setdefault(_PENDING, []).append(_record(event, fields))


_PENDING = "security_events"


def _record(event: str, fields: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {"at": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event}
    if has_request_context():
        record["ip"] = request.remote_addr
        # A URL that carries a secret (a password-reset or import token) is logged as its route.
        secret_in_url = request.url_rule is not None and "token" in (request.view_args or {})
        record["path"] = request.url_rule.rule if secret_in_url else request.path
        if current_user and current_user.is_authenticated:
            record["user_id"] = current_user.id
    record.update(fields)
    return record


def _write(record: dict[str, Any]) -> None:
    security_log.info(json.dumps(record, ensure_ascii=False, default=str))


@event.listens_for(Session, "after_commit")
def _write_pending(db: Session) -> None:
    if not db.in_nested_transaction():  # releasing a savepoint commits nothing yet
        for record in db.info.pop(_PENDING, []):
            _write(record)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(db: Session, transaction) -> None:
    if transaction.parent is None:  # rolled back or closed: what was pending did not happen
        db.info.pop(_PENDING, None)


def email_fingerprint(email: str) -> str:
    """Correlates attempts on one address without writing the address into the log."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def deny(reason: str, **fields: Any) -> NoReturn:
    """Refuse access to an object as if it did not exist (404), and log the denial."""
    security_event("access_denied", reason=reason, **fields)
    abort(404)


def start_session_clock() -> None:
    """Called at sign-in: the session's absolute and idle timeouts count from now."""
    session["started_at"] = session["seen_at"] = int(time.time())


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no scheme, host, `//` or backslash)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'; base-uri 'none'"
)

#: for files opened directly (images): nothing in them runs, loads or frames
FILE_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'"


#: the largest id a row can have (PostgreSQL integer); a larger one in a URL names nothing
MAX_ID = 2**31 - 1


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that the answer to a cross-site POST never sets or clears it.

    The browser keeps the SameSite=Lax cookie from such a request, so the app sees an empty session, and the
    cookie its answer would set (the error page's CSRF token) would replace the signed-in one: any other site
    could sign people out with a self-submitting form (RELIABILITY.md CS-4).
    """

    def save_session(self, app: Flask, session_: Any, response: Response) -> None:
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.headers.get("Sec-Fetch-Site") == "cross-site":
            return
        super().save_session(app, session_, response)


def init_app(app: Flask) -> None:
    _init_security_log(app)
    app.session_interface = CookieSessions()

    @app.before_request
    def refuse_impossible_input() -> None:
        # Before any view, what a database would raise on instead of answering (an error, not a 404):
        # an id it cannot even store, and NUL characters, which PostgreSQL text and JSON refuse.
        view_args = request.view_args or {}
        if any(isinstance(value, int) and not 0 <= value <= MAX_ID for value in view_args.values()):
            deny("impossible_id")
        fields = [*request.args.listvalues(), *(request.form.listvalues() if request.method == "POST" else ())]
        texts = [*(v for v in view_args.values() if isinstance(v, str)), *(t for values in fields for t in values)]
        if any("\x00" in text for text in texts) or (request.is_json and b"\\u0000" in request.get_data()):
            security_event("nul_in_input")
            abort(400)

    @app.before_request
    def enforce_session_timeouts() -> None:
        if not current_user.is_authenticated:
            return
        now = int(time.time())
        started, seen = session.get("started_at", 0), session.get("seen_at", 0)
        if now - started > app.config["SESSION_MAX_SECONDS"] or now - seen > app.config["SESSION_IDLE_SECONDS"]:
            security_event("session_expired", user_id=current_user.id)
            logout_user()
            session.clear()
            return
        if now - seen > 60:  # refresh the idle clock at most once a minute, to keep cookies stable
            session["seen_at"] = now

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if app.config["HTTPS"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # Public, content-addressed files keep their caching; anything for a signed-in user or an API
        # token, and any page that did not choose its own caching, is never stored.
        if not request.path.startswith(("/static/", "/media/")) and (
                current_user.is_authenticated or "Authorization" in request.headers
                or "Cache-Control" not in response.headers):
            response.headers["Cache-Control"] = "no-store"
        return response


class _SecurityLogHandler(logging.Handler):
    """Appends each line to the current app's SECURITY_LOG (`-`: standard error).

    Opening per line keeps one file right for every app in a process and every worker process:
    short appends are atomic, and security events are rare.
    """

    def emit(self, record: logging.LogRecord) -> None:
        target = current_app.config["SECURITY_LOG"] if has_app_context() else "-"
        line = self.format(record) + "\n"
        if target == "-":
            sys.stderr.write(line)
            return
        with open(target, "a", encoding="utf-8") as log:
            log.write(line)


def _init_security_log(app: Flask) -> None:
    if not any(isinstance(handler, _SecurityLogHandler) for handler in security_log.handlers):
        security_log.addHandler(_SecurityLogHandler())
        security_log.setLevel(logging.INFO)
        security_log.propagate = False
