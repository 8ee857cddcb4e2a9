"""The database side of the aggregation: known answers on a hand-made case and on real data.

Hand-made case: three countries in one custom group, indicator D.2 (no other data):

    year   FRA   DEU   ITA        weights (test-weight): FRA 1, DEU 3, ITA 6
    2020    10    30    50
    2021    20     -    60

    sum      2020: 10 + 30 + 50 = 90                2021: 20 + 60 = 80
    mean     2020: 90 / 3 = 30                      2021: 80 / 2 = 40
    weighted 2020: (10*1 + 30*3 + 50*6) / 10 = 40   2021: (20*1 + 60*6) / 7 = 380/7
    coverage 2020: 1 (all three, by count or by weight)
             2021: 2/3 by count; 7/10 by weight
    min/max  2020: 10 / 50                          2021: 20 / 60
    carry-forward sum 2021: 20 + 30 + 60 = 110, one country imputed, coverage still 2/3
"""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max

from meadow.audit.models import AuditEntry
from meadow.core.actors import SystemActor
from meadow.frameworks.models import Element
from meadow.indicators.models import Assessment, Observation, Series
from meadow.places.models import Weight
from meadow.stocktake import actions, aggregation
from meadow.stocktake.models import AggregationRule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

SYSTEM = SystemActor("tests")
TRIO = "group/test-trio"


@pytest.fixture
def trio(series, custom_group, weight_set) -> Element:  # type: ignore[no-untyped-def]
    indicator = Element.objects.get(uid="gbf/indicator/D.2")
    series("FRA", indicator, {2020: 10.0, 2021: 20.0})
    series("DEU", indicator, {2020: 30.0})
    series("ITA", indicator, {2020: 50.0, 2021: 60.0})
    # Neither a disaggregated series nor a total in a unit fewer countries use is read.
    series("FRA", indicator, {2020: 1000.0, 2021: 1000.0}, disaggregation={"Sex": "Female"})
    series("FRA", indicator, {2020: 7.0, 2021: 7.0}, unit="tonnes")
    custom_group("test-trio", ["FRA", "DEU", "ITA"])
    weight_set("test-weight", {"FRA": 1.0, "DEU": 3.0, "ITA": 6.0})
    return indicator


def _rule(indicator: Element, rule: str, **options: object) -> aggregation.IndicatorAggregates:
    actions.set_rule(actor=SYSTEM, indicator=indicator.uid, rule=rule, **options)  # type: ignore[arg-type]
    return aggregation.aggregates(indicator)


def _cells(result: aggregation.IndicatorAggregates, uid: str = TRIO) -> dict[int, aggregation.Cell]:
    group = result.group(uid)
    assert group is not None
    return {c.year: c for c in group.cells}


def test_sum_by_hand(trio: Element) -> None:
    cells = _cells(_rule(trio, "sum"))
    assert cells[2020].value == 90.0
    assert cells[2020].coverage == 1.0
    assert cells[2020].n_countries == 3
    assert cells[2021].value == 80.0
    assert cells[2021].coverage == pytest.approx(2 / 3)
    assert cells[2021].n_countries == 2
    assert cells[2021].n_imputed == 0


def test_mean_by_hand(trio: Element) -> None:
    result = _rule(trio, "mean")
    cells = _cells(result)
    assert cells[2020].value == 30.0
    assert cells[2021].value == 40.0
    assert result.settings.unit == "Index"
    assert result.countries == 3
    assert result.units == {"Index": 3, "tonnes": 1}


def test_weighted_mean_by_hand(trio: Element) -> None:
    cells = _cells(_rule(trio, "weighted-mean", weight="test-weight"))
    assert cells[2020].value == pytest.approx(40.0)
    assert cells[2020].coverage == 1.0
    assert cells[2021].value == pytest.approx(380 / 7)
    assert cells[2021].coverage == pytest.approx(0.7)
    assert cells[2021].n_countries == 2


def test_min_and_max_by_hand(trio: Element) -> None:
    low = _cells(_rule(trio, "min"))
    assert (low[2020].value, low[2021].value) == (10.0, 20.0)
    high = _cells(_rule(trio, "max"))
    assert (high[2020].value, high[2021].value) == (50.0, 60.0)


def test_carry_forward_flags_the_imputed_country(trio: Element) -> None:
    cells = _cells(_rule(trio, "sum", impute="carry-forward"))
    assert cells[2021].value == 110.0
    assert cells[2021].n_countries == 2
    assert cells[2021].n_imputed == 1
    assert cells[2021].coverage == pytest.approx(2 / 3)


def test_group_mean_scales_a_sum_to_the_whole_group(trio: Element) -> None:
    # 2021: the reporters' mean (40) fills DEU: 80 * 3 / 2 = 120.
    cells = _cells(_rule(trio, "sum", impute="group-mean"))
    assert cells[2021].value == pytest.approx(120.0)
    assert cells[2021].n_imputed == 1


def test_below_the_threshold_nothing_is_published_and_coverage_stays(trio: Element) -> None:
    cells = _cells(_rule(trio, "weighted-mean", weight="test-weight", threshold=0.75))
    assert cells[2020].value == pytest.approx(40.0)
    assert cells[2021].value is None
    assert not cells[2021].published
    assert cells[2021].coverage == pytest.approx(0.7)
    assert cells[2021].n_countries == 2


def test_every_group_is_there_in_order(trio: Element) -> None:
    result = aggregation.aggregates(trio)
    uids = [g.group.uid for g in result.groups]
    assert uids[0] == "place/001"
    assert {"place/150", "place/155", "group/un-weog", "group/ldc", "group/sids", TRIO} <= set(uids)
    # Areas first, then UN regional groups, development status, custom groups.
    assert uids.index("place/155") < uids.index("group/un-weog") < uids.index("group/ldc")
    assert uids[-1] == TRIO
    world = _cells(result, "place/001")
    assert world[2020].n_countries == 3
    assert world[2020].value is None  # three countries are not half of the world


def test_defaults_without_a_rule(trio: Element) -> None:
    result = aggregation.aggregates(trio)
    assert result.settings.is_default
    assert (result.settings.rule, result.settings.weight) == ("mean", "population")
    assert (result.settings.impute, result.settings.threshold) == ("none", 0.5)
    # Coverage by population: DEU's share of the three countries' population in 2021.
    population = dict(
        Weight.objects.filter(
            weight_set__slug="population", place__code__in=["FRA", "DEU", "ITA"]
        ).values_list("place__code", "value")
    )
    cells = _cells(result)
    reported = population["FRA"] + population["ITA"]
    assert cells[2021].coverage == pytest.approx(reported / sum(population.values()))
    assert cells[2021].value == 40.0


# Real data: the United Kingdom's series in the reference database --------------------------


def _uk_total(uid: str) -> tuple[Element, dict[int, float]]:
    indicator = Element.objects.get(uid=uid)
    totals = [
        s for s in Series.objects.filter(indicator=indicator, place__code="GBR") if s.is_total
    ]
    assert len(totals) == 1
    observed = dict(
        Observation.objects.filter(series=totals[0], kind__in=("year", "split-year"), ordinal=0)
        .order_by("year", "id")
        .values_list("year", "value")
    )
    return indicator, observed


@pytest.mark.parametrize("uid", ["sdg/indicator/15.5.1", "sdg/indicator/15.1.1"])
@pytest.mark.parametrize(
    "rule",
    [
        {"rule": "sum"},
        {"rule": "mean"},
        {"rule": "min"},
        {"rule": "max"},
        {"rule": "weighted-mean", "weight": "population"},
        {"rule": "weighted-mean", "weight": "area", "impute": "carry-forward"},
        {"rule": "mean", "impute": "group-mean", "threshold": 1.0},
    ],
)
def test_uk_as_a_one_country_group_equals_itself(
    custom_group, uid: str, rule: dict[str, object]
) -> None:  # type: ignore[no-untyped-def]
    indicator, observed = _uk_total(uid)
    assert len(observed) >= 10
    custom_group("uk-only", ["GBR"])
    result = _rule(indicator, **rule)  # type: ignore[arg-type]
    cells = _cells(result, "group/uk-only")
    for year, value in observed.items():
        # Exact but for a weighted mean's w * v / w, which may round in the last bit.
        assert cells[year].value == pytest.approx(value, rel=1e-15), year
        assert cells[year].coverage == 1.0
        assert cells[year].n_countries == 1
        assert cells[year].n_imputed == 0
    assert {y for y, c in cells.items() if c.published} == set(observed)


def test_uk_with_a_larger_country_without_data_publishes_nothing(custom_group) -> None:  # type: ignore[no-untyped-def]
    indicator, observed = _uk_total("sdg/indicator/15.5.1")
    custom_group("uk-and-france", ["GBR", "FRA"])
    result = _rule(indicator, "mean", weight="population")
    population = dict(
        Weight.objects.filter(
            weight_set__slug="population", place__code__in=["GBR", "FRA"]
        ).values_list("place__code", "value")
    )
    share = population["GBR"] / (population["GBR"] + population["FRA"])
    assert share < 0.5
    cells = _cells(result, "group/uk-and-france")
    for year in observed:
        assert cells[year].value is None
        assert cells[year].coverage == pytest.approx(share)
        assert cells[year].n_countries == 1
    # With a threshold under the UK's share, the same group publishes the UK's values.
    lower = _rule(indicator, "mean", weight="population", threshold=round(share - 0.01, 2))
    assert {y: c.value for y, c in _cells(lower, "group/uk-and-france").items()} == observed


def test_progress_of_a_one_country_group_is_the_countrys_own(custom_group) -> None:  # type: ignore[no-untyped-def]
    """The Red List Index has a global goal; the UK series was assessed against it when the
    reference data were loaded, so its aggregate as a one-country group gets the same class
    by every method."""
    indicator, _observed = _uk_total("sdg/indicator/15.5.1")
    custom_group("uk-only", ["GBR"])
    result = aggregation.aggregates(indicator)
    assert result.goal is not None
    progress = {p.method: p for p in result.group("group/uk-only").progress}  # type: ignore[union-attr]
    uk_series = next(
        s for s in Series.objects.filter(indicator=indicator, place__code="GBR") if s.is_total
    )
    stored = {a.method: a for a in Assessment.objects.filter(series=uk_series)}
    assert set(progress) == set(stored) == {"un_chart", "eurostat", "open_sdg", "escap"}
    for method, assessment in stored.items():
        assert progress[method].status == assessment.status, method
        if assessment.score is None:
            assert progress[method].score is None
        else:
            assert progress[method].score == pytest.approx(assessment.score)


def test_no_global_goal_no_progress(trio: Element) -> None:
    result = aggregation.aggregates(trio)
    assert result.goal is None
    assert all(not g.progress for g in result.groups)


def test_an_indicator_without_national_data() -> None:
    result = aggregation.aggregates(Element.objects.get(uid="gbf/indicator/A.1"))
    assert result.years == ()
    assert result.countries == 0
    assert all(not g.cells for g in result.groups)


# Cache ---------------------------------------------------------------------------------------


def test_results_are_cached_until_the_data_change(trio: Element, series) -> None:  # type: ignore[no-untyped-def]
    actions.set_rule(actor=SYSTEM, indicator=trio.uid, rule="sum")
    first = aggregation.aggregates(trio)
    again = aggregation.aggregates(trio)
    assert again.version == first.version
    assert _cells(again)[2021].value == 80.0
    # A new observation changes the data version: the sum is recomputed.
    deu = Series.objects.get(indicator=trio, place__code="DEU", unit="Index")
    from datetime import date

    Observation.objects.create(
        series=deu,
        period="2021",
        kind="year",
        start=date(2021, 1, 1),
        end=date(2021, 12, 31),
        year=2021,
        value=5.0,
    )
    changed = aggregation.aggregates(trio)
    assert changed.version != first.version
    assert _cells(changed)[2021].value == 85.0
    # A changed rule is seen at once too.
    actions.set_rule(actor=SYSTEM, indicator=trio.uid, rule="max")
    assert _cells(aggregation.aggregates(trio))[2021].value == 60.0


def test_data_version_follows_the_newest_observation() -> None:
    version = aggregation.data_version()
    newest = Observation.objects.aggregate(v=Max("id"))["v"]
    assert str(newest) in version.split("|")


# Rules are set through the action ------------------------------------------------------------


def test_set_rule_writes_the_audit_log() -> None:
    uid = "gbf/indicator/A.3"
    rule = actions.set_rule(
        actor=SYSTEM, indicator=uid, rule="weighted-mean", weight="area", threshold=0.6
    )
    assert AggregationRule.objects.get(indicator__uid=uid) == rule
    entry = AuditEntry.objects.filter(action="stocktake.rule.set").latest("id")
    assert entry.object_uid == f"aggregation-rule/{uid}"
    assert entry.before is None
    assert entry.after == {
        "rule": "weighted-mean",
        "weight": "area",
        "impute": "none",
        "threshold": 0.6,
        "unit": "",
        "note": "",
    }
    assert actions.remove_rule(actor=SYSTEM, indicator=uid)
    assert not AggregationRule.objects.filter(indicator__uid=uid).exists()
    assert AuditEntry.objects.filter(action="stocktake.rule.remove").latest("id").before == (
        entry.after
    )


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"indicator": "gbf/target/3", "rule": "sum"}, "indicator"),
        ({"indicator": "gbf/indicator/A.3", "rule": "median"}, "rule"),
        ({"indicator": "gbf/indicator/A.3", "rule": "weighted-mean"}, "weight"),
        ({"indicator": "gbf/indicator/A.3", "rule": "sum", "weight": "nothing"}, "weight"),
        ({"indicator": "gbf/indicator/A.3", "rule": "sum", "impute": "guess"}, "impute"),
        ({"indicator": "gbf/indicator/A.3", "rule": "sum", "threshold": 1.5}, "threshold"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(options: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        actions.set_rule(actor=SYSTEM, **options)  # type: ignore[arg-type]
    assert field in error.value.message_dict
    assert not AggregationRule.objects.exists()


def test_only_administrators_and_the_secretariat_set_rules(user_factory) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    from meadow.parties.models import Convention, SecretariatRole

    for actor in (AnonymousUser(), user_factory("focal", roles={"FRA": "focal-point"})):
        with pytest.raises(PermissionDenied):
            actions.set_rule(actor=actor, indicator="gbf/indicator/A.3", rule="sum")
    staff = user_factory("cbd-staff")
    SecretariatRole.objects.create(user=staff, convention=Convention.objects.get(code="cbd"))
    actions.set_rule(actor=staff, indicator="gbf/indicator/A.3", rule="sum")
    assert AggregationRule.objects.get(indicator__uid="gbf/indicator/A.3").updated_by == staff


def test_a_nan_never_leaks_as_a_value(trio: Element) -> None:
    for group in aggregation.aggregates(trio).groups:
        for cell in group.cells:
            assert cell.value is None or math.isfinite(cell.value)
