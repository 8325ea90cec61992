"""Builders for the administration tests: posts, scoped administrators, the mail outbox, CSV files."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session

from tests.factories import make_user
from training_app.auth.models import Organisation, User
from training_app.security import Role


def make_post(db: Session, agency: Organisation, name: str = "Lacolle") -> Organisation:
    post = Organisation(parent=agency, country=agency.country, kind="port_of_entry", name=name)
    db.add(post)
    db.commit()
    return post


def make_admin(db: Session, country: str | None = None, organisation: Organisation | None = None,
               scope: Organisation | None = None, locale: str = "en", **kwargs) -> User:
    """An administrator; `country` (and `scope`, an agency) limit what they manage."""
    admin = make_user(db, role=Role.ADMIN, locale=locale, organisation=organisation, **kwargs)
    admin.scope_country = country
    admin.scope_organisation_id = scope.id if scope else None
    db.commit()
    return admin


def outbox(app: Flask) -> list[EmailMessage]:
    folder = Path(app.config["INSTANCE_PATH"]) / "outbox"
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.is_dir() else []
    return [message_from_bytes(path.read_bytes(), policy=default) for path in files]


def link_in(message: EmailMessage) -> str:
    """The path of the first link to this site in a message."""
    return re.search(r"http://localhost(/\S+)", message.get_content()).group(1)


def csv_file(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode()
