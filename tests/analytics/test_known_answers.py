"""Known answers, worked out by hand from a few real UK series.

The numbers are the headline rows (no disaggregation) of the UK's Open SDG data files,
copied here so that the tests do not read the data at run time:

- 13.2.2, ``indicator_13-2-2.csv``, Series "Greenhouse gas emissions within UK
  borders" (MtCO2e): 1990 813.396486653835, 2015 510.421371982878,
  2021 426.509996438525. Lower is better. Target: the UK's nationally determined
  contribution, 68 % below 1990 by 2030: 0.32 * 813.396486653835 = 260.2868757292272.
- 5.5.1, ``indicator_5-5-1.csv``, Series "House of Commons" (% of seats held by
  women): 2015 29.4, 2017 31.8952234206, 2019 34.0 (election years). Higher is better.
  Target: parity, 50 by 2030; natural limit 100.
- 7.2.1, ``indicator_7-2-1.csv``, "Renewable energy share in the total final energy
  consumption" (%): 2015 7.9, 2021 13.2. Higher is better; no numeric target
  ("increase substantially"); natural limit 100.
- 3.2.1, ``indicator_3-2-1.csv``, under-five mortality rate per 1,000 live births:
  2015 4.29, 2021 4.2398. Lower is better. Target 3.2: 25 or less by 2030.
- 17.2.1, ``indicator_17-2-1.csv``, "Net official development assistance (ODA) as a
  percentage of GNI": 2015 0.7, 2021 0.50391698260432. Higher is better. Target: the
  0.7 % commitment.
- 10.5.1, ``indicator_10-5-1.csv``, "Nonperforming loans net of provisions to
  capital" (%): 2015 -1.581227777063788, 2022 4.297456782496556. Lower is better.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from meadow.analytics.panel import Goals, Panel
from meadow.analytics.progress import Reason, Status, assess

GHG = {1990: 813.396486653835, 2015: 510.421371982878, 2021: 426.509996438525}
GHG_TARGET = 0.32 * GHG[1990]
COMMONS = {2015: 29.4, 2017: 31.8952234206, 2019: 34.0}
RENEWABLES = {2015: 7.9, 2021: 13.2}
UNDER_FIVE = {2015: 4.29, 2021: 4.2398}
ODA = {2015: 0.7, 2021: 0.50391698260432}
LOANS = {2015: -1.581227777063788, 2022: 4.297456782496556}

SERIES = [GHG, COMMONS, RENEWABLES, UNDER_FIVE, ODA, LOANS]
GHG_ROW, COMMONS_ROW, RENEWABLES_ROW, UNDER_FIVE_ROW, ODA_ROW, LOANS_ROW = range(6)


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    sid, year, value = [], [], []
    for row, series in enumerate(SERIES):
        for y, v in series.items():
            sid.append(row)
            year.append(y)
            value.append(v)
    panel = Panel.from_long(np.array(sid), np.array(year), np.array(value))
    goals = Goals.build(
        len(SERIES),
        direction=[-1, 1, 1, -1, 1, -1],
        target_value=[GHG_TARGET, 50.0, np.nan, 25.0, 0.7, np.nan],
        natural_limit=[np.nan, 100.0, 100.0, np.nan, np.nan, np.nan],
    )
    return assess(panel, goals)  # type: ignore[return-value]


def test_greenhouse_gases_un_chart(results):
    r = results["un_chart"]
    # Base 2015 (the base year has data), latest 2021: six years.
    assert (r.base_year[GHG_ROW], r.latest_year[GHG_ROW]) == (2015, 2021)
    # CAGR = (426.509996438525 / 510.421371982878) ** (1/6) - 1
    #      = 0.835603718515 ** (1/6) - 1 = -0.0294898972
    assert r.growth[GHG_ROW] == pytest.approx(-0.0294898972, rel=1e-8)
    # Projected to 2030 (nine more years): 426.509996 * 0.9705101028 ** 9 = 325.784007
    assert r.projected[GHG_ROW] == pytest.approx(325.784007, rel=1e-8)
    # P = -1 * (325.784007 - 510.421372) / |260.286876 - 510.421372|
    #   = 184.637365 / 250.134496 = 0.738152
    assert r.progress[GHG_ROW] == pytest.approx(0.738152346, rel=1e-8)
    # 0.5 <= P < 0.95: fair progress, but acceleration needed.
    assert r.status[GHG_ROW] == Status.MODERATE
    assert r.labels()[GHG_ROW] == "Fair progress, but acceleration needed"
    # Score on the 0.5..0.95 segment, 0..2.5: (0.738152 - 0.5) / 0.45 * 2.5 = 1.323069
    assert r.score[GHG_ROW] == pytest.approx(1.3230686, rel=1e-6)


def test_greenhouse_gases_eurostat_and_open_sdg(results):
    # Required CAGR = (260.286876 / 510.421372) ** (1/15) - 1 = 0.509943 ** (1/15) - 1
    #               = -0.0439038677
    # R = sign(+) * (-1) * (-0.0294898972) / 0.0439038677 = 0.671692466
    for method in ("eurostat", "open_sdg"):
        r = results[method]
        assert r.required_growth[GHG_ROW] == pytest.approx(-0.0439038677, rel=1e-8)
        assert r.progress[GHG_ROW] == pytest.approx(0.671692466, rel=1e-8)
        # 60 % <= R < 95 %
        assert r.status[GHG_ROW] == Status.MODERATE
    assert results["eurostat"].labels()[GHG_ROW] == "Moderate progress towards the target"
    assert results["open_sdg"].labels()[GHG_ROW] == "Progress made but acceleration needed"
    # Open SDG score for R >= 0.6: (R - 0.6) / 0.7 * 5 = 0.0716925 / 0.7 * 5 = 0.512089
    assert results["open_sdg"].score[GHG_ROW] == pytest.approx(0.5120890, rel=1e-6)


def test_greenhouse_gases_escap_status_index(results):
    r = results["escap"]
    # CSI = -1 * (426.509996 - 510.421372) / 250.134496 = 83.911376 / 250.134496 = 0.335465
    assert r.status_index[GHG_ROW] == pytest.approx(0.335465027, rel=1e-8)


def test_house_of_commons_escap_weighted_trend(results):
    r = results["escap"]
    # Window 2015, 2017, 2019; projection year 2030, so t = -15, -13, -11 and
    # w = 1/15, 1/13, 1/11 = 0.0666667, 0.0769231, 0.0909091.
    # y = log(value / 29.4) = 0, log(31.8952234206 / 29.4) = 0.0814616,
    #     log(34 / 29.4) = 0.1453659.
    # Sums: s0 = 0.2344988, s1 = sum w*t = -3, s2 = sum w*t*t = 15 + 13 + 11 = 39,
    #       q0 = sum w*y = 0.0194814, q1 = sum w*t*y = -0.2268274.
    # beta = (s0*q1 - s1*q0) / (s0*s2 - s1*s1)
    #      = (-0.0531908 + 0.0584441) / (9.1454545 - 9) = 0.0052533 / 0.1454545 = 0.0361164
    assert r.growth[COMMONS_ROW] == pytest.approx(math.expm1(0.0361163686), rel=1e-5)
    # Anticipated 2030 value: 34 * exp(0.0361164 * 11) = 34 * 1.4877725 = 50.584266
    assert r.projected[COMMONS_ROW] == pytest.approx(50.584266, rel=1e-5)
    # A = (50.584266 - 29.4) / |50 - 29.4| = 21.184266 / 20.6 = 1.028362: maintain progress.
    assert r.progress[COMMONS_ROW] == pytest.approx(1.028362, rel=1e-5)
    assert r.status[COMMONS_ROW] == Status.ON_TRACK
    assert r.labels()[COMMONS_ROW] == "Maintain progress to achieve the target"
    # CSI = (34 - 29.4) / 20.6 = 0.223301
    assert r.status_index[COMMONS_ROW] == pytest.approx(0.2233009709, rel=1e-9)


def test_house_of_commons_cagr_methods(results):
    # CAGR 2015-2019 = (34 / 29.4) ** (1/4) - 1 = 1.1564626 ** 0.25 - 1 = 0.0370099
    un = results["un_chart"]
    assert un.growth[COMMONS_ROW] == pytest.approx(0.0370098861, rel=1e-8)
    # Projected: 34 * 1.0370099 ** 11 = 50.709670; P = 21.309670 / 20.6 = 1.034450
    assert un.progress[COMMONS_ROW] == pytest.approx(1.03444998, rel=1e-7)
    assert un.status[COMMONS_ROW] == Status.ON_TRACK
    assert un.labels()[COMMONS_ROW] == "Target met or almost met"
    # Required: (50 / 29.4) ** (1/15) - 1 = 0.0360360; R = 0.0370099 / 0.0360360 = 1.027025
    eu = results["eurostat"]
    assert eu.progress[COMMONS_ROW] == pytest.approx(1.02702547, rel=1e-7)
    assert eu.status[COMMONS_ROW] == Status.ON_TRACK


def test_renewables_without_target(results):
    # CAGR = (13.2 / 7.9) ** (1/6) - 1 = 1.6708861 ** (1/6) - 1 = 0.0893258
    for method in ("un_chart", "eurostat", "open_sdg"):
        r = results[method]
        assert r.progress[RENEWABLES_ROW] == pytest.approx(0.0893258424, rel=1e-8)
        # Far above 2 % (UN), 1 % (Eurostat) and 1.5 % * C (Open SDG).
        assert r.status[RENEWABLES_ROW] == Status.ON_TRACK
    assert results["un_chart"].labels()[RENEWABLES_ROW] == "Substantial progress/on track"
    assert (
        results["eurostat"].labels()[RENEWABLES_ROW]
        == "Significant progress towards the SD objectives"
    )
    # Open SDG: C = 1 - (7.9 / 100) ** 4.44 = 1 - 0.0000127 = 0.9999873; g / C = 0.0893270
    # is beyond 2 %, the top of the score scale.
    os = results["open_sdg"]
    assert os.limit_factor[RENEWABLES_ROW] == pytest.approx(0.99998725135, rel=1e-10)
    assert os.score[RENEWABLES_ROW] == 5.0
    # ESCAP needs a target.
    escap = results["escap"]
    assert escap.status[RENEWABLES_ROW] == Status.NOT_ASSESSED
    assert escap.reason[RENEWABLES_ROW] == Reason.NO_TARGET


def test_under_five_mortality_has_met_its_target(results):
    # 4.2398 <= 25 with lower better: achieved, whatever the trend, by every method.
    for r in results.values():
        assert r.status[UNDER_FIVE_ROW] == Status.ACHIEVED
        assert r.score[UNDER_FIVE_ROW] == 5.0
    assert results["un_chart"].labels()[UNDER_FIVE_ROW] == "Target met"
    assert results["escap"].status_index[UNDER_FIVE_ROW] == 1.0


def test_aid_fell_from_a_target_met_at_the_base(results):
    # The base (0.7) met the target (0.7): no change was needed, so any fall is an
    # unbounded regression: d * (y - 0.7) / |0.7 - 0.7| = -inf, clipped to -1000.
    for method in ("un_chart", "eurostat", "open_sdg", "escap"):
        r = results[method]
        assert r.status[ODA_ROW] == Status.REGRESSING
        assert r.progress[ODA_ROW] == -1000.0
        assert r.score[ODA_ROW] == -5.0


def test_loans_cross_zero_without_target(results):
    # -1.58 to 4.30: no growth rate between values of opposite signs.
    for method in ("un_chart", "eurostat", "open_sdg"):
        r = results[method]
        assert r.status[LOANS_ROW] == Status.NOT_ASSESSED
        assert r.reason[LOANS_ROW] == Reason.GROWTH_UNDEFINED
        assert math.isnan(r.score[LOANS_ROW])
