"""Targets from tables: the CSV file, or the sheets of an XLSX workbook.

The ``targets`` table has one row per target. Its list columns (``alignments``,
``explanation_<lang>``, ``indicators``, ``quantities``) follow ``cells``. A workbook
may instead give alignments, indicators and quantities one per row in sheets of
their own, which then take the place of the list columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from meadow.core import i18n
from meadow.indicators.formats.base import ERROR, Location, Problem
from meadow.targets import specs
from meadow.targets.formats import cells
from meadow.targets.specs import AlignmentSpec, IndicatorSpec, QuantitySpec, TargetSpec

LANGS = ("en", *sorted(set(i18n.CONTENT_LANGUAGES) - {"en"}))


def _langs(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{lang}" for lang in LANGS)


TARGET_COLUMNS = (
    "code",
    "status",
    *_langs("title"),
    *_langs("text"),
    "alignments",
    *_langs("explanation"),
    "indicators",
    "quantities",
)
# Columns of the targets table that a sheet of its own may replace.
PART_COLUMNS = {
    "alignments": ("alignments", *_langs("explanation")),
    "indicators": ("indicators",),
    "quantities": ("quantities",),
}
SHEET_COLUMNS = {
    "alignments": ("target", "element", "degree", *_langs("explanation")),
    "indicators": ("target", "indicator", *_langs("name")),
    "quantities": (
        "target",
        "global_element",
        "value",
        "unit",
        "year",
        "baseline_value",
        "baseline_year",
        *_langs("quantity"),
    ),
}
REQUIRED = {
    "targets": ("code",),
    "alignments": ("target", "element", "degree"),
    "indicators": ("target", "indicator"),
    "quantities": ("target", "value", "unit", "year"),
}


@dataclass
class Sheet:
    """One table: its name (empty for a CSV file), header and rows with their numbers."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    header_row: int = 1


def canonical(name: Any) -> str:
    return "_".join(str(name or "").strip().lower().replace("-", "_").split())


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class Reader:
    """Collects targets and every problem from the tables of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def error(self, where: Location, reason: str, code: str = "") -> None:
        self.problems.append(Problem(where, reason, ERROR, code))

    def columns(self, sheet: Sheet, known: Sequence[str], kind: str) -> dict[str, int] | None:
        """Header name -> index; None (with problems) when the header is unusable."""
        found: dict[str, int] = {}
        ok = True
        for index, raw in enumerate(sheet.header):
            name = canonical(raw)
            if not name:
                continue
            where = Location(self.file, sheet.header_row, str(raw), sheet.name)
            if name not in known:
                self.error(
                    where,
                    f"unknown column {str(raw)!r}; the columns are: {', '.join(known)}",
                    "unknown-column",
                )
                ok = False
            elif name in found:
                self.error(where, f"the column {name} appears twice", "duplicate-column")
                ok = False
            else:
                found[name] = index
        missing = [c for c in REQUIRED[kind] if c not in found]
        if kind == "targets" and not any(c in found for c in _langs("title")):
            missing.append("title_en (or title_<language>)")
        if missing:
            self.error(
                Location(self.file, sheet.header_row, "", sheet.name),
                f"missing column(s): {', '.join(missing)}",
                "missing-column",
            )
            ok = False
        return found if ok else None

    def records(
        self, sheet: Sheet, columns: dict[str, int]
    ) -> Iterable[tuple[int, dict[str, Any]]]:
        width = len(sheet.header)
        for number, values in sheet.rows:
            if any(text(v) for v in values[width:]):
                self.error(
                    self.where(sheet, number),
                    f"the row has {len(values)} cells but the header only {width}; "
                    "a value holding the separator needs quotes",
                    "extra-cells",
                )
                continue
            row = {
                name: values[index] if index < len(values) else None
                for name, index in columns.items()
            }
            if all(text(v) == "" for v in row.values()):
                continue
            yield number, row

    def where(self, sheet: Sheet, number: int, column: str = "") -> Location:
        return Location(self.file, number, column, sheet.name)

    # The targets table ------------------------------------------------------------------

    def targets(self, sheet: Sheet, separate: set[str]) -> list[TargetSpec]:
        known = [c for c in TARGET_COLUMNS if not any(c in PART_COLUMNS[part] for part in separate)]
        columns = self.columns(sheet, known, "targets")
        if columns is None:
            return []
        out = []
        for number, row in self.records(sheet, columns):
            out.append(self.target(sheet, number, row))
        return out

    def target(self, sheet: Sheet, number: int, row: dict[str, Any]) -> TargetSpec:
        at = self.where(sheet, number)
        spec = TargetSpec(
            where=at,
            columns={"code": "code", "title": _first(row, "title"), "text": _first(row, "text")},
        )
        spec.code = text(row.get("code"))
        spec.title = self.six(sheet, number, row, "title")
        spec.text = self.six(sheet, number, row, "text", multiline=True)
        if "alignments" in row:
            spec.alignments = self.alignment_cell(sheet, number, row)
        if "indicators" in row:
            spec.indicators = self.indicator_cell(sheet, number, text(row["indicators"]))
        if "quantities" in row:
            spec.quantities = self.quantity_cell(sheet, number, text(row["quantities"]))
        return spec

    def six(
        self, sheet: Sheet, number: int, row: dict[str, Any], prefix: str, multiline: bool = False
    ) -> dict[str, str]:
        values = {}
        for lang in LANGS:
            value = row.get(f"{prefix}_{lang}")
            if text(value):
                values[lang] = str(value).strip() if multiline else text(value)
        return i18n.clean(values)

    def alignment_cell(self, sheet: Sheet, number: int, row: dict[str, Any]) -> list[AlignmentSpec]:
        where = self.where(sheet, number, "alignments")
        try:
            pairs = cells.alignments(text(row["alignments"]))
        except cells.CellError as exc:
            self.error(where, str(exc), "bad-cell")
            return []
        out = [AlignmentSpec(where=where, element=uid, degree=degree) for uid, degree in pairs]
        listed = {a.element: a for a in out}
        for lang in LANGS:
            column = f"explanation_{lang}"
            if not text(row.get(column)):
                continue
            at = self.where(sheet, number, column)
            try:
                items = cells.explanations(str(row[column]))
            except cells.CellError as exc:
                self.error(at, str(exc), "bad-cell")
                continue
            done: set[str] = set()
            for uid, body in items:
                if uid not in listed:
                    self.error(at, f"explains {uid}, which the alignments column does not list")
                elif uid in done:
                    self.error(at, f"explains {uid} twice")
                elif body:
                    listed[uid].explanation[lang] = body
                done.add(uid)
        for item in out:
            item.explanation = i18n.clean(item.explanation)
        return out

    def indicator_cell(self, sheet: Sheet, number: int, cell: str) -> list[IndicatorSpec]:
        where = self.where(sheet, number, "indicators")
        out = []
        for item in cells.split(cell):
            if specs.INDICATOR_UID.match(item):
                out.append(IndicatorSpec(where=where, element=item))
                continue
            try:
                name = cells.tagged(item)
            except cells.CellError as exc:
                self.error(where, f"{item!r}: {exc}", "bad-cell")
                continue
            out.append(IndicatorSpec(where=where, name=name))
        return out

    def quantity_cell(self, sheet: Sheet, number: int, cell: str) -> list[QuantitySpec]:
        where = self.where(sheet, number, "quantities")
        out = []
        for n, item in enumerate(cells.split(cell), start=1):
            try:
                raw = cells.quantity(item)
            except cells.CellError as exc:
                self.error(where, f"quantity {n}: {exc}", "bad-cell")
                continue
            out.append(self.quantity(raw, where, {}, label=f"quantity {n}"))
        return out

    def quantity(
        self, raw: dict[str, Any], where: Location, columns: dict[str, str], label: str = ""
    ) -> QuantitySpec:
        spec = QuantitySpec(where=where, columns=columns)
        found: list[Problem] = []

        def name(field: str) -> str:
            words = field.replace("_", " ")
            return f"{label}: {words}" if label else words

        spec.global_element = text(raw.get("global_element"))
        spec.unit = text(raw.get("unit"))
        spec.quantity = raw.get("quantity") or {}
        spec.read_number("value", _numeric(raw.get("value")), found, name("value"))
        spec.read_year("year", raw.get("year"), found, name("year"))
        spec.read_number(
            "baseline_value", _numeric(raw.get("baseline_value")), found, name("baseline_value")
        )
        spec.read_year("baseline_year", raw.get("baseline_year"), found, name("baseline_year"))
        self.problems.extend(found)
        return spec

    # Sheets of their own -----------------------------------------------------------------

    def parts(self, sheet: Sheet, kind: str, by_code: dict[str, TargetSpec]) -> None:
        columns = self.columns(sheet, SHEET_COLUMNS[kind], kind)
        if columns is None:
            return
        for number, row in self.records(sheet, columns):
            code = text(row.get("target"))
            target = by_code.get(code)
            if target is None:
                self.error(
                    self.where(sheet, number, "target"),
                    f"{code!r} is not the code of a target in the targets sheet"
                    if code
                    else "the target code is missing",
                    "unknown-target",
                )
                continue
            at = self.where(sheet, number)
            if kind == "alignments":
                spec = AlignmentSpec(
                    where=at,
                    columns={
                        "element": "element",
                        "degree": "degree",
                        "explanation": "explanation_en",
                    },
                    element=text(row.get("element")),
                    degree=text(row.get("degree")).lower(),
                    explanation=self.six(sheet, number, row, "explanation", multiline=True),
                )
                target.alignments.append(spec)
            elif kind == "indicators":
                target.indicators.append(
                    IndicatorSpec(
                        where=at,
                        columns={"element": "indicator", "name": "name_en"},
                        element=text(row.get("indicator")),
                        name=self.six(sheet, number, row, "name"),
                    )
                )
            else:
                raw = {k: row.get(k) for k in specs.QUANTITY_FIELDS}
                raw["quantity"] = self.six(sheet, number, row, "quantity")
                columns_of = {k: k for k in specs.QUANTITY_FIELDS}
                columns_of["quantity"] = "quantity_en"
                target.quantities.append(self.quantity(raw, at, columns_of))


def _first(row: dict[str, Any], prefix: str) -> str:
    for lang in LANGS:
        if f"{prefix}_{lang}" in row:
            return f"{prefix}_{lang}"
    return f"{prefix}_en"


def _numeric(value: Any) -> Any:
    """A spreadsheet number as it is; text as text (a comma decimal is then refused)."""
    if isinstance(value, str):
        return value.strip()
    return value


# Writing ------------------------------------------------------------------------------


def used_langs(snapshots: Sequence[dict[str, Any]], getter: Any) -> list[str]:
    """Languages that some text of this kind has, English always included."""
    found = {"en"}
    for snap in snapshots:
        for values in getter(snap):
            found.update(values)
    return [lang for lang in LANGS if lang in found]


def target_header(snapshots: Sequence[dict[str, Any]], compact: bool) -> list[str]:
    titles = used_langs(snapshots, lambda s: [s["title"]])
    texts = used_langs(snapshots, lambda s: [s["text"]])
    header = ["code", "status", *(f"title_{x}" for x in titles), *(f"text_{x}" for x in texts)]
    if compact:
        explained = used_langs(snapshots, lambda s: [a["explanation"] for a in s["alignments"]])
        header += ["alignments", *(f"explanation_{x}" for x in explained)]
        header += ["indicators", "quantities"]
    return header


def target_row(snap: dict[str, Any], header: list[str]) -> list[str]:
    values: dict[str, str] = {"code": snap["code"], "status": snap.get("status", "")}
    for prefix in ("title", "text"):
        for lang, value in snap[prefix].items():
            values[f"{prefix}_{lang}"] = value
    values["alignments"] = cells.write_alignments(
        [(a["element"], a["degree"]) for a in snap["alignments"]]
    )
    for lang in LANGS:
        values[f"explanation_{lang}"] = cells.write_explanations(
            [(a["element"], a["explanation"].get(lang, "")) for a in snap["alignments"]]
        )
    values["indicators"] = "; ".join(
        i["element"] if "element" in i else cells.write_tagged(i["name"])
        for i in snap["indicators"]
    )
    values["quantities"] = "; ".join(cells.write_quantity(q) for q in snap["quantities"])
    return [values.get(name, "") for name in header]
