"""A country's facts: set once, read by every report that asks for them.

``set_fact`` is the one way a fact changes: it checks the value against the concept,
refuses a save made from an older version (``Conflict``, carrying both versions so
that nobody's answer is lost), keeps every value as a ``FactVersion`` and writes the
audit log. ``answers`` reads a template's questions for a country with, for each, the
fact, where it was entered, and which other templates ask for the same concept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from meadow import audit
from meadow.core.actions import action
from meadow.core.actors import Actor, SystemActor, label
from meadow.places.models import Place, PlaceKind
from meadow.reports import values
from meadow.reports.models import Concept, Fact, FactVersion, Question, Template


@dataclass(frozen=True)
class Version:
    version: int
    value: Any
    actor: str
    at: str
    source: str


class Conflict(Exception):
    """The fact changed since the version the editor started from: both are kept here."""

    def __init__(self, uid: str, yours: Any, theirs: Version) -> None:
        self.uid = uid
        self.yours = yours
        self.theirs = theirs
        super().__init__(
            f"{uid} was changed by {theirs.actor} (version {theirs.version}) since you "
            "opened it: compare both values and save again"
        )


def source_of(template: Template, country: str) -> str:
    """How a fact entered through a report names that report."""
    return f"report/{template.code}/{template.cycle}/{country}"


def _version(fact: Fact) -> Version:
    latest = fact.versions.order_by("-version").first()
    return Version(
        version=fact.version,
        value=fact.value,
        actor=latest.actor if latest else "",
        at=fact.updated_at.isoformat(),
        source=fact.source,
    )


@action("facts.edit")
def set_fact(
    *,
    actor: Actor,
    country: str,
    concept: str,
    value: Any,
    expected_version: int | None = None,
    source: str = "",
) -> Fact:
    """Give the country's fact for ``concept`` a new value (None clears it).

    ``expected_version`` is the version the editor saw (0: there was no fact yet);
    when the fact has moved on since, ``Conflict`` is raised and nothing is written.
    Saving the value the fact already has writes nothing.
    """
    place = Place.objects.get(code=country, kind=PlaceKind.COUNTRY)
    item = Concept.objects.get(uid=concept)
    cleaned = values.clean(item, value)
    fact = Fact.objects.select_for_update().filter(country=place, concept=item).first()
    uid = f"fact/{country}/{concept}"
    if fact is not None and expected_version is not None and fact.version != expected_version:
        raise Conflict(uid, cleaned, _version(fact))
    if fact is None and expected_version not in (None, 0):
        raise Conflict(uid, cleaned, Version(0, None, "", "", ""))
    if fact is not None and fact.value == cleaned:
        return fact
    user: Any = None if isinstance(actor, SystemActor) or not actor.is_authenticated else actor
    now = timezone.now()
    before = None if fact is None else {"value": fact.value, "version": fact.version}
    if fact is None:
        fact = Fact.objects.create(
            country=place,
            concept=item,
            value=cleaned,
            version=1,
            source=source,
            updated_at=now,
            updated_by=user,
        )
    else:
        fact.value = cleaned
        fact.version += 1
        fact.source = source
        fact.updated_at = now
        fact.updated_by = user
        fact.save(update_fields=["value", "version", "source", "updated_at", "updated_by"])
    FactVersion.objects.create(
        fact=fact,
        version=fact.version,
        value=cleaned,
        source=source,
        at=now,
        by=user,
        actor=label(actor),
    )
    audit.record(
        actor=actor,
        action="fact.set",
        object_type="fact",
        object_uid=uid,
        before=before,
        after={"value": cleaned, "version": fact.version},
        source=source,
        country=country,
    )
    return fact


@dataclass
class Answer:
    """One question of a template for one country, with the fact that answers it."""

    question: Question
    concept: Concept
    fact: Fact | None
    # Set when the fact was entered elsewhere (another report, an import): prefilled.
    prefilled_from: str = ""
    # Other templates that ask for the same concept (code@version).
    also_in: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.fact is not None and self.fact.value not in (None, "", [])


def answers(template: Template, country: str, here: str = "") -> list[Answer]:
    """Every question of the template, in order, answered from the country's facts.

    ``here`` names the report being read (its uid): a fact entered elsewhere is marked
    as prefilled; by default, the template's own cycle's report.
    """
    questions = list(template.questions.select_related("concept").order_by("order"))
    concept_ids = {q.concept_id for q in questions}
    facts = {
        f.concept_id: f
        for f in Fact.objects.filter(
            country__code=country, concept_id__in=concept_ids
        ).select_related("updated_by")
    }
    elsewhere: dict[int, set[str]] = {}
    for concept_id, code, version in (
        Question.objects.filter(concept_id__in=concept_ids)
        .exclude(template=template)
        .values_list("concept_id", "template__code", "template__version")
    ):
        elsewhere.setdefault(concept_id, set()).add(f"{code}@{version}")
    here = here or source_of(template, country)
    out = []
    for question in questions:
        fact = facts.get(question.concept_id)
        prefilled = fact.source if fact is not None and fact.source != here else ""
        out.append(
            Answer(
                question=question,
                concept=question.concept,
                fact=fact,
                prefilled_from=prefilled,
                also_in=sorted(elsewhere.get(question.concept_id, set())),
            )
        )
    return out


def history(country: str, concept: str) -> list[FactVersion]:
    """Every value the fact has had, newest first."""
    return list(
        FactVersion.objects.filter(
            fact__country__code=country, fact__concept__uid=concept
        ).order_by("-version")
    )
