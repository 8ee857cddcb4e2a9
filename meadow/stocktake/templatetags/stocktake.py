"""Number formats of the stocktake pages: ``{% load stocktake %}``."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from meadow.indicators.charts import number

register = template.Library()


@register.filter
def percent(share: Any) -> str:
    """A share (0.437) as a per cent ("43.7 %"); one decimal, none at 0 or 100."""
    if share is None:
        return ""
    value = float(share) * 100
    if not math.isfinite(value):
        return ""
    decimals = 0 if value in (0.0, 100.0) else 1
    return _("%(value)s %%") % {"value": number_format(round(value, decimals), decimals)}


@register.filter
def figure(value: Any) -> str:
    """A value with a few significant figures and thousands separators (12,345.7)."""
    if value is None:
        return ""
    result = float(value)
    if not math.isfinite(result):
        return ""
    if abs(result) >= 1e5:
        return f"{result:,.0f}"
    return number(result, figures=5)


@register.filter
def share_of(counts: Any, degree: str) -> float:
    """The share of the Parties with a degree, from a ``DegreeCounts``."""
    return float(counts.share(degree))


@register.filter
def degree_label(degree: str) -> str:
    """A degree of alignment in words: "full" -> "Full"."""
    from meadow.stocktake.queries import DEGREE_LABELS

    return str(DEGREE_LABELS.get(degree, degree))


@register.filter
def negate(value: Any) -> float | None:
    return None if value is None else -float(value)
