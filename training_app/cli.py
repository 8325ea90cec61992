"""The `training-app` command: thin commands that call services."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask

from training_app import create_app
from training_app.config import COUNTRIES, LANGUAGES
from training_app.db import upgrade_schema
from training_app.security import Role


def _app() -> Flask:
    """The application for one command; its connections close when the command ends."""
    app = create_app()
    click.get_current_context().call_on_close(app.extensions["db_engine"].dispose)
    return app


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Trilingual training for customs, wildlife and environmental enforcement officers."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to the database in DATABASE_URL."""
    app = _app()
    upgrade_schema(app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@db.command("revision")
@click.option("--message", "-m", required=True, help="What the migration changes.")
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from alembic import command

    from training_app.db import alembic_config

    command.revision(alembic_config(_app().config["DATABASE_URL"]), message=message, autogenerate=True)


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--password", help="Omit it to type it, or to read it from standard input.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value,
              show_default=True)
@click.option("--name", help="Full name (default: the part of the e-mail before @).")
@click.option("--country", type=click.Choice(COUNTRIES))
@click.option("--agency", help="Agency acronym (CBSA, ANAM, CBP…) or kind (customs, environment, wildlife).")
@click.option("--locale", type=click.Choice(LANGUAGES), default="en", show_default=True)
def create_user(email: str, password: str | None, role: str, name: str | None, country: str | None,
                agency: str | None, locale: str) -> None:
    """Create an account."""
    from training_app.auth import services
    from training_app.db import get_session

    if password is None:
        password = (sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty()
                    else click.prompt("Password", hide_input=True, confirmation_prompt=True))
    if agency and not country:
        raise click.UsageError("--agency needs --country.")
    app = _app()
    with app.app_context():
        session = get_session()
        try:
            organisation = services.find_agency(session, country, agency) if agency else None
            user = services.create_user(
                session, email=email, password=password, name=name or email.split("@")[0],
                role=Role(role), locale=locale, organisation=organisation,
            )
        except services.AccountError as error:
            raise click.ClickException(_CLI_ERRORS.get(error.code, error.code)) from None
        session.commit()
        click.echo(f"Created {user.role} {user.email} (id {user.id}).")


_CLI_ERRORS = {
    "password_too_short": "The password must have at least 12 characters.",
    "email_taken": "An account with this e-mail already exists.",
    "unknown_agency": "No agency of that country matches --agency.",
}


@main.command("validate-courses")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_courses(paths: tuple[Path, ...]) -> None:
    """Check course packages; print one `path:line: message` per problem, exit 1 if any."""
    from training_app.content import validate_paths

    problems = validate_paths(list(paths))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise SystemExit(1)
    click.echo("No problems found.", err=True)


@main.command("import-courses")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print what would change and change nothing.")
def import_courses(paths: tuple[Path, ...], dry_run: bool) -> None:
    """Validate course packages, then create or update them in one transaction."""
    from training_app.db import get_session
    from training_app.learn import importer

    app = _app()
    with app.app_context():
        try:
            changes = importer.import_paths(get_session(), list(paths), app.config["MEDIA_PATH"], dry_run=dry_run)
        except importer.InvalidPackages as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            raise click.ClickException("Nothing was imported: fix the problems above.") from None
        for slug, change in changes:
            click.echo(f"{'would ' if dry_run else ''}{change}: {slug}")
        if not dry_run:
            get_session().commit()


@main.command("export-course")
@click.argument("slug")
@click.argument("dest", type=click.Path(path_type=Path))
def export_course(slug: str, dest: Path) -> None:
    """Write the course SLUG from the database as a course package in DEST/SLUG."""
    from training_app.content import export_package
    from training_app.db import get_session
    from training_app.learn.exporter import UnknownCourse, package_from_db

    app = _app()
    with app.app_context():
        try:
            package = package_from_db(get_session(), slug, app.config["MEDIA_PATH"])
        except UnknownCourse:
            raise click.ClickException(f"No course has the slug {slug!r}.") from None
        try:
            export_package(package, dest / slug)
        except FileExistsError:
            raise click.ClickException(f"{dest / slug} exists and is not empty: choose an empty folder.") from None
        click.echo(f"Exported {slug} to {dest / slug}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes.")
@click.option("--dev", is_flag=True, help="Flask's development server with the reloader.")
@click.option("--courses", "courses_dir", type=click.Path(path_type=Path), default=Path("courses"),
              show_default=True, help="Course packages loaded when the database has no course.")
@click.option("--no-demo", is_flag=True, help="Do not create demo organisations and accounts.")
def serve(host: str, port: int, workers: int, dev: bool, courses_dir: Path, no_demo: bool) -> None:
    """Apply migrations, load the shipped courses and demo accounts on first run, then serve."""
    from training_app import demo

    app = _app()
    upgrade_schema(app.config["DATABASE_URL"])
    with app.app_context():
        demo.first_run(app, courses_dir=courses_dir, with_demo=not no_demo, echo=click.echo)
    if dev:
        # --dev is the developer's explicit choice, on 127.0.0.1 unless --host says otherwise.
        app.run(host=host, port=port, debug=True, use_reloader=True)  # nosec B201
        return
    from training_app.wsgi_server import run

    click.echo(f"Serving on http://{host}:{port}/ with {workers} workers. Ctrl-C stops.")
    run(app, host=host, port=port, workers=workers)


@main.group()
def i18n() -> None:
    """Translation catalogs (gettext)."""


_TRANSLATIONS = Path(__file__).parent / "translations"
_POT = _TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "--quiet", *args])


@i18n.command("extract")
def i18n_extract() -> None:
    """Extract the messages of the code and templates into messages.pot, then update fr/es/en."""
    root = Path(__file__).parent.parent
    os.chdir(root)  # so the catalogs name files relative to the project
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--add-comments=Translators:",
             "--add-location=file", "--sort-by-file", "--no-wrap", "--project=training_app",
             "-o", str(_POT), ".")
    _pybabel("update", "-i", str(_POT), "-d", str(_TRANSLATIONS), "--no-wrap", "--ignore-obsolete")
    click.echo(f"Extracted to {_POT} and updated the catalogs.")


@i18n.command("compile")
def i18n_compile() -> None:
    """Compile the .po catalogs into the .mo files the application reads."""
    _pybabel("compile", "-d", str(_TRANSLATIONS), "--statistics")


@main.command("verify-credential")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The issuer's public key: a PEM file, or the JSON published at "
                   "/.well-known/training-app-issuer.json. Default: this installation's key.")
def verify_credential(file: Path, key_file: Path | None) -> None:
    """Check a certificate's JSON credential with no network: exit 0 if valid, 1 if not."""
    import json
    from datetime import UTC, datetime

    from training_app.certificates import services, signing

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise click.ClickException("Not valid: the file is not a JSON credential.") from None
    if not isinstance(document, dict):
        raise click.ClickException("Not valid: the file is not a JSON credential.")
    if key_file is None:
        key_file = Path(_app().instance_path) / signing.KEY_FILE
        if not key_file.exists():
            raise click.ClickException("This installation has no signing key yet: give the issuer's key with --key.")
    try:
        public = signing.public_key_from_file(key_file, services.proof_key_id(document))
    except ValueError as error:
        raise click.ClickException(f"Cannot read the key: {error}.") from None
    result = services.check_credential(document, public, datetime.now(UTC))
    if result != "valid":
        raise click.ClickException(_CREDENTIAL_RESULTS[result])
    subject = document["credentialSubject"]
    click.echo(f"Valid: {subject['identifier'][0]['identityHash']}, “{subject['achievement']['name']}”, "
               f"valid until {document['validUntil'][:10]}.")


_CREDENTIAL_RESULTS = {
    "bad_proof": "Not valid: the signature does not match this credential and key (altered, or another issuer's).",
    "not_yet_valid": "Not valid yet: the credential's validFrom is in the future.",
    "expired": "Not valid any more: the credential has expired (its signature is genuine).",
}


@main.command("send-reminders")
@click.option("--base-url", envvar="TRAINING_APP_PUBLIC_URL", default="http://127.0.0.1:5000", show_default=True,
              help="The site's public address, for the link in the e-mails (or TRAINING_APP_PUBLIC_URL).")
def send_reminders(base_url: str) -> None:
    """E-mail learners whose certificates expire in 60, 30 or 7 days, once each. Run it daily (cron)."""
    import smtplib
    from urllib.parse import urlsplit

    from training_app.certificates import mails, services
    from training_app.db import get_session, utcnow
    from training_app.mail import send_mail

    app = _app()
    address = urlsplit(base_url)
    dashboard_url = app.url_map.bind(address.netloc, script_name=address.path or "/", url_scheme=address.scheme
                                     ).build("learn.dashboard", force_external=True)
    sent = failed = 0
    with app.app_context():
        db = get_session()
        now = utcnow()
        for due in services.due_reminders(db, now.date()):
            # The claim is committed only once the mail is out, so a concurrent run skips it and a failed one retries.
            if not services.claim_reminder(db, due.certificate.id, due.days_before, now):
                db.rollback()
                continue
            try:
                send_mail(app.config, due.certificate.learner.email, *mails.reminder(due, dashboard_url))
            except (OSError, smtplib.SMTPException) as error:
                db.rollback()
                failed += 1
                click.echo(f"Could not send the reminder for certificate {due.certificate.id}: {error}", err=True)
                continue
            db.commit()
            sent += 1
    click.echo(f"Sent {sent} reminder(s).")
    if failed:
        raise SystemExit(1)


@main.command("revoke-certificate")
@click.argument("code")
@click.option("--reason", required=True, help="Why; shown on the public verification page.")
def revoke_certificate(code: str, reason: str) -> None:
    """Revoke the certificate CODE; its verification page shows it at once."""
    from training_app.certificates import services
    from training_app.db import get_session, utcnow

    app = _app()
    with app.app_context():
        db = get_session()
        certificate = services.by_code(db, code)
        if certificate is None:
            raise click.ClickException("No certificate has this code.")
        try:
            services.revoke(db, certificate, reason, None, utcnow())
        except services.CertificateError as error:
            raise click.ClickException(_REVOKE_ERRORS[error.code]) from None
        db.commit()
        click.echo(f"Revoked {services.display_code(certificate.code)}.")


_REVOKE_ERRORS = {
    "bad_reason": "Give a reason of at most 500 characters.",
    "already_revoked": "This certificate is already revoked.",
}


@main.command("import-questions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "bank_format", type=click.Choice(["gift", "moodle-xml"]), required=True)
@click.option("--course", "slug", required=True, help="The course's id (its draft gets the questions).")
@click.option("--module", "module_id", required=True, help="The module whose quiz gets the questions.")
@click.option("--language", type=click.Choice(LANGUAGES), required=True, help="The language of the questions.")
@click.option("--dry-run", is_flag=True, help="Print the report and change nothing.")
def import_questions(file: Path, bank_format: str, slug: str, module_id: str, language: str, dry_run: bool) -> None:
    """Import a Moodle question bank (GIFT or Moodle XML) into a course draft; exit 1 if nothing could be."""
    from training_app.authoring import moodle, services
    from training_app.db import get_session, utcnow

    app = _app()
    with app.app_context():
        db = get_session()
        try:
            with file.open("rb") as bank:
                items = services.parse_bank(bank.read(moodle.MAX_BYTES + 1), bank_format)
            draft = services.load_draft(db, slug, app.config["MEDIA_PATH"])
            report = services.import_questions(db, draft, None, module_id, language, items, bank_format,
                                               now=utcnow(), dry_run=dry_run)
        except moodle.BankRefused as error:
            raise click.ClickException(f"Nothing was imported: {_BANK_REFUSALS[error.code]} {error.detail}".strip()
                                       ) from None
        except services.NotFound:
            raise click.ClickException(f"No course {slug!r} with a module {module_id!r}.") from None
        for index, item in enumerate(report.items):
            if item.is_imported:
                notes = "".join(f" ({note.replace('_', ' ')})" for note in item.notes)
                click.echo(f"{item.where}: imported as {report.question_ids[index]} ({item.spec['kind']}){notes}")
            else:
                detail = f" ({item.detail})" if item.detail else ""
                click.echo(f"{item.where}: skipped, {item.reason.replace('_', ' ')}{detail}: {item.name}")
        verb = "would import" if dry_run else "imported"
        click.echo(f"{verb} {report.imported} question(s) into quiz {report.quiz_id}, skipped {report.skipped}.")
        if not report.imported:
            raise SystemExit(1)
        if not dry_run:
            db.commit()


_BANK_REFUSALS = {
    "too_large": "the file is larger than 2 MB.",
    "not_utf8": "the file is not UTF-8 text.",
    "empty": "the file has no questions.",
    "xml_doctype": "the file declares a DTD or entities, which Moodle never writes.",
    "xml_malformed": "the file is not well-formed XML.",
    "not_moodle_xml": "the file is not a Moodle XML question export (root <quiz>).",
    "too_many": "the file has more than 2,000 questions.",
}
