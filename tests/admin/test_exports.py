from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from training_app.exports import BOM, CHUNK_CHARS, csv_rows


def _read(lines) -> list[list[str]]:
    text = "".join(lines)
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM):], newline="")))


def test_csv_cells_that_start_a_formula_are_neutralised():
    dangerous = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    rows = _read(csv_rows(["Nom"], [[value] for value in dangerous]))
    assert rows[0] == ["Nom"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in dangerous]


def test_csv_numbers_and_dates_stay_typed_and_text_is_kept():
    at = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    rows = _read(csv_rows(["a", "b", "c", "d", "e"], [[-3, Decimal("0.75"), at, None, "Émilie, « CBSA »"]]))
    assert rows[1] == ["-3", "0.75", "2026-03-01T12:30:00Z", "", "Émilie, « CBSA »"]


def test_csv_rows_are_streamed_in_bounded_pieces():
    consumed = []

    def rows():
        for number in range(100_000):
            consumed.append(number)
            yield [number, "x" * 20]

    pieces = csv_rows(["n", "text"], rows())
    assert next(pieces) == BOM + "n,text\r\n"
    assert consumed == []  # nothing read before the caller asks for rows
    first = next(pieces)
    assert first.startswith("0,xxxxxxxxxxxxxxxxxxxx\r\n1,")
    assert len(first) < CHUNK_CHARS + 100 and len(consumed) < 5_000  # only what fills one piece
    rest = list(pieces)
    assert all(len(piece) < CHUNK_CHARS + 100 for piece in rest)
    assert len(_read([BOM, first, *rest])) == 100_000 and consumed[-1] == 99_999
