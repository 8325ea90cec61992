"""Every test gets a real, migrated database: a copy of a migrated SQLite template, or the PostgreSQL
database in TEST_DATABASE_URL, emptied after each test. Nothing of ours is mocked."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from tests.factories import PASSWORD
from tests.smtp_server import Inbox, smtp_server
from training_app import create_app
from training_app.db import Base, make_engine, upgrade_schema
from training_app.mail import wait_for_senders
from training_app.models import import_all

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade_schema(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A database of this run's own on the server of TEST_DATABASE_URL, so runs never share one."""
    server = make_url(POSTGRES_URL)
    name = f"{server.database}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    upgrade_schema(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(request, tmp_path) -> Iterator[str]:
    if not POSTGRES_URL:
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_schema")
    yield url
    import_all()
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    app = create_app({
        "DATABASE_URL": database_url,
        "TRAINING_APP_INSTANCE": tmp_path / "instance",
        "SECRET_KEY": secrets.token_hex(16),
        "TESTING": True,
    })
    app.test_client_class = FormClient
    yield app
    wait_for_senders(app)  # a mail sent in the background must not use the engine after it is disposed
    app.extensions["db_engine"].dispose()


@pytest.fixture
def db(app) -> Iterator[Session]:
    """A session of its own on the app's database; tests commit what the app must see."""
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login(client):
    def sign_in(user, password: str = PASSWORD):
        response = client.post_form("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return sign_in


class FormClient(FlaskClient):
    """The test client with CSRF on: `post_form` adds a valid token, as a browser's form would."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        return self.post(url, data={**(data or {}), "csrf_token": self.csrf_token()}, **kwargs)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd): its inbox, and its smtp:// URL for SMTP_URL."""
    inbox = Inbox()
    with smtp_server(inbox) as url:
        yield inbox, url


DEMO_PACKAGE = Path(__file__).parent / "fixtures" / "packages" / "demo-course"


@pytest.fixture
def demo_course(app, db):
    """The fixture course package, imported as a learner would find it."""
    from training_app.learn import importer, services

    importer.import_paths(db, [DEMO_PACKAGE], app.config["MEDIA_PATH"])
    db.commit()
    return services.course_by_slug(db, "demo-course")


def html_lang(body: str) -> str | None:
    match = re.search(r'<html lang="([a-z]{2})"', body)
    return match.group(1) if match else None
