"""Reads: conventions and their Parties, teams, invitations, tokens and country histories."""

from __future__ import annotations

from django.db.models import CharField, Count, Prefetch, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from meadow.audit.models import AuditEntry
from meadow.core.actors import Actor
from meadow.parties import roles
from meadow.parties.models import (
    ApiToken,
    Convention,
    CountryRole,
    Invitation,
    Party,
    SecretariatRole,
)
from meadow.places.models import Place, PlaceKind


def conventions() -> QuerySet[Convention]:
    return (
        Convention.objects.select_related("parent")
        .annotate(party_count=Count("parties"))
        .prefetch_related(Prefetch("protocols", queryset=Convention.objects.order_by("order")))
        .order_by("order", "code")
    )


def convention(code: str) -> Convention | None:
    return conventions().filter(code=code).first()


def parties(*, convention: str | None = None, country: str | None = None) -> QuerySet[Party]:
    found = Party.objects.select_related("convention", "place")
    if convention:
        found = found.filter(convention__code=convention)
    if country:
        found = found.filter(place__code=country.upper())
    return found.order_by("convention__order", "place__code")


def country(code: str) -> Place | None:
    return Place.objects.filter(code=code.upper(), kind=PlaceKind.COUNTRY).first()


def team(code: str) -> QuerySet[CountryRole]:
    return (
        CountryRole.objects.filter(country__code=code)
        .select_related("user", "granted_by")
        .order_by("user__username", "role")
    )


def pending_invitations(code: str) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        country__code=code,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by", "country")


def roles_of(user: Actor) -> QuerySet[CountryRole]:
    return (
        CountryRole.objects.filter(user_id=roles.user_id(user))
        .select_related("country")
        .order_by("country__code", "role")
    )


def secretariat_roles_of(user: Actor) -> QuerySet[SecretariatRole]:
    return SecretariatRole.objects.filter(user_id=roles.user_id(user)).select_related("convention")


def tokens_of(user: Actor) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.filter(user_id=roles.user_id(user))
        .select_related("country")
        .order_by("-created_at", "-id")
    )


def history(
    actor: Actor, *, country: str | None = None, object_uid: str | None = None
) -> QuerySet[AuditEntry]:
    """Audit entries the actor may read, newest first.

    With a country: that country's entries (the caller checks the audit.view policy).
    Without: the whole log for those who may read it, else the entries of the
    countries whose team the actor is on (nothing for the public).
    """
    entries = AuditEntry.objects.order_by("-at", "-id")
    if country is not None:
        entries = entries.filter(country=country)
    else:
        seen = roles.countries_seen(actor)
        if seen is not None:
            entries = entries.filter(country__in=sorted(seen))
    if object_uid:
        entries = entries.filter(object_uid=object_uid)
    return _without_unseen_commitments(entries, actor)


def _without_unseen_commitments(
    entries: QuerySet[AuditEntry], actor: Actor
) -> QuerySet[AuditEntry]:
    """Leave out the entries about commitments the actor may not read.

    A commitment is logged under every country it covers from its first draft on, but
    the country's team reads it only while it is submitted for review or once it is
    published (``meadow.commitments.queries``): its drafts are its owner's.
    """
    if roles.countries_seen(actor) is None:  # secretariat staff and administrators
        return entries
    from meadow.commitments.models import Commitment, ProgressReport
    from meadow.commitments.queries import visible_commitments

    unseen = Commitment.objects.exclude(
        pk__in=visible_commitments(Commitment.objects.all(), actor).values("pk")
    )
    commitment_uids = unseen.annotate(
        entry_uid=Concat(Value("commitment/"), "code", output_field=CharField())
    ).values("entry_uid")
    report_uids = (
        ProgressReport.objects.filter(commitment__in=unseen)
        .annotate(
            entry_uid=Concat(
                Value("commitment/"),
                "commitment__code",
                Value("/progress/"),
                Cast("pk", CharField()),
                output_field=CharField(),
            )
        )
        .values("entry_uid")
    )
    return entries.exclude(object_type="commitment", object_uid__in=commitment_uids).exclude(
        object_type="progress-report", object_uid__in=report_uids
    )
