"""Settings from the environment, over safe defaults. Nothing secret is hard-coded."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LANGUAGES = ("en", "fr", "es")
COUNTRIES = ("CA", "MX", "US")


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Read the environment once; `overrides` (tests, CLI) win over it."""
    overrides = dict(overrides or {})
    env = os.environ
    instance = Path(overrides.pop("TRAINING_APP_INSTANCE", env.get("TRAINING_APP_INSTANCE", "instance")))
    instance = instance.resolve()
    instance.mkdir(parents=True, exist_ok=True)
    #: what every app process must see alike (media, the certificate signing key, checked imports)
    shared = Path(env.get("TRAINING_APP_SHARED") or instance).resolve()
    public_url = (env.get("TRAINING_APP_PUBLIC_URL") or "").rstrip("/") or None
    # HTTPS follows the public address unless TRAINING_APP_HTTPS says otherwise.
    https_setting = env.get("TRAINING_APP_HTTPS", "")
    https = (https_setting in ("1", "true", "yes") if https_setting
             else public_url is not None and urlsplit(public_url).scheme == "https")
    settings: dict[str, Any] = {
        "INSTANCE_PATH": instance,
        "SHARED_PATH": shared,
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{instance / 'training_app.sqlite3'}",
        "SECRET_KEY": env.get("SECRET_KEY"),
        "REDIS_URL": env.get("REDIS_URL"),
        # smtp://user:password@host:port or smtps://…; unset: mail is written to instance/outbox
        "SMTP_URL": env.get("SMTP_URL"),
        "MAIL_FROM": env.get("MAIL_FROM", "training-app@localhost"),
        "MEDIA_PATH": Path(env.get("TRAINING_APP_MEDIA") or shared / "media").resolve(),
        "ISSUER_NAME": env.get("TRAINING_APP_ISSUER", "North American Green Customs Training"),
        #: the address users reach the site at (https://training.example.org): every link the app writes names it
        "PUBLIC_URL": public_url,
        #: how many reverse proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto (0: none)
        "PROXY_HOPS": int(env.get("TRAINING_APP_PROXY_HOPS", "0")),
        "HTTPS": https,
        "SESSION_COOKIE_SECURE": https,
        # Over HTTPS the __Host- prefix makes browsers refuse the cookie unless Secure, Path=/ and host-only.
        "SESSION_COOKIE_NAME": "__Host-session" if https else "session",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": https,
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        #: a session ends after this long without a request, and at the latest this long after sign-in
        "SESSION_IDLE_SECONDS": int(env.get("TRAINING_APP_IDLE_MINUTES", "60")) * 60,
        "SESSION_MAX_SECONDS": int(env.get("TRAINING_APP_SESSION_HOURS", "12")) * 3600,
        "SECURITY_LOG": env.get("TRAINING_APP_SECURITY_LOG", str(instance / "security.log")),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        #: bytes of images each trainer may put in the media folder, all uploads together (re-encoded sizes)
        "UPLOAD_QUOTA_BYTES": int(env.get("TRAINING_APP_UPLOAD_QUOTA_MB", "200")) * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session; a long quiz must not expire it
    }
    settings.update(overrides)
    if not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = _instance_secret(instance)
    return settings


def _instance_secret(instance: Path) -> str:
    """Generate the secret key once into the instance folder, readable only by its owner."""
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_text().strip()
