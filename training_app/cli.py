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
    "password_common": "The password is too common: a frequent or leaked password, word or name, perhaps with "
                       "digits or symbols added at the end.",
    "password_site_word": "The password contains a word anyone could guess here (customs, douane, aduana, CITES, "
                          "wildlife, password…).",
    "password_personal": "The password contains the person's name, e-mail or organisation.",
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
@click.option("--workers", envvar="TRAINING_APP_WORKERS", default=2, show_default=True, type=int,
              help="Worker processes (or TRAINING_APP_WORKERS).")
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
        key_file = Path(_app().config["SHARED_PATH"]) / signing.KEY_FILE
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
@click.option("--base-url", help="The site's public address for the links in the e-mails, for this run only. "
                                 "Default: TRAINING_APP_PUBLIC_URL.")
def send_reminders(base_url: str | None) -> None:
    """E-mail learners whose certificates expire in 60, 30 or 7 days, once each. Run it daily (cron)."""
    import smtplib
    from urllib.parse import urlsplit

    from training_app.certificates import mails, services
    from training_app.db import get_session, utcnow
    from training_app.mail import send_mail

    app = _app()
    base_url = base_url or app.config["PUBLIC_URL"]
    if not base_url:
        raise click.ClickException("Set TRAINING_APP_PUBLIC_URL (https://…): the e-mails link to the site.")
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


@main.command("send-mail")
def send_queued_mail() -> None:
    """Send the queued e-mails that are due (invitations, set-password links), retrying failed ones.

    Run it every minute (cron or the systemd timer in deploy/). Two runs at once, or a run beside the web
    processes' own sending, are safe: each mail is claimed by a compare-and-set before it goes out.
    Exits 1 if a mail failed; it is retried later with backoff, up to mail.MAX_ATTEMPTS tries.
    """
    from training_app import mail
    from training_app.db import utcnow

    app = _app()
    with app.extensions["db_sessionmaker"]() as db:
        counts = mail.send_queued(db, app.config)
        deleted = mail.delete_old_mails(db, utcnow())
        db.commit()
    click.echo(f"Sent {counts['sent']} mail(s); {counts['retry']} to retry, {counts['failed']} given up; "
               f"{deleted} old mail(s) deleted.")
    if counts["retry"] or counts["failed"]:
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


@main.command("regrade")
@click.option("--course", "slug", required=True, help="The course's id (slug).")
@click.option("--quiz", "quiz_id", required=True, help="The quiz's id in the course package.")
@click.option("--apply", is_flag=True, help="Store the new grades (default: print them and change nothing).")
def regrade(slug: str, quiz_id: str, apply: bool) -> None:
    """Grade a quiz's submitted attempts again by its published answer keys (a dry run unless --apply)."""
    from training_app.db import get_session, utcnow
    from training_app.quiz import services

    app = _app()
    with app.app_context():
        db = get_session()
        quiz = services.quiz_by_slugs(db, slug, quiz_id)
        if quiz is None:
            raise click.ClickException(f"No quiz {quiz_id!r} in a published course {slug!r}.")
        result = services.regrade(db, quiz, None, utcnow(), apply=apply)
        yes_no = {True: "yes", False: "no"}
        rows = [("attempt", "learner", "try", "score before", "score after", "passed before", "passed after",
                 "questions")]
        rows += [(str(c.attempt_id), str(c.user_id), str(c.number), f"{c.old_score:.4f}", f"{c.new_score:.4f}",
                  yes_no[c.was_passed], yes_no[c.is_passed], ", ".join(c.question_ids)) for c in result.changes]
        if result.changes:
            widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
            for row in rows:
                click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                           + "  " + row[-1])
        if result.kept_question_ids:
            click.echo("Kept at their old grade (no longer published, or changed beyond the answer key): "
                       + ", ".join(result.kept_question_ids))
        verb, flag = ("changed", "flagged") if apply else ("would change", "would be flagged")
        click.echo(f"{len(result.changes)} of {result.attempts} submitted attempt(s) {verb}: "
                   f"{result.passed_to_failed} from passed to failed, {result.failed_to_passed} from failed to passed.")
        ids = "".join(f" (ids {', '.join(map(str, result.certificate_ids))})" if result.certificate_ids else "")
        click.echo(f"{len(result.certificate_ids)} certificate(s) {flag} for review{ids}.")
        if apply:
            click.echo(f"{result.completions} course completion(s) recorded.")
            db.commit()
        else:
            click.echo("Nothing was changed. Run again with --apply to store the new grades.")


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


@main.command()
def cleanup() -> None:
    """Delete expired reset links, old sign-in counters and API tokens; grade abandoned timed attempts.

    Run it hourly (cron or the systemd timer in deploy/). Two runs at once are safe: each deletion is
    one statement, and each attempt is graded once whichever run or request gets to it first.
    """
    from training_app import maintenance
    from training_app.db import get_session, utcnow

    app = _app()
    with app.app_context():
        db = get_session()
        now = utcnow()
        counts = {}
        for what, step in (("expired password-reset links", maintenance.delete_expired_reset_tokens),
                           ("old sign-in counters", maintenance.delete_stale_throttles),
                           ("expired or revoked API tokens", maintenance.delete_old_api_tokens)):
            counts[what] = step(db, now)
            db.commit()
        graded = 0
        # One attempt per transaction: a failure leaves the others graded, and row locks stay short.
        for attempt_id in maintenance.overdue_attempt_ids(db, now):
            graded += maintenance.grade_overdue_attempt(db, attempt_id, now)
            db.commit()
        counts["abandoned attempts graded"] = graded
    click.echo("Cleanup: " + ", ".join(f"{count} {what}" for what, count in counts.items()) + ".")


@main.command("check-config")
@click.option("--processes", envvar="TRAINING_APP_PROCESSES", default=1, show_default=True, type=click.IntRange(1),
              help="How many `training-app serve` processes share the database, on every machine "
                   "(or TRAINING_APP_PROCESSES).")
@click.option("--workers", envvar="TRAINING_APP_WORKERS", default=2, show_default=True, type=click.IntRange(1),
              help="Workers per process, as given to serve (or TRAINING_APP_WORKERS).")
def check_config(processes: int, workers: int) -> None:
    """Report what the configuration lacks (warnings) or makes unsafe (errors); exit 1 on any error."""
    from training_app import configcheck
    from training_app.config import load_settings

    findings = configcheck.check(load_settings(), os.environ, processes=processes, workers=workers)
    for finding in findings:
        click.echo(f"{finding.level}: {finding.message}", err=finding.level == configcheck.ERROR)
    errors = sum(finding.level == configcheck.ERROR for finding in findings)
    if errors:
        raise click.ClickException(f"{errors} error(s): this configuration is not safe to run. Fix them and run "
                                   "training-app check-config again.")
    click.echo(f"The configuration is safe to run ({len(findings)} warning(s)).")


@main.command()
@click.argument("archive", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--without-database", is_flag=True,
              help="Only the media folder and the signing key (PostgreSQL: back the database up with pg_dump).")
def backup(archive: Path, without_database: bool) -> None:
    """Write the SQLite database, the media folder and the certificate signing key into the tar file ARCHIVE.

    The site may keep running: the database is copied with SQLite's online backup. ARCHIVE holds the
    signing key: it is written readable by its owner only; keep it as safe as the server.
    """
    from training_app import backup as backups
    from training_app.config import load_settings
    from training_app.db import utcnow

    try:
        summary = backups.create(load_settings(), archive, with_database=not without_database, now=utcnow())
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {archive}: {'the database, ' if summary.database else ''}"
               f"{summary.media_files} media file(s){', the signing key' if summary.signing_key else ''}.")


@main.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--without-database", is_flag=True,
              help="Only the media folder and the signing key (PostgreSQL: restore the database with pg_restore).")
def restore(archive: Path, without_database: bool) -> None:
    """Restore a backup made by `training-app backup` into an empty instance (nothing is overwritten)."""
    from training_app import backup as backups
    from training_app.config import load_settings

    try:
        summary = backups.restore(load_settings(), archive, with_database=not without_database)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {'the database, ' if summary.database else ''}{summary.media_files} media file(s)"
               f"{', the signing key' if summary.signing_key else ''}. Next: training-app db upgrade, then start "
               "the site.")


@main.group()
def report() -> None:
    """Reports written to files, as the web pages export them."""


@report.command("completions")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write.")
@click.option("--country", type=click.Choice(COUNTRIES))
@click.option("--agency", help="Agency acronym (CBSA, ANAM, CBP…) or kind; needs --country.")
@click.option("--course", "course_slug", help="The course's id (slug).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="From this day (UTC).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="To this day (UTC), inclusive.")
@click.option("--period", type=click.Choice(["enrolled", "completed"]), default="enrolled", show_default=True,
              help="Which date --since and --until apply to.")
@click.option("--status", type=click.Choice(["not_started", "in_progress", "completed", "cert_valid",
                                             "cert_expiring", "cert_expired", "cert_revoked"]))
@click.option("--expiring-days", type=click.IntRange(1, 3650), default=60, show_default=True)
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="The language of the headers and labels.")
def report_completions(file_format: str, output: Path, country: str | None, agency: str | None,
                       course_slug: str | None, since, until, period: str, status: str | None, expiring_days: int,
                       language: str) -> None:
    """Every learner's completions, over the whole platform (no administrator scope)."""
    from flask_babel import force_locale
    from sqlalchemy import select

    from training_app.admin.services import record
    from training_app.auth import services as accounts
    from training_app.db import get_session, utcnow
    from training_app.learn.models import Course
    from training_app.reports.services import ReportFilters
    from training_app.reports.tables import write_completions

    if agency and not country:
        raise click.UsageError("--agency needs --country.")
    app = _app()
    with app.test_request_context(), force_locale(language):
        session = get_session()
        try:
            agency_id = accounts.find_agency(session, country, agency).id if agency else None
        except accounts.AccountError as error:
            raise click.UsageError(f"No agency {agency!r} in {country}.") from error
        course_id = session.scalar(select(Course.id).where(Course.slug == course_slug)) if course_slug else None
        if course_slug and course_id is None:
            raise click.UsageError(f"No course {course_slug!r}.")
        filters = ReportFilters(country=country, agency_id=agency_id, course_id=course_id, period=period,
                                since=since.date() if since else None, until=until.date() if until else None,
                                status=status, expiring_days=expiring_days)
        now = utcnow()
        rows = write_completions(session, None, filters, output, file_format, language, now.date())
        record(session, None, "report.export", now=now, details={
            "report": "completions", "table": "learners", "format": file_format, "cli": True,
            **filters.described()})
        session.commit()
    click.echo(f"{rows} rows written to {output}.")
