"""Shared by the report tests: people with roles, and a report filled with valid answers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from meadow.parties.models import Convention, CountryRole, Role, SecretariatRole
from meadow.places.models import Place
from meadow.reports import facts, sample
from meadow.reports.models import Concept, Report


def user(name: str, country: str = "", role: Role | None = None, secretariat: str = "") -> Any:
    made = get_user_model().objects.create_user(name, password="a long passphrase 7")
    if role is not None:
        CountryRole.objects.create(user=made, country=Place.objects.get(code=country), role=role)
    if secretariat:
        SecretariatRole.objects.create(
            user=made, convention=Convention.objects.get(code=secretariat)
        )
    return made


def definitions() -> dict[str, dict[str, Any]]:
    """Every concept's definition by uid, as ``sample.answers`` reads them."""
    return {
        c.uid: {"type": c.type, "options": c.options, "columns": c.columns, "unit": c.unit}
        for c in Concept.objects.all()
    }


def fill(report: Report, actor: Any, seed: int = 1, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Answer every question of the report with valid sample answers; returns them by key."""
    template = report.template
    values = sample.answers(template.document, definitions(), seed=seed)
    concepts = dict(template.questions.values_list("key", "concept__uid"))
    for key, value in values.items():
        if key in skip:
            continue
        facts.set_fact(
            actor=actor,
            country=report.country.code,
            concept=concepts[key],
            value=value,
            source=facts.source_of(template, report.country.code),
        )
    return {k: v for k, v in values.items() if k not in skip}
