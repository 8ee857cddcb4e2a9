"""Fixtures for the stocktake tests: national targets, series and groups made by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from meadow.frameworks.models import Element
from meadow.indicators.models import Observation, Series, series_key
from meadow.places.models import GroupKind, Membership, Place, PlaceGroup, Weight, WeightSet
from meadow.targets.models import Alignment, NationalTarget, QuantitativeElement


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts from an empty cache: test databases reuse ids after a rollback,
    so a data version could repeat between tests."""
    cache.clear()
    yield
    cache.clear()


NationalTargetMaker = Callable[..., NationalTarget]


@pytest.fixture
def national_target() -> NationalTargetMaker:
    """Make a national target with the ORM: ``national_target("FRA", "T3", status=...,
    align={"gbf/target/3": "full"}, quantities=[(global_element, value, unit)])``."""

    def make(
        country: str,
        code: str,
        *,
        status: str = "published",
        align: dict[str, str] | None = None,
        quantities: list[tuple[Any, float, str]] | None = None,
        title: str = "",
    ) -> NationalTarget:
        target = NationalTarget.objects.create(
            country=Place.objects.get(code=country),
            code=code,
            title={"en": title or f"{country} national target {code}"},
            status=status,
        )
        for uid, degree in (align or {}).items():
            Alignment.objects.create(
                target=target, element=Element.objects.get(uid=uid), degree=degree
            )
        for element, value, unit in quantities or []:
            QuantitativeElement.objects.create(
                target=target,
                global_element=element,
                quantity={"en": "area"},
                unit=unit,
                value=value,
                year=2030,
            )
        return target

    return make


SeriesMaker = Callable[..., Series]


@pytest.fixture
def series() -> SeriesMaker:
    """Make a national series with annual observations: ``series("FRA", indicator,
    {2020: 1.0}, unit="Index", disaggregation={})``."""

    def make(
        country: str,
        indicator: Element,
        values: dict[int, float],
        *,
        unit: str = "Index",
        disaggregation: dict[str, str] | None = None,
    ) -> Series:
        dims = disaggregation or {}
        item = Series.objects.create(
            key=series_key(indicator.uid, country, unit, 0, "", dims),
            indicator=indicator,
            place=Place.objects.get(code=country),
            unit=unit,
            disaggregation=dims,
        )
        Observation.objects.bulk_create(
            Observation(
                series=item,
                period=str(year),
                kind="year",
                start=date(year, 1, 1),
                end=date(year, 12, 31),
                year=year,
                value=value,
            )
            for year, value in values.items()
        )
        return item

    return make


GroupMaker = Callable[..., PlaceGroup]


@pytest.fixture
def custom_group() -> GroupMaker:
    def make(slug: str, members: list[str]) -> PlaceGroup:
        group = PlaceGroup.objects.create(
            slug=slug, kind=GroupKind.CUSTOM, name={"en": f"Group {slug}"}
        )
        for code in members:
            Membership.objects.create(group=group, place=Place.objects.get(code=code))
        return group

    return make


WeightMaker = Callable[..., WeightSet]


@pytest.fixture
def weight_set() -> WeightMaker:
    def make(slug: str, values: dict[str, float], unit: str = "units") -> WeightSet:
        item = WeightSet.objects.create(
            slug=slug, name={"en": f"Weights {slug}"}, unit=unit, year="2024", source="tests"
        )
        for code, value in values.items():
            Weight.objects.create(weight_set=item, place=Place.objects.get(code=code), value=value)
        return item

    return make


@pytest.fixture
def user_factory() -> Callable[..., Any]:
    """A signed-in user, with country roles (``roles={"FRA": "focal-point"}``)."""
    from meadow.parties.models import CountryRole

    def make(name: str, *, roles: dict[str, str] | None = None, superuser: bool = False) -> Any:
        user = get_user_model().objects.create_user(
            username=name, password="a long enough password", is_superuser=superuser
        )
        for country, role in (roles or {}).items():
            CountryRole.objects.create(
                user=user, country=Place.objects.get(code=country), role=role
            )
        return user

    return make
