"""Who reads which report.

A published report is public: anyone reads it, as its latest snapshot froze it. Before
that (draft, in review, approved, submitted) a report is read by the country's team,
secretariat staff and administrators, like every other unpublished national record
(``meadow.parties.visibility``). A report a reader may not see is a 404, never a 403.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from meadow.core.actors import Actor
from meadow.parties import roles
from meadow.reports import workflow
from meadow.reports.models import Report, Transition


def visible_reports(actor: Actor) -> QuerySet[Report]:
    """The reports the actor may read (published ones and their own countries' others)."""
    reports = Report.objects.select_related("country", "template", "template__convention")
    seen = roles.countries_seen(actor)
    if seen is None:
        return reports
    published = Exists(Transition.objects.filter(pk__in=_latest_published(), report=OuterRef("pk")))
    if not seen:
        return reports.filter(published)
    return reports.filter(published) | reports.filter(country__code__in=sorted(seen))


def _latest_published() -> QuerySet[Transition]:
    latest = Transition.objects.filter(report=OuterRef("report")).order_by("-at", "-id")
    return Transition.objects.filter(pk=latest.values("pk")[:1], to_state=workflow.PUBLISHED)


def may_read(actor: Actor, report: Report, state: str | None = None) -> bool:
    state = state or workflow.state(report)
    return state == workflow.PUBLISHED or roles.sees_unpublished(actor, report.country.code)
