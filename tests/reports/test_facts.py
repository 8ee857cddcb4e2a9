"""Facts: typed values, history, conflicts, permissions, and reading them per template."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from meadow.audit.models import AuditEntry
from meadow.core.actors import SystemActor
from meadow.parties.models import Convention, CountryRole, Role
from meadow.places.models import Place
from meadow.reports import facts, values
from meadow.reports.models import Concept, Fact, FactVersion, Question, Template

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]
SYSTEM = SystemActor("tests")
CHOICES = [{"value": v, "title": {"en": v}} for v in ("none", "partial", "complete")]


def concept(uid: str, kind: str, **extra: Any) -> Concept:
    return Concept.objects.create(uid=uid, type=kind, title={"en": uid}, **extra)


def person(name: str, country: str, role: Role) -> Any:
    user = get_user_model().objects.create_user(name, password="a long test passphrase")
    CountryRole.objects.create(user=user, country=Place.objects.get(code=country), role=role)
    return user


def template(code: str, convention: str, *concept_uids: str) -> Template:
    made = Template.objects.create(
        code=code,
        version="1",
        convention=Convention.objects.get(code=convention),
        title={"en": code},
        cycle="2026",
        document={},
        digest="0" * 64,
    )
    for order, uid in enumerate(concept_uids):
        Question.objects.create(
            template=made,
            key=f"q{order}",
            section="A",
            concept=Concept.objects.get(uid=uid),
            order=order,
        )
    return made


def test_values_are_checked_against_the_concept_type() -> None:
    share = concept("t.share", "number", unit="percent")
    inventory = concept("t.inventory", "choice", options=CHOICES)
    several = concept("t.several", "multiple-choice", options=CHOICES)
    laws = concept(
        "t.laws",
        "table",
        columns=[{"key": "title", "type": "text"}, {"key": "year", "type": "number"}],
    )
    assert values.clean(share, "12.5") == 12.5
    assert values.clean(inventory, "partial") == "partial"
    assert values.clean(several, ["none", "complete"]) == ["none", "complete"]
    assert values.clean(laws, [{"title": "Wildlife Act", "year": "2013"}]) == [
        {"title": "Wildlife Act", "year": 2013.0}
    ]
    assert values.clean(concept("t.when", "date"), "2024-05-01") == "2024-05-01"
    assert values.clean(concept("t.yes", "yes-no"), True) is True
    bad = [
        (share, "twelve", "t.share: 'twelve' is not a number."),
        (share, float("nan"), "t.share: the number must be finite."),
        (inventory, "most", "t.inventory: 'most' is not one of the choices"),
        (several, ["none", "none"], "t.several: a choice is given twice."),
        (laws, [{"title": "Act", "month": 3}], "t.laws, row 1: unknown column month."),
        (laws, [{"year": "soon"}], "t.laws, row 1, year: 'soon' is not a number."),
        (concept("t.date", "date"), "May 2024", "t.date: 'May 2024' is not a date"),
        (concept("t.flag", "yes-no"), "yes", "t.flag: expected yes or no."),
    ]
    for item, value, message in bad:
        with pytest.raises(ValidationError) as caught:
            values.clean(item, value)
        assert message in caught.value.messages[0], (item.uid, value)


@settings(max_examples=60, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_any_finite_number_survives_cleaning_exactly(number: float) -> None:
    item = Concept(uid="t.n", type="number")
    assert values.clean(item, number) == number
    assert values.clean(item, repr(number)) == number


def test_a_fact_keeps_every_value_with_who_and_where() -> None:
    concept("t.area", "number", unit="km2")
    contributor = person("wanjiku", "KEN", Role.CONTRIBUTOR)
    first = facts.set_fact(
        actor=contributor, country="KEN", concept="t.area", value=1200, source="report/a"
    )
    second = facts.set_fact(
        actor=SYSTEM,
        country="KEN",
        concept="t.area",
        value=1250.5,
        expected_version=1,
        source="report/b",
    )
    assert first.pk == second.pk and second.version == 2 and second.value == 1250.5
    history = facts.history("KEN", "t.area")
    assert [(v.version, v.value, v.actor, v.source) for v in history] == [
        (2, 1250.5, "system:tests", "report/b"),
        (1, 1200, "wanjiku", "report/a"),
    ]
    entries = AuditEntry.objects.filter(object_uid="fact/KEN/t.area").order_by("id")
    assert [(e.before, e.after, e.country) for e in entries] == [
        (None, {"value": 1200, "version": 1}, "KEN"),
        ({"value": 1200, "version": 1}, {"value": 1250.5, "version": 2}, "KEN"),
    ]
    # The same value again writes nothing.
    facts.set_fact(actor=SYSTEM, country="KEN", concept="t.area", value=1250.5)
    assert FactVersion.objects.filter(fact=second).count() == 2


def test_a_save_from_an_older_version_is_refused_with_both_values() -> None:
    concept("t.status", "choice", options=CHOICES)
    facts.set_fact(actor=SYSTEM, country="KEN", concept="t.status", value="none")
    facts.set_fact(
        actor=SYSTEM, country="KEN", concept="t.status", value="partial", expected_version=1
    )
    with pytest.raises(facts.Conflict) as caught:
        facts.set_fact(
            actor=SYSTEM, country="KEN", concept="t.status", value="complete", expected_version=1
        )
    assert caught.value.yours == "complete"
    assert caught.value.theirs.value == "partial" and caught.value.theirs.version == 2
    assert Fact.objects.get(concept__uid="t.status").value == "partial"
    # Two people starting from "no fact yet": the second is told.
    concept("t.new", "text")
    facts.set_fact(actor=SYSTEM, country="KEN", concept="t.new", value="a", expected_version=0)
    with pytest.raises(facts.Conflict):
        facts.set_fact(actor=SYSTEM, country="KEN", concept="t.new", value="b", expected_version=0)


def test_only_the_countrys_writers_set_its_facts() -> None:
    concept("t.text", "text")
    allowed = [
        person("fp", "KEN", Role.FOCAL_POINT),
        person("pa", "KEN", Role.PUBLISHING_AUTHORITY),
        person("co", "KEN", Role.CONTRIBUTOR),
    ]
    refused = [person("rv", "KEN", Role.REVIEWER), person("br", "BRA", Role.FOCAL_POINT)]
    for n, user in enumerate(allowed):
        facts.set_fact(actor=user, country="KEN", concept="t.text", value=f"v{n}")
    for user in refused:
        with pytest.raises(PermissionDenied):
            facts.set_fact(actor=user, country="KEN", concept="t.text", value="no")
    assert Fact.objects.get(concept__uid="t.text").value == "v2"


def test_answers_mark_prefilled_facts_and_the_other_reports_asking() -> None:
    concept("t.wetlands", "number", unit="km2")
    concept("t.sites", "number")
    cbd = template("t-cbd", "cbd", "t.wetlands")
    ramsar = template("t-ramsar", "ramsar", "t.wetlands", "t.sites")
    facts.set_fact(
        actor=SYSTEM,
        country="KEN",
        concept="t.wetlands",
        value=14000,
        source=facts.source_of(cbd, "KEN"),
    )
    cbd_answers = facts.answers(cbd, "KEN")
    ramsar_answers = facts.answers(ramsar, "KEN")
    assert [(a.answered, a.prefilled_from, a.also_in) for a in cbd_answers] == [
        (True, "", ["t-ramsar@1"])
    ]
    assert [(a.answered, a.prefilled_from, a.also_in) for a in ramsar_answers] == [
        (True, "report/t-cbd/2026/KEN", ["t-cbd@1"]),
        (False, "", []),
    ]
    assert facts.answers(ramsar, "BRA")[0].fact is None
