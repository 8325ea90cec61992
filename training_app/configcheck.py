"""`training-app check-config`: what in the settings is missing (a warning) or unsafe (an error).

Each message says what is wrong, what it would cause, and which variable fixes it.
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import make_url, text
from sqlalchemy.exc import SQLAlchemyError

from training_app.db import make_engine

ERROR, WARNING = "error", "warning"
#: a key shorter than this is guessable enough to forge sessions offline
MIN_SECRET_LENGTH = 32
DEFAULT_ISSUER = "North American Green Customs Training"
SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")
TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Finding:
    level: str  # ERROR | WARNING
    message: str


def check(settings: Mapping[str, Any], env: Mapping[str, str], processes: int, workers: int) -> list[Finding]:
    """Every finding about `settings` (as load_settings made them from `env`), errors first.

    `processes` is how many `training-app serve` processes share the database (on one or several
    machines), `workers` how many workers each runs.
    """
    findings = [
        *_debug(env),
        *_secret_key(settings, env, processes),
        *_public_url(settings, env),
        *_database(settings, processes, workers),
        *_folders(settings),
        *_mail(settings),
        *_redis(settings),
        *_issuer(settings),
    ]
    return sorted(findings, key=lambda finding: finding.level != ERROR)


def _debug(env: Mapping[str, str]) -> list[Finding]:
    if env.get("FLASK_DEBUG", "").lower() in TRUE:
        return [Finding(ERROR, "FLASK_DEBUG is on: the debugger shows code and settings to anyone who causes an "
                               "error, and runs what they type. Unset FLASK_DEBUG.")]
    return []


def _secret_key(settings: Mapping[str, Any], env: Mapping[str, str], processes: int) -> list[Finding]:
    key = env.get("SECRET_KEY")
    if not key:
        generated = Path(settings["INSTANCE_PATH"]) / "secret_key"
        if processes > 1:
            return [Finding(ERROR, f"SECRET_KEY is not set while {processes} processes serve the site: each "
                                   "instance folder generates its own key, so a user signed in on one process is "
                                   "signed out by the next. Set the same SECRET_KEY on every process, e.g. the "
                                   "output of: python3 -c 'import secrets; print(secrets.token_hex(32))'.")]
        return [Finding(WARNING, f"SECRET_KEY is not set: the key generated in {generated} is used. That is fine "
                                 "for one process; set SECRET_KEY before adding a second.")]
    if len(key) < MIN_SECRET_LENGTH or len(set(key)) < 8:
        return [Finding(ERROR, f"SECRET_KEY is too weak ({len(key)} characters): anyone who guesses it can sign "
                               f"in as anyone. Use at least {MIN_SECRET_LENGTH} random characters, e.g. the output "
                               "of: python3 -c 'import secrets; print(secrets.token_hex(32))'.")]
    return []


def _public_url(settings: Mapping[str, Any], env: Mapping[str, str]) -> list[Finding]:
    url = settings["PUBLIC_URL"]
    if not url:
        return [Finding(WARNING, "TRAINING_APP_PUBLIC_URL is not set: send-reminders refuses to run, and links in "
                                 "e-mails use whatever host name the request came with. Set it to the address "
                                 "users type, e.g. https://training.example.org.")]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [Finding(ERROR, f"TRAINING_APP_PUBLIC_URL={url} is not an address: write it as "
                               "https://training.example.org (optionally with a path).")]
    findings = []
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        findings.append(Finding(ERROR, f"TRAINING_APP_PUBLIC_URL is {url}: passwords and session cookies would "
                                       "cross the network unencrypted. Terminate TLS at the reverse proxy (nginx, "
                                       "docs/operations.md) and use https://."))
    if parts.scheme == "https":
        if not settings["HTTPS"]:
            findings.append(Finding(ERROR, "TRAINING_APP_HTTPS is off with an https public address: session "
                                           "cookies would lack the Secure flag. Unset TRAINING_APP_HTTPS."))
        if not settings["PROXY_HOPS"]:
            findings.append(Finding(ERROR, "TRAINING_APP_PROXY_HOPS is 0 with an https public address: behind the "
                                           "proxy the app sees every client as the proxy (one person's failed "
                                           "sign-ins would lock everyone out) and builds http:// links. Set "
                                           "TRAINING_APP_PROXY_HOPS=1 for one nginx in front of the app."))
    return findings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _database(settings: Mapping[str, Any], processes: int, workers: int) -> list[Finding]:
    url = settings["DATABASE_URL"]
    findings = []
    if make_url(url).get_backend_name() == "sqlite":
        if processes > 1:
            findings.append(Finding(ERROR, f"DATABASE_URL is SQLite with {processes} processes: a SQLite file "
                                           "cannot be shared between machines, and its writers queue behind one "
                                           "lock. Use PostgreSQL (docs/operations.md)."))
        elif workers > 2:
            findings.append(Finding(WARNING, f"DATABASE_URL is SQLite with {workers} workers: writes wait for each "
                                             "other. Fine for a pilot; use PostgreSQL for a national service."))
    database = make_url(url).database
    if make_url(url).get_backend_name() == "sqlite" and database and not Path(database).exists():
        # Connecting would create the file, and a restore needs the place empty.
        findings.append(Finding(WARNING, f"The SQLite database {database} does not exist yet: training-app db "
                                         "upgrade (or serve) creates it."))
        return findings
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = _revision(connection)
    except SQLAlchemyError as error:
        cause = type(getattr(error, "orig", None) or error).__name__
        findings.append(Finding(ERROR, f"The database in DATABASE_URL cannot be reached ({cause}): check the "
                                       "address, user and password, and that the server runs."))
        return findings
    finally:
        engine.dispose()
    heads = _heads(url)
    if revision not in heads:
        findings.append(Finding(WARNING, "The database schema is not up to date: run training-app db upgrade "
                                         "(serve also does it when it starts)."))
    return findings


def _revision(connection) -> str | None:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def _heads(url: str) -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    from training_app.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(url)).get_heads()


def _folders(settings: Mapping[str, Any]) -> list[Finding]:
    findings = []
    for path, what in ((settings["INSTANCE_PATH"], "TRAINING_APP_INSTANCE (secret key, logs, outbox)"),
                       (settings["SHARED_PATH"], "TRAINING_APP_SHARED (signing key, checked imports)"),
                       (settings["MEDIA_PATH"], "TRAINING_APP_MEDIA (course images)")):
        if not _writable(Path(path)):
            findings.append(Finding(ERROR, f"{path} cannot be written by this user ({os.getuid()}): set "
                                           f"{what} to a folder it owns, or fix the folder's owner."))
    return findings


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _mail(settings: Mapping[str, Any]) -> list[Finding]:
    url = settings["SMTP_URL"]
    if not url:
        outbox = Path(settings["INSTANCE_PATH"]) / "outbox"
        return [Finding(WARNING, f"SMTP_URL is not set: invitations, password resets and reminders are written "
                                 f"to {outbox} and nobody receives them. Set SMTP_URL, e.g. "
                                 "smtp+starttls://user:password@mail.example.org:587.")]
    findings = []
    if urlsplit(url).scheme not in SMTP_SCHEMES:
        findings.append(Finding(ERROR, "SMTP_URL must start with smtp://, smtp+starttls:// or smtps://."))
    if settings["MAIL_FROM"].endswith("@localhost"):
        findings.append(Finding(WARNING, f"MAIL_FROM is {settings['MAIL_FROM']}: most mail servers refuse it or "
                                         "file it as spam. Set MAIL_FROM to an address of your domain."))
    return findings


def _redis(settings: Mapping[str, Any]) -> list[Finding]:
    url = settings["REDIS_URL"]
    if not url:
        return []
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except (redis.RedisError, ValueError) as error:
        return [Finding(WARNING, f"REDIS_URL is set but Redis does not answer ({type(error).__name__}). Nothing "
                                 "in the application needs Redis today: unset REDIS_URL or start Redis.")]
    return []


def _issuer(settings: Mapping[str, Any]) -> list[Finding]:
    if settings["ISSUER_NAME"] == DEFAULT_ISSUER:
        return [Finding(WARNING, f"TRAINING_APP_ISSUER is the default ({DEFAULT_ISSUER}): certificates name it as "
                                 "their issuer. Set it to your organisation's name.")]
    return []
