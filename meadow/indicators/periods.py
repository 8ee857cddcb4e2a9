"""Reading period labels: plain years and the other forms national data comes in.

The label is kept as written (it is part of an observation's key, so an export gives
back exactly what came in); parsing adds a kind, the first and last day covered and
the year used by progress assessment (the year the period ends in).

Forms understood (examples from national Open SDG data):
- ``2015``, ``2021.0``, ``1974a`` (a year, with a stray decimal or release letter);
- ``2014/15``, ``2014/2015`` (a split year: financial or academic), ``2019/20 [Note 5]``;
  ``2013/16`` (a slash between years further apart: a range);
- ``2013 Q1`` and ``2013-Q1`` (quarters); ``1993 01`` and ``2020-M03`` (months);
- ``2003-05``, ``1987-1991``, ``2010 to 2011``, ``2002/03-2007/08``,
  ``2015/16 to 2017/18``, ``1990-1994 (baseline)`` (ranges of years);
- ``17 May to 11 June 2023`` (a range of days).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MIN_YEAR = 1900
MAX_YEAR = 2100

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})

_NOTE = re.compile(r"\s*(\[[^\]]*\]|\([^)]*\))\s*$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+|[a-z])?$")
_SPLIT = re.compile(r"^(\d{4})/(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})[ -]?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})(?: |-M)(\d{2})$")
_RANGE = re.compile(r"^(\d{4}(?:/\d{2,4})?)\s*(?:-|to)\s*(\d{2,4}(?:/\d{2,4})?)$")
_DAYS = re.compile(r"^(\d{1,2}) ([A-Za-z]+)(?: (\d{4}))? to (\d{1,2}) ([A-Za-z]+) (\d{4})$")


class PeriodError(ValueError):
    """A period label Meadow cannot read."""


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    kind: str  # year, split-year, quarter, month, range, days
    start: date
    end: date

    @property
    def year(self) -> int:
        """The year the period ends in: the time axis of progress assessment."""
        return self.end.year

    @property
    def annual(self) -> bool:
        """Covers one year (calendar or split): usable in an annual series."""
        return self.kind in {"year", "split-year"}


def _full_year(first: int, text: str) -> int:
    """Second year of ``2014/15`` or ``2003-05``: two digits continue the first year's century."""
    if len(text) == 4:
        return int(text)
    candidate = first // 100 * 100 + int(text)
    return candidate if candidate > first else candidate + 100


def _check(label: str, *years: int) -> None:
    for year in years:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(f"{label!r}: year {year} is outside {MIN_YEAR}-{MAX_YEAR}")


def _year_or_split(label: str, text: str) -> tuple[int, int]:
    """First and last year of ``2014`` or ``2014/15``."""
    split = _SPLIT.match(text)
    if split:
        first = int(split.group(1))
        second = _full_year(first, split.group(2))
        if second != first + 1:
            raise PeriodError(f"{label!r}: a split year must cover two consecutive years")
        return first, second
    if re.fullmatch(r"\d{4}", text):
        return int(text), int(text)
    raise PeriodError(f"{label!r}: not a year")


def parse(label: str) -> Period:
    """Read a period label; raises PeriodError naming the label when it cannot."""
    raw = (label or "").strip()
    if not raw:
        raise PeriodError("empty period")
    text = _NOTE.sub("", raw).strip()
    if match := _YEAR.match(text):
        year = int(match.group(1))
        _check(raw, year)
        return Period(raw, "year", date(year, 1, 1), date(year, 12, 31))
    if split := _SPLIT.match(text):
        first = int(split.group(1))
        second = _full_year(first, split.group(2))
        _check(raw, first, second)
        # 2014/15 is one financial or academic year; 2013/16 spans several years.
        kind = "split-year" if second == first + 1 else "range"
        return Period(raw, kind, date(first, 1, 1), date(second, 12, 31))
    if match := _QUARTER.match(text):
        year, quarter = int(match.group(1)), int(match.group(2))
        _check(raw, year)
        last_month = quarter * 3
        last_day = calendar.monthrange(year, last_month)[1]
        return Period(
            raw, "quarter", date(year, last_month - 2, 1), date(year, last_month, last_day)
        )
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        _check(raw, year)
        if not 1 <= month <= 12:
            raise PeriodError(f"{raw!r}: month {month} does not exist")
        return Period(
            raw,
            "month",
            date(year, month, 1),
            date(year, month, calendar.monthrange(year, month)[1]),
        )
    if match := _RANGE.match(text):
        left, right = match.group(1), match.group(2)
        first, _ = _year_or_split(raw, left)
        if re.fullmatch(r"\d{2}", right):
            last = _full_year(first, right)
        else:
            start_of_right, last = _year_or_split(raw, right)
            if start_of_right < first:
                raise PeriodError(f"{raw!r}: the range ends before it starts")
        _check(raw, first, last)
        if last <= first:
            raise PeriodError(f"{raw!r}: the range ends before it starts")
        return Period(raw, "range", date(first, 1, 1), date(last, 12, 31))
    if match := _DAYS.match(text):
        day1, month1, year1, day2, month2, year2 = match.groups()
        try:
            end = date(int(year2), _MONTHS[month2.lower()], int(day2))
            start = date(int(year1 or year2), _MONTHS[month1.lower()], int(day1))
        except (KeyError, ValueError):
            raise PeriodError(f"{raw!r}: not a real date range") from None
        _check(raw, start.year, end.year)
        if end < start:
            raise PeriodError(f"{raw!r}: the range ends before it starts")
        return Period(raw, "days", start, end)
    raise PeriodError(f"{raw!r} is not a period Meadow can read (e.g. 2015, 2014/15, 2020 Q1)")
