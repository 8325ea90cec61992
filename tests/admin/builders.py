"""Builders for the administration tests: posts, scoped administrators, the mail outbox, CSV files."""

from __future__ import annotations

import io
import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.factories import make_user
from training_app import mail
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
    """The mails written so far (SMTP_URL unset), once the app's background senders are done."""
    mail.wait_for_senders(app)
    folder = Path(app.config["INSTANCE_PATH"]) / "outbox"
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.is_dir() else []
    return [message_from_bytes(path.read_bytes(), policy=default) for path in files]


def link_in(message: EmailMessage) -> str:
    """The path of the first link to this site in a message."""
    return re.search(r"http://localhost(/\S+)", message.get_content()).group(1)


def csv_file(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode()


def import_file(client, data: bytes):
    """Check then apply an import file, as an administrator's browser does; the apply request's response."""
    # Encoded here: the test client spools a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"csrf_token": client.csrf_token(),
                                       "file": FileStorage(io.BytesIO(data), "accounts.csv")})
    page = client.post("/admin/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    token = re.search(r"/admin/import/([\w-]+)/apply", page.get_data(as_text=True)).group(1)
    return client.post_form(f"/admin/import/{token}/apply")
