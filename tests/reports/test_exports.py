"""Report exports: formula-safe CSV, typed XLSX read back from its XML, the audit log, and the command line."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from click.testing import CliRunner
from sqlalchemy import select

from tests.admin.builders import make_admin
from tests.reports.helpers import make_orgs, seed_learners
from training_app.admin.models import AuditEvent
from training_app.cli import main
from training_app.exports import BOM

FORMULA = '=HYPERLINK("http://x","y")'


def _csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM):], newline="")))


def _sheet(data: bytes) -> str:
    """The first sheet's XML of an XLSX file."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read("xl/worksheets/sheet1.xml").decode()


def _seed(db, demo_course, name=FORMULA):
    orgs = make_orgs(db)
    return orgs, seed_learners(db, [orgs.cbsa, orgs.anam], [demo_course], 4, name=name,
                               first_lesson_id=demo_course.modules[0].lessons[0].id)


def test_csv_export_neutralises_a_formula_in_a_learner_name_and_is_audited(client, db, login, demo_course):
    _seed(db, demo_course)
    admin = make_admin(db)
    login(admin)
    response = client.post_form("/reports/completions/export", {"table": "learners", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:3] == ["Full name", "E-mail", "Country"]
    assert len(rows) == 1 + 4
    assert all(row[0] == "'" + FORMULA for row in rows[1:])
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "report.export")).one()
    assert event.actor_id == admin.id
    assert event.details == {"report": "completions", "table": "learners", "format": "csv", "group_by": "country"}


def test_xlsx_export_keeps_a_formula_name_as_text_and_numbers_typed(client, db, login, demo_course):
    _seed(db, demo_course)
    login(make_admin(db))
    response = client.post_form("/reports/completions/export", {"table": "learners", "format": "xlsx"})
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["Content-Type"]
    sheet = _sheet(response.get_data())
    assert "<f>" not in sheet  # no cell is a formula
    # Constant-memory mode writes strings inline: the name is a text cell holding the formula's characters.
    assert f'<c r="A2" t="inlineStr"><is><t>{FORMULA}</t></is></c>' in sheet
    # The enrolment date is a number with a date format, not text.
    enrolled = re.findall(r'<c r="G2"([^>]*)><v>([0-9.]+)</v>', sheet)
    assert enrolled and 't="' not in enrolled[0][0] and float(enrolled[0][1]) > 40000


def test_summary_export_in_spanish_has_spanish_headers_and_a_total(client, db, login, demo_course):
    _seed(db, demo_course, name="Ana")
    login(make_admin(db, locale="es"))
    response = client.post_form("/reports/completions/export", {"table": "summary", "format": "csv",
                                                                 "group_by": "country"})
    rows = _csv(response)
    assert rows[0][:3] == ["País", "Participantes", "Sin iniciar"]
    assert rows[-1][0] == "Todos" and rows[-1][1] == "4"


def test_scoped_admin_exports_only_their_scope(client, db, login, demo_course):
    orgs, seeded = _seed(db, demo_course, name="Someone")
    login(make_admin(db, country="MX"))
    rows = _csv(client.post_form("/reports/completions/export", {"table": "learners", "format": "csv"}))
    assert len(rows) == 1 + sum(r.country == "MX" for r in seeded)
    assert {row[2] for row in rows[1:]} == {"MX"}


def test_export_without_a_token_is_refused(client, db, login):
    login(make_admin(db))
    assert client.post("/reports/completions/export", data={"format": "csv"}).status_code == 400


def test_cli_writes_the_same_completions_file(app, db, demo_course, tmp_path):
    orgs, seeded = _seed(db, demo_course)
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "TRAINING_APP_INSTANCE": str(app.config["INSTANCE_PATH"]),
           "SECRET_KEY": app.config["SECRET_KEY"]}
    output = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["report", "completions", "--format", "csv", "--output", str(output),
                                       "--country", "CA", "--course", "demo-course", "--language", "fr"], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(output.read_text(encoding="utf-8")[1:], newline="")))
    assert rows[0][0] == "Nom complet"
    assert len(rows) == 1 + sum(r.country == "CA" for r in seeded)
    assert rows[1][0] == "'" + FORMULA
    xlsx = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["report", "completions", "--format", "xlsx", "--output", str(xlsx)], env=env)
    assert result.exit_code == 0, result.output
    assert "<f>" not in _sheet(xlsx.read_bytes())
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "report.export")).all()
