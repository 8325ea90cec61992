"""`training-app check-config`: a production configuration passes; each unsafe one is refused, saying why."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from training_app.cli import main

SETTINGS = ("DATABASE_URL", "SECRET_KEY", "TRAINING_APP_INSTANCE", "TRAINING_APP_SHARED", "TRAINING_APP_MEDIA",
            "TRAINING_APP_PUBLIC_URL", "TRAINING_APP_PROXY_HOPS", "TRAINING_APP_HTTPS", "SMTP_URL", "MAIL_FROM",
            "TRAINING_APP_ISSUER", "REDIS_URL", "FLASK_DEBUG", "TRAINING_APP_PROCESSES", "TRAINING_APP_WORKERS")


def _production(app) -> dict[str, str | None]:
    """What docs/operations.md puts in /etc/training-app/env, on the test's database."""
    return {
        **dict.fromkeys(SETTINGS),
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": "9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a",
        "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"]),
        "TRAINING_APP_PUBLIC_URL": "https://training.example.org",
        "TRAINING_APP_PROXY_HOPS": "1",
        "SMTP_URL": "smtp+starttls://training:secret@mail.example.org:587",
        "MAIL_FROM": "training@example.org",
        "TRAINING_APP_ISSUER": "Canada Border Services Agency",
    }


def _check(env: dict[str, str | None], *args: str):
    return CliRunner().invoke(main, ["check-config", *args], env=env)


def test_check_config_accepts_a_production_configuration(app):
    result = _check(_production(app))
    assert result.exit_code == 0, result.output
    assert "error:" not in result.output
    assert "The configuration is safe to run (0 warning(s))." in result.output


def test_check_config_lists_what_is_missing_as_warnings(app):
    env = {**_production(app), "SECRET_KEY": None, "TRAINING_APP_PUBLIC_URL": None, "TRAINING_APP_PROXY_HOPS": None,
           "SMTP_URL": None, "TRAINING_APP_ISSUER": None}
    result = _check(env)
    assert result.exit_code == 0, result.output
    for expected in ("warning: SECRET_KEY is not set: the key generated in", "warning: TRAINING_APP_PUBLIC_URL is not",
                     "warning: SMTP_URL is not set", "warning: TRAINING_APP_ISSUER is the default"):
        assert expected in result.output


@pytest.mark.parametrize(("change", "args", "message"), [
    ({"FLASK_DEBUG": "1"}, (), "FLASK_DEBUG is on"),
    ({"SECRET_KEY": None}, ("--processes", "2"), "SECRET_KEY is not set while 2 processes serve the site"),
    ({"SECRET_KEY": None, "TRAINING_APP_PROCESSES": "3"}, (), "SECRET_KEY is not set while 3 processes"),
    ({"SECRET_KEY": "change-me"}, (), "SECRET_KEY is too weak (9 characters)"),
    ({"SECRET_KEY": "a" * 40}, (), "SECRET_KEY is too weak"),
    ({"TRAINING_APP_PUBLIC_URL": "http://training.example.org"}, (), "would cross the network unencrypted"),
    ({"TRAINING_APP_PUBLIC_URL": "training.example.org"}, (), "is not an address"),
    ({"TRAINING_APP_PROXY_HOPS": "0"}, (), "TRAINING_APP_PROXY_HOPS is 0 with an https public address"),
    ({"TRAINING_APP_HTTPS": "0"}, (), "session cookies would lack the Secure flag"),
    ({"SMTP_URL": "mail.example.org:25"}, (), "SMTP_URL must start with smtp://"),
    ({"DATABASE_URL": "postgresql+psycopg://nobody:wrong@127.0.0.1:1/none"}, (), "cannot be reached"),
])
def test_check_config_refuses_an_unsafe_setting_saying_why(app, change, args, message):
    result = _check({**_production(app), **change}, *args)
    assert result.exit_code == 1
    assert any(line.startswith("error: ") and message in line for line in result.output.splitlines()), result.output
    assert "this configuration is not safe to run" in result.output


def test_check_config_refuses_sqlite_under_several_processes(app, tmp_path):
    env = {**_production(app), "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}
    result = _check(env, "--processes", "2")
    assert result.exit_code == 1
    assert "error: DATABASE_URL is SQLite with 2 processes" in result.output
    assert not (tmp_path / "site.sqlite3").exists()  # checking never creates the database


def test_check_config_refuses_a_media_folder_it_cannot_write(app, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = _check({**_production(app), "TRAINING_APP_MEDIA": str(blocker / "media")})
    assert result.exit_code == 1
    assert f"error: {blocker / 'media'} cannot be written by this user" in result.output
