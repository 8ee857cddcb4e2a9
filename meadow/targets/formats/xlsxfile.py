"""The XLSX format: a ``targets`` sheet like the CSV file, and sheets for the lists.

- ``targets`` (required): one row per target, the CSV file's columns.
- ``alignments`` (optional): ``target`` (the target's code), ``element``, ``degree``,
  ``explanation_<lang>``; one row per alignment. When present, the targets sheet has
  no ``alignments`` or ``explanation_<lang>`` columns.
- ``indicators`` (optional): ``target``, ``indicator`` (a GBF indicator uid, or empty
  for a national indicator), ``name_<lang>``; replaces the ``indicators`` column.
- ``quantities`` (optional): ``target``, ``global_element``, ``value``, ``unit``,
  ``year``, ``baseline_value``, ``baseline_year``, ``quantity_<lang>``; replaces
  the ``quantities`` column.

Sheet names and headers are not case-sensitive; other sheets are ignored. The export
writes all four sheets. Cells holding formulas are refused (their stored results
may be stale); type the values instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from meadow.indicators.formats.base import ERROR, Location, Problem
from meadow.targets.formats import table
from meadow.targets.formats.base import ReadResult
from meadow.targets.specs import TargetSpec

ZIP_MAGIC = b"PK\x03\x04"
PARTS = ("alignments", "indicators", "quantities")
FIXED_TIME = datetime(2000, 1, 1)


def _sheet(ws: Worksheet, name: str, file: str, problems: list[Problem]) -> table.Sheet:
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] = []
    header_row = 1
    for cells in ws.iter_rows():
        values: list[Any] = []
        for cell in cells:
            if cell.data_type == "f":
                problems.append(
                    Problem(
                        Location(file, cell.row, str(cell.coordinate), name),
                        "a formula; type the value instead",
                        ERROR,
                        "formula",
                    )
                )
                values.append(None)
            else:
                values.append(cell.value)
        number = cells[0].row if cells else len(rows) + 1
        if not header:
            if any(table.text(v) for v in values):
                header = [table.text(v) for v in values]
                header_row = number
            continue
        rows.append((number, values))
    return table.Sheet(name, header, rows, header_row)


def read(raw: bytes, result: ReadResult) -> None:
    file = result.file
    if not raw.startswith(ZIP_MAGIC):
        result.problems.append(
            Problem(Location(file), "not an Excel .xlsx workbook", ERROR, "wrong-type")
        )
        return
    try:
        book = load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        result.problems.append(
            Problem(
                Location(file),
                f"the workbook cannot be opened ({type(exc).__name__}); it may be damaged",
                ERROR,
                "corrupt",
            )
        )
        return
    by_name = {ws.title.strip().lower(): ws for ws in book.worksheets}
    if "targets" not in by_name:
        result.problems.append(
            Problem(
                Location(file),
                "no sheet named targets (the sheets are: "
                + ", ".join(ws.title for ws in book.worksheets)
                + ")",
                ERROR,
                "missing-sheet",
            )
        )
        return
    reading = table.Reader(file)
    sheets = {
        name: _sheet(by_name[name], by_name[name].title, file, reading.problems)
        for name in ("targets", *PARTS)
        if name in by_name
    }
    separate = {name for name in PARTS if name in sheets}
    targets = reading.targets(sheets["targets"], separate)
    by_code: dict[str, TargetSpec] = {}
    for spec in targets:
        by_code.setdefault(spec.code, spec)
    for name in PARTS:
        if name in sheets:
            reading.parts(sheets[name], name, by_code)
    result.targets.extend(targets)
    result.problems.extend(reading.problems)


def _write(ws: Worksheet, header: list[str], rows: list[list[Any]]) -> None:
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            # A text that starts with "=" stays a text, never a formula.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        longest = max([len(name), *(len(str(r[index - 1] or "")) for r in rows[:200])])
        ws.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)


def dump(snapshots: Sequence[dict[str, Any]]) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "targets"
    header = table.target_header(snapshots, compact=False)
    _write(first, header, [table.target_row(s, header) for s in snapshots])

    explained = table.used_langs(snapshots, lambda s: [a["explanation"] for a in s["alignments"]])
    rows = [
        [s["code"], a["element"], a["degree"], *(a["explanation"].get(x, "") for x in explained)]
        for s in snapshots
        for a in s["alignments"]
    ]
    _write(
        book.create_sheet("alignments"),
        ["target", "element", "degree", *(f"explanation_{x}" for x in explained)],
        rows,
    )

    named = table.used_langs(snapshots, lambda s: [i.get("name", {}) for i in s["indicators"]])
    rows = [
        [s["code"], i.get("element", ""), *(i.get("name", {}).get(x, "") for x in named)]
        for s in snapshots
        for i in s["indicators"]
    ]
    _write(
        book.create_sheet("indicators"),
        ["target", "indicator", *(f"name_{x}" for x in named)],
        rows,
    )

    counted = table.used_langs(snapshots, lambda s: [q["quantity"] for q in s["quantities"]])
    rows = [
        [
            s["code"],
            q["global_element"] or "",
            q["value"],
            q["unit"],
            q["year"],
            q["baseline_value"],
            q["baseline_year"],
            *(q["quantity"].get(x, "") for x in counted),
        ]
        for s in snapshots
        for q in s["quantities"]
    ]
    _write(
        book.create_sheet("quantities"),
        [
            "target",
            "global_element",
            "value",
            "unit",
            "year",
            "baseline_value",
            "baseline_year",
            *(f"quantity_{x}" for x in counted),
        ],
        rows,
    )
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
