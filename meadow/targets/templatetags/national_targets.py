"""Template helpers of the national target pages: ``{% load national_targets %}``."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value: float | int | None) -> str:
    """A number as people write it: 30, 12.5, 200,000,000,000 (grouped in the page's way)."""
    if value is None:
        return ""
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    if number.is_integer():
        return number_format(int(number), force_grouping=True)
    return number_format(float(f"{number:.6g}"), force_grouping=True)
