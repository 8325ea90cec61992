"""The `training-app` command as a newcomer uses it."""

from __future__ import annotations

import secrets

import click
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import html_lang
from training_app.auth.models import Organisation, User
from training_app.cli import main


def _env(app) -> dict[str, str]:
    return {"DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"]),
            "SECRET_KEY": app.config["SECRET_KEY"]}


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_every_command_has_help():
    for path in [(), *_commands(main)]:
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, path


def test_create_user_then_sign_in_lands_on_a_spanish_dashboard(app, client, db):
    password = f"ñandú {secrets.token_urlsafe(12)}"
    result = CliRunner().invoke(main, [
        "create-user", "--email", "a@example.org", "--password", password, "--role", "learner",
        "--country", "MX", "--agency", "customs", "--locale", "es", "--name", "Ana Peña",
    ], env=_env(app))
    assert result.exit_code == 0, result.output
    user = db.scalars(select(User).where(User.email == "a@example.org")).one()
    agency = db.get(Organisation, user.organisation_id)
    assert (agency.country, agency.kind, agency.code) == ("MX", "customs", "ANAM")
    response = client.post_form("/login", {"email": "a@example.org", "password": password})
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert html_lang(page) == "es" and "Ana Peña" in page


def test_create_user_reads_the_password_from_standard_input(app, db):
    result = CliRunner().invoke(main, ["create-user", "--email", "b@example.org", "--role", "trainer"],
                                input=f"{secrets.token_urlsafe(16)}\n", env=_env(app))
    assert result.exit_code == 0, result.output
    assert db.scalars(select(User.role).where(User.email == "b@example.org")).one() == "trainer"


def test_create_user_refuses_a_short_password_and_a_taken_email(app, db):
    runner = CliRunner()
    short = runner.invoke(main, ["create-user", "--email", "c@example.org", "--password", "x7#kP2q"], env=_env(app))
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    ok = ["create-user", "--email", "c@example.org", "--password", secrets.token_urlsafe(16)]
    assert runner.invoke(main, ok, env=_env(app)).exit_code == 0
    taken = runner.invoke(main, ok, env=_env(app))
    assert taken.exit_code == 1 and "already exists" in taken.output
