"""XLSX exports: XlsxWriter in constant-memory mode, typed cells, text always written as text, streamed."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import xlsxwriter
from flask import Response, stream_with_context

from training_app.bidi import isolate

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024


def write_xlsx(path: Path, sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write one sheet row by row (constant memory: each row is flushed once the next begins); returns rows."""
    workbook = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "tmpdir": str(path.parent),
        # Belt and braces: every string goes through write_string anyway.
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    worksheet.freeze_panes(1, 0)
    worksheet.set_column(0, len(header) - 1, 18)
    for column, title in enumerate(header):
        worksheet.write_string(0, column, str(title), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            _write(worksheet, count, column, value, day, moment)
    workbook.close()
    return count


def _write(worksheet, row: int, column: int, value: object, day, moment) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        worksheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        worksheet.write_number(row, column, float(value))
    elif isinstance(value, datetime):
        # Excel has no time zones: the column header says UTC.
        worksheet.write_datetime(row, column, value.astimezone(UTC).replace(tzinfo=None), moment)
    elif isinstance(value, date):
        worksheet.write_datetime(row, column, value, day)
    else:
        worksheet.write_string(row, column, isolate(value))  # "=HYPERLINK(…)" stays text; FSI…PDI around a bidi control


def xlsx_download(filename: str, sheet: str, header: Sequence[str],
                  rows: Callable[[], Iterable[Sequence[object]]]) -> Response:
    """A streamed XLSX attachment: written to a temporary file as the rows are read, then sent in chunks.

    As with exports.csv_download, `rows` is called once streaming starts, after the view has returned.
    """
    def chunks() -> Iterator[bytes]:
        with tempfile.TemporaryDirectory(prefix="report-") as folder:
            path = Path(folder) / "report.xlsx"
            write_xlsx(path, sheet, header, rows())
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    yield chunk

    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(stream_with_context(chunks()), content_type=CONTENT_TYPE,
                    headers={"Content-Disposition": disposition})
