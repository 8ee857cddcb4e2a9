"""The CSV format: one row per target under a header row (UTF-8; comma, semicolon or tab).

Columns (any order, names not case-sensitive): ``code``; ``title_<lang>`` and
``text_<lang>`` for each language given (en, fr, es, ru, zh, ar); ``alignments``;
``explanation_<lang>``; ``indicators``; ``quantities``; ``status`` (written by the
export, ignored on import). The list columns follow ``meadow.targets.formats.cells``.
Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from meadow.indicators.formats.base import ERROR, Location, Problem
from meadow.targets.formats import table
from meadow.targets.formats.base import ReadResult

DELIMITERS = (",", ";", "\t")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read(raw: bytes, result: ReadResult) -> None:
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        result.problems.append(
            Problem(
                Location(result.file, line),
                "not UTF-8 text; save the file as CSV UTF-8",
                ERROR,
                "encoding",
            )
        )
        return
    reader = csv.reader(
        io.StringIO(content, newline=""), delimiter=_delimiter(content.split("\n", 1)[0])
    )
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] | None = None
    try:
        for values in reader:
            if header is None:
                header = values
                continue
            # Row numbers as a spreadsheet shows them, the header being row 1.
            rows.append((len(rows) + 2, values))
    except csv.Error as exc:
        result.problems.append(
            Problem(
                Location(result.file, reader.line_num), f"not valid CSV: {exc}", ERROR, "bad-csv"
            )
        )
        return
    if header is None:
        result.problems.append(Problem(Location(result.file), "no header row", ERROR, "empty"))
        return
    sheet = table.Sheet("", header, rows)
    reading = table.Reader(result.file)
    result.targets.extend(reading.targets(sheet, set()))
    result.problems.extend(reading.problems)


def dump(snapshots: Sequence[dict[str, Any]]) -> bytes:
    header = table.target_header(snapshots, compact=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for snap in snapshots:
        writer.writerow(table.target_row(snap, header))
    # With a byte-order mark, spreadsheets open the file as UTF-8.
    return out.getvalue().encode("utf-8-sig")
