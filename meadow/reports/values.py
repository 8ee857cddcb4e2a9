"""Checking a value against its concept's type, before it becomes a fact.

Values are stored as JSON: text and rich text as strings, numbers as numbers, dates as
ISO strings, a choice as its option value, a multiple choice as a list of option
values, yes/no as a boolean, a table as a list of rows (objects keyed by the columns),
national targets as a list of ``{target, progress, actions, summary, challenges,
examples}`` rows (the code of one of the country's national targets, or
``gbf/target/<n>`` for a GBF target reported on directly; the level of progress from
``PROGRESS`` or null; the texts the CBD's form asks, see ``target_progress``; a row
stored before the texts were asked reads them as empty), attachments as a list of
``{name, url}``. ``None`` clears a fact. Indicator data are not typed in: they are the
country's series for the indicator.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meadow.frameworks.models import Element
from meadow.reports import target_progress
from meadow.reports.models import Concept, ConceptType
from meadow.targets.specs import CODE as TARGET_CODE

# Levels of progress towards a national target, as the CBD's 7th national report asks.
PROGRESS = {
    "on-track": gettext_lazy("On track to achieve the target"),
    "insufficient": gettext_lazy("Progress towards the target but at an insufficient rate"),
    "no-change": gettext_lazy("No significant change"),
    "moving-away": gettext_lazy("Moving away from the target"),
    "unknown": gettext_lazy("Unknown"),
}


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
    if kind == ConceptType.NATIONAL_TARGETS:
        return _target_rows(value, where)
    if kind == ConceptType.ATTACHMENTS:
        return _attachments(value, where)
    if kind == ConceptType.INDICATOR_DATA:
        raise ValidationError(
            _("%(where)s: indicator data come from the country's series; import them instead.")
            % {"where": where}
        )
    return _scalar(kind, value, where, concept.options)


def _rows(value: Any, where: str, keys: set[str]) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise ValidationError(_("%(where)s: expected a list of rows.") % {"where": where})
    for n, row in enumerate(value, start=1):
        unknown = set(row) - keys
        if unknown:
            raise ValidationError(
                _("%(where)s, row %(row)d: unknown column %(column)s.")
                % {"where": where, "row": n, "column": sorted(unknown)[0]}
            )
    return value


def _target_rows(value: Any, where: str) -> list[dict[str, Any]]:
    rows = []
    seen: set[str] = set()
    direct: dict[str, int] = {}
    for n, row in enumerate(_rows(value, where, set(target_progress.FIELDS)), start=1):
        code = str(row.get("target") or "").strip()
        if not code:
            raise ValidationError(
                _("%(where)s, row %(row)d, target: the national target's code is missing.")
                % {"where": where, "row": n}
            )
        if code in seen:
            raise ValidationError(
                _("%(where)s, row %(row)d, target: %(code)s is given twice.")
                % {"where": where, "row": n, "code": code}
            )
        seen.add(code)
        if target_progress.is_global(code):
            direct[code] = n
        elif not TARGET_CODE.match(code):
            raise ValidationError(
                _(
                    "%(where)s, row %(row)d, target: %(code)r is neither the code of a national "
                    "target nor a GBF target (gbf/target/1 to gbf/target/23)."
                )
                % {"where": where, "row": n, "code": code}
            )
        progress = row.get("progress") or None
        if progress is not None and progress not in PROGRESS:
            raise ValidationError(
                _("%(where)s, row %(row)d, progress: %(value)r is not one of %(choices)s.")
                % {"where": where, "row": n, "value": progress, "choices": ", ".join(PROGRESS)}
            )
        cleaned: dict[str, Any] = {"target": code, "progress": progress}
        for key in target_progress.TEXTS:
            text = row.get(key)
            if text is None:
                text = ""
            if not isinstance(text, str):
                raise ValidationError(
                    _("%(where)s, row %(row)d, %(field)s: expected text.")
                    % {"where": where, "row": n, "field": key}
                )
            cleaned[key] = text
        rows.append(cleaned)
    if direct:
        known = set(
            Element.objects.filter(
                uid__in=list(direct), framework__slug=target_progress.FRAMEWORK, level="target"
            ).values_list("uid", flat=True)
        )
        for code, n in direct.items():
            if code not in known:
                raise ValidationError(
                    _("%(where)s, row %(row)d, target: %(code)s is not a GBF target.")
                    % {"where": where, "row": n, "code": code}
                )
    return rows


def _attachments(value: Any, where: str) -> list[dict[str, Any]]:
    rows = []
    for n, row in enumerate(_rows(value, where, {"name", "url"}), start=1):
        url = str(row.get("url") or "").strip()
        if not url.startswith(("https://", "http://")):
            raise ValidationError(
                _("%(where)s, row %(row)d, url: a link starts with https:// or http://.")
                % {"where": where, "row": n}
            )
        rows.append({"name": str(row.get("name") or url).strip(), "url": url})
    return rows
