"""Reads of commitments: who sees which, and the lists the pages and the API show.

Every read of commitments for a reader goes through ``visible_commitments``:

- the public sees published commitments only;
- the owner sees their own, whatever their state (signed in with a password, not
  through an API token);
- the team of a country a commitment covers (anyone with a role for that country)
  sees it once submitted, so that the country can review it;
- secretariat staff and administrators see every commitment.

A commitment the reader may not see does not exist for them (a 404, never a 403).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from meadow.commitments.models import (
    ActorType,
    Commitment,
    CommitmentReview,
    Coverage,
    ProgressReport,
    Status,
)
from meadow.core.actors import Actor
from meadow.frameworks.models import Element
from meadow.parties import roles
from meadow.parties.visibility import Publication, visible
from meadow.targets.models import NationalTarget

GBF_TARGETS = Q(framework__slug="gbf", level="target")


def visible_commitments(queryset: QuerySet[Commitment], actor: Actor) -> QuerySet[Commitment]:
    """The commitments of ``queryset`` the actor may read."""
    seen = roles.countries_seen(actor)
    if seen is None:  # secretariat staff and administrators
        return queryset
    allowed = Q(status=Status.PUBLISHED)
    # Through an API token, one's own commitments are not one's own: a token carries a
    # country role only.
    owner = roles.user_id(actor) if roles.token_scope(actor) is None else 0
    if owner:
        allowed |= Q(owner_id=owner)
    if seen:
        covered = Commitment.countries.through.objects.filter(place__code__in=sorted(seen)).values(
            "commitment_id"
        )
        allowed |= Q(status=Status.SUBMITTED, pk__in=covered)
    return queryset.filter(allowed)


def may_see(commitment: Commitment, actor: Actor) -> bool:
    return visible_commitments(Commitment.objects.filter(pk=commitment.pk), actor).exists()


def commitments(actor: Actor) -> QuerySet[Commitment]:
    """Every commitment the actor may read, with what a list shows."""
    return visible_commitments(
        Commitment.objects.prefetch_related(
            "countries",
            Prefetch("gbf_targets", queryset=Element.objects.order_by("order")),
        ),
        actor,
    )


def commitment(code: str, actor: Actor) -> Commitment | None:
    """One commitment by its code, if the actor may read it."""
    return commitments(actor).select_related("owner").filter(code=code).first()


def published(actor: Actor) -> QuerySet[Commitment]:
    return commitments(actor).filter(status=Status.PUBLISHED)


def filtered(
    queryset: QuerySet[Commitment],
    *,
    country: str | None = None,
    gbf_target: str | None = None,
    actor_type: str | None = None,
    coverage: str | None = None,
    status: str | None = None,
) -> QuerySet[Commitment]:
    """Narrow a list; ``gbf_target`` is a uid (gbf/target/3) or a target number (3)."""
    if country:
        queryset = queryset.filter(
            pk__in=Commitment.countries.through.objects.filter(place__code=country.upper()).values(
                "commitment_id"
            )
        )
    if gbf_target:
        uid = gbf_target_uid(gbf_target)
        queryset = queryset.filter(
            pk__in=Commitment.gbf_targets.through.objects.filter(element__uid=uid).values(
                "commitment_id"
            )
        )
    if actor_type:
        queryset = queryset.filter(actor_type=actor_type)
    if coverage:
        queryset = queryset.filter(coverage=coverage)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def gbf_target_uid(value: str) -> str:
    value = value.strip()
    return value if "/" in value else f"gbf/target/{value}"


def gbf_targets() -> QuerySet[Element]:
    return Element.objects.filter(GBF_TARGETS).order_by("order")


def counts_by_target(queryset: QuerySet[Commitment]) -> list[tuple[Element, int]]:
    """Each GBF target with the number of commitments of ``queryset`` that serve it."""
    rows = (
        Commitment.gbf_targets.through.objects.filter(commitment_id__in=queryset.values("pk"))
        .values("element_id")
        .annotate(n=Count("commitment_id", distinct=True))
    )
    found = {row["element_id"]: row["n"] for row in rows}
    return [(target, found.get(target.pk, 0)) for target in gbf_targets()]


def counts_by_actor_type(queryset: QuerySet[Commitment]) -> list[tuple[str, str, int]]:
    """Each actor type (value, label) with its number of commitments in ``queryset``."""
    found = dict(
        queryset.order_by().values_list("actor_type").annotate(n=Count("pk", distinct=True))
    )
    return [(value, str(label), found.get(value, 0)) for value, label in ActorType.choices]


def owned_by(actor: Actor) -> QuerySet[Commitment]:
    owner = roles.user_id(actor)
    return commitments(actor).filter(owner_id=owner) if owner else Commitment.objects.none()


def awaiting_review(country: str | None, actor: Actor) -> QuerySet[Commitment]:
    """Submitted commitments whose current round waits for this country's decision
    (``None``: global commitments, which the CBD secretariat reviews)."""
    queryset = commitments(actor).filter(status=Status.SUBMITTED)
    decided = CommitmentReview.objects.filter(commitment=OuterRef("pk"), round=OuterRef("round"))
    if country is None:
        queryset = queryset.filter(coverage=Coverage.GLOBAL)
        decided = decided.filter(country__isnull=True)
    else:
        queryset = filtered(queryset, country=country)
        decided = decided.filter(country__code=country)
    return queryset.exclude(Exists(decided)).order_by("submitted_at", "id")


def reviews(commitment: Commitment) -> QuerySet[CommitmentReview]:
    return commitment.reviews.select_related("country", "by").order_by("-round", "at", "id")


def reviewer_name(review: CommitmentReview, actor: Actor) -> str | None:
    """Who decided, by user name: shown to the team of the reviewing country, the
    secretariat and administrators only (the public sees the country's decision)."""
    if review.by is None:
        return None
    if review.country is None:
        allowed = roles.is_admin(actor) or roles.is_secretariat(actor)
    else:
        allowed = roles.sees_unpublished(actor, review.country.code)
    return review.by.get_username() if allowed else None


def progress_reports(commitment: Commitment) -> QuerySet[ProgressReport]:
    return commitment.progress_reports.select_related("by").order_by("-year", "-at", "-id")


def national_targets(commitment: Commitment, actor: Actor) -> QuerySet[NationalTarget]:
    """The national targets a commitment serves that the reader may see."""
    return visible(
        commitment.national_targets.select_related("country"), actor, country="country__code"
    ).order_by("country__code", "order", "code")


def pending_parts(commitment: Commitment) -> list[str | None]:
    """Countries (None: the secretariat) whose decision the current round still waits for."""
    if commitment.status != Status.SUBMITTED:
        return []
    decided = set(
        commitment.reviews.filter(round=commitment.round).values_list("country__code", flat=True)
    )
    return [part for part in concerned(commitment) if part not in decided]


def concerned(commitment: Commitment) -> list[str | None]:
    """Who reviews a commitment: its countries, or None (the CBD secretariat) if global."""
    if commitment.is_global:
        return [None]
    return [*sorted(p.code for p in commitment.countries.all())]


def published_national_targets() -> QuerySet[NationalTarget]:
    """National targets a commitment may serve (published ones), for a form's choices."""
    return (
        NationalTarget.objects.filter(status=Publication.PUBLISHED)
        .select_related("country")
        .order_by("country__code", "order", "code")
    )


def summary(queryset: QuerySet[Commitment]) -> dict[str, Any]:
    return {
        "total": queryset.count(),
        "by_target": counts_by_target(queryset),
        "by_actor_type": counts_by_actor_type(queryset),
    }
