"""Forms of the report pages: a section's questions, assignments and the offline workbook.

``QuestionForm`` is one question of a section with the widget its concept's type asks
for (a text box, a text area, a number with its unit, a date, radio buttons, check
boxes, a table editor with a few empty rows, a block per national target and per GBF
target without one, links).
It renders from the answer (or, after a post, from what was posted) and ``read``
turns what was posted back into a value its concept accepts, with a message naming
the row and column when it cannot.

Each question carries the version of the fact it was shown with (``v-<key>``): a
question whose version is not posted (a question not shown, rendered disabled) is not
read at all, and saving a changed answer names that version, so a save made from an
older version is refused with both values instead of overwriting someone's answer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meadow.core import i18n
from meadow.reports import facts, target_progress, values
from meadow.reports.document import QuestionView
from meadow.reports.models import Concept, ConceptType

# Empty rows offered under a table, a list of national targets or of links.
EXTRA_ROWS = 3
# The most rows read back from one posted table (more is not a form a person filled).
MAX_ROWS = 500
MAX_WORKBOOK_BYTES = 20 * 2**20

YES, NO = "yes", "no"

# The widget each type of concept is answered with.
WIDGETS: dict[str, str] = {
    ConceptType.TEXT: "text",
    ConceptType.RICH_TEXT: "textarea",
    ConceptType.NUMBER: "number",
    ConceptType.DATE: "date",
    ConceptType.CHOICE: "radio",
    ConceptType.YES_NO: "radio",
    ConceptType.MULTIPLE_CHOICE: "checkboxes",
    ConceptType.TABLE: "table",
    ConceptType.NATIONAL_TARGETS: "national-targets",
    ConceptType.ATTACHMENTS: "attachments",
    ConceptType.INDICATOR_DATA: "indicator-data",
}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    selected: bool
    id: str


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str
    options: tuple[tuple[str, str], ...] = ()


@dataclass
class Cell:
    name: str
    id: str
    type: str  # text, number, date, yes-no, choice, textarea
    label: str  # what a screen reader announces: "Row 2: Year"
    value: str
    choices: list[Choice] = field(default_factory=list)


@dataclass
class Row:
    index: int
    cells: list[Cell]
    # National targets: the target's code (posted back in a hidden field) and title,
    # how a reader names it, national or GBF (``target_progress``), the GBF targets a
    # national target is aligned with, and whether it is one the form offers.
    target: str = ""
    heading: str = ""
    url: str = ""
    name: str = ""
    kind: str = ""
    links: str = ""
    known: bool = True


@dataclass(frozen=True)
class TargetOption:
    """One of the country's published national targets, offered in the targets table."""

    code: str
    title: str
    url: str


def number_text(value: Any) -> str:
    """A stored number as a form shows it: 12.5, 30 (not 30.0)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_number(raw: str, where: str) -> float:
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValidationError(
            _("%(where)s: “%(value)s” is not a number; write it like 12.5.")
            % {"where": where, "value": raw}
        ) from None
    if not math.isfinite(number):
        raise ValidationError(_("%(where)s: the number must be finite.") % {"where": where})
    return number


def _normal(value: Any) -> Any:
    """A value as compared for "did it change": no answer is None, empty cells dropped."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return [
            {k: v for k, v in item.items() if v not in (None, "")}
            if isinstance(item, dict)
            else item
            for item in value
        ]
    return value


def same(first: Any, second: Any) -> bool:
    return bool(_normal(first) == _normal(second))


class QuestionForm:
    """One question of a section, as a widget and as what was posted for it."""

    def __init__(
        self,
        view: QuestionView,
        *,
        editable: bool,
        data: QueryDict | None = None,
        targets: list[TargetOption] | None = None,
        note: str = "",
    ) -> None:
        self.view = view
        self.key = view.key
        self.name = f"q-{view.key}"
        self.id = f"q-{view.key}"
        self.widget = WIDGETS.get(view.type, "text")
        # Indicator data come from the country's series: never typed in.
        self.editable = editable and self.widget != "indicator-data"
        self.data = data if data is not None and self.posted_in(data) else None
        self.targets = targets or []
        self.note = note
        self.version = view.fact_version
        self.errors: list[str] = []
        self.conflict: facts.Conflict | None = None
        self.saved = False

    # What was posted -----------------------------------------------------------------

    @property
    def version_name(self) -> str:
        return f"v-{self.key}"

    @property
    def keep_name(self) -> str:
        return f"keep-{self.key}"

    def posted_in(self, data: QueryDict) -> bool:
        """Whether the question was part of the posted form (disabled ones are not)."""
        return self.version_name in data

    def posted_version(self) -> int | None:
        raw = self.data.get(self.version_name, "") if self.data is not None else ""
        return int(raw) if raw.isdigit() else None

    def keeps_theirs(self) -> bool:
        return self.data is not None and self.data.get(self.keep_name) == "theirs"

    @property
    def bound(self) -> bool:
        return self.data is not None

    def _get(self, name: str) -> str:
        return str(self.data.get(name, "")) if self.data is not None else ""

    # Rendering -----------------------------------------------------------------------

    @property
    def hidden(self) -> bool:
        """A question the template's conditions do not show for these answers."""
        return not self.view.shown

    @property
    def described_by(self) -> str:
        ids = []
        if self.view.help:
            ids.append(f"{self.id}-help")
        if self.errors:
            ids.append(f"{self.id}-errors")
        if self.hidden:
            ids.append(f"{self.id}-note")
        return " ".join(ids)

    @property
    def text(self) -> str:
        """The value of a text, number or date input."""
        if self.bound:
            return self._get(self.name)
        value = self.view.value
        if value is None:
            return ""
        if self.widget == "number":
            return number_text(value)
        return str(value)

    def _option_pairs(self) -> list[tuple[str, str]]:
        if self.view.type == ConceptType.YES_NO:
            return [(YES, _("Yes")), (NO, _("No"))]
        lang = i18n.current()
        return [
            (str(o.get("value")), i18n.text(o.get("title") or {}, lang) or str(o.get("value")))
            for o in self.view.options
        ]

    @property
    def choices(self) -> list[Choice]:
        """Radio buttons or check boxes, with the answer (or what was posted) selected."""
        if self.bound:
            chosen = {str(v) for v in self.data.getlist(self.name)} if self.data else set()
        else:
            value = self.view.value
            if self.view.type == ConceptType.YES_NO:
                chosen = {YES} if value is True else {NO} if value is False else set()
            elif isinstance(value, list):
                chosen = {str(v) for v in value}
            else:
                chosen = set() if value is None else {str(value)}
        out = [
            Choice(value, label, value in chosen, f"{self.id}-{n}")
            for n, (value, label) in enumerate(self._option_pairs())
        ]
        if self.widget == "radio":
            out.append(Choice("", _("No answer"), not chosen, f"{self.id}-none"))
        return out

    @property
    def columns(self) -> list[Column]:
        lang = i18n.current()
        if self.widget == "attachments":
            return [Column("name", _("Name"), "text"), Column("url", _("Link (https://…)"), "url")]
        return [
            Column(
                key=str(c["key"]),
                label=i18n.text(c.get("title") or {}, lang) or str(c["key"]),
                type=str(c.get("type") or "text"),
                options=tuple(
                    (str(o.get("value")), i18n.text(o.get("title") or {}, lang) or str(o["value"]))
                    for o in c.get("options") or []
                ),
            )
            for c in self.view.columns
        ]

    def _cell(self, row: int, column: Column, stored: Any) -> Cell:
        name = f"{self.name}-{row}-{column.key}"
        if self.bound:
            text = self._get(name)
        elif column.type == "yes-no":
            text = YES if stored is True else NO if stored is False else ""
        elif column.type == "number":
            text = number_text(stored)
        else:
            text = "" if stored is None else str(stored)
        choices: list[Choice] = []
        if column.type == "yes-no":
            pairs: tuple[tuple[str, str], ...] = ((YES, _("Yes")), (NO, _("No")))
        else:
            pairs = column.options
        if column.type in ("yes-no", "choice"):
            choices = [Choice("", "", text == "", "")] + [
                Choice(value, label, text == value, "") for value, label in pairs
            ]
        return Cell(
            name=name,
            id=f"{self.id}-{row}-{column.key}",
            type=column.type,
            label=_("Row %(row)s: %(column)s") % {"row": row + 1, "column": column.label},
            value=text,
            choices=choices,
        )

    @property
    def rows_name(self) -> str:
        return f"{self.name}-rows"

    def _posted_rows(self) -> int:
        raw = self._get(self.rows_name)
        return min(int(raw), MAX_ROWS) if raw.isdigit() else 0

    @property
    def rows(self) -> list[Row]:
        """A table's or the links' rows: the answer's, then a few empty ones."""
        columns = self.columns
        if self.bound:
            count = self._posted_rows()
            stored: list[dict[str, Any]] = [{} for _ in range(count)]
        else:
            value = self.view.value if isinstance(self.view.value, list) else []
            stored = [r for r in value if isinstance(r, dict)] + [{} for _ in range(EXTRA_ROWS)]
        return [
            Row(index=n, cells=[self._cell(n, c, row.get(c.key)) for c in columns])
            for n, row in enumerate(stored)
        ]

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def _known_targets(self) -> list[target_progress.Row]:
        """The rows the form offers: the country's national targets, then GBF targets."""
        lang = i18n.current()
        links = target_progress.links_by_target(self.view.by_gbf)
        national = [
            target_progress.National(t.code, t.title, t.url, links.get(t.code, ()))
            for t in self.targets
        ]
        return target_progress.rows_from(national, self.view.by_gbf, self.view.value, lang)

    @property
    def target_rows(self) -> list[Row]:
        """One block per national target (published ones first, then any other already
        answered), then one per GBF target without a national target."""
        known = self._known_targets()
        if self.bound:
            by_target = {r.target: r for r in known}
            posted = [self._get(f"{self.name}-{n}-target") for n in range(self._posted_rows())]
            known = [
                by_target.get(code)
                or target_progress.Row(
                    target=code,
                    kind=(
                        target_progress.GLOBAL
                        if target_progress.is_global(code)
                        else target_progress.NATIONAL
                    ),
                    known=False,
                )
                for code in posted
                if code
            ]
        choices = [("", "")] + [(k, str(v)) for k, v in values.PROGRESS.items()]
        texts = {
            "actions": _("Main actions taken to implement the target"),
            "summary": _("Summary of progress towards the target, including the main outcomes"),
            "challenges": _("Key challenges and approaches that may be taken"),
            "examples": _("Examples or cases of the actions’ effectiveness, with links"),
        }
        rows = []
        for n, item in enumerate(known):
            name = item.name
            progress_name = f"{self.name}-{n}-progress"
            progress = self._get(progress_name) if self.bound else str(item.progress or "")
            cells = [
                Cell(
                    name=progress_name,
                    id=f"{self.id}-{n}-progress",
                    type="choice",
                    label=_("Current level of progress"),
                    value=progress,
                    choices=[Choice(v, label, progress == v, "") for v, label in choices],
                )
            ]
            for key, label in texts.items():
                field_name = f"{self.name}-{n}-{key}"
                cells.append(
                    Cell(
                        name=field_name,
                        id=f"{self.id}-{n}-{key}",
                        type="textarea",
                        label=label,
                        value=self._get(field_name) if self.bound else str(getattr(item, key)),
                    )
                )
            rows.append(
                Row(
                    index=n,
                    target=item.target,
                    heading=item.title,
                    url=item.url,
                    cells=cells,
                    name=name,
                    kind=item.kind,
                    links=item.links_text(),
                    known=item.known,
                )
            )
        return rows

    @property
    def national_target_rows(self) -> list[Row]:
        return [r for r in self.target_rows if r.kind != target_progress.GLOBAL]

    @property
    def global_target_rows(self) -> list[Row]:
        return [r for r in self.target_rows if r.kind == target_progress.GLOBAL]

    # Reading what was posted ---------------------------------------------------------

    def read(self, concept: Concept) -> Any:
        """The posted answer as its concept stores it (None: no answer).

        Raises ValidationError with a message naming the row and column of a table.
        """
        if self.data is None:
            raise ValueError(f"{self.key} was not posted")
        raw = self._read_raw()
        try:
            return values.clean(concept, raw)
        except ValidationError as error:
            raise ValidationError(_message(error, concept.uid)) from None

    def _read_raw(self) -> Any:
        widget = self.widget
        if widget in ("text", "textarea"):
            text = self._get(self.name).replace("\r\n", "\n")
            return text if text.strip() else None
        if widget == "number":
            text = self._get(self.name)
            return _parse_number(text, _("The answer")) if text.strip() else None
        if widget == "date":
            text = self._get(self.name).strip()
            return text or None
        if widget == "radio":
            text = self._get(self.name)
            if self.view.type == ConceptType.YES_NO:
                return True if text == YES else False if text == NO else None
            return text or None
        if widget == "checkboxes":
            chosen = [str(v) for v in self.data.getlist(self.name)] if self.data else []
            return chosen or None
        if widget == "table":
            return self._read_table() or None
        if widget == "attachments":
            return self._read_links() or None
        if widget == "national-targets":
            return self._read_targets() or None
        raise ValidationError(_("This answer cannot be typed in."))

    def _read_table(self) -> list[dict[str, Any]]:
        columns = self.columns
        rows = []
        for n in range(self._posted_rows()):
            cells = {c.key: self._get(f"{self.name}-{n}-{c.key}").strip() for c in columns}
            if not any(cells.values()):
                continue
            row: dict[str, Any] = {}
            for column in columns:
                text = cells[column.key]
                where = _("Row %(row)s, %(column)s") % {"row": n + 1, "column": column.label}
                if not text:
                    row[column.key] = None
                elif column.type == "number":
                    row[column.key] = _parse_number(text, where)
                elif column.type == "yes-no":
                    row[column.key] = text == YES
                elif column.type == "date":
                    try:
                        dt.date.fromisoformat(text)
                    except ValueError:
                        raise ValidationError(
                            _("%(where)s: “%(value)s” is not a date (YYYY-MM-DD).")
                            % {"where": where, "value": text}
                        ) from None
                    row[column.key] = text
                elif column.type == "choice" and text not in {v for v, _l in column.options}:
                    raise ValidationError(
                        _("%(where)s: “%(value)s” is not one of the choices.")
                        % {"where": where, "value": text}
                    )
                else:
                    row[column.key] = text
            rows.append(row)
        return rows

    def _read_links(self) -> list[dict[str, Any]]:
        rows = []
        for n in range(self._posted_rows()):
            name = self._get(f"{self.name}-{n}-name").strip()
            url = self._get(f"{self.name}-{n}-url").strip()
            if not name and not url:
                continue
            if not url.startswith(("https://", "http://")):
                raise ValidationError(
                    _("Row %(row)s: a link starts with https:// or http://.") % {"row": n + 1}
                )
            rows.append({"name": name or url, "url": url})
        return rows

    def _read_targets(self) -> list[dict[str, Any]]:
        offered = {r.target for r in self._known_targets()}
        rows = []
        for n in range(self._posted_rows()):
            code = self._get(f"{self.name}-{n}-target").strip()
            progress = self._get(f"{self.name}-{n}-progress").strip()
            texts = {
                key: self._get(f"{self.name}-{n}-{key}").replace("\r\n", "\n").strip()
                for key in target_progress.TEXTS
            }
            if not code or (not progress and not any(texts.values())):
                continue
            if code not in offered:
                raise ValidationError(
                    _(
                        "Row %(row)s: %(target)s is not one of the country's published national "
                        "targets, nor a GBF target to report on directly."
                    )
                    % {"row": n + 1, "target": code}
                )
            rows.append({"target": code, "progress": progress or None, **texts})
        return rows


def _message(error: ValidationError, uid: str) -> str:
    """The error's words without the concept's identifier in front (the field says it)."""
    text = " ".join(str(m) for m in error.messages)
    prefix = f"{uid}: "
    text = text.replace(prefix, "")
    return text.replace(f"{uid}, ", "")


def seen_value(country: str, concept: str, version: int) -> Any:
    """The fact's value at a version (None for version 0 or an unknown one)."""
    if version <= 0:
        return None
    found = [v for v in facts.history(country, concept) if v.version == version]
    return found[0].value if found else None


class AssignForm(forms.Form):
    """Give a section of the report to a member of the team (or take it back)."""

    section = forms.ChoiceField(label=gettext_lazy("Section"))
    username = forms.ChoiceField(label=gettext_lazy("Member of the team"))

    def __init__(
        self,
        *args: Any,
        sections: list[tuple[str, str]],
        people: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        section_field = self.fields["section"]
        people_field = self.fields["username"]
        assert isinstance(section_field, forms.ChoiceField)
        assert isinstance(people_field, forms.ChoiceField)
        section_field.choices = sections
        people_field.choices = people


class OfflineForm(forms.Form):
    """A filled offline workbook to import into the report."""

    file = forms.FileField(
        label=gettext_lazy("Filled workbook (.xlsx)"),
        help_text=gettext_lazy(
            "The workbook downloaded from this page, with the answers filled in. It is "
            "checked whole before anything is saved."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = str(upload.name or "")
        if not name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the workbook as an .xlsx file."))
        if upload.size > MAX_WORKBOOK_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_WORKBOOK_BYTES // 2**20}
            )
        return upload


def option_label(options: list[Mapping[str, Any]], value: Any, lang: str | None = None) -> str:
    for option in options:
        if str(option.get("value")) == str(value):
            return i18n.text(option.get("title") or {}, lang) or str(value)
    return str(value)
