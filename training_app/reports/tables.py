"""The completion export's columns, shared by the web export and `training-app report completions`.

Headers and labels are translated at call time, so callers run in a request context (the CLI makes one).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from training_app.auth.models import User
from training_app.certificates.services import display_code
from training_app.exports import csv_rows
from training_app.reports import services
from training_app.reports.forms import CERTIFICATE_STATES, PROGRESS
from training_app.reports.xlsx import write_xlsx


def percent(value: Decimal | None) -> float | None:
    """A share 0..1 as a percentage number with one decimal, for spreadsheets."""
    return None if value is None else round(float(value) * 100, 1)


def learner_header() -> list[str]:
    return [_("Full name"), _("E-mail"), _("Country"), _("Agency"), _("Post"), _("Course"), _("Enrolled (UTC)"),
            _("Completed (UTC)"), _("Status"), _("Days to complete"), _("Score (%)"), _("Certificate"),
            _("Certificate code"), _("Certificate expires")]


def learner_cells(row: services.LearnerRow, titles: dict[int, str], labels: dict[str, str]) -> list:
    """One enrolment's cells; `labels` are the progress and certificate words, translated once per export."""
    return [row.name, row.email, row.country, row.agency, row.post, titles.get(row.course_id, ""),
            row.enrolled_at, row.completed_at, labels[row.progress], row.days, percent(row.score),
            labels[row.certificate] if row.certificate else None,
            display_code(row.certificate_code) if row.certificate_code else None, row.expires_on]


def learner_table(db: Session, admin: User | None, filters: services.ReportFilters, titles: dict[int, str],
                  today: date) -> Iterator[list]:
    # Translating per row costs more than the query itself: one lookup per label, not per cell.
    labels = {key: str(label) for key, label in (*PROGRESS.items(), *CERTIFICATE_STATES.items())}
    for row in services.learner_rows(db, admin, filters, today):
        yield learner_cells(row, titles, labels)


def write_completions(db: Session, admin: User | None, filters: services.ReportFilters, path: Path,
                      file_format: str, locale: str, today: date) -> int:
    """Write the learners' completions to `path` (CSV or XLSX), row by row; returns the number of rows."""
    titles = services.course_titles(db, locale)
    rows = learner_table(db, admin, filters, titles, today)
    if file_format == "xlsx":
        return write_xlsx(path, _("Learners"), learner_header(), rows)
    written = 0

    def counted() -> Iterator[list]:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(csv_rows(learner_header(), counted()))
    return written
