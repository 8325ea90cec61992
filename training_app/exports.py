"""Formula-safe CSV, streamed line by line, for every export (admin lists, audit log, reports)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response, stream_with_context

from training_app.bidi import isolate

#: a spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def cell(value: object) -> str | int | float | Decimal:
    """One value as written: numbers stay numbers, dates ISO 8601, text neutralised with a leading quote and
    bidi-isolated when it holds a bidi control."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return value  # a negative number is data, not a formula
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    text = isolate(value)  # a bidi override in a name must not reorder the rest of the line in a text editor
    return "'" + text if text.startswith(FORMULA_STARTS) else text


#: rows are written in pieces of about this many characters: one piece per row made the writing cost
#: more than the query, and a piece this small still never holds a report in memory
CHUNK_CHARS = 64 * 1024


def csv_rows(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The BOM and header line, then the rows as CSV text in pieces of about CHUNK_CHARS characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(v) for v in header])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([cell(v) for v in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_download(filename: str, header: Sequence[str], rows: Callable[[], Iterable[Sequence[object]]]) -> Response:
    """A streamed CSV attachment; `filename` may be translated (sent RFC 6266-encoded).

    `rows` is called once streaming starts, after the view has returned and its session has closed:
    what it reads through get_session() then is a session of the stream's own, closed when it ends.
    """
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"

    def lines() -> Iterator[str]:
        yield from csv_rows(header, rows())

    return Response(stream_with_context(lines()), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition})
