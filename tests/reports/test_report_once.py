"""Report once: the CBD's 7th national report and the Ramsar report share their facts.

A demo country's team answers the CBD report; its Ramsar report then finds every
overlapping question already answered from the same facts, marked with where they
were entered; a change made through either report shows in both, with its history.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from meadow.parties.models import CountryRole, Role
from meadow.places.models import Place
from meadow.reports import facts
from meadow.reports.models import Concept, ConceptType, Template

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]
TYPED_IN = {
    ConceptType.TEXT,
    ConceptType.RICH_TEXT,
    ConceptType.NUMBER,
    ConceptType.DATE,
    ConceptType.CHOICE,
    ConceptType.MULTIPLE_CHOICE,
    ConceptType.YES_NO,
    ConceptType.TABLE,
}


def sample(concept: Concept) -> Any:
    """A valid value of the concept's type."""
    kind = concept.type
    if kind in (ConceptType.TEXT, ConceptType.RICH_TEXT):
        return f"Answer to {concept.uid}"
    if kind == ConceptType.NUMBER:
        return 42.5
    if kind == ConceptType.DATE:
        return "2024-06-30"
    if kind == ConceptType.YES_NO:
        return True
    if kind == ConceptType.CHOICE:
        return concept.options[-1]["value"]
    if kind == ConceptType.MULTIPLE_CHOICE:
        return [concept.options[0]["value"]]
    row = {c["key"]: ("7" if c.get("type") == "number" else "x") for c in concept.columns}
    row = {
        c["key"]: (c["options"][0]["value"] if c.get("type") == "choice" else row[c["key"]])
        for c in concept.columns
    }
    return [row]


def latest(code: str) -> Template:
    return Template.objects.filter(code=code).order_by("-loaded_at").first()  # type: ignore[return-value]


def test_the_ramsar_report_is_prefilled_from_the_cbd_report() -> None:
    cbd, ramsar = latest("cbd-nr7"), latest("ramsar-cop15")
    assert cbd is not None and ramsar is not None
    contributor = get_user_model().objects.create_user("amani", password="a long passphrase 9")
    CountryRole.objects.create(
        user=contributor, country=Place.objects.get(code="KEN"), role=Role.CONTRIBUTOR
    )
    answered = set()
    for answer in facts.answers(cbd, "KEN"):
        if answer.concept.type in TYPED_IN and answer.concept.uid not in answered:
            facts.set_fact(
                actor=contributor,
                country="KEN",
                concept=answer.concept.uid,
                value=sample(answer.concept),
                source=facts.source_of(cbd, "KEN"),
            )
            answered.add(answer.concept.uid)
    assert len(answered) >= 93  # the binary-indicator questions at least

    shared = [a for a in facts.answers(ramsar, "KEN") if a.concept.uid in answered]
    expected = {
        "protected-areas.terrestrial-coverage",
        "legislation.biodiversity-framework",
        "nbsap.status",
        "invasive-species.strategy",
    }
    assert expected <= {a.concept.uid for a in shared}
    for answer in shared:
        assert answer.answered, answer.question.key
        assert answer.prefilled_from == facts.source_of(cbd, "KEN")
        assert f"{cbd.code}@{cbd.version}" in answer.also_in
    # Questions only Ramsar asks are still open.
    assert any(not a.answered for a in facts.answers(ramsar, "KEN"))

    # A change made through the Ramsar report is the CBD report's answer too.
    uid = "protected-areas.terrestrial-coverage"
    fact = next(a.fact for a in shared if a.concept.uid == uid)
    assert fact is not None
    facts.set_fact(
        actor=contributor,
        country="KEN",
        concept=uid,
        value=31.2,
        expected_version=fact.version,
        source=facts.source_of(ramsar, "KEN"),
    )
    in_cbd = next(a for a in facts.answers(cbd, "KEN") if a.concept.uid == uid)
    assert in_cbd.fact is not None and in_cbd.fact.value == 31.2
    assert in_cbd.prefilled_from == facts.source_of(ramsar, "KEN")
    history = facts.history("KEN", uid)
    assert [(v.value, v.source) for v in history] == [
        (31.2, facts.source_of(ramsar, "KEN")),
        (42.5, facts.source_of(cbd, "KEN")),
    ]
    assert {v.actor for v in history} == {"amani"}
