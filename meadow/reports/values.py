"""Checking a value against its concept's type, before it becomes a fact.

Values are stored as JSON: text and rich text as strings, numbers as numbers, dates as
ISO strings, a choice as its option value, a multiple choice as a list of option
values, yes/no as a boolean, a table as a list of rows (objects keyed by the columns),
national targets as a list of national target codes, attachments as a list of
``{name, url}``. ``None`` clears a fact. Indicator data are not typed in: they are the
country's series for the indicator.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from meadow.reports.models import Concept, ConceptType


def _options(items: list[dict[str, Any]]) -> set[str]:
    return {str(item.get("value")) for item in items}


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(str(value).strip())
        except ValueError:
            raise ValidationError(
                _("%(where)s: %(value)r is not a number.") % {"where": where, "value": value}
            ) from None
    if not math.isfinite(value):
        raise ValidationError(_("%(where)s: the number must be finite.") % {"where": where})
    return value if isinstance(value, int) else float(value)


def _date(value: Any, where: str) -> str:
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValidationError(
            _("%(where)s: %(value)r is not a date (YYYY-MM-DD).") % {"where": where, "value": value}
        ) from None


def _scalar(kind: str, value: Any, where: str, options: list[dict[str, Any]]) -> Any:
    if kind in (ConceptType.TEXT, ConceptType.RICH_TEXT):
        if not isinstance(value, str):
            raise ValidationError(_("%(where)s: expected text.") % {"where": where})
        return value
    if kind == ConceptType.NUMBER:
        return _number(value, where)
    if kind == ConceptType.DATE:
        return _date(value, where)
    if kind == ConceptType.YES_NO:
        if not isinstance(value, bool):
            raise ValidationError(_("%(where)s: expected yes or no.") % {"where": where})
        return value
    if kind == ConceptType.CHOICE:
        if str(value) not in _options(options):
            raise ValidationError(
                _("%(where)s: %(value)r is not one of the choices (%(choices)s).")
                % {"where": where, "value": value, "choices": ", ".join(sorted(_options(options)))}
            )
        return str(value)
    raise ValidationError(
        _("%(where)s: values of this type cannot be typed in.") % {"where": where}
    )


def clean(concept: Concept, value: Any) -> Any:
    """The value as it will be stored, or ValidationError naming the concept and field."""
    where = concept.uid
    if value is None:
        return None
    kind = concept.type
    if kind == ConceptType.MULTIPLE_CHOICE:
        if not isinstance(value, list):
            raise ValidationError(_("%(where)s: expected a list of choices.") % {"where": where})
        chosen = [_scalar(ConceptType.CHOICE, v, where, concept.options) for v in value]
        if len(set(chosen)) != len(chosen):
            raise ValidationError(_("%(where)s: a choice is given twice.") % {"where": where})
        return chosen
    if kind == ConceptType.TABLE:
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            raise ValidationError(_("%(where)s: expected a list of rows.") % {"where": where})
        columns = {c["key"]: c for c in concept.columns}
        rows = []
        for n, row in enumerate(value, start=1):
            unknown = set(row) - set(columns)
            if unknown:
                raise ValidationError(
                    _("%(where)s, row %(row)d: unknown column %(column)s.")
                    % {"where": where, "row": n, "column": sorted(unknown)[0]}
                )
            cleaned = {}
            for key, cell in row.items():
                column = columns[key]
                cell_where = f"{where}, row {n}, {key}"
                cleaned[key] = (
                    None
                    if cell in (None, "")
                    else _scalar(
                        column.get("type", "text"), cell, cell_where, column.get("options", [])
                    )
                )
            rows.append(cleaned)
        return rows
    if kind in (ConceptType.NATIONAL_TARGETS, ConceptType.ATTACHMENTS):
        if not isinstance(value, list):
            raise ValidationError(_("%(where)s: expected a list.") % {"where": where})
        return value
    if kind == ConceptType.INDICATOR_DATA:
        raise ValidationError(
            _("%(where)s: indicator data come from the country's series; import them instead.")
            % {"where": where}
        )
    return _scalar(kind, value, where, concept.options)
