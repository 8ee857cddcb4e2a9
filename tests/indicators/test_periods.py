"""Period labels as national data write them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meadow.indicators.periods import PeriodError, parse


@pytest.mark.parametrize(
    ("label", "kind", "start", "end", "year"),
    [
        ("2015", "year", date(2015, 1, 1), date(2015, 12, 31), 2015),
        ("2021.0", "year", date(2021, 1, 1), date(2021, 12, 31), 2021),
        ("1974a", "year", date(1974, 1, 1), date(1974, 12, 31), 1974),
        ("2014/15", "split-year", date(2014, 1, 1), date(2015, 12, 31), 2015),
        ("1999/00", "split-year", date(1999, 1, 1), date(2000, 12, 31), 2000),
        ("2019/20 [Note 5]", "split-year", date(2019, 1, 1), date(2020, 12, 31), 2020),
        ("2013/16", "range", date(2013, 1, 1), date(2016, 12, 31), 2016),
        ("2013 Q2", "quarter", date(2013, 4, 1), date(2013, 6, 30), 2013),
        ("1993 02", "month", date(1993, 2, 1), date(1993, 2, 28), 1993),
        ("2003-05", "range", date(2003, 1, 1), date(2005, 12, 31), 2005),
        ("1987-1991", "range", date(1987, 1, 1), date(1991, 12, 31), 1991),
        ("2010 to 2011", "range", date(2010, 1, 1), date(2011, 12, 31), 2011),
        ("2002/03-2007/08", "range", date(2002, 1, 1), date(2008, 12, 31), 2008),
        ("2015/16 to 2017/18", "range", date(2015, 1, 1), date(2018, 12, 31), 2018),
        ("1990-1994 (baseline)", "range", date(1990, 1, 1), date(1994, 12, 31), 1994),
        ("17 May to 11 June 2023", "days", date(2023, 5, 17), date(2023, 6, 11), 2023),
    ],
)
def test_labels_from_national_data(
    label: str, kind: str, start: date, end: date, year: int
) -> None:
    period = parse(label)
    assert (period.label, period.kind, period.start, period.end, period.year) == (
        label,
        kind,
        start,
        end,
        year,
    )


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("", "empty"),
        ("There is no data for this indicator yet", "not a period"),
        ("1850", "outside"),
        ("2013 13", "month 13"),
        ("2015-2012", "ends before"),
        ("31 June to 2 July 2020", "not a real date"),
    ],
)
def test_unreadable_labels_say_why(label: str, reason: str) -> None:
    with pytest.raises(PeriodError, match=reason):
        parse(label)


@given(st.integers(1900, 2099))
def test_split_years_end_a_year_after_they_start(year: int) -> None:
    period = parse(f"{year}/{(year + 1) % 100:02d}")
    assert period.kind == "split-year"
    assert period.year == year + 1
    assert period.start.year == year


@given(st.integers(1900, 2100), st.integers(1, 4))
def test_quarters_cover_three_months(year: int, quarter: int) -> None:
    period = parse(f"{year} Q{quarter}")
    assert (period.end.month - period.start.month) == 2
    assert period.start <= period.end
