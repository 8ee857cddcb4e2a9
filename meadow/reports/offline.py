"""The offline form: a report as an Excel workbook to fill in, and its import.

``workbook(report, lang)`` writes the report as an XLSX workbook: a sheet "about" the
report, then a sheet per section with every question the country types in (its
number, text, what to enter, help, and the answer cells, yellow and unlocked), the
choices as drop-down lists, tables, national targets and attachments as blocks of
rows (national targets: a row for each of the country's published national targets
and each GBF target without one, its code filled in, see ``target_progress``). The
sheets are protected: only the answer cells can be changed. A very hidden sheet,
``meadow``, describes the workbook: the report, the template's code, version
and digest, and for each question its key, where its answer cells are, the version
of the fact it was exported at and a fingerprint of what the cells held; it also
holds a fingerprint of every other cell, and a signature of all that made with the
server's secret key, so that a changed description is recognised.

``import_workbook(actor=, report=, data=, name=)`` reads a filled workbook back. It
checks the whole file first: that it is this report's workbook for this version of
the template, unchanged in its structure (sheets, question keys, texts, hidden
cells), and that every changed answer is valid. It then saves every changed answer
with ``editing.save_answer`` in one transaction, each from the fact version it was
exported at, so that an answer someone changed since the export is a conflict.
Any problem raises ``OfflineRejected`` listing every problem with the file, sheet,
cell and question; nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from meadow import audit
from meadow.core import i18n, policies
from meadow.core.actors import Actor
from meadow.reports import document as documents
from meadow.reports import editing, facts, target_progress, values, workflow
from meadow.reports.document import QuestionView, ReportDocument
from meadow.reports.exports import common
from meadow.reports.models import Concept, Report

FORMAT = "meadow-offline/1"
META = "meadow"
LISTS = "lists"
SALT = "meadow.reports.offline"
ZIP_MAGIC = b"PK\x03\x04"
SPARE_ROWS = 5
MAX_CELL = 32_767
# Columns of a section sheet.
KEY, NUMBER, QUESTION, ITEM, ANSWER, HINT, HELP = 1, 2, 3, 4, 5, 6, 7
WIDTHS = {NUMBER: 9, QUESTION: 60, ITEM: 26, ANSWER: 42, HINT: 30, HELP: 50}
ANSWER_FILL = PatternFill("solid", fgColor="FFF7D6")
HEAD_FILL = PatternFill("solid", fgColor="E6EFEA")
GREY = Font(color="6E6E6E", size=9)
BOLD = Font(bold=True)
SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
QUESTION_FIELDS = (
    "key",
    "concept",
    "type",
    "sheet",
    "first_row",
    "last_row",
    "answer",
    "rows",
    "columns",
    "fact_version",
    "fingerprint",
)
HEAD_FIELDS = (
    "format",
    "report",
    "country",
    "template",
    "template_digest",
    "language",
    "exported_at",
    "sheets",
)


# Problems ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported workbook, where it is and what it concerns."""

    file: str
    sheet: str = ""
    cell: str = ""
    field: str = ""
    message: str = ""

    @property
    def text(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(_("sheet %(name)s") % {"name": self.sheet})
        if self.cell:
            parts.append(_("cell %(cell)s") % {"cell": self.cell})
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.text}"

    def as_dict(self) -> dict[str, str]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "message": self.text,
        }


class OfflineRejected(Exception):
    """The workbook was not imported; ``problems`` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportResult:
    file: str
    report: str
    changed: list[str] = field(default_factory=list)  # question keys saved
    unchanged: int = 0
    versions: dict[str, int] = field(default_factory=dict)  # concept uid -> new version


# Where a question is in the workbook ----------------------------------------------------


@dataclass
class Block:
    key: str
    concept: str
    type: str
    sheet: str
    first_row: int
    last_row: int
    answer: str = ""  # top-left answer cell; empty for a question not typed in
    rows: int = 0
    columns: int = 0
    fact_version: int = 0
    fingerprint: str = ""

    def cells(self) -> list[list[str]]:
        """The answer cells' coordinates, row by row."""
        if not self.answer:
            return []
        letter, row = coordinate_from_string(self.answer)
        first = column_index_from_string(letter)
        return [
            [f"{get_column_letter(first + c)}{row + r}" for c in range(self.columns)]
            for r in range(self.rows)
        ]


def _raw(value: Any) -> str:
    """A cell's content as text, the same however openpyxl gives it back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _fingerprint(contents: list[list[Any]]) -> str:
    return _hash(json.dumps([[_raw(v) for v in row] for row in contents], ensure_ascii=False))


def _canonical(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sign(payload: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()
    return signing.Signer(salt=SALT).sign(digest)


# Writing -------------------------------------------------------------------------------


def _sheet_name(wanted: str, taken: set[str]) -> str:
    base = SHEET_CHARS.sub("-", wanted).strip("' ")[:28] or "section"
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:25]} ({n})"
        n += 1
    taken.add(name.lower())
    return name


class Writer:
    """Builds the workbook and remembers where every question's answer cells are."""

    def __init__(self, document: ReportDocument, lang: str) -> None:
        self.document = document
        self.lang = lang
        self.book = Workbook()
        self.blocks: list[Block] = []
        self.answer_cells: dict[str, set[str]] = {}
        self.lists = self.book.create_sheet(LISTS)
        self.lists.sheet_state = "hidden"
        self._list_refs: dict[tuple[str, ...], str] = {}
        self._validations: dict[tuple[str, str, bool], DataValidation] = {}
        self.taken = {META, LISTS}
        self.yes_no = [_("Yes"), _("No")]
        self.progress = [str(label) for label in values.PROGRESS.values()]

    # Drop-down lists live in the hidden "lists" sheet, one column each.
    def list_ref(self, labels: list[str]) -> str:
        key = tuple(labels)
        if key not in self._list_refs:
            column = len(self._list_refs) + 1
            letter = get_column_letter(column)
            for row, label in enumerate(labels, start=1):
                self.lists.cell(row=row, column=column, value=label[:255])
            self._list_refs[key] = (
                f"{quote_sheetname(LISTS)}!${letter}$1:${letter}${max(len(labels), 1)}"
            )
        return self._list_refs[key]

    def validate(self, ws: Worksheet, cell: Cell, labels: list[str], strict: bool = True) -> None:
        ref = self.list_ref(labels)
        key = (ws.title, ref, strict)
        validation = self._validations.get(key)
        if validation is None:
            validation = DataValidation(
                type="list",
                formula1=ref,
                allow_blank=True,
                showErrorMessage=strict,
                errorStyle="stop" if strict else "information",
                error=_("Pick a value from the list."),
            )
            ws.add_data_validation(validation)
            self._validations[key] = validation
        validation.add(cell)

    def typed(self, ws: Worksheet, cell: Cell, kind: str) -> None:
        """A check on a number or date cell (one check per sheet and kind)."""
        if kind == "date":
            cell.number_format = "yyyy-mm-dd"
        if kind not in ("number", "date"):
            return
        key = (ws.title, kind, True)
        validation = self._validations.get(key)
        if validation is None:
            if kind == "number":
                validation = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="-1E+300",
                    formula2="1E+300",
                    allow_blank=True,
                    showErrorMessage=True,
                    error=_("Enter a number."),
                )
            else:
                validation = DataValidation(
                    type="date",
                    operator="greaterThan",
                    formula1="1",
                    allow_blank=True,
                    showErrorMessage=True,
                    error=_("Enter a date (YYYY-MM-DD)."),
                )
            ws.add_data_validation(validation)
            self._validations[key] = validation
        validation.add(cell)

    def answer_cell(self, ws: Worksheet, row: int, column: int, value: Any, wrap: bool) -> Cell:
        cell = ws.cell(row=row, column=column)
        if isinstance(value, str):
            value = value[:MAX_CELL]
        cell.value = value
        cell.protection = Protection(locked=False)
        cell.fill = ANSWER_FILL
        cell.alignment = Alignment(wrap_text=wrap, vertical="top")
        self.answer_cells.setdefault(ws.title, set()).add(cell.coordinate)
        return cell

    def scalar_cell(
        self,
        ws: Worksheet,
        row: int,
        column: int,
        kind: str,
        value: Any,
        options: Sequence[Mapping[str, Any]],
    ) -> None:
        """An answer cell for one value of a type, with its drop-down or check."""
        shown: Any = value
        if value is None or value == "":
            shown = None
        elif kind == "choice":
            shown = common.scalar("choice", value, options, self.lang)
        elif kind == "yes-no":
            shown = common.yes_no(value)
        elif kind == "date":
            try:
                shown = dt.date.fromisoformat(str(value))
            except ValueError:
                shown = str(value)
        elif kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
            shown = value
        cell = self.answer_cell(ws, row, column, shown, wrap=kind in ("text", "rich-text"))
        if kind == "choice":
            self.validate(ws, cell, _labels(options, self.lang))
        elif kind == "yes-no":
            self.validate(ws, cell, self.yes_no)
        else:
            self.typed(ws, cell, kind)

    def section_sheet(self, title: str) -> Worksheet:
        ws = self.book.create_sheet(_sheet_name(title, self.taken))
        ws.sheet_view.rightToLeft = common.is_rtl(self.lang)
        ws.column_dimensions[get_column_letter(KEY)].hidden = True
        for column, width in WIDTHS.items():
            ws.column_dimensions[get_column_letter(column)].width = width
        headings = {
            NUMBER: _("No."),
            QUESTION: _("Question"),
            ITEM: _("Item"),
            ANSWER: _("Answer"),
            HINT: _("What to enter"),
            HELP: _("Help"),
        }
        ws.cell(row=1, column=KEY, value="key")
        for column, text in headings.items():
            cell = ws.cell(row=1, column=column, value=text)
            cell.font = BOLD
            cell.fill = HEAD_FILL
        ws.freeze_panes = "A2"
        return ws

    def question(self, ws: Worksheet, row: int, question: QuestionView) -> int:
        """Write one question from ``row``; returns the next free row."""
        lang = self.lang
        ws.cell(row=row, column=KEY, value=question.key)
        ws.cell(row=row, column=NUMBER, value=question.number or None)
        title = ws.cell(row=row, column=QUESTION, value=question.label(lang)[:MAX_CELL])
        title.font = Font(bold=True, color=None if question.shown else "808080")
        title.alignment = Alignment(wrap_text=True, vertical="top")
        hint = ws.cell(row=row, column=HINT, value=self.hint(question))
        hint.font = GREY
        hint.alignment = Alignment(wrap_text=True, vertical="top")
        help_text = i18n.text(question.help, lang)
        if help_text:
            cell = ws.cell(row=row, column=HELP, value=help_text[:MAX_CELL])
            cell.font = GREY
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        block = Block(
            key=question.key,
            concept=question.concept,
            type=question.type,
            sheet=ws.title,
            first_row=row,
            last_row=row,
            fact_version=question.fact_version,
        )
        kind = question.type
        value = question.value
        if kind == "indicator-data":
            cell = ws.cell(row=row, column=ANSWER, value=_series_text(question))
            cell.font = GREY
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        elif kind == "multiple-choice":
            chosen = {str(v) for v in value} if isinstance(value, list) else set()
            block.answer = f"{get_column_letter(ANSWER)}{row + 1}"
            block.rows, block.columns = len(question.options), 1
            for n, option in enumerate(question.options, start=1):
                ws.cell(row=row + n, column=KEY, value=question.key)
                label = i18n.text(option.get("title") or {}, lang) or str(option.get("value"))
                item = ws.cell(row=row + n, column=ITEM, value=label)
                item.alignment = Alignment(wrap_text=True, vertical="top")
                cell = self.answer_cell(
                    ws,
                    row + n,
                    ANSWER,
                    self.yes_no[0] if str(option.get("value")) in chosen else None,
                    wrap=False,
                )
                self.validate(ws, cell, self.yes_no)
            block.last_row = row + len(question.options)
        elif kind in common.TABULAR:
            self.rows_block(ws, row, question, block)
        else:
            block.answer = f"{get_column_letter(ANSWER)}{row}"
            block.rows = block.columns = 1
            self.scalar_cell(ws, row, ANSWER, kind, value, question.options)
        self.blocks.append(block)
        return block.last_row + 2

    def rows_block(self, ws: Worksheet, row: int, question: QuestionView, block: Block) -> None:
        """A table, national targets or attachments: a heading row, then a row per item."""
        columns = _columns(question, self.lang)
        existing = [r for r in question.value or [] if isinstance(r, dict)]
        # National targets: a row for each target to report on, its code filled in.
        items: list[str] = []
        targets: list[str] = []
        if question.type == "national-targets":
            presented = target_progress.rows_for(self.document.country, question.value, self.lang)
            existing = [r.as_value() for r in presented]
            items = [f"{r.name} {r.title}".strip() for r in presented]
            targets = [r.target for r in presented]
            for n in range(len(columns)):
                if ANSWER + n not in WIDTHS:
                    ws.column_dimensions[get_column_letter(ANSWER + n)].width = 40
        count = len(existing) + SPARE_ROWS
        head = row + 1
        ws.cell(row=head, column=KEY, value=question.key)
        for n, column in enumerate(columns):
            cell = ws.cell(row=head, column=ANSWER + n, value=column["label"])
            cell.font = BOLD
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        block.answer = f"{get_column_letter(ANSWER)}{head + 1}"
        block.rows, block.columns = count, len(columns)
        for r in range(count):
            at = head + 1 + r
            ws.cell(row=at, column=KEY, value=question.key)
            if r < len(items):
                item = ws.cell(row=at, column=ITEM, value=items[r][:MAX_CELL])
                item.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                item = ws.cell(row=at, column=ITEM, value=r + 1)
                item.alignment = Alignment(horizontal="center")
            source = existing[r] if r < len(existing) else {}
            for n, column in enumerate(columns):
                kind = column["type"]
                stored = source.get(column["key"])
                if kind == "progress":
                    label = values.PROGRESS.get(str(stored)) if stored else None
                    cell = self.answer_cell(
                        ws, at, ANSWER + n, str(label) if label else None, False
                    )
                    self.validate(ws, cell, self.progress)
                elif column["key"] == "target" and question.type == "national-targets":
                    cell = self.answer_cell(ws, at, ANSWER + n, stored or None, False)
                    if targets:
                        self.validate(ws, cell, targets, strict=False)
                else:
                    self.scalar_cell(ws, at, ANSWER + n, kind, stored, column["options"])
        block.last_row = head + count

    def hint(self, question: QuestionView) -> str:
        kind = question.type
        hints = {
            "text": _("Text."),
            "rich-text": _("Text; Alt+Enter starts a new paragraph."),
            "number": _("A number."),
            "date": _("A date, YYYY-MM-DD."),
            "choice": _("Pick one from the list."),
            "yes-no": _("Yes or No."),
            "multiple-choice": _("Yes for each that applies."),
            "table": _("One row each; leave unused rows empty."),
            "national-targets": _(
                "One row per target: the code of a national target, or gbf/target/N for a "
                "GBF target without a national target; the level of progress; the main "
                "actions taken; a summary of progress and outcomes; key challenges and "
                "approaches; examples, with links. A row with only its code is left out."
            ),
            "attachments": _("One row per document: its name and its link (https://...)."),
            "indicator-data": _("From the country's indicator data; not entered here."),
        }
        parts = [hints.get(kind, "")]
        if kind == "number" and question.unit:
            parts.append(_("Unit: %(unit)s.") % {"unit": question.unit})
        if question.required:
            parts.insert(0, _("Required."))
        condition = self.condition(question)
        if condition:
            parts.append(condition)
        return " ".join(p for p in parts if p)

    def condition(self, question: QuestionView) -> str:
        """When a question is asked only for some answer to another: which."""
        for _section, item in _questions(self.document):
            if item["key"] != question.key:
                continue
            show_if = item.get("show_if") or {}
            other_key = str(show_if.get("question", ""))
            if not other_key:
                return ""
            try:
                other = self.document.question(other_key)
            except StopIteration:
                return ""
            wanted = [show_if["equals"]] if "equals" in show_if else list(show_if.get("in") or [])
            shown = [
                common.scalar(
                    other.type if other.type != "multiple-choice" else "choice",
                    w,
                    other.options,
                    self.lang,
                )
                for w in wanted
            ]
            return _("Asked only when the answer to %(number)s is: %(values)s.") % {
                "number": other.number or other.key,
                "values": " / ".join(shown),
            }
        return ""

    def about(self) -> None:
        ws = self.book.active
        assert ws is not None
        ws.title = _sheet_name(_("About"), self.taken)
        ws.sheet_view.rightToLeft = common.is_rtl(self.lang)
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 90
        document = self.document
        template = document.report.template
        ws.cell(row=1, column=1, value=template.label(self.lang)).font = Font(bold=True, size=14)
        row = 3
        facts_list = common.cover_facts(document, self.lang)
        for label, text in facts_list:
            ws.cell(row=row, column=1, value=label).font = BOLD
            ws.cell(row=row, column=2, value=text)
            row += 1
        if template.illustrative:
            row += 1
            ws.cell(row=row, column=1, value=common.illustrative_note()).font = BOLD
            row += 1
        row += 1
        for line in (
            _("Fill in the yellow cells; the other cells are locked."),
            _(
                "Do not add, remove, rename or move sheets, rows or columns: the import "
                "checks the workbook's structure and refuses a changed one."
            ),
            _(
                "Import the filled workbook on the report's page, or with: meadow reports "
                "import-offline %(country)s %(template)s FILE --user NAME"
            )
            % {"country": document.country, "template": template.code},
            _(
                "Answers someone changed on the website after this workbook was made are "
                "reported as conflicts and not overwritten: export again to start from them."
            ),
        ):
            cell = ws.cell(row=row, column=1, value=line)
            cell.alignment = Alignment(wrap_text=False)
            row += 1

    def meta(self) -> None:
        """The very hidden sheet that describes the workbook, signed."""
        document = self.document
        report = document.report
        template = report.template
        sheets = [ws.title for ws in self.book.worksheets]
        head: dict[str, Any] = {
            "format": FORMAT,
            "report": report.uid,
            "country": report.country.code,
            "template": f"{template.code}@{template.version}",
            "template_digest": template.digest,
            "language": self.lang,
            "exported_at": document.generated_at.isoformat(),
            "sheets": json.dumps(sheets, ensure_ascii=False),
        }
        questions = [asdict(block) for block in self.blocks]
        locked = _locked_cells(self.book, self.answer_cells)
        payload = {"head": head, "questions": questions, "cells": locked}
        ws = self.book.create_sheet(META)
        ws.sheet_state = "veryHidden"
        row = 1
        for name in HEAD_FIELDS:
            ws.cell(row=row, column=1, value=name)
            ws.cell(row=row, column=2, value=head[name])
            row += 1
        ws.cell(row=row, column=1, value="signature")
        ws.cell(row=row, column=2, value=_sign(payload))
        row += 2
        for n, name in enumerate(QUESTION_FIELDS, start=1):
            ws.cell(row=row, column=n, value=name)
        row += 1
        for item in questions:
            for n, name in enumerate(QUESTION_FIELDS, start=1):
                ws.cell(row=row, column=n, value=item[name])
            row += 1
        row += 1
        for n, name in enumerate(("sheet", "cell", "fingerprint"), start=1):
            ws.cell(row=row, column=n, value=name)
        row += 1
        for sheet, coordinate, print_ in locked:
            ws.cell(row=row, column=1, value=sheet)
            ws.cell(row=row, column=2, value=coordinate)
            ws.cell(row=row, column=3, value=print_)
            row += 1

    def protect(self) -> None:
        for ws in self.book.worksheets:
            if ws.title == META:
                continue
            ws.protection.sheet = True
            ws.protection.formatColumns = False
            ws.protection.formatRows = False
            ws.protection.selectLockedCells = False
            ws.protection.selectUnlockedCells = False
        self.book.security = WorkbookProtection(lockStructure=True)

    def fingerprints(self) -> None:
        for block in self.blocks:
            ws = self.book[block.sheet]
            block.fingerprint = _fingerprint([[ws[c].value for c in row] for row in block.cells()])

    def build(self) -> bytes:
        self.about()
        for section in self.document.sections:
            ws = self.section_sheet(section.number or section.key)
            ws.cell(row=2, column=QUESTION, value=section.label(self.lang)).font = Font(
                bold=True, size=13
            )
            row = 4
            for question in section.questions:
                row = self.question(ws, row, question)
        self.book.move_sheet(LISTS, offset=len(self.book.worksheets))
        self.fingerprints()
        self.protect()
        self.meta()
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def _questions(document: ReportDocument) -> Iterable[tuple[str, Mapping[str, Any]]]:
    from meadow.reports import rules

    return rules.questions(document.report.template.document)


def _labels(options: Sequence[Mapping[str, Any]], lang: str) -> list[str]:
    return [i18n.text(o.get("title") or {}, lang) or str(o.get("value")) for o in options]


def _columns(question: QuestionView, lang: str) -> list[dict[str, Any]]:
    """The columns of a tabular answer: key, type, label, options."""
    if question.type == "national-targets":
        texts = {
            "actions": _("Main actions taken"),
            "summary": _("Summary of progress and main outcomes"),
            "challenges": _("Key challenges and approaches"),
            "examples": _("Examples and cases (with links)"),
        }
        return [
            {"key": "target", "type": "text", "label": _("Target (code)"), "options": []},
            {"key": "progress", "type": "progress", "label": _("Progress"), "options": []},
            *(
                {"key": key, "type": "text", "label": label, "options": []}
                for key, label in texts.items()
            ),
        ]
    if question.type == "attachments":
        return [
            {"key": "name", "type": "text", "label": _("Document"), "options": []},
            {"key": "url", "type": "text", "label": _("Link"), "options": []},
        ]
    return [
        {
            "key": c["key"],
            "type": str(c.get("type") or "text"),
            "label": common.column_title(c, lang) + (f" ({c['unit']})" if c.get("unit") else ""),
            "options": list(c.get("options") or []),
        }
        for c in question.columns
    ]


def _series_text(question: QuestionView) -> str:
    drawn = [s for s in question.series if s.points]
    if not drawn:
        return _("No indicator data for this country.")
    parts = []
    for item in drawn:
        year, value = sorted(item.points)[-1]
        parts.append(
            _("%(label)s: %(value)s in %(year)s (%(count)s years)")
            % {
                "label": item.label,
                "value": common.scalar("number", value, [], ""),
                "year": year,
                "count": len(item.points),
            }
        )
    return "\n".join(parts)


def _locked_cells(book: Workbook, answers: Mapping[str, set[str]]) -> list[list[str]]:
    """[sheet, cell, fingerprint] of every non-empty cell that is not an answer cell."""
    out = []
    for ws in book.worksheets:
        if ws.title == META:
            continue
        mine = answers.get(ws.title, set())
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or cell.coordinate in mine:
                    continue
                out.append([ws.title, cell.coordinate, _hash(_raw(cell.value))])
    return out


def workbook_of(document: ReportDocument, lang: str) -> bytes:
    """The offline workbook of an assembled report (Meadow's labels active in ``lang``)."""
    return Writer(document, lang).build()


def workbook(report: Report, lang: str) -> bytes:
    """The report's offline workbook in ``lang`` (ar, en, es, fr, ru, zh)."""
    code = common.language(lang)
    with common.speaking(code):
        return workbook_of(documents.assemble(report), code)


# Reading ---------------------------------------------------------------------------------


@dataclass
class Meta:
    head: dict[str, Any]
    blocks: list[Block]
    cells: list[list[str]]
    signature: str


def _open(data: bytes, name: str) -> Workbook:
    if not data.startswith(ZIP_MAGIC):
        raise OfflineRejected([Problem(name, message=_("This is not an Excel workbook (.xlsx)."))])
    try:
        return load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise OfflineRejected(
            [
                Problem(
                    name,
                    message=_("This is not an Excel workbook (.xlsx) that can be read: %(error)s")
                    % {"error": exc},
                )
            ]
        ) from None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _meta(book: Workbook, name: str) -> Meta:
    def refuse(message: str, cell: str = "") -> OfflineRejected:
        return OfflineRejected([Problem(name, META if cell else "", cell, "", message)])

    if META not in book.sheetnames:
        raise refuse(
            _(
                "This is not a Meadow offline workbook: its hidden description (sheet "
                "%(sheet)s) is missing. Export the workbook from the report and fill that in."
            )
            % {"sheet": META}
        )
    ws = book[META]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head: dict[str, Any] = {}
    n = 0
    for wanted in (*HEAD_FIELDS, "signature"):
        if n >= len(rows) or _text(rows[n][0] if rows[n] else None) != wanted:
            raise refuse(
                _("The workbook's hidden description was changed: %(field)s is missing.")
                % {"field": wanted},
                f"A{n + 1}",
            )
        head[wanted] = _text(rows[n][1] if len(rows[n]) > 1 else None)
        n += 1
    signature = head.pop("signature")
    n += 1

    def table(fields: tuple[str, ...]) -> list[list[Any]]:
        nonlocal n
        header = [_text(v) for v in (rows[n] if n < len(rows) else [])][: len(fields)]
        if tuple(header) != fields:
            raise refuse(
                _("The workbook's hidden description was changed: row %(row)s.") % {"row": n + 1},
                f"A{n + 1}",
            )
        n += 1
        out = []
        while n < len(rows) and any(v is not None for v in rows[n]):
            out.append(list(rows[n][: len(fields)]) + [None] * (len(fields) - len(rows[n])))
            n += 1
        n += 1
        return out

    blocks = []
    for item in table(QUESTION_FIELDS):
        record = dict(zip(QUESTION_FIELDS, item, strict=True))
        try:
            blocks.append(
                Block(
                    key=_text(record["key"]),
                    concept=_text(record["concept"]),
                    type=_text(record["type"]),
                    sheet=_text(record["sheet"]),
                    first_row=int(record["first_row"]),
                    last_row=int(record["last_row"]),
                    answer=_text(record["answer"]),
                    rows=int(record["rows"]),
                    columns=int(record["columns"]),
                    fact_version=int(record["fact_version"]),
                    fingerprint=_text(record["fingerprint"]),
                )
            )
        except (TypeError, ValueError):
            raise refuse(
                _("The workbook's hidden description was changed: question %(key)s.")
                % {"key": record["key"]},
                f"A{n}",
            ) from None
    cells = [[_text(v) for v in item] for item in table(("sheet", "cell", "fingerprint"))]
    meta = Meta(head=head, blocks=blocks, cells=cells, signature=signature)
    payload = {
        "head": head,
        "questions": [asdict(b) for b in blocks],
        "cells": cells,
    }
    try:
        expected = signing.Signer(salt=SALT).unsign(signature)
    except signing.BadSignature:
        expected = ""
    actual = hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()
    if not expected or expected != actual:
        raise refuse(
            _(
                "The workbook's hidden description was changed, or the workbook was made by "
                "another Meadow server: export it again from the report."
            ),
            "B9",
        )
    return meta


def _match(meta: Meta, report: Report, name: str) -> None:
    head = meta.head
    template = report.template
    problems = []
    if head["format"] != FORMAT:
        problems.append(
            Problem(name, META, "B1", "", _("Unknown workbook format %(format)s.") % head)
        )
    if head["report"] != report.uid:
        problems.append(
            Problem(
                name,
                META,
                "B2",
                "",
                _("This workbook is for %(theirs)s, not for %(ours)s.")
                % {"theirs": head["report"], "ours": report.uid},
            )
        )
    wanted = f"{template.code}@{template.version}"
    if head["template"] != wanted or head["template_digest"] != template.digest:
        problems.append(
            Problem(
                name,
                META,
                "B4",
                "",
                _(
                    "This workbook was made from the template %(theirs)s, the report uses "
                    "%(ours)s: export the workbook again."
                )
                % {"theirs": head["template"], "ours": wanted},
            )
        )
    if problems:
        raise OfflineRejected(problems)


def _structure(book: Workbook, meta: Meta, report: Report, name: str) -> list[Problem]:
    """Sheets, question keys and every locked cell as exported."""
    problems: list[Problem] = []
    try:
        sheets = [str(s) for s in json.loads(meta.head["sheets"])]
    except (TypeError, ValueError):
        sheets = []
    for sheet in sheets:
        if sheet not in book.sheetnames:
            problems.append(
                Problem(name, sheet, "", "", _("The sheet is missing: it was removed or renamed."))
            )
    for sheet in book.sheetnames:
        if sheet not in sheets and sheet != META:
            problems.append(
                Problem(name, sheet, "", "", _("This sheet was added: it is not part of the form."))
            )
    if problems:
        return problems
    keys = set(report.template.questions.values_list("key", flat=True))
    answers: dict[str, set[str]] = {}
    flagged: set[tuple[str, str]] = set()
    for block in meta.blocks:
        if block.key not in keys:
            problems.append(
                Problem(
                    name,
                    block.sheet,
                    "",
                    block.key,
                    _("The template has no question %(key)s.") % {"key": block.key},
                )
            )
            continue
        ws = book[block.sheet]
        for row in range(block.first_row, block.last_row + 1):
            found = _text(ws.cell(row=row, column=KEY).value)
            if found != block.key:
                problems.append(
                    Problem(
                        name,
                        block.sheet,
                        f"{get_column_letter(KEY)}{row}",
                        block.key,
                        _(
                            "Question %(key)s was moved or renamed (this row now holds "
                            "%(found)s): rows must stay where they are."
                        )
                        % {"key": block.key, "found": found or "-"},
                    )
                )
                flagged.add((block.sheet, f"{get_column_letter(KEY)}{row}"))
                break
        for row_cells in block.cells():
            answers.setdefault(block.sheet, set()).update(row_cells)
    expected = {(sheet, cell): print_ for sheet, cell, print_ in meta.cells}
    for ws in book.worksheets:
        if ws.title == META:
            continue
        mine = answers.get(ws.title, set())
        seen: set[str] = set()
        for row in ws.iter_rows():
            for cell in row:
                if cell.coordinate in mine:
                    continue
                if cell.value is None:
                    continue
                seen.add(cell.coordinate)
                if (ws.title, cell.coordinate) in flagged:
                    continue
                print_ = expected.get((ws.title, cell.coordinate))
                if print_ is None:
                    problems.append(
                        Problem(
                            name,
                            ws.title,
                            cell.coordinate,
                            "",
                            _(
                                "A value in a locked or hidden cell: only the yellow answer "
                                "cells may be filled in."
                            ),
                        )
                    )
                elif print_ != _hash(_raw(cell.value)):
                    problems.append(
                        Problem(
                            name,
                            ws.title,
                            cell.coordinate,
                            "",
                            _("This locked cell was changed: only the yellow answer cells may be."),
                        )
                    )
        for sheet, coordinate, _print in meta.cells:
            if sheet == ws.title and coordinate not in seen and (sheet, coordinate) not in flagged:
                problems.append(
                    Problem(
                        name,
                        ws.title,
                        coordinate,
                        "",
                        _("This locked cell was emptied: only the yellow answer cells may be."),
                    )
                )
    return problems


class CellError(Exception):
    pass


class Reader:
    """Turns the answer cells of one question back into a value its concept accepts."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        with common.speaking(lang):
            self.yes = {_("Yes").casefold(), "yes", "true", "1"}
            self.no = {_("No").casefold(), "no", "false", "0"}
            self.progress = {str(label).casefold(): key for key, label in values.PROGRESS.items()}
        self.progress.update({key: key for key in values.PROGRESS})

    def yes_no(self, raw: Any) -> bool | None:
        if raw is None or _raw(raw) == "":
            return None
        if isinstance(raw, bool):
            return raw
        text = _raw(raw).casefold()
        if text in self.yes:
            return True
        if text in self.no:
            return False
        raise CellError(_("%(value)r is not Yes or No.") % {"value": _raw(raw)})

    def choice(self, raw: Any, options: Sequence[Mapping[str, Any]]) -> str | None:
        text = _raw(raw)
        if not text:
            return None
        labels: dict[str, list[str]] = {}
        for option in options:
            value = str(option.get("value"))
            label = i18n.text(option.get("title") or {}, self.lang) or value
            labels.setdefault(label.casefold(), []).append(value)
        found = labels.get(text.casefold())
        if found and len(found) == 1:
            return found[0]
        for option in options:
            if str(option.get("value")).casefold() == text.casefold():
                return str(option.get("value"))
        raise CellError(
            _("%(value)r is not one of the choices: %(choices)s.")
            % {"value": text, "choices": "; ".join(_labels(list(options), self.lang))}
        )

    def scalar(self, kind: str, raw: Any, options: Sequence[Mapping[str, Any]]) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if kind in ("text", "rich-text"):
            return _raw(raw)
        if kind == "number":
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                return raw
            text = _raw(raw).replace(" ", "").replace("\u00a0", "")
            if "," in text and "." not in text:
                text = text.replace(",", ".")
            try:
                number = float(text)
            except ValueError:
                raise CellError(_("%(value)r is not a number.") % {"value": _raw(raw)}) from None
            return int(number) if number.is_integer() and "." not in text else number
        if kind == "date":
            if isinstance(raw, dt.datetime):
                return raw.date().isoformat()
            if isinstance(raw, dt.date):
                return raw.isoformat()
            try:
                return dt.date.fromisoformat(_raw(raw)).isoformat()
            except ValueError:
                raise CellError(
                    _("%(value)r is not a date (YYYY-MM-DD).") % {"value": _raw(raw)}
                ) from None
        if kind == "choice":
            return self.choice(raw, options)
        if kind == "yes-no":
            return self.yes_no(raw)
        return _raw(raw)


def _field(question: QuestionView | None, block: Block, column: str = "") -> str:
    number = question.number if question is not None and question.number else block.key
    where = _("Question %(number)s (%(key)s)") % {"number": number, "key": block.key}
    return f"{where}, {column}" if column else where


def _read_block(
    reader: Reader,
    ws: Worksheet,
    block: Block,
    concept: Concept,
    question: QuestionView,
    name: str,
    problems: list[Problem],
    offered: set[str] | None = None,
) -> Any:
    """The value the block's cells hold (problems added for cells that hold none).

    ``offered``: for national targets, the targets a row may name.
    """
    grid = block.cells()
    lang = reader.lang
    before = len(problems)

    def bad(coordinate: str, column: str, error: Exception) -> None:
        problems.append(
            Problem(name, block.sheet, coordinate, _field(question, block, column), str(error))
        )

    for row in grid:
        for coordinate in row:
            if ws[coordinate].data_type == "f":
                bad(coordinate, "", CellError(_("A formula: type the value instead.")))
    if len(problems) > before:
        return None
    kind = block.type
    if kind == "multiple-choice":
        chosen = []
        for option, row in zip(concept.options, grid, strict=False):
            try:
                if reader.yes_no(ws[row[0]].value):
                    chosen.append(str(option.get("value")))
            except CellError as exc:
                label = i18n.text(option.get("title") or {}, lang) or str(option.get("value"))
                bad(row[0], label, exc)
        return chosen or None
    if kind in common.TABULAR:
        with common.speaking(lang):
            columns = _columns(question, lang)
        rows = []
        seen: set[str] = set()
        for row in grid:
            item: dict[str, Any] = {}
            for column, coordinate in zip(columns, row, strict=True):
                raw = ws[coordinate].value
                try:
                    if column["type"] == "progress":
                        text = _raw(raw).casefold()
                        if text and text not in reader.progress:
                            raise CellError(
                                _("%(value)r is not one of: %(choices)s.")
                                % {
                                    "value": _raw(raw),
                                    "choices": "; ".join(str(v) for v in values.PROGRESS.values()),
                                }
                            )
                        item[column["key"]] = reader.progress.get(text) if text else None
                    else:
                        item[column["key"]] = reader.scalar(column["type"], raw, column["options"])
                except CellError as exc:
                    bad(coordinate, column["label"], exc)
            if not any(v not in (None, "") for v in item.values()):
                continue
            if kind == "national-targets":
                item = target_progress.normal(item)
                item["target"] = item["target"].strip()
                code = item["target"]
                if code and not target_progress.filled(item):
                    # A target offered with nothing reported on it.
                    continue
                if not code:
                    bad(row[0], columns[0]["label"], CellError(_("The target's code is missing.")))
                elif code in seen:
                    bad(
                        row[0],
                        columns[0]["label"],
                        CellError(_("%(code)s is given twice.") % {"code": code}),
                    )
                elif offered is not None and code not in offered:
                    bad(
                        row[0],
                        columns[0]["label"],
                        CellError(
                            _(
                                "%(code)s is not one of the country's published national "
                                "targets, nor a GBF target to report on directly."
                            )
                            % {"code": code}
                        ),
                    )
                seen.add(code)
            elif kind == "attachments":
                item = {"name": item.get("name") or "", "url": str(item.get("url") or "")}
                if not item["url"].startswith(("https://", "http://")):
                    bad(
                        row[1],
                        columns[1]["label"],
                        CellError(_("A link starts with https:// or http://.")),
                    )
            rows.append(item)
        return rows or None
    coordinate = grid[0][0]
    try:
        return reader.scalar(kind, ws[coordinate].value, concept.options)
    except CellError as exc:
        bad(coordinate, "", exc)
        return None


def _messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def import_workbook(
    *,
    actor: Actor,
    report: Report,
    data: bytes,
    name: str,
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
) -> ImportResult:
    """Save every answer changed in a filled offline workbook, all or nothing.

    Raises ``OfflineRejected`` with every problem (nothing is saved), PermissionDenied
    when the actor may not change the country's answers.
    """
    country = report.country.code
    policies.check("facts.edit", actor, country=country)
    book = _open(data, name)
    meta = _meta(book, name)
    _match(meta, report, name)
    lang = common.language(str(meta.head.get("language") or "en"))
    state = workflow.state(report)
    if state not in editing.EDITABLE:
        with common.speaking(lang):
            label = common.state_label(state)
        raise OfflineRejected(
            [
                Problem(
                    name,
                    message=_(
                        "The report is %(state)s: its answers cannot be changed. It must be "
                        "sent back to draft first."
                    )
                    % {"state": label},
                )
            ]
        )
    problems = _structure(book, meta, report, name)
    if problems:
        raise OfflineRejected(problems)
    document = documents.assemble(report)
    views = {q.key: q for q in document.questions()}
    concepts = {q.key: q.concept for q in report.template.questions.select_related("concept").all()}
    reader = Reader(lang)
    changed: dict[str, tuple[Any, Block]] = {}
    unchanged = 0
    for block in meta.blocks:
        if not block.answer:
            continue
        ws = book[block.sheet]
        contents = [[ws[c].value for c in row] for row in block.cells()]
        if _fingerprint(contents) == block.fingerprint:
            unchanged += 1
            continue
        concept = concepts[block.key]
        question = views[block.key]
        before = len(problems)
        offered = None
        if block.type == "national-targets":
            presented = target_progress.rows_for(country, question.value, lang)
            offered = {r.target for r in presented}
        value = _read_block(reader, ws, block, concept, question, name, problems, offered)
        if len(problems) > before:
            continue
        try:
            cleaned = values.clean(concept, value)
        except ValidationError as exc:
            first = block.cells()[0][0] if block.cells() else ""
            problems.append(
                Problem(name, block.sheet, first, _field(question, block), _messages(exc))
            )
            continue
        changed[block.key] = (cleaned, block)
    # Two questions of the template may ask for the same fact: one answer for both.
    by_concept: dict[str, str] = {}
    for key, (value, block) in list(changed.items()):
        other = by_concept.get(block.concept)
        if other is None:
            by_concept[block.concept] = key
            continue
        if changed[other][0] != value:
            problems.append(
                Problem(
                    name,
                    block.sheet,
                    block.answer,
                    _field(views.get(key), block),
                    _(
                        "This question asks for the same fact as question %(other)s, with "
                        "another answer: give them the same answer."
                    )
                    % {"other": views[other].number or other},
                )
            )
        del changed[key]
    if problems:
        raise OfflineRejected(problems)
    result = ImportResult(file=name, report=report.uid, unchanged=unchanged)
    items: Iterable[Any] = list(changed.items())
    if progress is not None:
        items = progress(items)
    with transaction.atomic():
        for key, (value, block) in items:
            try:
                with transaction.atomic():
                    fact = editing.save_answer(
                        actor=actor,
                        country=country,
                        report=report,
                        question=key,
                        value=value,
                        expected_version=block.fact_version,
                    )
            except facts.Conflict as exc:
                theirs = exc.theirs
                problems.append(
                    Problem(
                        name,
                        block.sheet,
                        block.answer,
                        _field(views.get(key), block),
                        _(
                            "Changed by %(actor)s (version %(version)s, %(at)s) since the "
                            "workbook was exported (version %(exported)s): nothing was saved. "
                            "Export the workbook again, or settle it on the report's page."
                        )
                        % {
                            "actor": theirs.actor or "-",
                            "version": theirs.version,
                            "at": theirs.at[:16].replace("T", " ") or "-",
                            "exported": block.fact_version,
                        },
                    )
                )
                continue
            except (ValidationError, PermissionDenied) as exc:
                message = _messages(exc) if isinstance(exc, ValidationError) else str(exc)
                problems.append(
                    Problem(name, block.sheet, block.answer, _field(views.get(key), block), message)
                )
                continue
            result.changed.append(key)
            result.versions[fact.concept.uid] = fact.version
        if problems:
            raise OfflineRejected(problems)
        audit.record(
            actor=actor,
            action="report.import-offline",
            object_type="report",
            object_uid=report.uid,
            after={"file": name, "changed": result.changed, "at": timezone.now().isoformat()},
            country=country,
        )
    return result
