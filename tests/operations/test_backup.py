"""`training-app backup` and `restore` on SQLite: an online copy, restored into an empty instance,
gives back the accounts, the images and certificates that still verify."""

from __future__ import annotations

import io
import secrets
import sqlite3
import stat
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from tests.certificates.helpers import complete
from tests.conftest import DEMO_PACKAGE, FormClient
from tests.factories import PASSWORD, make_user
from training_app import create_app
from training_app.certificates import services as certificates
from training_app.certificates.signing import KEY_FILE
from training_app.cli import main
from training_app.db import upgrade_schema
from training_app.learn import importer
from training_app.learn import services as learn

SECRET_KEY = secrets.token_hex(32)


def _env(instance: Path) -> dict[str, str | None]:
    """A default installation: the SQLite file, media and keys in the instance folder."""
    return {"TRAINING_APP_INSTANCE": str(instance), "DATABASE_URL": None, "TRAINING_APP_SHARED": None,
            "TRAINING_APP_MEDIA": None, "SECRET_KEY": SECRET_KEY}


def _app(instance: Path):
    app = create_app({"TRAINING_APP_INSTANCE": instance, "SECRET_KEY": SECRET_KEY, "TESTING": True,
                      "DATABASE_URL": f"sqlite:///{instance / 'training_app.sqlite3'}"})
    app.test_client_class = FormClient
    return app


@pytest.fixture
def site(tmp_path) -> Iterator[tuple[Path, object]]:
    """A SQLite site with a learner who holds a certificate of the demo course (with its images)."""
    instance = tmp_path / "site"
    instance.mkdir()
    upgrade_schema(f"sqlite:///{instance / 'training_app.sqlite3'}")
    app = _app(instance)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as db:
        importer.import_paths(db, [DEMO_PACKAGE], app.config["MEDIA_PATH"])
        db.commit()
        learner = make_user(db, email="kept@example.org")
        certificate = complete(app, db, learner, learn.course_by_slug(db, "demo-course"))
    yield instance, certificate
    app.extensions["db_engine"].dispose()


def _run(*args: str, env: dict) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_backup_restored_into_an_empty_instance_gives_back_accounts_images_and_valid_certificates(site, tmp_path):
    instance, certificate = site
    archive = tmp_path / "site.tar"
    media = sorted(p.relative_to(instance / "media") for p in (instance / "media").rglob("*") if p.is_file())
    output = _run("backup", str(archive), env=_env(instance))
    assert f"Backed up to {archive}: the database, {len(media)} media file(s), the signing key." in output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds the signing key

    restored = tmp_path / "restored"
    _run("restore", str(archive), env=_env(restored))
    assert sorted(p.relative_to(restored / "media") for p in (restored / "media").rglob("*") if p.is_file()) == media
    assert (restored / KEY_FILE).read_bytes() == (instance / KEY_FILE).read_bytes()
    assert stat.S_IMODE((restored / KEY_FILE).stat().st_mode) == 0o600

    app = _app(restored)
    client = app.test_client()
    assert client.post_form("/login", {"email": "kept@example.org", "password": PASSWORD}).status_code == 302
    image = media[0].as_posix()
    response = client.get(f"/media/{image}")
    assert response.data == (instance / "media" / image).read_bytes()
    response.close()
    page = client.get(f"/verify/{certificates.display_code(certificate.code)}").get_data(as_text=True)
    assert "This certificate is valid." in page
    app.extensions["db_engine"].dispose()


def test_backup_copies_only_committed_rows_while_a_write_is_in_progress(site, tmp_path):
    instance, _certificate = site
    writer = sqlite3.connect(instance / "training_app.sqlite3")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE users SET name = 'uncommitted' WHERE email = 'kept@example.org'")
    try:
        _run("backup", str(tmp_path / "site.tar"), env=_env(instance))
    finally:
        writer.rollback()
        writer.close()
    _run("restore", str(tmp_path / "site.tar"), env=_env(tmp_path / "restored"))
    copy = sqlite3.connect(tmp_path / "restored" / "training_app.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT name FROM users WHERE email = 'kept@example.org'").fetchone() != ("uncommitted",)
    copy.close()


def test_restore_refuses_an_instance_that_is_not_empty(site, tmp_path):
    instance, _certificate = site
    _run("backup", str(tmp_path / "site.tar"), env=_env(instance))
    before = (instance / "training_app.sqlite3").read_bytes()
    result = CliRunner().invoke(main, ["restore", str(tmp_path / "site.tar")], env=_env(instance))
    assert result.exit_code == 1
    assert "training_app.sqlite3 exists: restore into a new instance" in result.output
    assert (instance / "training_app.sqlite3").read_bytes() == before


def test_restore_refuses_an_archive_with_entries_it_did_not_write(tmp_path):
    archive = tmp_path / "crafted.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in (("manifest.json", b'{"format": 1, "database": false}'), ("../escaped", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = CliRunner().invoke(main, ["restore", "--without-database", str(archive)],
                                env=_env(tmp_path / "target"))
    assert result.exit_code == 1 and "unexpected entry '../escaped'" in result.output
    assert not (tmp_path / "escaped").exists()


def test_backup_of_postgresql_points_to_pg_dump(tmp_path):
    env = {**_env(tmp_path / "site"), "DATABASE_URL": "postgresql+psycopg://training@127.0.0.1/training"}
    result = CliRunner().invoke(main, ["backup", str(tmp_path / "site.tar")], env=env)
    assert result.exit_code == 1 and "back the database up with pg_dump" in result.output
    files_only = CliRunner().invoke(main, ["backup", "--without-database", str(tmp_path / "files.tar")], env=env)
    assert files_only.exit_code == 0 and "0 media file(s)" in files_only.output
